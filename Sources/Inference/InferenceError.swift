/// An error from the ``Inference`` module; ``description`` is the message for the user.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The model has no weight matrices.
  case noLayers
  /// A weight matrix has no units (`rows < 1`) or no input besides the bias (`columns < 2`).
  case emptyLayer(name: String, rows: Int, columns: Int)
  /// A weight matrix holds `count` values instead of `rows × columns`.
  case valueCount(name: String, rows: Int, columns: Int, count: Int)
  /// `Theta(l+1)` has `columns` columns but `Theta(l)` has `previousRows` rows
  /// (it needs `previousRows + 1`).
  case layerMismatch(name: String, columns: Int, previous: String, previousRows: Int)
  /// The model has `labels` labels for `outputs` output units.
  case labelCount(labels: Int, outputs: Int)
  /// The model's declared layer sizes differ from the sizes its weights give.
  case layerSizes(declared: [Int], actual: [Int])
  /// The input has `actual` features per example; the model expects `expected`.
  case inputWidth(actual: Int, expected: Int)

  /// The message for the user.
  public var description: String {
    switch self {
    case .noLayers:
      "the model has no weight matrices"
    case .emptyLayer(let name, let rows, let columns):
      "\(name) is \(rows)×\(columns); a layer needs at least one unit and one input"
        + " besides the bias column"
    case .valueCount(let name, let rows, let columns, let count):
      "\(name) holds \(count) values; \(rows)×\(columns) needs \(rows * columns)"
    case .layerMismatch(let name, let columns, let previous, let previousRows):
      "\(name) has \(columns) columns, but \(previous) has \(previousRows) rows, so \(name)"
        + " needs \(previousRows + 1) (\(previousRows) units plus the bias column)"
    case .labelCount(let labels, let outputs):
      "the model has \(labels) label\(labels == 1 ? "" : "s") for \(outputs)"
        + " output unit\(outputs == 1 ? "" : "s")"
    case .layerSizes(let declared, let actual):
      "the model's layer sizes \(declared) do not match its weights, which give \(actual)"
    case .inputWidth(let actual, let expected):
      "input has \(actual) feature\(actual == 1 ? "" : "s") per example;"
        + " the model expects \(expected)"
    }
  }
}
