import Foundation
import SafeFile
import TestSupport
import Testing

@Suite struct SafeFileTests {
  @Test func writesAndReadsBack() throws {
    let dir = Fixtures.temporaryDirectory()
    let path = dir.appendingPathComponent("out.bin").path
    try SafeFile.write([1, 2, 3], to: path, overwrite: false)
    #expect(try SafeFile.read(path) == [1, 2, 3])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.bin"])
  }

  @Test func refusesToReplaceWithoutOverwrite() throws {
    let dir = Fixtures.temporaryDirectory()
    let path = dir.appendingPathComponent("out.bin").path
    try SafeFile.write([1], to: path, overwrite: false)
    #expect(throws: SafeFileError.exists(path: path)) {
      try SafeFile.write([2], to: path, overwrite: false)
    }
    #expect(try SafeFile.read(path) == [1])
    try SafeFile.write([2], to: path, overwrite: true)
    #expect(try SafeFile.read(path) == [2])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.bin"])
  }

  @Test func failedWriteLeavesOldFileAndNoTemporary() throws {
    let dir = Fixtures.temporaryDirectory()
    let path = dir.appendingPathComponent("sub/out.bin").path
    #expect(throws: SafeFileError.self) { try SafeFile.write([1], to: path, overwrite: true) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func unwritableDirectoryIsAnError() {
    // procfs refuses to create files: the write fails cleanly at open().
    #expect(throws: SafeFileError.self) {
      try SafeFile.write([UInt8](repeating: 0, count: 10), to: "/proc/theta-cannot-write", overwrite: true)
    }
  }

  @Test func refusesToOverwriteAnInput() throws {
    let dir = Fixtures.temporaryDirectory()
    let path = dir.appendingPathComponent("in.bin").path
    try SafeFile.write([1], to: path, overwrite: false)
    #expect(throws: SafeFileError.wouldOverwriteInput(path: path)) {
      try SafeFile.checkOutput(path, inputs: [path], force: true)
    }
    let alias = dir.appendingPathComponent("./in.bin").path
    #expect(throws: SafeFileError.wouldOverwriteInput(path: alias)) {
      try SafeFile.checkOutput(alias, inputs: [path], force: true)
    }
  }

  @Test func missingFileNamesPathAndCause() {
    #expect {
      _ = try SafeFile.read("/nonexistent/theta.bin")
    } throws: { e in
      (e as? SafeFileError)?.description == "/nonexistent/theta.bin: No such file or directory (open)"
    }
  }
}
