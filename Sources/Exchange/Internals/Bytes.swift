import ModelFormat

/// Little-endian encoding helpers (no unsafe pointers).
enum LE {
  static func append(_ v: UInt64, to out: inout [UInt8]) {
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
  }

  static func append(_ v: UInt32, to out: inout [UInt8]) {
    for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
  }

  static func u64(_ b: ArraySlice<UInt8>, at i: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<8 { v |= UInt64(b[i + k]) << (8 * UInt64(k)) }
    return v
  }

  static func u32(_ b: ArraySlice<UInt8>, at i: Int) -> UInt32 {
    var v: UInt32 = 0
    for k in 0..<4 { v |= UInt32(b[i + k]) << (8 * UInt32(k)) }
    return v
  }

  /// `values` as little-endian `dtype` elements.
  static func encode(_ values: [Double], as dtype: DType) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(values.count * dtype.size)
    for v in values {
      if dtype == .float64 { append(v.bitPattern, to: &out) } else { append(Float(v).bitPattern, to: &out) }
    }
    return out
  }

  /// `count` little-endian `dtype` elements starting at `start`.
  static func decode(_ b: ArraySlice<UInt8>, at start: Int, count: Int, as dtype: DType) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(count)
    for k in 0..<count {
      let i = start + k * dtype.size
      out.append(dtype == .float64 ? Double(bitPattern: u64(b, at: i)) : Double(Float(bitPattern: u32(b, at: i))))
    }
    return out
  }
}

/// Shortest decimal text that reads back to the same number.
enum NumberText {
  /// `v` printed so that `Double(text)` (or `Float(text)` for float32) gives it back.
  static func format(_ v: Double, dtype: DType) -> String {
    dtype == .float32 ? Float(v).description : v.description
  }

  /// Parses a number written by ``format(_:dtype:)`` or any decimal form.
  static func parse(_ text: Substring, dtype: DType) -> Double? {
    if dtype == .float32 {
      guard let f = Float(text) else { return nil }
      return Double(f)
    }
    return Double(text)
  }
}
