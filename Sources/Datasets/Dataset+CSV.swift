import LinearAlgebra

extension Dataset {
  /// Reads examples from a CSV file: one example per line, values separated by
  /// commas, no header.
  ///
  /// Accepted: LF or CRLF line ends, an optional final line end, blank lines at
  /// the end, spaces or tabs around values, a UTF-8 byte-order mark. Values are
  /// decimal numbers (`-1.5`, `2e-05`, `.5`), converted with correct rounding, so
  /// Python's `repr` of a double reads back bit for bit.
  ///
  /// - Parameters:
  ///   - path: the file to read.
  ///   - labelColumn: ``LabelColumn/last`` when the last column holds integer labels.
  /// - Returns: `X` row-major (`m × n`), and the labels when `labelColumn` is `.last`.
  /// - Throws: ``DatasetError`` naming the file, line and value, e.g.
  ///   ``DatasetError/raggedRow(file:line:count:expected:firstLine:)``,
  ///   ``DatasetError/notANumber(file:line:value:text:)``,
  ///   ``DatasetError/notFinite(file:line:value:text:)`` for NaN and infinities,
  ///   ``DatasetError/empty(file:)``, ``DatasetError/labelNotInteger(file:line:value:text:)``,
  ///   ``DatasetError/cannotRead(file:reason:)``.
  public static func csv(path: String, labelColumn: LabelColumn = .none) throws(DatasetError)
    -> Dataset
  {
    let bytes = try readFile(path)
    return try csv(data: bytes, name: path, labelColumn: labelColumn)
  }

  /// Reads examples from CSV bytes already in memory (standard input).
  ///
  /// The format and errors are those of ``csv(path:labelColumn:)``.
  ///
  /// - Parameters:
  ///   - data: the CSV text, UTF-8 or ASCII.
  ///   - name: the name used in messages, `<stdin>` by default.
  ///   - labelColumn: ``LabelColumn/last`` when the last column holds integer labels.
  /// - Returns: `X` row-major (`m × n`), and the labels when `labelColumn` is `.last`.
  /// - Throws: ``DatasetError`` naming `name`, the line and the value.
  public static func csv(
    data: [UInt8], name: String = "<stdin>", labelColumn: LabelColumn = .none
  ) throws(DatasetError) -> Dataset {
    let table = try CSVParser.parse(data, name: name, labelColumn: labelColumn)
    let features: Matrix
    do {
      features = try Matrix(rows: table.rows, columns: table.columns, storage: table.values)
    } catch {
      preconditionFailure(
        "CSV parser produced \(table.values.count) values for \(table.rows)×\(table.columns)")
    }
    return Dataset(features: features, labels: table.labels, source: name)
  }
}
