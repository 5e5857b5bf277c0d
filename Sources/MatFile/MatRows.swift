/// A real numeric matrix read from a MAT file with its values row by row: each row's
/// values side by side, as a prediction reads one example per row.
///
/// A MAT file stores a matrix column by column (MATLAB's order); ``MatFile/readRows(named:)``
/// lays it out row by row while reading, so no column-major copy of the whole matrix
/// is ever made. Values are exposed as stored, as in ``MatMatrix``.
public struct MatRows: Sendable {
  /// The name it was read by, e.g. `X`.
  public var name: String
  /// The class it had in the file (``MatClass/isNumeric`` is always true).
  public var matClass: MatClass
  /// The number of rows (MATLAB's first dimension).
  public var rows: Int
  /// The number of columns (MATLAB's second dimension).
  public var columns: Int
  /// The values, row-major: element (r, c) is at `r * columns + c`.
  public var rowMajor: [Double]
  /// The first NaN or infinite value in MATLAB's column-major order, as zero-based
  /// `(row, column)`, or `nil` when every value is finite: the value that
  /// ``MatMatrix/firstNonFinite`` finds in the same matrix.
  public var firstNonFinite: (row: Int, column: Int)?

  /// Creates a matrix; `rowMajor.count` must be `rows * columns`, and
  /// `firstNonFiniteIndex` must be the column-major index of the first NaN or infinite
  /// value (``MatMatrix/firstNonFinite``), or `nil` when there is none.
  init(
    name: String, matClass: MatClass, rows: Int, columns: Int, rowMajor: [Double], firstNonFiniteIndex: Int?
  ) {
    precondition(rowMajor.count == rows * columns, "MatRows: \(rowMajor.count) values for \(rows)x\(columns)")
    self.name = name
    self.matClass = matClass
    self.rows = rows
    self.columns = columns
    self.rowMajor = rowMajor
    self.firstNonFinite = firstNonFiniteIndex.map { (row: $0 % rows, column: $0 / rows) }
  }

  /// The same matrix row by row: one transposing copy, or none for a vector, whose
  /// values are in the same order either way.
  init(_ matrix: MatMatrix) {
    let (m, n) = (matrix.rows, matrix.columns)
    if m == 1 || n == 1 {
      self.init(
        name: matrix.name, matClass: matrix.matClass, rows: m, columns: n, rowMajor: matrix.columnMajor,
        firstNonFiniteIndex: matrix.firstNonFinite)
      return
    }
    let values = [Double](unsafeUninitializedCapacity: m * n) { buffer, initialized in
      matrix.columnMajor.withUnsafeBufferPointer { source in
        if let src = source.baseAddress, let dst = buffer.baseAddress {
          Transpose.columnsToRows(src, rows: m, columns: n, into: dst, rowStride: n)
        }
      }
      initialized = m * n
    }
    self.init(
      name: matrix.name, matClass: matrix.matClass, rows: m, columns: n, rowMajor: values,
      firstNonFiniteIndex: matrix.firstNonFinite)
  }

  /// The element in row `row` and column `column` (both zero-based).
  public subscript(row: Int, column: Int) -> Double {
    precondition(
      row >= 0 && row < rows && column >= 0 && column < columns,
      "MatRows: (\(row), \(column)) outside \(rows)x\(columns)")
    return rowMajor[row * columns + column]
  }
}
