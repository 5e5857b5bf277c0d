/// Column-major blocks of values laid out row by row, and the finiteness scan both
/// layouts share.
enum Transpose {
  /// Copies the column-major `rows × columns` matrix at `source` (element (r, c) at
  /// `c · rows + r`) into the rows of `target`: element (r, c) goes to
  /// `r · rowStride + c`.
  ///
  /// Eight rows at a time: each column's eight values are one contiguous read, and the
  /// eight target rows are written side by side, so both stay within a few cache lines.
  static func columnsToRows(
    _ source: UnsafePointer<Double>, rows m: Int, columns n: Int,
    into target: UnsafeMutablePointer<Double>, rowStride: Int
  ) {
    let raw = UnsafeRawPointer(source)
    var r0 = 0
    while r0 + 8 <= m {
      let t = target + r0 * rowStride
      for c in 0..<n {
        let v = raw.loadUnaligned(fromByteOffset: (c * m + r0) * 8, as: SIMD8<Double>.self)
        t[c] = v[0]
        t[rowStride + c] = v[1]
        t[2 * rowStride + c] = v[2]
        t[3 * rowStride + c] = v[3]
        t[4 * rowStride + c] = v[4]
        t[5 * rowStride + c] = v[5]
        t[6 * rowStride + c] = v[6]
        t[7 * rowStride + c] = v[7]
      }
      r0 += 8
    }
    for r in r0..<m {
      for c in 0..<n { target[r * rowStride + c] = source[c * m + r] }
    }
  }

  /// The index of the first NaN or infinite value of `values`, or `nil` when all are finite.
  ///
  /// Scans 512 values at a time, 8 lanes wide: `v·0` is 0 for a finite `v` and NaN
  /// otherwise, so a stretch's lane sums of `v·0` hold a NaN exactly when the stretch
  /// holds a value that is not finite; only that stretch is then searched value by value.
  static func firstNonFinite(_ values: UnsafeBufferPointer<Double>) -> Int? {
    guard let base = values.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let stretch = 512
    var start = 0
    while start + stretch <= values.count {
      var sum = SIMD8<Double>()
      for g in Swift.stride(from: start, to: start + stretch, by: 8) {
        sum += raw.loadUnaligned(fromByteOffset: g * 8, as: SIMD8<Double>.self) * 0
      }
      if sum.sum().isNaN { return (start..<(start + stretch)).first { !values[$0].isFinite } }
      start += stretch
    }
    return (start..<values.count).first { !values[$0].isFinite }
  }
}
