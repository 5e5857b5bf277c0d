import LinearAlgebra
import MatFile

extension Dataset {
  /// Reads examples from a MAT file (v4, v5/v7 or v7.3) through ``MatFile``.
  ///
  /// `X` (`m × n`, one example per row, any real numeric class) is used in the
  /// file's column-major order without copying. The labels `y`, when present,
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
  /// - Returns: `X` column-major, and the labels when `y` is present.
  /// - Throws: ``DatasetError/mat(_:)`` wrapping the reader's error (file unreadable,
  ///   variable absent, wrong class, …),
  ///   ``DatasetError/matNotFinite(file:variable:row:column:value:)``,
  ///   ``DatasetError/missingLabels(file:variable:)``,
  ///   ``DatasetError/labelsNotVector(file:variable:rows:columns:)``,
  ///   ``DatasetError/labelCount(file:variable:labels:examples:rows:)``,
  ///   ``DatasetError/matLabelNotInteger(file:variable:index:value:)``.
  public static func mat(
    path: String, x: String = "X", y: String? = "y", requireY: Bool = false, digest: Bool = false
  ) throws(DatasetError) -> Dataset {
    let file: MatFile
    let xm: MatMatrix
    do {
      file = try MatFile(path: path, digest: digest)
      xm = try file.readMatrix(named: x)
    } catch {
      throw .mat(error)
    }
    let values = xm.columnMajor
    if let bad = xm.firstNonFinite {
      throw .matNotFinite(
        file: path, variable: x, row: bad % xm.rows + 1, column: bad / xm.rows + 1,
        value: values[bad])
    }
    let features: Matrix
    do {
      features = try Matrix(
        rows: xm.rows, columns: xm.columns, storage: values, layout: .columnMajor)
    } catch {
      preconditionFailure("MatFile returned \(values.count) values for \(xm.rows)×\(xm.columns)")
    }
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
    guard ym.columnMajor.count == xm.rows else {
      throw .labelCount(
        file: path, variable: y, labels: ym.columnMajor.count, examples: x, rows: xm.rows)
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

/// `v` as an `Int` when it is a whole number of magnitude below 2⁵³, else `nil`.
func exactInteger(_ v: Double) -> Int? {
  guard v.isFinite, v == v.rounded(), abs(v) < 9_007_199_254_740_992 else { return nil }
  return Int(v)
}
