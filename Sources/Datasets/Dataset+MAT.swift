import LinearAlgebra
import MatFile

extension Dataset {
  /// Reads examples from a MAT file (v4, v5/v7 or v7.3) through ``MatFile``.
  ///
  /// `X` (`m × n`, one example per row, any real numeric class) is used in the
  /// file's column-major order without copying, or laid out row by row while it is
  /// read (``MatFile/MatFile/readRows(named:)``) when `layout` asks for that. The labels `y`, when present,
  /// are an `m × 1` or `1 × m` vector of whole numbers (doubles or an integer
  /// class), such as the course's `y` with 10 for the digit 0.
  ///
  /// - Parameters:
  ///   - path: the MAT file.
  ///   - x: the variable holding the examples, `X` by default.
  ///   - y: the variable holding the labels, `y` by default; `nil` to ignore labels.
  ///   - requireY: refuse the file when `y` is absent (otherwise labels are `nil`).
  ///   - digest: also set ``sourceSHA256``, hashed from the same read of the file
  ///     (``MatFile/init(path:digest:)``).
  ///   - layout: the layout of the returned `X`: column-major (the file's, the default)
  ///     or row-major (one example's values side by side, what prediction reads fastest).
  /// - Returns: `X` in `layout`, and the labels when `y` is present. A non-finite value
  ///   is reported at the same row and column in either layout: the first in the
  ///   file's column-major order.
  /// - Throws: ``DatasetError/mat(_:)`` wrapping the reader's error (file unreadable,
  ///   variable absent, wrong class, …),
  ///   ``DatasetError/matNotFinite(file:variable:row:column:value:)``,
  ///   ``DatasetError/missingLabels(file:variable:)``,
  ///   ``DatasetError/labelsNotVector(file:variable:rows:columns:)``,
  ///   ``DatasetError/labelCount(file:variable:labels:examples:rows:)``,
  ///   ``DatasetError/matLabelNotInteger(file:variable:index:value:)``.
  public static func mat(
    path: String, x: String = "X", y: String? = "y", requireY: Bool = false, digest: Bool = false,
    layout: MatrixLayout = .columnMajor
  ) throws(DatasetError) -> Dataset {
    let file: MatFile
    do {
      file = try MatFile(path: path, digest: digest)
    } catch {
      throw .mat(error)
    }
    let features = try readFeatures(file, name: x, layout: layout)
    guard let y, file.contains(y) || requireY else {
      return Dataset(features: features, labels: nil, source: path, sourceSHA256: file.sha256)
    }
    guard file.contains(y) else { throw .missingLabels(file: path, variable: y) }
    let ym: MatMatrix
    do {
      ym = try file.readMatrix(named: y)
    } catch {
      throw .mat(error)
    }
    guard ym.rows == 1 || ym.columns == 1 else {
      throw .labelsNotVector(file: path, variable: y, rows: ym.rows, columns: ym.columns)
    }
    guard ym.columnMajor.count == features.rows else {
      throw .labelCount(
        file: path, variable: y, labels: ym.columnMajor.count, examples: x, rows: features.rows)
    }
    var labels: [Int] = []
    labels.reserveCapacity(ym.columnMajor.count)
    for (i, v) in ym.columnMajor.enumerated() {
      guard let label = exactInteger(v) else {
        throw .matLabelNotInteger(file: path, variable: y, index: i, value: v)
      }
      labels.append(label)
    }
    return Dataset(features: features, labels: labels, source: path, sourceSHA256: file.sha256)
  }
}

/// `X` from `file` in `layout`, refused when a value is not finite.
private func readFeatures(
  _ file: MatFile, name: String, layout: MatrixLayout
) throws(DatasetError) -> Matrix {
  let rows: Int
  let columns: Int
  let values: [Double]
  let bad: (row: Int, column: Int, value: Double)?
  do {
    switch layout {
    case .columnMajor:
      let xm = try file.readMatrix(named: name)
      (rows, columns, values) = (xm.rows, xm.columns, xm.columnMajor)
      bad = xm.firstNonFinite.map { (row: $0 % xm.rows, column: $0 / xm.rows, value: xm.columnMajor[$0]) }
    case .rowMajor:
      let xr = try file.readRows(named: name)
      (rows, columns, values) = (xr.rows, xr.columns, xr.rowMajor)
      bad = xr.firstNonFinite.map { (row: $0.row, column: $0.column, value: xr[$0.row, $0.column]) }
    }
  } catch {
    throw .mat(error)
  }
  if let bad {
    throw .matNotFinite(
      file: file.path, variable: name, row: bad.row + 1, column: bad.column + 1, value: bad.value)
  }
  do {
    return try Matrix(rows: rows, columns: columns, storage: values, layout: layout)
  } catch {
    preconditionFailure("MatFile returned \(values.count) values for \(rows)×\(columns)")
  }
}

/// `v` as an `Int` when it is a whole number of magnitude below 2⁵³, else `nil`.
func exactInteger(_ v: Double) -> Int? {
  guard v.isFinite, v == v.rounded(), abs(v) < 9_007_199_254_740_992 else { return nil }
  return Int(v)
}
