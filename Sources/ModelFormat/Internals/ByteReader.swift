/// A bounds-checked little-endian cursor over a byte range of a model file.
///
/// Every read checks the bytes left first and throws ``ModelFormatError/truncatedHeader``
/// style errors through the `fail` closure's context, so no read can run past the range.
struct ByteReader {
  let bytes: [UInt8]
  private(set) var position: Int
  let end: Int

  init(_ bytes: [UInt8], from start: Int, to end: Int) {
    self.bytes = bytes
    self.position = start
    self.end = end
  }

  var remaining: Int { end - position }

  mutating func skip(_ n: Int, what: String) throws(ModelFormatError) {
    guard n >= 0, n <= remaining else { throw .headerOverrun(field: what) }
    position += n
  }

  mutating func take(_ n: Int, what: String) throws(ModelFormatError) -> ArraySlice<UInt8> {
    guard n >= 0, n <= remaining else { throw .headerOverrun(field: what) }
    defer { position += n }
    return bytes[position..<position + n]
  }

  mutating func u8(_ what: String) throws(ModelFormatError) -> UInt8 {
    try take(1, what: what).first!
  }

  mutating func u16(_ what: String) throws(ModelFormatError) -> UInt16 {
    UInt16(truncatingIfNeeded: try uint(2, what))
  }

  mutating func u32(_ what: String) throws(ModelFormatError) -> UInt32 {
    UInt32(truncatingIfNeeded: try uint(4, what))
  }

  mutating func u64(_ what: String) throws(ModelFormatError) -> UInt64 {
    try uint(8, what)
  }

  private mutating func uint(_ n: Int, _ what: String) throws(ModelFormatError) -> UInt64 {
    let s = try take(n, what: what)
    var v: UInt64 = 0
    for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
    return v
  }
}

/// Little-endian integer at `offset` of `bytes` (the caller has checked the bounds).
func loadLE(_ bytes: [UInt8], _ offset: Int, _ n: Int) -> UInt64 {
  var v: UInt64 = 0
  for i in 0..<n { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
  return v
}

/// Appends little-endian encodings to a byte buffer.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func u8(_ v: UInt8) { bytes.append(v) }
  mutating func u16(_ v: UInt16) { append(UInt64(v), 2) }
  mutating func u32(_ v: UInt32) { append(UInt64(v), 4) }
  mutating func u64(_ v: UInt64) { append(v, 8) }
  mutating func i64(_ v: Int64) { append(UInt64(bitPattern: v), 8) }
  mutating func f64(_ v: Double) { append(v.bitPattern, 8) }
  mutating func raw(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }
  mutating func pad(to alignment: Int) {
    while bytes.count % alignment != 0 { bytes.append(0) }
  }

  private mutating func append(_ v: UInt64, _ n: Int) {
    for i in 0..<n { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
  }
}
