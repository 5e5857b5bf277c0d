/// How a ``Matrix`` lays out its elements in ``Matrix/storage``.
public enum MatrixLayout: Sendable, Equatable, CaseIterable {
  /// Element `(i, j)` is `storage[i * columns + j]` (C, numpy, CSV files).
  case rowMajor
  /// Element `(i, j)` is `storage[i + j * rows]` (Fortran, MATLAB, MAT files).
  case columnMajor
}

/// A dense `rows × columns` matrix of `Double`, stored row-major or column-major.
///
/// Both layouts are first-class: a MAT file's column-major `X` and a CSV
/// file's row-major `X` are used as they are, without copying. The BLAS
/// products (``product(_:_:)``, ``affine(_:weights:into:)``) read either layout
/// through the `cblas_dgemm` transpose flags.
///
/// Two matrices are equal (`==`) when they have the same shape and equal
/// elements, whatever their layouts.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// How ``storage`` is laid out.
  public let layout: MatrixLayout
  @usableFromInline var _storage: [Double]

  /// The `rows × columns` elements in ``layout`` order.
  public var storage: [Double] { _storage }

  /// Wraps existing values without copying them.
  ///
  /// - Parameters:
  ///   - rows: number of rows, at least 0.
  ///   - columns: number of columns, at least 0.
  ///   - storage: exactly `rows × columns` values in `layout` order.
  ///   - layout: the order of `storage`; row-major by default.
  /// - Throws: ``LinearAlgebraError/negativeDimension(rows:columns:)`` or
  ///   ``LinearAlgebraError/storageCount(rows:columns:actual:)``.
  public init(
    rows: Int, columns: Int, storage: [Double], layout: MatrixLayout = .rowMajor
  ) throws(LinearAlgebraError) {
    guard rows >= 0, columns >= 0 else {
      throw .negativeDimension(rows: rows, columns: columns)
    }
    guard rows.multipliedReportingOverflow(by: columns) == (storage.count, false) else {
      throw .storageCount(rows: rows, columns: columns, actual: storage.count)
    }
    self.rows = rows
    self.columns = columns
    self.layout = layout
    self._storage = storage
  }

  /// A `rows × columns` matrix with every element `value`.
  ///
  /// - Parameters:
  ///   - rows: number of rows, at least 0.
  ///   - columns: number of columns, at least 0.
  ///   - value: the value of every element; 0 by default.
  ///   - layout: row-major by default.
  public init(
    rows: Int, columns: Int, repeating value: Double = 0, layout: MatrixLayout = .rowMajor
  ) {
    precondition(rows >= 0 && columns >= 0, "Matrix: cannot be \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    self.layout = layout
    self._storage = Array(repeating: value, count: rows * columns)
  }

  /// A row-major matrix from its rows, e.g. `Matrix([[1, 2], [3, 4]])`.
  ///
  /// - Parameter rows: the rows, all of the same length.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when the rows
  ///   are ragged.
  public init(_ rows: [[Double]]) throws(LinearAlgebraError) {
    let n = rows.first?.count ?? 0
    for row in rows where row.count != n {
      throw .shapeMismatch(
        operation: "Matrix(rows)", left: LinearAlgebraError.Shape(rows: 1, columns: n),
        right: LinearAlgebraError.Shape(rows: 1, columns: row.count))
    }
    try self.init(rows: rows.count, columns: n, storage: rows.flatMap { $0 })
  }

  /// The shape, `rows × columns`.
  public var shape: LinearAlgebraError.Shape { .init(rows: rows, columns: columns) }

  /// The index in ``storage`` of element `(row, column)`.
  @inlinable
  public func storageIndex(row: Int, column: Int) -> Int {
    layout == .rowMajor ? row * columns + column : row + column * rows
  }

  /// Element `(row, column)`, 0-based.
  @inlinable
  public subscript(row: Int, column: Int) -> Double {
    get {
      precondition(
        row >= 0 && row < rows && column >= 0 && column < columns, "Matrix: index out of range")
      return _storage[storageIndex(row: row, column: column)]
    }
    set {
      precondition(
        row >= 0 && row < rows && column >= 0 && column < columns, "Matrix: index out of range")
      _storage[storageIndex(row: row, column: column)] = newValue
    }
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] {
    (0..<columns).map { self[i, $0] }
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Double] {
    (0..<rows).map { self[$0, j] }
  }

  /// The transpose `Aᵀ`, free: the same storage read in the other layout.
  public var transposed: Matrix {
    Matrix(
      unchecked: columns, columns: rows, storage: _storage,
      layout: layout == .rowMajor ? .columnMajor : .rowMajor)
  }

  /// The same matrix with its storage in `layout` order (a copy only when the layout changes).
  ///
  /// The copy goes in 32 × 32 tiles, so that both the reads and the writes of a
  /// tile stay within a few cache lines per row.
  public func converted(to layout: MatrixLayout) -> Matrix {
    if layout == self.layout { return self }
    // The storage is a row-major a × b array; the result's storage is its transpose.
    let (a, b) = self.layout == .columnMajor ? (columns, rows) : (rows, columns)
    let tile = 32
    let out = [Double](unsafeUninitializedCapacity: _storage.count) { buffer, count in
      _storage.withUnsafeBufferPointer { source in
        guard let src = source.baseAddress, let dst = buffer.baseAddress else { return }
        for i0 in stride(from: 0, to: a, by: tile) {
          let i1 = min(i0 + tile, a)
          for j0 in stride(from: 0, to: b, by: tile) {
            let j1 = min(j0 + tile, b)
            for i in i0..<i1 {
              for j in j0..<j1 { (dst + (j * a + i)).initialize(to: src[i * b + j]) }
            }
          }
        }
      }
      count = _storage.count
    }
    return Matrix(unchecked: rows, columns: columns, storage: out, layout: layout)
  }

  /// The elements row by row (``storage`` itself when row-major).
  public var rowMajorValues: [Double] { converted(to: .rowMajor)._storage }

  /// Same shape and equal elements, whatever the layouts.
  public static func == (a: Matrix, b: Matrix) -> Bool {
    guard a.rows == b.rows, a.columns == b.columns else { return false }
    if a.layout == b.layout { return a._storage == b._storage }
    for i in 0..<a.rows {
      for j in 0..<a.columns where a[i, j] != b[i, j] { return false }
    }
    return true
  }

  /// `rows×columns layout`, and the elements when there are at most 36.
  public var description: String {
    let head = "\(rows)×\(columns) \(layout == .rowMajor ? "row-major" : "column-major")"
    guard rows * columns <= 36 else { return head }
    let body = (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: " ") }
    return head + " [" + body.joined(separator: "; ") + "]"
  }

  /// Wraps storage whose count is already known to be right.
  @usableFromInline
  init(unchecked rows: Int, columns: Int, storage: [Double], layout: MatrixLayout) {
    assert(rows * columns == storage.count)
    self.rows = rows
    self.columns = columns
    self.layout = layout
    self._storage = storage
  }

}
