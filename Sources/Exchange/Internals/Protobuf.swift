/// A minimal protobuf writer: fields are appended in the order written
/// (callers write them in ascending field number, as protoc does).
struct ProtoWriter {
  var bytes: [UInt8] = []

  mutating func rawVarint(_ v: UInt64) {
    var v = v
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  /// A varint field (wire type 0); negative values take ten bytes.
  mutating func int(_ field: Int, _ v: Int64) {
    rawVarint(UInt64(field << 3))
    rawVarint(UInt64(bitPattern: v))
  }

  /// A length-delimited field (wire type 2).
  mutating func bytes(_ field: Int, _ b: [UInt8]) {
    rawVarint(UInt64(field << 3 | 2))
    rawVarint(UInt64(b.count))
    bytes += b
  }

  mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }

  mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
    var w = ProtoWriter()
    build(&w)
    bytes(field, w.bytes)
  }
}

/// One decoded protobuf field.
struct ProtoField {
  var number: Int
  var wire: Int
  /// Varint / fixed value (wire 0, 1, 5).
  var scalar: UInt64 = 0
  /// Payload (wire 2).
  var payload: ArraySlice<UInt8> = []
}

/// Calls `body` with each field of a protobuf message in order, checking every length
/// against the bytes left, without collecting them (memory stays constant however many
/// fields the message has).
func forEachProtoField(
  _ b: ArraySlice<UInt8>, _ body: (ProtoField) throws(ExchangeReason) -> Void
) throws(ExchangeReason) {
  var i = b.startIndex
  func varint() throws(ExchangeReason) -> UInt64 {
    var v: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard i < b.endIndex else { throw ExchangeReason("truncated protobuf (varint)") }
      let byte = b[i]
      i += 1
      guard shift < 64 else { throw ExchangeReason("protobuf varint too long") }
      v |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return v }
      shift += 7
    }
  }
  while i < b.endIndex {
    let key = try varint()
    let field = ProtoField(number: Int(key >> 3), wire: Int(key & 7))
    guard field.number > 0 else { throw ExchangeReason("protobuf field number 0") }
    var f = field
    switch f.wire {
    case 0: f.scalar = try varint()
    case 1, 5:
      let n = f.wire == 1 ? 8 : 4
      guard b.endIndex - i >= n else { throw ExchangeReason("truncated protobuf (fixed)") }
      for k in 0..<n { f.scalar |= UInt64(b[i + k]) << (8 * UInt64(k)) }
      i += n
    case 2:
      let n = try varint()
      guard n <= UInt64(b.endIndex - i) else {
        throw ExchangeReason("truncated protobuf: a field of \(n) bytes, \(b.endIndex - i) left")
      }
      f.payload = b[i..<i + Int(n)]
      i += Int(n)
    default: throw ExchangeReason("unsupported protobuf wire type \(f.wire)")
    }
    try body(f)
  }
}
