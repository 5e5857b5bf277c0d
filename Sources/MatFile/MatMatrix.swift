/// A real numeric matrix read from a MAT file, converted exactly to `Double`.
///
/// Values are exposed as stored: NaN, ±Inf, −0 and subnormals pass through, and
/// checking for them is the caller's business.
public struct MatMatrix: Sendable {
  /// The name it was read by, e.g. `Theta1` or `model.Theta1`.
  public var name: String
  /// The class it had in the file (``MatClass/isNumeric`` is always true).
  public var matClass: MatClass
  /// The number of rows (MATLAB's first dimension).
  public var rows: Int
  /// The number of columns (MATLAB's second dimension).
  public var columns: Int
  /// The values, column-major as MATLAB stores them: element (r, c) is at `c * rows + r`.
  public var columnMajor: [Double]

  /// Creates a matrix; `columnMajor.count` must be `rows * columns`.
  public init(name: String, matClass: MatClass, rows: Int, columns: Int, columnMajor: [Double]) {
    precondition(rows >= 0 && columns >= 0, "MatMatrix: negative dimensions \(rows)x\(columns)")
    precondition(
      columnMajor.count == rows * columns,
      "MatMatrix: \(columnMajor.count) values for \(rows)x\(columns)")
    self.name = name
    self.matClass = matClass
    self.rows = rows
    self.columns = columns
    self.columnMajor = columnMajor
  }

  /// The element in row `row` and column `column` (both zero-based).
  public subscript(row: Int, column: Int) -> Double {
    precondition(
      row >= 0 && row < rows && column >= 0 && column < columns,
      "MatMatrix: (\(row), \(column)) outside \(rows)x\(columns)")
    return columnMajor[column * rows + row]
  }

  /// The index in ``columnMajor`` of the first NaN or infinite value, or `nil` when
  /// every value is finite.
  ///
  /// Scans 512 values at a time, 8 lanes wide: `v·0` is 0 for a finite `v` and NaN
  /// otherwise, so a stretch's lane sums of `v·0` hold a NaN exactly when the stretch
  /// holds a value that is not finite; only that stretch is then searched value by value.
  public var firstNonFinite: Int? {
    columnMajor.withUnsafeBufferPointer { Transpose.firstNonFinite($0) }
  }

  /// The values row by row (numpy's `ravel()` order): row 0 first.
  public var rowMajor: [Double] {
    var out = [Double]()
    out.reserveCapacity(columnMajor.count)
    for r in 0..<rows {
      for c in 0..<columns { out.append(columnMajor[c * rows + r]) }
    }
    return out
  }
}
