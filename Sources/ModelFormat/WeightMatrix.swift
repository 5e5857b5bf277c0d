/// One layer's weights: a row-major `rows × columns` matrix whose column 0 holds
/// the bias weights (the course's `ThetaK`, of shape `units(K) × (units(K−1) + 1)`).
public struct WeightMatrix: Equatable, Sendable {
  /// The tensor name in a model file, `Theta1` … `ThetaN`.
  public var name: String
  /// Output units of the layer.
  public var rows: Int
  /// Input units plus one (the bias column).
  public var columns: Int
  /// `rows × columns` values, row-major: element `(i, j)` is `values[i * columns + j]`.
  public var values: [Double]

  /// Creates a weight matrix; `values.count` must equal `rows × columns`.
  public init(name: String, rows: Int, columns: Int, values: [Double]) {
    precondition(values.count == rows * columns, "WeightMatrix \(name): \(values.count) values for \(rows)×\(columns)")
    self.name = name
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// Element `(row, column)`, 0-based.
  public subscript(row: Int, column: Int) -> Double {
    values[row * columns + column]
  }
}

/// How the numbers of a tensor are stored in a file.
public enum DType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  /// IEEE 754 binary64, 8 bytes little-endian. The default: MAT doubles round-trip bit for bit.
  case float64 = 1
  /// IEEE 754 binary32, 4 bytes little-endian. Opt-in; halves the file.
  case float32 = 2

  /// Bytes per element.
  public var size: Int { self == .float64 ? 8 : 4 }

  /// The name used on the command line and in `inspect`: `float64` or `float32`.
  public var description: String { self == .float64 ? "float64" : "float32" }

  /// Parses `float64`/`f64`/`double` or `float32`/`f32`/`single`.
  public init?(name: String) {
    switch name.lowercased() {
    case "float64", "f64", "double": self = .float64
    case "float32", "f32", "single": self = .float32
    default: return nil
    }
  }
}
