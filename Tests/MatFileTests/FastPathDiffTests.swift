import Foundation
import Testing

@testable import MatFile

/// Differential test of the structural check: the fast path must never accept what the
/// reference rejects, and when it accepts, its layout and image equal the reference's.
@Suite struct FastPathDiffTests {
  static let files = [
    "big_v5z.mat", "classes_v5z.mat", "damaged_bitflip_v5z.mat", "damaged_lyingdims_v5z.mat",
    "damaged_truncated_v5z.mat", "mixed_v5z.mat", "refused_v5z.mat", "weights_v5z.mat",
    "weights_v5z_be.mat", "weights_v5.mat", "mixed_v5.mat", "classes_v5.mat", "weights_v5_be.mat",
  ]

  struct Counts { var fastAccepted = 0, refAccepted = 0, fallbackAccepted = 0, refused = 0 }

  func compare(_ data: [UInt8], _ check: StructureCheck, _ counts: inout Counts, _ label: String) {
    guard data.count >= 128, data[126] == 0x49 || data[126] == 0x4D else { return }
    let be = data[126] == 0x4D
    var refImage: [UInt8]? = nil
    let ref = Result { () throws(MatFileError) -> MatLayout in
      try check.checkV5Reference(data, bigEndian: be, image: &refImage)
    }
    let fast = check.checkV5InPlace(data, bigEndian: be)
    switch (ref, fast) {
    case (.failure, .some):
      Issue.record("\(label): fast accepted, reference refused: \(ref)")
    case (.success(let r), .some(let f)):
      counts.fastAccepted += 1
      counts.refAccepted += 1
      #expect(r.entries == f.layout.entries, "\(label)")
      #expect(r.headerText == f.layout.headerText && r.bigEndian == f.layout.bigEndian, "\(label)")
      #expect(refImage == f.image, "\(label): image differs")
    case (.success, .none):
      counts.refAccepted += 1
      counts.fallbackAccepted += 1
    case (.failure, .none):
      counts.refused += 1
    }
    // And the public dispatcher must behave exactly as the reference.
    var img: [UInt8]? = nil
    let both = Result { () throws(MatFileError) -> MatLayout in
      try check.checkV5(data, bigEndian: be, image: &img)
    }
    switch (ref, both) {
    case (.failure(let a), .failure(let b)): #expect(a == b, "\(label)")
    case (.success(let a), .success(let b)):
      #expect(a.entries == b.entries, "\(label)")
      #expect(img == refImage, "\(label)")
    default: Issue.record("\(label): dispatcher \(both) vs reference \(ref)")
    }
  }

  @Test(arguments: files) func everyBitFlipAndCut(_ name: String) throws {
    let path = Expected.fixture(name)
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let check = StructureCheck(file: path, limits: .standard)
    var counts = Counts()
    compare(original, check, &counts, "\(name) original")
    let bits: [UInt8] = original.count > 2000 ? [0x01, 0x10, 0x80] : [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80]
    let stride = original.count > 20000 ? 17 : original.count > 2000 ? 3 : 1
    for offset in Swift.stride(from: 124, to: original.count, by: stride) {
      for bit in bits {
        var copy = original
        copy[offset] ^= bit
        compare(copy, check, &counts, "\(name) flip \(offset)^\(bit)")
      }
    }
    for length in Swift.stride(from: 128, to: original.count, by: stride) {
      compare(Array(original[0..<length]), check, &counts, "\(name) cut \(length)")
    }
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      var copy = original
      let n = Int.random(in: 1...4, using: &rng)
      for _ in 0..<n { copy[Int.random(in: 128..<copy.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
      compare(copy, check, &counts, "\(name) random")
    }
    print("DIFF \(name): \(counts)")
  }

  @Test func limitsAreRespected() throws {
    for name in Self.files {
      let path = Expected.fixture(name)
      let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      for limit in [0, 8, 64, 184, 200, 1000, 4096, 100_000] {
        var limits = MatLimits.standard
        limits.maxInflatedBytes = limit
        var counts = Counts()
        compare(data, StructureCheck(file: path, limits: limits), &counts, "\(name) limit \(limit)")
      }
    }
  }
}
