/// CRC-32C (Castagnoli), the checksum of every header and tensor in a `.theta` file.
///
/// Reflected polynomial `0x82F63B78`, initial value `0xFFFFFFFF`, final XOR
/// `0xFFFFFFFF`; the CRC of the ASCII bytes `123456789` is `0xE3069283`.
public struct CRC32C: Sendable {
  private var state: UInt32 = 0xFFFF_FFFF

  /// A fresh checksum over no bytes.
  public init() {}

  /// Feeds `bytes` into the checksum.
  public mutating func update(_ bytes: some Sequence<UInt8>) {
    if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) != nil {
      return
    }
    var c = state
    let t = crc32cTable
    for b in bytes {
      c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8)
    }
    state = c
  }

  /// Feeds the bytes of a raw buffer (no copy).
  public mutating func update(_ buffer: UnsafeRawBufferPointer) {
    state = crc32cUpdate(state, buffer)
  }

  /// The checksum of everything fed so far.
  public var value: UInt32 { state ^ 0xFFFF_FFFF }

  /// The CRC-32C of `bytes`.
  public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var c = CRC32C()
    c.update(bytes)
    return c.value
  }
}
