/// An error from the ``Training`` module; ``description`` is the message for the user.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The layer sizes are not at least two sizes of at least 1 each.
  case badLayerSizes([Int])
  /// The examples have `actual` features but the network takes `expected`.
  case inputWidth(actual: Int, expected: Int)
  /// There are `labels` labels for `examples` examples.
  case labelCount(labels: Int, examples: Int)
  /// There are no examples to train on or to evaluate.
  case noExamples
  /// The label of example `row` (0-based) is `label`, not one of the network's output labels.
  case labelOutOfRange(row: Int, label: Int, labels: [Int])
  /// An unrolled parameter vector has `actual` values; the network needs `expected`.
  case parameterCount(actual: Int, expected: Int)
  /// An option is out of its range (`--lambda -1`, `--epsilon 0`, …).
  case badOption(String)

  /// The message for the user.
  public var description: String {
    switch self {
    case .badLayerSizes(let sizes):
      "layer sizes \(sizes.map(String.init).joined(separator: ",")): "
        + "need at least an input and an output layer, each of at least 1 unit"
    case .inputWidth(let actual, let expected):
      "the examples have \(actual) features but the network takes \(expected)"
    case .labelCount(let labels, let examples):
      "\(labels) labels for \(examples) examples"
    case .noExamples:
      "there are no examples"
    case .labelOutOfRange(let row, let label, let labels):
      "example \(row + 1) has label \(label), which is not an output label of the network (\(Self.range(labels)))"
    case .parameterCount(let actual, let expected):
      "\(actual) parameters given, the network has \(expected)"
    case .badOption(let message):
      message
    }
  }

  private static func range(_ labels: [Int]) -> String {
    if labels.count > 1, labels == Array(labels[0]...labels[labels.count - 1]) {
      return "\(labels[0])…\(labels[labels.count - 1])"
    }
    return labels.map(String.init).joined(separator: ", ")
  }
}
