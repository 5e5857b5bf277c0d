import Inference
public import LinearAlgebra
public import ModelFormat

/// What ``Pictures/predictions(model:features:labels:indices:rows:columns:shape:scale:range:)``
/// found for one tile.
public struct PredictionOutcome: Equatable, Sendable {
  /// The example's row in the data (0-based).
  public var index: Int
  /// The model's label for it.
  public var predicted: Int
  /// The data's label for it, when the data has labels.
  public var truth: Int?

  /// Creates an outcome.
  public init(index: Int, predicted: Int, truth: Int?) {
    self.index = index
    self.predicted = predicted
    self.truth = truth
  }

  /// Whether the prediction is right; `nil` without a true label.
  public var isCorrect: Bool? { truth.map { $0 == predicted } }
}

/// The pictures `theta render` draws. Each returns a ``Canvas``; nothing here
/// reads or writes files.
public enum Pictures {
  /// A grid of examples, one tile per index, filled row by row (the seed's
  /// `subplot(10, 10, i + 1)` and `imshow(X[i].reshape((20, 20)).T, cmap=cm.binary)`).
  ///
  /// - Parameters:
  ///   - features: the examples, one per row.
  ///   - indices: the rows to draw, at most `rows × columns`, in tile order.
  ///   - rows: tiles per column.
  ///   - columns: tiles per row.
  ///   - shape: the picture of one example; its pixels must be `features.columns`.
  ///   - scale: pixels per example pixel; `nil` for at least 400 pixels wide.
  ///   - range: ``ToneRange/tile`` (each tile min white, max black, as `imshow`) or a fixed range.
  /// - Returns: the picture.
  /// - Throws: ``RenderingError/noExamples``, ``RenderingError/shapeMismatch(shape:values:)``,
  ///   ``RenderingError/badIndex(_:count:)``, ``RenderingError/badGrid(rows:columns:scale:)``,
  ///   ``RenderingError/tooLarge(width:height:)``.
  public static func examples(
    _ features: Matrix, indices: [Int], rows: Int, columns: Int, shape: ImageShape,
    scale: Int? = nil, range: ToneRange = .tile
  ) throws(RenderingError) -> Canvas {
    let layout = try GridLayout(
      rows: rows, columns: columns, tileHeight: shape.height, tileWidth: shape.width, scale: scale)
    let tiles = try exampleTiles(features, indices: indices, shape: shape, range: range)
    return try layout.draw(Array(tiles.prefix(rows * columns)))
  }

  /// The hidden units of the first layer: row `u` of `Theta1` without its bias
  /// column, drawn as `shape`, each tile from its own minimum (white) to its
  /// own maximum (black), in a grid of `⌈√n⌉` columns (5×5 for 25 units).
  ///
  /// - Parameters:
  ///   - model: the model.
  ///   - shape: the input's picture; `nil` to use the model's `input.shape` and `input.order`.
  ///   - scale: pixels per weight; `nil` for at least 400 pixels wide.
  /// - Returns: the picture.
  /// - Throws: ``RenderingError/noInputShape(inputs:)`` when `shape` is `nil` and the
  ///   model has no `input.shape`; ``RenderingError/shapeMismatch(shape:values:)``,
  ///   ``RenderingError/badModel(_:)``, ``RenderingError/tooLarge(width:height:)``.
  public static func hiddenUnits(
    of model: ThetaModel, shape: ImageShape? = nil, scale: Int? = nil
  ) throws(RenderingError) -> Canvas {
    guard let theta1 = model.weights.first, theta1.rows >= 1, theta1.columns >= 2 else {
      throw .badModel("the model has no first layer to draw")
    }
    let inputs = theta1.columns - 1
    guard let shape = shape ?? ImageShape(model: model) else { throw .noInputShape(inputs: inputs) }
    guard shape.pixelCount == inputs else { throw .shapeMismatch(shape: shape, values: inputs) }
    let (rows, columns) = squareGrid(theta1.rows)
    let layout = try GridLayout(
      rows: rows, columns: columns, tileHeight: shape.height, tileWidth: shape.width, scale: scale)
    let tiles = (0..<theta1.rows).map { u in
      let start = u * theta1.columns + 1
      return Tile(values: Array(theta1.values[start..<start + inputs]), shape: shape, range: .tile)
    }
    return try layout.draw(tiles)
  }

  /// A grid of examples, as ``examples(_:indices:rows:columns:shape:scale:range:)``,
  /// each with the model's predicted label under it; a wrong prediction's strip
  /// is ``Color/red`` and reads `predicted/true`.
  ///
  /// Labels are shown by the model's `model.label_names` when it has them
  /// (the course's label 10 shows as `0`).
  ///
  /// - Parameters:
  ///   - model: the model that predicts.
  ///   - features: the examples, one per row.
  ///   - labels: the true labels, one per example, if known.
  ///   - indices: the rows to draw, at most `rows × columns`.
  ///   - rows: tiles per column.
  ///   - columns: tiles per row.
  ///   - shape: the picture of one example; `nil` for the model's `input.shape`.
  ///   - scale: pixels per example pixel; `nil` for at least 400 pixels wide.
  ///   - range: how values become gray.
  /// - Returns: the picture and each tile's outcome.
  /// - Throws: the errors of ``examples(_:indices:rows:columns:shape:scale:range:)``,
  ///   ``RenderingError/noInputShape(inputs:)``, ``RenderingError/inputWidth(values:inputs:)``,
  ///   ``RenderingError/badModel(_:)``.
  public static func predictions(
    model: ThetaModel, features: Matrix, labels: [Int]?, indices: [Int], rows: Int, columns: Int,
    shape: ImageShape? = nil, scale: Int? = nil, range: ToneRange = .tile
  ) throws(RenderingError) -> (canvas: Canvas, outcomes: [PredictionOutcome]) {
    let network: Network
    do {
      network = try Network(model)
    } catch {
      throw .badModel(error.description)
    }
    guard features.columns == network.inputSize else {
      throw .inputWidth(values: features.columns, inputs: network.inputSize)
    }
    guard let shape = shape ?? ImageShape(model: model) else {
      throw .noInputShape(inputs: network.inputSize)
    }
    let layout = try GridLayout(
      rows: rows, columns: columns, tileHeight: shape.height, tileWidth: shape.width, scale: scale,
      captions: true)
    let drawn = Array(indices.prefix(rows * columns))
    var tiles = try exampleTiles(features, indices: drawn, shape: shape, range: range)
    let picked = try selectRows(features, drawn)
    let predicted: [Int]
    do {
      predicted = try network.predict(picked)
    } catch {
      throw .badModel(error.description)
    }
    let names = LabelNames(model: model)
    var outcomes: [PredictionOutcome] = []
    for (k, index) in drawn.enumerated() {
      let truth = labels.flatMap { index < $0.count ? $0[index] : nil }
      let outcome = PredictionOutcome(index: index, predicted: predicted[k], truth: truth)
      outcomes.append(outcome)
      if outcome.isCorrect == false, let truth {
        tiles[k].caption = Caption(
          text: names.name(predicted[k]) + "/" + names.name(truth), ink: .white, paper: .red)
      } else {
        tiles[k].caption = Caption(text: names.name(predicted[k]))
      }
    }
    return (try layout.draw(tiles), outcomes)
  }

  /// `rows × columns` close to square for `n` tiles: `⌈√n⌉` columns and as many rows as needed.
  ///
  /// - Parameter n: number of tiles, at least 1.
  public static func squareGrid(_ n: Int) -> (rows: Int, columns: Int) {
    var columns = Int(Double(max(n, 1)).squareRoot().rounded(.down))
    if columns * columns < n { columns += 1 }
    return ((n + columns - 1) / columns, columns)
  }

  /// The range from the smallest to the largest value of all `features`
  /// (``ToneRange/fixed(low:high:)``), for drawing every tile on one scale.
  ///
  /// - Parameter features: the examples.
  public static func dataRange(_ features: Matrix) -> ToneRange {
    let values = features.storage
    return .fixed(low: values.min() ?? 0, high: values.max() ?? 0)
  }

  static func exampleTiles(
    _ features: Matrix, indices: [Int], shape: ImageShape, range: ToneRange
  ) throws(RenderingError) -> [Tile] {
    guard features.rows >= 1 else { throw .noExamples }
    guard shape.pixelCount == features.columns else {
      throw .shapeMismatch(shape: shape, values: features.columns)
    }
    var tiles: [Tile] = []
    for i in indices {
      guard i >= 0, i < features.rows else { throw .badIndex(i, count: features.rows) }
      tiles.append(Tile(values: features.row(i), shape: shape, range: range))
    }
    return tiles
  }

  static func selectRows(_ features: Matrix, _ indices: [Int]) throws(RenderingError) -> Matrix {
    var values: [Double] = []
    values.reserveCapacity(indices.count * features.columns)
    for i in indices { values += features.row(i) }
    do {
      return try Matrix(rows: indices.count, columns: features.columns, storage: values)
    } catch {
      preconditionFailure("selectRows: \(error)")
    }
  }
}

/// How a model's labels are shown: its `model.label_names` when present, else the number.
struct LabelNames {
  private var names: [Int: String] = [:]

  init(model: ThetaModel) {
    if case .stringArray(let list)? = model.metadata["model.label_names"],
      list.count == model.labels.count
    {
      for (label, name) in zip(model.labels, list) { names[label] = name }
    }
  }

  func name(_ label: Int) -> String { names[label] ?? String(label) }
}
