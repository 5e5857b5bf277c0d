/// Writes real double matrices to MAT files through matio.
public enum MatWriter {
  /// One matrix to write: `rows × columns` values in column-major order (MATLAB's).
  public struct Matrix: Sendable {
    /// Variable name, e.g. `Theta1`.
    public var name: String
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int
    /// `rows × columns` values, column-major.
    public var columnMajor: [Double]

    /// Creates a matrix; `columnMajor.count` must be `rows × columns`.
    public init(name: String, rows: Int, columns: Int, columnMajor: [Double]) {
      precondition(columnMajor.count == rows * columns, "MatWriter.Matrix \(name): wrong value count")
      self.name = name
      self.rows = rows
      self.columns = columns
      self.columnMajor = columnMajor
    }
  }

  /// The bytes of a MAT file holding `matrices` as `double` variables.
  ///
  /// matio writes a temporary file (removed afterwards); callers write the bytes
  /// atomically. The corresponding C functions are `Mat_CreateVer`,
  /// `Mat_VarCreate` and `Mat_VarWrite`.
  /// - Parameters:
  ///   - version: ``MatVersion/v4``, ``MatVersion/v5`` or ``MatVersion/v73``.
  ///   - compressed: zlib-compress v5 variables (`MAT_COMPRESSION_ZLIB`); v7.3 always compresses, v4 never.
  ///   - name: the file name used in messages.
  /// - Throws: ``MatFileError/matio(file:call:message:)`` when matio fails.
  public static func encode(
    _ matrices: [Matrix], version: MatVersion, compressed: Bool = true, name: String
  ) throws(MatFileError) -> [UInt8] {
    try MatioWrite.encode(matrices, version: version, compressed: compressed, name: name)
  }
}
