/// An error from the ``LinearAlgebra`` module; ``description`` is the message for the user.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A matrix was given `actual` values for `rows × columns` elements.
  case storageCount(rows: Int, columns: Int, actual: Int)
  /// A dimension was negative.
  case negativeDimension(rows: Int, columns: Int)
  /// The operand shapes of `operation` do not fit together.
  case shapeMismatch(operation: String, left: Shape, right: Shape)

  /// A matrix shape, `rows × columns`.
  public struct Shape: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int

    /// Creates a shape.
    public init(rows: Int, columns: Int) {
      self.rows = rows
      self.columns = columns
    }

    /// `rows×columns`, for example `5000×400`.
    public var description: String { "\(rows)×\(columns)" }
  }

  /// The message for the user.
  public var description: String {
    switch self {
    case .storageCount(let rows, let columns, let actual):
      "a \(rows)×\(columns) matrix needs \(rows * columns) values, not \(actual)"
    case .negativeDimension(let rows, let columns):
      "a matrix cannot be \(rows)×\(columns)"
    case .shapeMismatch(let operation, let left, let right):
      "\(operation): shapes \(left) and \(right) do not fit together"
    }
  }
}
