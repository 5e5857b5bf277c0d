import Dispatch

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
    columnsToRows(source, rows: m, range: 0..<m, columns: n, into: target, rowStride: rowStride)
  }

  /// ``columnsToRows(_:rows:columns:into:rowStride:)`` with the rows split in two
  /// halves (at a multiple of 8) laid out concurrently; small blocks on the calling
  /// thread alone.
  static func columnsToRowsOnTwoThreads(
    _ source: UnsafePointer<Double>, rows m: Int, columns n: Int,
    into target: UnsafeMutablePointer<Double>, rowStride: Int
  ) {
    let half = (m / 2) & ~7
    guard half >= 512 else {
      columnsToRows(source, rows: m, columns: n, into: target, rowStride: rowStride)
      return
    }
    nonisolated(unsafe) let (s, t) = (source, target)
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      if part == 0 {
        columnsToRows(s, rows: m, range: 0..<half, columns: n, into: t, rowStride: rowStride)
      } else {
        columnsToRows(s, rows: m, range: half..<m, columns: n, into: t, rowStride: rowStride)
      }
    }
  }

  /// Rows `range` of the column-major `rows × columns` matrix at `source` into the
  /// same rows of `target`, eight rows at a time: each column's eight values are one
  /// contiguous read, and the eight target rows are written side by side.
  private static func columnsToRows(
    _ source: UnsafePointer<Double>, rows m: Int, range: Range<Int>, columns n: Int,
    into target: UnsafeMutablePointer<Double>, rowStride: Int
  ) {
    // Pointer arithmetic only: no overflow checks in the inner loop.
    var r0 = range.lowerBound
    let step = m * MemoryLayout<Double>.stride
    while r0 + 8 <= range.upperBound {
      let t0 = target + r0 * rowStride
      let t1 = t0 + rowStride
      let t2 = t1 + rowStride
      let t3 = t2 + rowStride
      let t4 = t3 + rowStride
      let t5 = t4 + rowStride
      let t6 = t5 + rowStride
      let t7 = t6 + rowStride
      var s = UnsafeRawPointer(source + r0)
      for c in 0..<n {
        let v = s.loadUnaligned(as: SIMD8<Double>.self)
        t0[c] = v[0]
        t1[c] = v[1]
        t2[c] = v[2]
        t3[c] = v[3]
        t4[c] = v[4]
        t5[c] = v[5]
        t6[c] = v[6]
        t7[c] = v[7]
        s += step
      }
      r0 += 8
    }
    for r in r0..<range.upperBound {
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
