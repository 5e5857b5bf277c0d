import Checksums
import Foundation
import TestSupport
import Testing

@Suite struct CRC32CTests {
  @Test func matchesTheCastagnoliCheckValue() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
  }

  @Test func emptyInputIsZero() {
    #expect(CRC32C.checksum([UInt8]()) == 0)
  }

  // RFC 3720 (iSCSI) appendix B.4 test vectors.
  @Test func matchesRFC3720Vectors() {
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
  }

  @Test func incrementalEqualsOneShot() {
    let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    var c = CRC32C()
    c.update(data[0..<333])
    c.update(data[333...])
    #expect(c.value == CRC32C.checksum(data))
  }
}

@Suite struct SHA256Tests {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf").
  @Test func matchesFIPSExamples() {
    #expect(
      SHA256.hexDigest(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      SHA256.hexDigest([UInt8]())
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func millionAs() {
    #expect(
      SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func incrementalAcrossBlockBoundaries() {
    let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    for split in [0, 1, 55, 56, 63, 64, 65, 127, 999] {
      var s = SHA256()
      s.update(data[0..<split])
      s.update(data[split...])
      #expect(s.finalize() == SHA256.hash(data), "split at \(split)")
    }
  }

  @Test func hashesTheCourseWeightsAsREFERENCESays() throws {
    guard let path = Fixtures.courseWeights() else { return }
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(
      SHA256.hexDigest(bytes) == "7eb93f42e50219a15de2378c7f8e4ecdd71005fc19e0e519cd52d5ce4d74e1f5")
  }
}
