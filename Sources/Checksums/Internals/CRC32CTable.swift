/// The running CRC-32C `c` (before the final XOR) updated with the bytes of `buffer`,
/// one table lookup per byte.
func crc32cUpdate(_ state: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
  var c = state
  crc32cTable.withUnsafeBufferPointer { t in
    for b in buffer {
      c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8)
    }
  }
  return c
}

/// The byte-wise table of the reflected polynomial `0x82F63B78`.
let crc32cTable: [UInt32] = (0..<256).map { n -> UInt32 in
  var c = UInt32(n)
  for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
  return c
}
