import ArgumentParser
import Datasets
import FoundationEssentials
import LinearAlgebra
import ModelFormat
import PNGImage
import Rendering
import SafeFile
import Training

extension Theta {
  struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw examples, hidden units, training curves and predictions as PNG pictures.",
      discussion: """
        The seed's two pictures and two more, written as PNG files (8-bit gray, or RGB when \
        there is colour) through libpng. The same input gives the same bytes. Examples are \
        drawn as the seed draws them: each row of X reshaped in the course's column-major \
        pixel order (the seed's row.reshape((20, 20)).T) and shaded like matplotlib's \
        cm.binary, each tile from its own minimum (white) to its own maximum (black).

        Examples:
          theta render data digits20.mat examples.png
          theta render hidden model.theta hidden.png
          theta render curve trained.theta cost.png
          theta render predictions model.theta digits20.mat predictions.png

        See Docs/RENDER.md.
        """,
      subcommands: [DataGrid.self, Hidden.self, Curve.self, Predictions.self])
  }
}

extension Theta.Render {
  /// Where the examples come from.
  struct DataOptions: ParsableArguments {
    @Option(name: .customLong("x"), help: ArgumentHelp("The MAT variable holding the examples.", valueName: "name"))
    var xName: String = "X"

    @Option(
      name: .customLong("y"),
      help: ArgumentHelp("The MAT variable holding the true labels (default y, when present).", valueName: "name"))
    var yName: String?

    @Flag(help: "The CSV's last column holds the true label of each row (it is not drawn).")
    var labeled = false
  }

  /// How examples are chosen and drawn.
  struct GridOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Tiles per column.", valueName: "N"))
    var rows: Int = 10

    @Option(help: ArgumentHelp("Tiles per row.", valueName: "N"))
    var cols: Int = 10

    @Option(
      help: ArgumentHelp(
        "Seed of numpy's RandomState that picks the examples (randint(m) once per tile, as the seed).",
        valueName: "N"))
    var seed: Int = 0

    @Option(
      help: ArgumentHelp(
        "Pixels per example pixel (default: the smallest making the picture at least 400 pixels wide).",
        valueName: "N"))
    var scale: Int?

    @Option(
      help: ArgumentHelp(
        "Shading: tile (each tile from its own minimum, white, to its maximum, black, as imshow) or data (one scale for all: the data's minimum to its maximum).",
        valueName: "tile|data"))
    var range: String = "tile"

    @Option(
      name: .customLong("input-shape"),
      help: ArgumentHelp(
        "An example as an image, HxW (default: the model's input.shape, or a square).", valueName: "HxW"))
    var inputShape: String?

    @Option(
      help: ArgumentHelp(
        "Pixel order: column-major (the course, the seed's reshape((20, 20)).T) or row-major.",
        valueName: "column-major|row-major"))
    var order: String?

    @Flag(name: .shortAndLong, help: "List the examples drawn (0-based rows of X) on standard output.")
    var verbose = false

    func check() throws {
      guard (1...1000).contains(rows), (1...1000).contains(cols) else {
        throw ValidationError("--rows and --cols must be 1…1000.")
      }
      guard (0...Int(UInt32.max)).contains(seed) else {
        throw ValidationError("--seed must be 0…4294967295 (numpy's RandomState range).")
      }
      try checkScale(scale)
      guard ["tile", "data"].contains(range) else { throw ValidationError("--range must be tile or data.") }
      try checkShape(inputShape, order: order)
    }
  }
}

// MARK: - theta render data

extension Theta.Render {
  struct DataGrid: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "data",
      abstract: "Draw a grid of randomly chosen examples (the seed's first picture).",
      discussion: """
        DATA is a MAT file (examples in X, one per row) or a CSV file (one example per \
        row, no header; --labeled when the last column is the label). Each tile is one \
        example chosen by numpy's RandomState(--seed).randint(m), called once per tile \
        and row by row as the seed's loop does, so --seed 0 on the course data draws the \
        seed's picture. The same example may appear twice. Tiles are separated by \
        one-pixel gray lines.

        Examples:
          theta render data digits20.mat examples.png
          theta render data digits20.mat grid.png --rows 4 --cols 8 --seed 7 -v
          theta render data examples.csv grid.png --labeled --input-shape 20x20
        """)

    @Argument(help: "The examples: a .mat or .csv file.")
    var data: String

    @Argument(help: "The PNG file to write.")
    var output: String

    @OptionGroup var source: DataOptions
    @OptionGroup var grid: GridOptions

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws { try grid.check() }

    func run() throws {
      try reportingErrors {
        try SafeFile.checkOutput(output, inputs: [data], force: force)
        let dataset = try loadDataset(data, source)
        let canvas: Canvas
        let indices: [Int]
        do {
          guard dataset.count >= 1 else { throw RenderingError.noExamples }
          let shape = try resolveShape(grid.inputShape, order: grid.order, model: nil, values: dataset.featureCount)
          indices = pickExamples(count: dataset.count, tiles: grid.rows * grid.cols, seed: grid.seed)
          canvas = try Pictures.examples(
            dataset.features, indices: indices, rows: grid.rows, columns: grid.cols, shape: shape,
            scale: grid.scale, range: toneRange(grid.range, dataset.features))
        } catch let e as RenderingError {
          throw RenderingError.inFile(data, e)
        }
        if grid.verbose {
          printListing(indices: indices, labels: dataset.labels, seed: grid.seed, count: dataset.count)
        }
        try writePicture(canvas, to: output, force: force)
      }
    }
  }
}

// MARK: - theta render hidden

extension Theta.Render {
  struct Hidden: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw each hidden unit's incoming weights as an image (the seed's second picture).",
      discussion: """
        Row u of Theta1 without its bias column, reshaped by the model's input.shape and \
        input.order metadata (or --input-shape, --order), is tile u, shaded from its own \
        smallest weight (white) to its largest (black). The grid is close to square: \
        ⌈√n⌉ columns, 5×5 for the course's 25 units. Models converted or trained by theta \
        with 400 inputs record input.shape 20x20; for others pass --input-shape.

        Examples:
          theta render hidden model.theta hidden.png
          theta render hidden model.theta hidden.png --scale 8 --force
          theta render hidden other.theta hidden.png --input-shape 8x8 --order row-major
        """)

    @Argument(help: "The .theta model.")
    var model: String

    @Argument(help: "The PNG file to write.")
    var output: String

    @Option(
      name: .customLong("input-shape"),
      help: ArgumentHelp("The input as an image, HxW, when the model does not record it.", valueName: "HxW"))
    var inputShape: String?

    @Option(
      help: ArgumentHelp(
        "Pixel order of --input-shape: column-major (the course) or row-major.",
        valueName: "column-major|row-major"))
    var order: String?

    @Option(
      help: ArgumentHelp(
        "Pixels per weight (default: the smallest making the picture at least 400 pixels wide).",
        valueName: "N"))
    var scale: Int?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
      try checkScale(scale)
      try checkShape(inputShape, order: order)
    }

    func run() throws {
      try reportingErrors {
        try SafeFile.checkOutput(output, inputs: [model], force: force)
        let theta = try ModelFile.read(path: model)
        let canvas: Canvas
        do {
          let inputs = max((theta.weights.first?.columns ?? 1) - 1, 0)
          let shape = try resolveShape(inputShape, order: order, model: theta, values: inputs)
          canvas = try Pictures.hiddenUnits(of: theta, shape: shape, scale: scale)
        } catch let e as RenderingError {
          throw RenderingError.inFile(model, e)
        }
        try writePicture(canvas, to: output, force: force)
      }
    }
  }
}

// MARK: - theta render curve

extension Theta.Render {
  struct Curve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Plot the cost per iteration from a trained model's training record.",
      discussion: """
        theta train records J at the start and after every iteration in the model's \
        training.cost_history metadata (Docs/TRAINING.md); this plots it with labelled \
        axes, tick values and the optimiser, λ and final J in the title. Models made by \
        theta convert have no training record and are refused.

        Examples:
          theta train digits20.mat -o trained.theta --init numpy --seed 0
          theta render curve trained.theta cost.png
          theta render curve trained.theta cost-small.png --scale 1
        """)

    @Argument(help: "The .theta model, written by theta train.")
    var model: String

    @Argument(help: "The PNG file to write.")
    var output: String

    @Option(help: ArgumentHelp("Pixels per unit of the 400×260 plot.", valueName: "N"))
    var scale: Int = 2

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
      guard (1...16).contains(scale) else { throw ValidationError("--scale must be 1…16 for curve.") }
    }

    func run() throws {
      try reportingErrors {
        try SafeFile.checkOutput(output, inputs: [model], force: force)
        let theta = try ModelFile.read(path: model)
        let canvas: Canvas
        do {
          canvas = try Pictures.costCurve(try TrainingRecord(model: theta), scale: scale)
        } catch let e as RenderingError {
          throw RenderingError.inFile(model, e)
        }
        try writePicture(canvas, to: output, force: force)
      }
    }
  }
}

// MARK: - theta render predictions

extension Theta.Render {
  struct Predictions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw a grid of examples, each with the model's predicted label; wrong ones in red.",
      discussion: """
        The examples are chosen and drawn as in theta render data. Under each tile is the \
        label the model predicts, written with the model's label names (the course's label \
        10 shows as 0). When DATA has true labels (y in a MAT file, or --labeled CSV) a \
        wrong prediction's strip is red and reads predicted/true, and the count of right \
        ones goes to standard error, e.g. "predictions: 98/100 right, 2 wrong (marked red)".

        Examples:
          theta render predictions model.theta digits20.mat predictions.png
          theta render predictions model.theta test.csv predictions.png --labeled -v
        """)

    @Argument(help: "The .theta model.")
    var model: String

    @Argument(help: "The examples: a .mat or .csv file.")
    var data: String

    @Argument(help: "The PNG file to write.")
    var output: String

    @OptionGroup var source: DataOptions
    @OptionGroup var grid: GridOptions

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws { try grid.check() }

    func run() throws {
      try reportingErrors {
        try SafeFile.checkOutput(output, inputs: [model, data], force: force)
        let theta = try ModelFile.read(path: model)
        let dataset = try loadDataset(data, source)
        let picture: (canvas: Canvas, outcomes: [PredictionOutcome])
        do {
          guard dataset.count >= 1 else { throw RenderingError.inFile(data, .noExamples) }
          let inputs = theta.layerSizes.first ?? 0
          guard dataset.featureCount == inputs else {
            throw RenderingError.inFile(data, .inputWidth(values: dataset.featureCount, inputs: inputs))
          }
          let shape: ImageShape
          do {
            shape = try resolveShape(grid.inputShape, order: grid.order, model: theta, values: inputs)
          } catch let e as RenderingError {
            throw RenderingError.inFile(model, e)
          }
          let indices = pickExamples(count: dataset.count, tiles: grid.rows * grid.cols, seed: grid.seed)
          picture = try Pictures.predictions(
            model: theta, features: dataset.features, labels: dataset.labels, indices: indices,
            rows: grid.rows, columns: grid.cols, shape: shape, scale: grid.scale,
            range: toneRange(grid.range, dataset.features))
        } catch let e as RenderingError {
          if case .inFile = e { throw e }
          throw RenderingError.inFile(model, e)
        }
        if grid.verbose {
          printListing(
            indices: picture.outcomes.map(\.index), labels: dataset.labels, seed: grid.seed, count: dataset.count,
            predicted: picture.outcomes.map(\.predicted))
        }
        try writePicture(picture.canvas, to: output, force: force)
        let judged = picture.outcomes.compactMap(\.isCorrect)
        if !judged.isEmpty {
          let right = judged.filter { $0 }.count
          let wrong = judged.count - right
          SafeFile.writeStandardError("predictions: \(right)/\(judged.count) right, \(wrong) wrong (marked red)\n")
        }
      }
    }
  }
}

// MARK: - Shared helpers

/// The examples `numpy.random.RandomState(seed).randint(count)` gives, one per tile.
private func pickExamples(count: Int, tiles: Int, seed: Int) -> [Int] {
  var generator = RandomState(seed: UInt32(seed))
  return (0..<tiles).map { _ in generator.randint(count) }
}

private func loadDataset(_ path: String, _ source: Theta.Render.DataOptions) throws -> Dataset {
  try loadExamples(
    path, x: source.xName, y: source.yName ?? "y", requireY: source.yName != nil,
    csvLabels: source.labeled)
}

/// `--input-shape` and `--order`, else the model's metadata, else a square (data only).
private func resolveShape(
  _ text: String?, order: String?, model: ThetaModel?, values: Int
) throws(RenderingError) -> ImageShape {
  let pixelOrder = order.flatMap(PixelOrder.init(rawValue:))
  if let text, let shape = ImageShape(parsing: text, order: pixelOrder ?? .columnMajor) {
    guard shape.pixelCount == values else { throw .shapeMismatch(shape: shape, values: values) }
    return shape
  }
  if let model {
    guard var shape = ImageShape(model: model) else { throw .noInputShape(inputs: values) }
    if let pixelOrder { shape.order = pixelOrder }
    return shape
  }
  guard var shape = ImageShape.square(pixels: values) else { throw .notSquare(values: values) }
  if let pixelOrder { shape.order = pixelOrder }
  return shape
}

private func toneRange(_ name: String, _ features: Matrix) -> ToneRange {
  name == "data" ? Pictures.dataRange(features) : .tile
}

private func checkScale(_ scale: Int?) throws {
  if let scale, !(1...256).contains(scale) { throw ValidationError("--scale must be 1…256.") }
}

private func checkShape(_ text: String?, order: String?) throws {
  if let text, ImageShape(parsing: text) == nil {
    throw ValidationError("--input-shape \(text): expected HxW, e.g. 20x20.")
  }
  if let order, PixelOrder(rawValue: order) == nil {
    throw ValidationError("--order must be column-major or row-major.")
  }
}

/// Writes the PNG atomically; a file-system failure surfaces as the ``SafeFileError``
/// it is, so that `reportingErrors` gives it its exit code (73 or 74).
private func writePicture(_ canvas: Canvas, to path: String, force: Bool) throws {
  do {
    try PNG.write(canvas.raster(), to: path, overwrite: force)
  } catch {
    if case .io(let e) = error { throw e }
    throw error
  }
}

private func printListing(indices: [Int], labels: [Int]?, seed: Int, count: Int, predicted: [Int]? = nil) {
  var out =
    "# tile  example  label\(predicted == nil ? "" : "  predicted")"
    + "   (examples: 0-based rows of X, numpy RandomState(\(seed)).randint(\(count)) per tile)\n"
  for (k, index) in indices.enumerated() {
    let label = labels.flatMap { index < $0.count ? String($0[index]) : nil } ?? "-"
    var line = pad(k + 1, 6) + pad(index, 9) + pad(label, 7)
    if let predicted {
      line += pad(predicted[k], 11)
      if let l = labels, index < l.count, l[index] != predicted[k] { line += "  wrong" }
    }
    out += line + "\n"
  }
  SafeFile.writeStandardOutput(out)
}

private func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
  let s = value.description
  return String(repeating: " ", count: max(0, width - s.count)) + s
}
