/// Why a picture could not be drawn; `description` is the one-line message a
/// user sees (the command line prefixes the file with ``inFile(_:_:)``).
public indirect enum RenderingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A problem with the file named by the first value.
  case inFile(String, RenderingError)
  /// The model has no `input.shape` metadata, so its inputs are not known to be an image.
  case noInputShape(inputs: Int)
  /// `rows`, `columns` or the scale is below 1.
  case badGrid(rows: Int, columns: Int, scale: Int)
  /// An image shape whose pixels are not the number of values per example.
  case shapeMismatch(shape: ImageShape, values: Int)
  /// Values per example that make no square image, and no shape was given.
  case notSquare(values: Int)
  /// A data set without examples.
  case noExamples
  /// An example index outside `0 ..< count`.
  case badIndex(Int, count: Int)
  /// The model has no training record (`training.cost_history` metadata).
  case noTrainingRecord
  /// The training record holds no finite cost.
  case noFiniteCost(count: Int)
  /// The model cannot be run or drawn; the text says why.
  case badModel(String)
  /// The examples have `values` values each; the model expects `inputs`.
  case inputWidth(values: Int, inputs: Int)
  /// The picture would be larger than ``Canvas/maximumSide`` or ``Canvas/maximumPixels``.
  case tooLarge(width: Int, height: Int)

  /// The message for the user.
  public var description: String {
    switch self {
    case .inFile(let file, let inner): "\(file): \(inner.description)"
    case .noInputShape(let inputs):
      "no 'input.shape' metadata, so its \(inputs) inputs are not known to be an image;"
        + " pass --input-shape \(ImageShape.suggestion(forPixels: inputs))"
    case .badGrid(let rows, let columns, let scale):
      "a grid of \(rows)×\(columns) tiles at scale \(scale) is not possible; each must be at least 1"
    case .shapeMismatch(let shape, let values):
      "input shape \(shape.height)x\(shape.width) has \(shape.pixelCount) pixels, but each input"
        + " has \(values) values"
    case .notSquare(let values):
      "\(values) values per example make no square image; pass --input-shape"
        + " \(ImageShape.suggestion(forPixels: values))"
    case .noExamples: "no examples to draw"
    case .badIndex(let index, let count): "example \(index) does not exist (there are \(count))"
    case .noTrainingRecord:
      "no training record: metadata 'training.cost_history' is missing"
        + " (models written by theta train have one; converted weights do not)"
    case .noFiniteCost(let count):
      "the training record's \(count) costs in 'training.cost_history' are all NaN or infinite"
    case .badModel(let reason): reason
    case .inputWidth(let values, let inputs):
      "the examples have \(values) values each, but the model expects \(inputs) inputs"
    case .tooLarge(let width, let height):
      "the picture would be \(width)×\(height) pixels; the limit is \(Canvas.maximumSide) on a side"
        + " and \(Canvas.maximumPixels) in all (use fewer tiles or a smaller --scale)"
    }
  }
}
