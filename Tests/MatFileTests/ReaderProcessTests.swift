import Foundation
import Glibc
import TestSupport
import Testing

@testable import MatFile

/// v7.3 files are read in a forked child process (issue 6): a crash, a hang or a child
/// that ends without answering becomes a one-line error, and what the child sends back
/// (values, errors) arrives bit for bit.
@Suite struct ReaderProcessTests {
  /// Short bounds, so the timeout test is quick.
  static let quick: MatLimits = {
    var limits = MatLimits.standard
    limits.readerTimeoutSeconds = 1
    return limits
  }()

  @Test func answersArriveIntact() throws {
    var w = WireWriter()
    w.doubles([1.5, -0.0, .nan, .infinity, .leastNonzeroMagnitude, Double(bitPattern: 0x7FF8_0000_0000_1234)])
    w.string("Théta")
    let sent = w.bytes
    let got = try ReaderProcess.run(file: "f.mat", limits: Self.quick) { sent }
    #expect(Array(got[ReaderProcess.answerStart...]) == sent)
    var r = WireReader(got, from: ReaderProcess.answerStart)
    let decoded = r.doubles()
    let values = try #require(decoded)
    #expect(values.map(\.bitPattern)[5] == 0x7FF8_0000_0000_1234)
    #expect(values[1].sign == .minus)
    #expect(r.string() == "Théta")
    #expect(r.atEnd)
  }

  @Test func aLargeAnswerArrivesIntact() throws {
    var w = WireWriter()
    w.doubles((0..<300_000).map { Double($0) / 7 })
    let sent = w.bytes
    let got = try ReaderProcess.run(file: "f.mat", limits: Self.quick) { sent }
    #expect(Array(got[ReaderProcess.answerStart...]) == sent)
  }

  @Test func aCrashingChildIsReportedNotFatal() {
    let error = Expected.error {
      try ReaderProcess.run(file: "crash.mat", limits: Self.quick) { () -> [UInt8] in
        _ = kill(getpid(), SIGSEGV)
        return []
      }
    }
    #expect(error == .readerCrashed(file: "crash.mat", signal: SIGSEGV))
    #expect(error?.description.contains("SIGSEGV") == true)
    #expect(error?.description.contains("\n") == false)
  }

  @Test func aTrappingChildIsReported() {
    let error = Expected.error {
      try ReaderProcess.run(file: "trap.mat", limits: Self.quick) { () -> [UInt8] in
        let values: [Int] = []
        return [UInt8(values[Int(getpid() % 2) + 1])]  // index out of range: a Swift trap
      }
    }
    guard case .readerCrashed(let file, let signal)? = error else {
      Issue.record("expected readerCrashed, got \(String(describing: error))")
      return
    }
    #expect(file == "trap.mat")
    #expect(signal == SIGILL || signal == SIGTRAP)
  }

  @Test func aHangingChildIsKilled() {
    let start = Date()
    let error = Expected.error {
      try ReaderProcess.run(file: "hang.mat", limits: Self.quick) { () -> [UInt8] in
        while true { sleep(1) }
      }
    }
    #expect(error == .readerTimedOut(file: "hang.mat", seconds: 1))
    #expect(Date().timeIntervalSince(start) < 5)
  }

  @Test func aChildEndingWithoutAnAnswerIsReported() {
    let error = Expected.error {
      try ReaderProcess.run(file: "quit.mat", limits: Self.quick) { () -> [UInt8] in
        _exit(7)
      }
    }
    #expect(error == .readerFailed(file: "quit.mat", problem: "it exited with status 7"))
  }

  @Test func everyErrorCrossesTheWire() {
    let f = "w.mat"
    let all: [MatFileError] = [
      .cannotRead(file: f, reason: "r"), .emptyFile(file: f), .notMatFile(file: f, reason: "r"),
      .unsupportedVersion(file: f, version: 0x0300), .damaged(file: f, offset: 512, problem: "p"),
      .tooLarge(file: f, what: "w", limit: 1 << 30), .matio(file: f, call: "c", message: "m"),
      .inconsistent(file: f, variable: "v", problem: "p"), .fileChanged(file: f),
      .noSuchVariable(file: f, name: "n"), .notAStruct(file: f, variable: "v", field: "x"),
      .structArray(file: f, variable: "v", dimensions: [1, 2]),
      .noSuchField(file: f, variable: "v", field: "x"),
      .isStruct(file: f, variable: "v", fields: ["a", "b"]),
      .unsupportedClass(file: f, variable: "v", matClass: .cell), .complex(file: f, variable: "v"),
      .empty(file: f, variable: "v", dimensions: [0, 3]),
      .notTwoDimensional(file: f, variable: "v", dimensions: [2, 2, 2]),
      .inexactInteger(file: f, variable: "v", index: 3, value: "9007199254740993"),
      .readerCrashed(file: f, signal: 11), .readerTimedOut(file: f, seconds: 10),
      .readerFailed(file: f, problem: "p"),
    ]
    for error in all {
      var w = WireWriter()
      w.error(error)
      var r = WireReader(w.bytes)
      #expect(r.error() == error)
      #expect(r.atEnd)
      // A cut answer never decodes to something else, and never traps.
      for cut in stride(from: 0, to: w.bytes.count, by: 3) {
        var short = WireReader(Array(w.bytes[0..<cut]))
        #expect(short.error() == nil)
      }
    }
  }

  /// Bit flips that crashed libhdf5 inside theta before issue 6 (found by
  /// tools/scan_v73_flips.py, kept in Fixtures/bad by tools/make_bad_mats.py).
  @Test(arguments: ReaderProcessTests.crashers())
  func formerCrashersAreRefused(_ name: String) {
    let path = Fixtures.path("bad/\(name)")
    let error = Expected.error { () throws -> [MatMatrix] in
      let mat = try MatFile(path: path)
      _ = mat.variables()
      return try ["Theta1", "Theta2"].map { try mat.readMatrix(named: $0) }
    }
    #expect(error != nil, "\(name) was read")
    #expect(error?.description.hasPrefix(path + ": ") == true, "\(String(describing: error))")
    #expect(error?.description.contains("\n") == false)
  }

  /// The `v73-crash-*` and `v73-diag-*` files in Fixtures/bad (the latter made libhdf5
  /// print multi-line diagnostics).
  static func crashers() -> [String] {
    let dir = Fixtures.path("bad")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasPrefix("v73-crash-") || $0.hasPrefix("v73-diag-") }.sorted()
  }

  @Test func theCrashFixturesArePresent() {
    #expect(Self.crashers().filter { $0.hasPrefix("v73-crash-") }.count >= 2)
    #expect(Self.crashers().count >= 5)
  }
}
