import LinearAlgebra
import ModelFormat
import PNGImage
import Rendering
import Testing

/// A 2-input, 2-hidden, 2-output network whose inputs are a 1×2 image.
func tinyModel(shape: [Int64]? = [1, 2], history: [Double]? = nil) -> ThetaModel {
  var meta = Metadata()
  if let shape { meta["input.shape"] = .intArray(shape) }
  meta["input.order"] = .string("column-major")
  meta["model.label_names"] = .stringArray(["one", "2"])
  if let history {
    meta["training.cost_history"] = .floatArray(history)
    meta["training.optimizer"] = .string("cg")
    meta["training.lambda"] = .float(1)
  }
  // Hidden unit 0 fires on input 0, unit 1 on input 1; output k follows unit k.
  let theta1 = WeightMatrix(name: "Theta1", rows: 2, columns: 3, values: [-5, 10, 0, -5, 0, 10])
  let theta2 = WeightMatrix(name: "Theta2", rows: 2, columns: 3, values: [-5, 10, 0, -5, 0, 10])
  return ThetaModel(weights: [theta1, theta2], metadata: meta)
}

@Suite struct PicturesTests {
  @Test func anExampleTileIsItsValuesThroughTheColormap() throws {
    // Three 2×2 examples, column-major.
    let x = try Matrix([[0, 1, 2, 3], [4, 4, 4, 4], [1, 0, 0, 0]])
    let canvas = try Pictures.examples(
      x, indices: [0, 2], rows: 1, columns: 2, shape: ImageShape(height: 2, width: 2), scale: 3)
    #expect(canvas.width == 2 * 2 * 3 + 3 && canvas.height == 2 * 3 + 2)
    // Example 0 as a picture: rows [0 2] and [1 3]; its own range 0…3.
    let expected: [[Double]] = [[0, 2], [1, 3]]
    for r in 0..<2 {
      for c in 0..<2 {
        let level = Colormap.binary.grayLevel(expected[r][c] / 3)
        for dy in 0..<3 {
          for dx in 0..<3 {
            #expect(canvas[1 + c * 3 + dx, 1 + r * 3 + dy] == Color(gray: level))
          }
        }
      }
    }
    // Separators.
    #expect(canvas[0, 0] == .separator)
    #expect(canvas[7, 3] == .separator)
    #expect(canvas.raster().format == .gray)
  }

  @Test func dataRangeDrawsEveryTileOnOneScale() throws {
    let x = try Matrix([[0, 1, 2, 3], [4, 4, 4, 4]])
    let canvas = try Pictures.examples(
      x, indices: [1], rows: 1, columns: 1, shape: ImageShape(height: 2, width: 2), scale: 1,
      range: Pictures.dataRange(x))
    #expect(canvas[1, 1] == .black)
  }

  @Test func examplesRefuseBadShapesAndIndices() throws {
    let x = try Matrix([[0, 1, 2, 3]])
    #expect(throws: RenderingError.shapeMismatch(shape: ImageShape(height: 3, width: 1), values: 4)) {
      try Pictures.examples(x, indices: [0], rows: 1, columns: 1, shape: ImageShape(height: 3, width: 1))
    }
    // Cells without an example stay white.
    let partial = try Pictures.examples(
      x, indices: [0], rows: 1, columns: 2, shape: ImageShape(height: 2, width: 2), scale: 1)
    #expect(partial[4, 1] == .white && partial[5, 2] == .white)
    #expect(throws: RenderingError.badIndex(1, count: 1)) {
      try Pictures.examples(x, indices: [1], rows: 1, columns: 1, shape: ImageShape(height: 2, width: 2))
    }
  }

  @Test func hiddenUnitsAreTheta1RowsWithoutBiasEachOnItsOwnRange() throws {
    let canvas = try Pictures.hiddenUnits(of: tinyModel(), scale: 1)
    // 2 units: a 1×2 grid of 1×2 tiles.
    #expect(canvas.width == 2 * 2 + 3 && canvas.height == 1 + 2)
    // Unit 0 weights (10, 0): 10 black, 0 white. Unit 1 (0, 10): the reverse.
    #expect(canvas[1, 1] == .black && canvas[2, 1] == .white)
    #expect(canvas[4, 1] == .white && canvas[5, 1] == .black)
  }

  @Test func hiddenUnitsNeedAnInputShape() throws {
    let error = RenderingError.noInputShape(inputs: 2)
    #expect(throws: error) { try Pictures.hiddenUnits(of: tinyModel(shape: nil)) }
    #expect(error.description.contains("'input.shape'"))
    #expect(error.description.contains("--input-shape HxW"))
    #expect(RenderingError.noInputShape(inputs: 400).description.hasSuffix("--input-shape 20x20"))
    // A shape given by the caller is enough.
    _ = try Pictures.hiddenUnits(of: tinyModel(shape: nil), shape: ImageShape(height: 2, width: 1))
  }

  @Test func predictionsMarkWrongOnesRed() throws {
    // Example 0 lights input 0 (label 1, "one"); example 1 lights input 1 (label 2).
    let x = try Matrix([[1, 0], [0, 1]])
    let picture = try Pictures.predictions(
      model: tinyModel(), features: x, labels: [1, 1], indices: [0, 1], rows: 1, columns: 2, scale: 8)
    #expect(picture.outcomes.map(\.predicted) == [1, 2])
    #expect(picture.outcomes.map(\.isCorrect) == [true, false])
    let layout = try GridLayout(rows: 1, columns: 2, tileHeight: 1, tileWidth: 2, scale: 8, captions: true)
    let stripY = 1 + 8 + layout.captionHeight - 1
    let second = layout.origin(ofTile: 1)
    #expect(picture.canvas[second.x, stripY] == .red)
    #expect(picture.canvas[1, stripY] == .white)
    #expect(picture.canvas.raster().format == .rgb)
  }

  @Test func predictionsWithoutLabelsMarkNothing() throws {
    let x = try Matrix([[1, 0], [0, 1]])
    let picture = try Pictures.predictions(
      model: tinyModel(), features: x, labels: nil, indices: [1], rows: 1, columns: 1)
    #expect(picture.outcomes == [PredictionOutcome(index: 1, predicted: 2, truth: nil)])
    #expect(picture.canvas.raster().format == .gray)
  }

  @Test func predictionsRefuseExamplesOfTheWrongWidth() throws {
    let x = try Matrix([[1, 0, 0]])
    #expect(throws: RenderingError.inputWidth(values: 3, inputs: 2)) {
      try Pictures.predictions(model: tinyModel(), features: x, labels: nil, indices: [0], rows: 1, columns: 1)
    }
  }

  @Test func costCurveNeedsATrainingRecord() {
    #expect(throws: RenderingError.noTrainingRecord) { try TrainingRecord(model: tinyModel()) }
    #expect(RenderingError.noTrainingRecord.description.contains("training.cost_history"))
  }

  @Test func costCurveIsDeterministicAndDrawsTheCurve() throws {
    let record = try TrainingRecord(model: tinyModel(history: [6.9, 3.3, 1.2, 0.8, 0.5]))
    #expect(record.title == "training cost: cg, λ = 1, 4 iterations, final J = 0.5")
    let a = try Pictures.costCurve(record, scale: 2)
    let b = try Pictures.costCurve(record, scale: 2)
    #expect(a == b)
    #expect(a.width == 800 && a.height == 520)
    let raster = a.raster()
    #expect(raster.format == .rgb)
    #expect(try PNG.encode(raster) == PNG.encode(b.raster()))
    var blue = 0
    for y in 0..<a.height {
      for x in 0..<a.width where a[x, y] == .blue { blue += 1 }
    }
    #expect(blue > 500)
  }

  @Test func costCurveRefusesARecordWithoutFiniteCosts() throws {
    #expect(throws: RenderingError.noFiniteCost(count: 2)) {
      try Pictures.costCurve(TrainingRecord(costHistory: [.nan, .infinity]))
    }
    _ = try Pictures.costCurve(TrainingRecord(costHistory: [1.5]), scale: 1)
  }

  @Test func errorsAreOneLineNamingTheFile() {
    let e = RenderingError.inFile("m.theta", .noTrainingRecord)
    #expect(e.description.hasPrefix("m.theta: no training record"))
    #expect(!e.description.contains("\n"))
  }
}
