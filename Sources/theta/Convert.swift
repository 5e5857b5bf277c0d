import ArgumentParser
import Conversion
import Exchange
import ModelFormat
import SafeFile

extension Theta {
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Convert a course weights file (MAT v4, v5, v7 or v7.3) into a .theta model.",
      discussion: """
        By default the matrices Theta1, Theta2, … ThetaN are found by name; their shapes \
        must chain (columns of Theta(l+1) = rows of Theta(l) + 1). Values are copied bit \
        for bit (single and integer classes exactly). Complex, sparse, char, cell, logical \
        and empty variables, NaN or infinite weights, and damaged files are refused.

        Examples:
          theta convert ex4weights.mat model.theta
          theta convert w.mat model.theta --var model.Theta1 --var model.Theta2
          theta convert params.mat model.theta --unrolled nn_params --layers 400,25,10
          theta convert octave.mat model.theta --unrolled p --layers 400,25,10 --order column
        """)

    @Argument(help: "The MAT file to read.")
    var input: String

    @Argument(help: "The .theta file to write.")
    var output: String

    @Option(
      name: .customLong("var"),
      help: ArgumentHelp(
        "A weight matrix to read, in layer order; repeat for each layer. A struct field is written as struct.field.",
        valueName: "name"))
    var variables: [String] = []

    @Option(help: ArgumentHelp("Read one unrolled parameter vector of this name (needs --layers).", valueName: "name"))
    var unrolled: String?

    @Option(help: ArgumentHelp("Layer sizes of the unrolled vector, input first, e.g. 400,25,10.", valueName: "sizes"))
    var layers: String?

    @Option(
      help: ArgumentHelp(
        "Layout of the unrolled vector: row (the seed's nn_params) or column (Octave's [Theta1(:); Theta2(:)]).",
        valueName: "row|column"))
    var order: String = "row"

    @Option(help: ArgumentHelp("Storage type: float64 (exact) or float32 (half the size, rounded).", valueName: "type"))
    var dtype: String = "float64"

    @Option(
      help: ArgumentHelp(
        "The label of each output unit, e.g. 1,2,3,4,5,6,7,8,9,10 (the default, 1…K).", valueName: "list"))
    var labels: String?

    @Option(
      name: .customLong("input-shape"),
      help: ArgumentHelp(
        "The input as an image, HxW, in the course's column-major pixel order (default 20x20 for 400 inputs).",
        valueName: "HxW"))
    var inputShape: String?

    @Option(
      name: .customLong("meta"),
      help: ArgumentHelp("A user key=value stored as user.key; repeatable.", valueName: "key=value"))
    var meta: [String] = []

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
      guard DType(name: dtype) != nil else { throw ValidationError("--dtype must be float64 or float32.") }
      guard UnrolledOrder(rawValue: order) != nil else { throw ValidationError("--order must be row or column.") }
      if unrolled != nil, !variables.isEmpty { throw ValidationError("Use either --var or --unrolled, not both.") }
      if layers != nil, unrolled == nil { throw ValidationError("--layers goes with --unrolled.") }
      for m in meta where !m.contains("=") || m.hasPrefix("=") {
        throw ValidationError("--meta \(m): expected key=value.")
      }
    }

    func run() throws {
      var options = ConversionOptions()
      options.variables = variables
      options.unrolled = unrolled
      options.layers = try layers.map { try parseList($0, option: "--layers") }
      options.order = UnrolledOrder(rawValue: order)!
      options.dtype = DType(name: dtype)!
      options.labels = try labels.map { try parseList($0, option: "--labels") }
      options.inputShape = try inputShape.map(parseInputShape)
      options.userMetadata = meta.map { m in
        let eq = m.firstIndex(of: "=")!
        return (String(m[..<eq]), String(m[m.index(after: eq)...]))
      }
      // HDF5, CSV, safetensors and ONNX exports (Docs/EXCHANGE.md); everything else is MAT.
      if !input.lowercased().hasSuffix(".mat"), let format = Exchange.detectFormat(path: input),
        [.hdf5, .csv, .safetensors, .onnx].contains(format)
      {
        guard variables.isEmpty, unrolled == nil, labels == nil, inputShape == nil, meta.isEmpty else {
          throw ValidationError("--var, --unrolled, --labels, --input-shape and --meta apply to MAT input only.")
        }
        try reportingErrors {
          try SafeFile.checkOutput(output, inputs: [input], force: force)
          var model = try Exchange.importModel(path: input)
          if DType(name: dtype) == .float32 { model.dtype = .float32 }  // else keep the file's dtype
          try ModelFile.write(model, to: output, overwrite: force)
        }
        return
      }
      try reportingErrors {
        try SafeFile.checkOutput(output, inputs: [input], force: force)
        let model = try MatConverter.convert(path: input, options: options)
        try ModelFile.write(model, to: output, overwrite: force)
      }
    }
  }
}
