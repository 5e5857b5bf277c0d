public import MatFile

/// An error from the ``Datasets`` module; ``description`` is the one-line message
/// for the user, naming the file (and for CSV the line and value).
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be opened or read; `reason` is the system's (`strerror`).
  case cannotRead(file: String, reason: String)
  /// The input holds no example (empty, or blank lines only).
  case empty(file: String)
  /// A CSV line has a different number of values than line `firstLine`.
  case raggedRow(file: String, line: Int, count: Int, expected: Int, firstLine: Int)
  /// A blank CSV line is followed by more examples.
  case blankLine(file: String, line: Int)
  /// A CSV value is empty (`1,,2` or a trailing comma).
  case emptyValue(file: String, line: Int, value: Int)
  /// A CSV value is not a decimal number.
  case notANumber(file: String, line: Int, value: Int, text: String)
  /// A CSV value is NaN, an infinity, or overflows to one (`1e999`).
  case notFinite(file: String, line: Int, value: Int, text: String)
  /// The label column of a CSV line is not an integer.
  case labelNotInteger(file: String, line: Int, value: Int, text: String)
  /// A CSV with a label column has no feature columns.
  case noFeatures(file: String)
  /// The MAT file could not be read, or a variable not used (the wrapped error names the file).
  case mat(MatFileError)
  /// The examples of a MAT file hold NaN or an infinity.
  case matNotFinite(file: String, variable: String, row: Int, column: Int, value: Double)
  /// The label variable is required but absent.
  case missingLabels(file: String, variable: String)
  /// The label variable is not an `m × 1` or `1 × m` vector.
  case labelsNotVector(file: String, variable: String, rows: Int, columns: Int)
  /// The label variable's length differs from the examples' row count.
  case labelCount(file: String, variable: String, labels: Int, examples: String, rows: Int)
  /// The label variable holds a value that is not a whole number.
  case matLabelNotInteger(file: String, variable: String, index: Int, value: Double)

  /// The message for the user.
  public var description: String {
    switch self {
    case .cannotRead(let file, let reason):
      "\(file): cannot read: \(reason)"
    case .empty(let file):
      "\(file): no examples (the input is empty)"
    case .raggedRow(let file, let line, let count, let expected, let firstLine):
      "\(file): line \(line) has \(count) value\(count == 1 ? "" : "s");"
        + " line \(firstLine) has \(expected)"
    case .blankLine(let file, let line):
      "\(file): line \(line) is blank, but more examples follow"
    case .emptyValue(let file, let line, let value):
      "\(file): line \(line), value \(value) is empty"
    case .notANumber(let file, let line, let value, let text):
      "\(file): line \(line), value \(value): '\(text)' is not a number"
    case .notFinite(let file, let line, let value, let text):
      "\(file): line \(line), value \(value): '\(text)' is not a finite number"
    case .labelNotInteger(let file, let line, let value, let text):
      "\(file): line \(line), value \(value): label '\(text)' is not an integer"
    case .noFeatures(let file):
      "\(file): the rows hold only a label column, no features"
    case .mat(let error):
      error.description
    case .matNotFinite(let file, let variable, let row, let column, let value):
      "\(file): variable '\(variable)' holds \(value) at row \(row), column \(column);"
        + " examples must be finite numbers"
    case .missingLabels(let file, let variable):
      "\(file): no variable '\(variable)' holds the labels"
    case .labelsNotVector(let file, let variable, let rows, let columns):
      "\(file): variable '\(variable)' is \(rows)×\(columns); labels must be an m×1 or 1×m vector"
    case .labelCount(let file, let variable, let labels, let examples, let rows):
      "\(file): variable '\(variable)' has \(labels) label\(labels == 1 ? "" : "s")"
        + " but '\(examples)' has \(rows) row\(rows == 1 ? "" : "s")"
    case .matLabelNotInteger(let file, let variable, _, let value):
      "\(file): variable '\(variable)' holds \(value), not an integer label"
    }
  }
}
