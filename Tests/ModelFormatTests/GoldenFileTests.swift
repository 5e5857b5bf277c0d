import Foundation
import ModelFormat
import TestSupport
import Testing

/// The golden v1 files are written by `tools/theta_format.py`, an implementation
/// of `Docs/FORMAT.md` written independently of this one. Every later version of
/// Theta must still read them.
@Suite struct GoldenFileTests {
  static func bytes(_ name: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/v1/" + name))))
  }

  @Test(arguments: ["tiny-f64.theta", "tiny-f32.theta", "course-shape-f64.theta"])
  func readsGoldenFileAndRewritesItByteForByte(_ name: String) throws {
    let original = try Self.bytes(name)
    let decoded = try ModelFile.decode(original)
    #expect(decoded.version == FormatVersion(major: 1, minor: 0))
    #expect(try ModelFile.encode(decoded.model) == original)
  }

  @Test func tinyGoldenHoldsTheDocumentedValues() throws {
    let model = try ModelFile.decode(Self.bytes("tiny-f64.theta")).model
    #expect(model.layerSizes == [4, 3, 2])
    #expect(model.labels == [1, 2])
    for w in model.weights {
      #expect(w.values == (0..<w.values.count).map { sin(Double($0 + 1)) / 10 })
    }
    let f32 = try ModelFile.decode(Self.bytes("tiny-f32.theta")).model
    #expect(f32.dtype == .float32)
    for w in f32.weights {
      #expect(w.values == (0..<w.values.count).map { Double(Float(sin(Double($0 + 1)) / 10)) })
    }
  }

  @Test func readsANewerMinorVersion() throws {
    let decoded = try ModelFile.decode(Self.bytes("future/minor-1.3.theta"))
    #expect(decoded.version == FormatVersion(major: 1, minor: 3))
    #expect(decoded.model.layerSizes == [4, 3, 2])
    #expect(decoded.model.extraTensors == ["Extra"])
    #expect(decoded.extensionBytes > 0)
  }

  static let refusals: [(String, ModelFormatError)] = [
    ("major-2.theta", .unsupportedVersion(FormatVersion(major: 2, minor: 0))),
    ("required-flag.theta", .unknownRequiredFlags(1)),
    ("big-endian-bom.theta", .bigEndian),
    ("bad-magic.theta", .notAThetaFile),
    ("truncated-header.theta", .truncated(expected: 464, actual: 226)),
    ("truncated-data.theta", .truncated(expected: 680, actual: 592)),
    ("header-crc.theta", .headerChecksum),
    ("tensor-crc.theta", .tensorChecksum(tensor: "Theta2")),
    ("trailer-sha.theta", .fileChecksum),
    ("trailing-bytes.theta", .trailingBytes(expected: 680, actual: 688)),
    ("nonzero-padding.theta", .nonzeroPadding(offset: 568)),
    ("overlap.theta", .misplacedTensor(tensor: "Theta2", offset: 512, expected: 576)),
    ("duplicate-key.theta", .unsortedKeys(previous: "user.note", key: "user.note")),
    ("unsorted-keys.theta", .unsortedKeys(previous: "model.layer_sizes", key: "model.labels")),
    ("duplicate-tensor.theta", .duplicateTensor("Theta2")),
    ("nan-weight.theta", .nonFinite(tensor: "Theta2", row: 0, column: 1, value: .nan)),
    ("shape-mismatch.theta", .shapeMismatch(tensor: "Theta2", expected: [2, 4], actual: [2, 3])),
    ("missing-key.theta", .missingKey("model.labels")),
    ("huge-count.theta", .limitExceeded(what: "tensor count", value: 4_294_967_295, limit: 1024)),
    ("huge-dims.theta", .badDimensions(tensor: "Theta1")),
  ]

  @Test(arguments: refusals.map(\.0)) func refusesBadFile(_ name: String) throws {
    let expected = Self.refusals.first { $0.0 == name }!.1
    do {
      _ = try ModelFile.decode(Self.bytes("bad/" + name))
      Issue.record("\(name) was accepted")
    } catch {
      // NaN != NaN, so compare the messages, which carry every payload.
      #expect("\(error)" == expected.description, "\(name)")
    }
  }
}
