import Foundation
import MatFile
import TestSupport
import Testing

/// Flipped bits and truncations of small fixtures are refused or read, never a crash;
/// a flip inside a compressed variable is refused unless it leaves the inflated data
/// unchanged (deflate has redundant bits, e.g. after the final block's end code).
@Suite struct RobustnessTests {
  /// Opens `path` and reads everything it lists; returns the names listed, or `nil`
  /// when the file is refused.
  @discardableResult
  private func exercise(_ path: String) -> [String]? {
    contents(path).map { $0.map(\.name).filter { $0 != "model.Theta1" } }
  }

  /// Every listed variable with its bits as read (or its error, minus the file name),
  /// or `nil` when the file is refused.
  private func contents(_ path: String) -> [(name: String, read: String)]? {
    guard let mat = try? MatFile(path: path) else { return nil }
    var out: [(name: String, read: String)] = []
    for name in mat.variables().map(\.name) + ["model.Theta1"] {
      do {
        let m = try mat.readMatrix(named: name)
        out.append((name, "\(m.rows)x\(m.columns) \(m.columnMajor.map(\.bitPattern))"))
      } catch {
        out.append((name, String(error.description.dropFirst(path.count))))
      }
    }
    _ = mat.contains("nest.inner.w")
    return out.filter { $0.name != "model.Theta1" || $0.read.contains("x") }
  }

  /// Every offset of `bytes` with `bit` flipped, each written to `directory`.
  private func flips(
    of bytes: [UInt8], bit: UInt8, in directory: URL, name: String
  ) throws -> [(offset: Int, path: String)] {
    try bytes.indices.map { offset in
      var copy = bytes
      copy[offset] ^= bit
      let url = directory.appendingPathComponent("\(name)-\(offset).mat")
      try Data(copy).write(to: url)
      return (offset, url.path)
    }
  }

  @Test(arguments: ["weights_v5z.mat", "weights_v5z_be.mat", "classes_v5z.mat"])
  func everyFlipInACompressedFileIsRefused(_ file: String) throws {
    let originalPath = Expected.fixture(file)
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: originalPath)))
    let expected = try #require(contents(originalPath))
    let directory = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var accepted = 0
    for (offset, path) in try flips(of: original, bit: 0x10, in: directory, name: file) {
      // Header text and the subsystem-offset field carry no data; everything from the
      // version field on is checked. Whatever is accepted must read exactly as before.
      if let read = contents(path) {
        if offset >= 124 { accepted += 1 }
        #expect(read.map(\.name) == expected.map(\.name), "\(file): flip at \(offset)")
        #expect(read.map(\.read) == expected.map(\.read), "\(file): flip at \(offset)")
      }
      try FileManager.default.removeItem(atPath: path)
    }
    // Only the odd redundant deflate bit survives; zlib refuses nearly every flip.
    #expect(accepted * 20 < original.count - 124, "\(file): \(accepted) flips accepted")
  }

  @Test(arguments: ["weights_v5.mat", "weights_v4.mat", "refused_v5.mat", "mixed_v5.mat"])
  func everyFlipInAnUncompressedFileIsHandled(_ file: String) throws {
    // Uncompressed v4/v5 data has no checksum: a flipped value bit reads as a changed
    // value. What must hold is that nothing crashes and structure damage is refused.
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Expected.fixture(file))))
    let directory = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for (_, path) in try flips(of: original, bit: 0x41, in: directory, name: file) {
      exercise(path)
      try FileManager.default.removeItem(atPath: path)
    }
  }

  @Test(arguments: ["weights_v5z.mat", "weights_v5.mat", "weights_v4.mat", "weights_v73.mat"])
  func everyTruncationInsideAVariableIsRefused(_ file: String) throws {
    // MAT v4/v5 files have no variable count or trailer, so a file cut exactly between
    // two variables is a valid file with fewer variables; every other cut is refused.
    // v7.3 files are refused at every cut (the HDF5 superblock records the file's end).
    let path = Expected.fixture(file)
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let all = try #require(exercise(path))
    let directory = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let step = file.hasSuffix("v73.mat") ? 97 : 1
    var accepted = 0
    for length in stride(from: 0, to: original.count, by: step) {
      let url = directory.appendingPathComponent("\(length).mat")
      try Data(original[0..<length]).write(to: url)
      if let names = exercise(url.path) {
        accepted += 1
        #expect(!file.hasSuffix("v73.mat"), "\(file) cut to \(length) bytes was accepted")
        #expect(names.count < all.count && names == Array(all.prefix(names.count)))
      }
      try FileManager.default.removeItem(at: url)
    }
    // At most one cut per variable boundary (and the bare v5 header) is accepted.
    #expect(accepted <= all.count)
  }
}
