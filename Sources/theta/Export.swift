import ArgumentParser
import Exchange
import ModelFormat
import SafeFile

extension Theta {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Export a .theta model to HDF5, CSV, MAT, safetensors or ONNX.",
      discussion: """
        The format comes from --format or the output's extension (.h5, .csv, .mat, \
        .safetensors, .onnx). Every export reads back with `theta convert`; HDF5, CSV, \
        safetensors and ONNX keep the metadata, so the round trip gives a byte-identical \
        .theta file. Layouts and options are described in Docs/EXCHANGE.md.

        Examples:
          theta export model.theta model.safetensors
          theta export model.theta model.csv --layout unrolled
          theta export model.theta model.onnx --dtype float32
          theta export model.theta model.h5 --layout keras
          theta export model.theta model.mat --mat-version 7.3
        """)

    @Argument(help: "The .theta model to export.")
    var model: String

    @Argument(help: "The file to write (CSV: the stem of the files written).")
    var output: String

    @Option(
      help: ArgumentHelp(
        "The format: hdf5, csv, mat, safetensors or onnx (default: from the extension).", valueName: "name"))
    var format: String?

    @Option(help: ArgumentHelp("Number type: float64 or float32 (default: the model's own).", valueName: "type"))
    var dtype: String?

    @Option(
      help: ArgumentHelp(
        "matrices (default); unrolled (CSV: the seed's nn_params as one column); keras (HDF5: Dense kernel and bias).",
        valueName: "layout"))
    var layout: String = "matrices"

    @Option(
      name: .customLong("mat-version"),
      help: ArgumentHelp("MAT file version: 4, 5 (compressed, default) or 7.3.", valueName: "version"))
    var matVersion: String = "5"

    @Flag(help: "Replace the outputs if they exist.")
    var force = false

    func validate() throws {
      if let format, ExchangeFormat(name: format) == nil || ExchangeFormat(name: format) == .theta {
        throw ValidationError("--format must be hdf5, csv, mat, safetensors or onnx.")
      }
      if let dtype, DType(name: dtype) == nil { throw ValidationError("--dtype must be float64 or float32.") }
      guard ExportLayout(rawValue: layout) != nil else {
        throw ValidationError("--layout must be matrices, unrolled or keras.")
      }
      guard ["4", "5", "7.3"].contains(matVersion) else { throw ValidationError("--mat-version must be 4, 5 or 7.3.") }
    }

    func run() throws {
      try reportingErrors {
        let fmt: ExchangeFormat
        if let format {
          fmt = ExchangeFormat(name: format)!
        } else {
          guard let f = ExchangeFormat(path: output), f != .theta else {
            throw ExchangeError.unknownFormat(path: output)
          }
          fmt = f
        }
        var options = ExportOptions(format: fmt)
        options.dtype = dtype.flatMap { DType(name: $0) }
        options.layout = ExportLayout(rawValue: layout)!
        options.matVersion = matVersion
        options.overwrite = force
        let m = try ModelFile.read(path: model)
        for path in Exchange.outputs(of: m, path: output, options: options) {
          try SafeFile.checkOutput(path, inputs: [model], force: force)
        }
        do {
          try Exchange.export(m, to: output, options: options)
        } catch ExchangeError.io(let e) {
          throw e  // keeps the exit codes of SafeFileError (73 for an existing output)
        }
      }
    }
  }
}
