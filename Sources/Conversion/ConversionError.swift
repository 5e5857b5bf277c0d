import MatFile
import ModelFormat

/// Why a conversion was refused; `description` is the one-line message a user sees.
public enum ConversionError: Error, CustomStringConvertible {
  /// The MAT file is damaged, or a variable cannot be read as a real matrix.
  case mat(MatFileError)
  /// The built model breaks a model rule.
  case model(file: String, ModelFormatError)
  /// No `Theta1`, `Theta2`, … variables and no `--var` / `--unrolled`.
  case noThetas(file: String)
  /// `Theta1` … `ThetaN` has a gap.
  case missingTheta(file: String, name: String)
  /// Two consecutive matrices whose shapes do not chain.
  case shapesDoNotChain(
    file: String, previous: String, previousShape: (Int, Int), variable: String, shape: (Int, Int))
  /// A matrix with only a bias column.
  case tooFewColumns(file: String, variable: String)
  /// A NaN or infinite weight (row and column 1-based).
  case nonFinite(file: String, variable: String, row: Int, column: Int, value: Double)
  /// `--unrolled` without `--layers`.
  case needsLayers(file: String, variable: String)
  /// `--layers` with fewer than two sizes or a size below 1.
  case badLayers([Int])
  /// The unrolled variable is a matrix, not a vector.
  case notAVector(file: String, variable: String, rows: Int, columns: Int)
  /// The unrolled vector's length does not fit the layer sizes.
  case vectorLength(file: String, variable: String, count: Int, layers: [Int], needed: Int)
  /// `--labels` with the wrong count.
  case labelCount(file: String, labels: Int, outputs: Int)
  /// `--input-shape` that does not hold the input units.
  case inputShape(file: String, shape: [Int], inputs: Int)
  /// A `--meta` key with forbidden characters.
  case badUserKey(String)

  public var description: String {
    switch self {
    case .mat(let e): e.description
    case .model(let file, let e): "\(file): \(e.description)"
    case .noThetas(let file):
      "\(file): no variables named Theta1, Theta2, …; choose matrices with --var NAME or a vector with --unrolled NAME --layers …"
    case .missingTheta(let file, let name):
      "\(file): has higher-numbered Theta matrices but no '\(name)'"
    case .shapesDoNotChain(let file, let prev, let ps, let v, let s):
      "\(file): '\(v)' is \(s.0)×\(s.1) but '\(prev)' is \(ps.0)×\(ps.1), so '\(v)' needs \(ps.0 + 1) columns (\(ps.0) units + bias)"
    case .tooFewColumns(let file, let v):
      "\(file): '\(v)' has a single column; a weight matrix needs the bias column and at least one input"
    case .nonFinite(let file, let v, let row, let column, let value):
      "\(file): variable '\(v)' holds \(value) at row \(row), column \(column); weights must be finite"
    case .needsLayers(let file, let v):
      "\(file): --unrolled \(v) needs --layers, e.g. --layers 400,25,10"
    case .badLayers(let layers):
      "--layers \(layers.map(String.init).joined(separator: ",")): needs at least two sizes, each at least 1"
    case .notAVector(let file, let v, let rows, let columns):
      "\(file): '\(v)' is a \(rows)×\(columns) matrix, not a vector; use --var for matrices"
    case .vectorLength(let file, let v, let count, let layers, let needed):
      "\(file): '\(v)' has \(count) values but layers \(layers.map(String.init).joined(separator: ",")) need \(needed)"
    case .labelCount(let file, let labels, let outputs):
      "\(file): --labels gives \(labels) labels but the network has \(outputs) outputs"
    case .inputShape(let file, let shape, let inputs):
      "\(file): --input-shape \(shape.map(String.init).joined(separator: "x")) does not hold the \(inputs) inputs"
    case .badUserKey(let key):
      "--meta \(key)=…: keys may hold only letters, digits, '_', '-' and '.'"
    }
  }
}
