/// SHA-256 as specified in FIPS 180-4: the trailer hash of a `.theta` file and
/// the provenance hash of converted source files.
public struct SHA256: Sendable {
  /// The working hash value H(i), eight words.
  var h: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
    0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
  ]
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  /// A fresh hash over no bytes.
  public init() { pending.reserveCapacity(64) }

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: some Collection<UInt8>) {
    if let done = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
      return done
    }
    let copy = Array(bytes)
    copy.withUnsafeBytes { update($0) }
  }

  /// Feeds the bytes of a raw buffer (no copy).
  public mutating func update(_ buffer: UnsafeRawBufferPointer) {
    length &+= UInt64(buffer.count)
    var start = 0
    if !pending.isEmpty {
      let take = min(64 - pending.count, buffer.count)
      pending.append(contentsOf: buffer[0..<take])
      start = take
      if pending.count == 64 {
        let block = pending
        block.withUnsafeBytes { compress($0) }
        pending.removeAll(keepingCapacity: true)
      }
    }
    while buffer.count - start >= 64 {
      compress(UnsafeRawBufferPointer(rebasing: buffer[start..<start + 64]))
      start += 64
    }
    pending.append(contentsOf: buffer[start...])
  }

  /// Finishes the hash and returns the 32-byte digest.
  public mutating func finalize() -> [UInt8] {
    let bitLength = length &* 8
    var tail = pending
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    for i in (0..<8).reversed() {
      tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8)))
    }
    tail.withUnsafeBytes { all in
      var start = 0
      while start < all.count {
        compress(UnsafeRawBufferPointer(rebasing: all[start..<start + 64]))
        start += 64
      }
    }
    pending.removeAll()
    return h.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (24 - 8 * UInt32($0))) } }
  }

  /// The SHA-256 digest of `bytes`.
  public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var s = SHA256()
    s.update(bytes)
    return s.finalize()
  }

  /// The digest as 64 lowercase hexadecimal digits.
  public static func hexDigest(_ bytes: some Collection<UInt8>) -> String {
    hex(hash(bytes))
  }

  /// Lowercase hexadecimal text of `bytes`.
  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
