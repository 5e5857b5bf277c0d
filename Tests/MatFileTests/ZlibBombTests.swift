import Foundation
import TestSupport
import Testing

@testable import MatFile

/// A compressed element is judged by its first inflated bytes (tag and array header)
/// before the rest is inflated, so a zlib bomb costs its first 64 KiB, not its size.
@Suite struct ZlibBombTests {
  /// Fixtures/bad/lie-zlib-bomb.mat: an miMATRIX tag claiming 32 MiB, then zeros.
  static let bomb = Fixtures.path("bad/lie-zlib-bomb.mat")

  @Test func aBombIsRefusedByItsHeader() {
    let error = Expected.error { try MatFile(path: Self.bomb) }
    guard case .damaged(let file, 128, let problem)? = error else {
      Issue.record("expected .damaged at 128, got \(String(describing: error))")
      return
    }
    #expect(file == Self.bomb)
    #expect(problem.contains("miUINT32 array flags"), "\(problem)")
  }

  @Test func theReferenceWalkStopsAfterTheFirstStep() throws {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.bomb)))
    let check = StructureCheck(file: "bomb.mat", limits: .standard)
    let stream = 136..<data.count
    var largest = 0
    let result = Inflate.all(data, range: stream, limit: 1 << 30) {
      (head: [UInt8]) throws(MatFileError) -> InflateBound in
      largest = max(largest, head.count)
      return try check.inflatedHead(Bytes(data: head, bigEndian: false), element: 128, imageBefore: 128)
    }
    guard case .failure(.refused(.damaged(_, 128, _))) = result else {
      Issue.record("expected a refusal from the header, got \(result)")
      return
    }
    #expect(largest <= 1 << 16)
  }

  @Test func theFastPathDoesNotBelieveABomb() throws {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.bomb)))
    let check = StructureCheck(file: "bomb.mat", limits: .standard)
    #expect(check.checkV5InPlace(data, bigEndian: false) == nil)
  }

  @Test func headerChecksWaitForTheirBytes() throws {
    let check = StructureCheck(file: "h.mat", limits: .standard)
    // miMATRIX of 48 bytes: flags (double), dims 1x1, name "a", one miDOUBLE.
    var inner: [UInt8] = []
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { inner.append(contentsOf: $0) } }
    u32(14)
    u32(56)
    u32(6)
    u32(8)
    u32(6)
    u32(0)
    u32(5)
    u32(8)
    u32(1)
    u32(1)
    u32(0x0001_0001)
    inner += [0x61, 0, 0, 0]
    u32(9)
    u32(8)
    inner += [UInt8](repeating: 0, count: 8)
    #expect(inner.count == 64)
    for cut in 0...inner.count {
      let bound = try check.inflatedHead(
        Bytes(data: Array(inner[0..<cut]), bigEndian: false), element: 128, imageBefore: 128)
      #expect(bound.most >= inner.count)
    }
    // The same header claiming a larger element is refused as soon as the real part is seen.
    var lying = inner
    lying[4] = 0xF8
    lying[5] = 0xFF
    let error = Expected.error {
      try check.inflatedHead(Bytes(data: Array(lying[0..<56]), bigEndian: false), element: 128, imageBefore: 128)
    }
    guard case .damaged(_, 128, let problem)? = error else {
      Issue.record("expected .damaged, got \(String(describing: error))")
      return
    }
    #expect(problem.contains("unexpected bytes"), "\(problem)")
  }
}
