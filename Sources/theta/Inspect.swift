import ArgumentParser
import Exchange
import FoundationEssentials
import MatFile
import ModelFormat
import SafeFile

extension Theta {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe a model file (.theta) or a MAT file's variables (.mat).",
      discussion: """
        For a .theta file: format version, layer sizes, parameter count, dtype, checksum \
        status, metadata, and per-matrix min/max/mean/L2 norm. For a .mat file: every \
        variable with its class, dimensions and whether it is compressed; variables that \
        cannot be read are listed with the reason. --json prints the same as JSON (schema \
        in Docs/CLI.md).
        """)

    @Argument(help: "The file to describe: .theta, .mat, .h5 or .safetensors.")
    var file: String

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    func run() throws {
      try reportingErrors {
        let head = try SafeFile.readPrefix(file, count: 8)
        if Array(head) == ModelFile.magic {
          let report = ModelReport(try ModelFile.inspect(path: file), file: file)
          print(json ? try encodeJSON(report) : report.text)
        } else if !file.lowercased().hasSuffix(".mat"), let format = Exchange.detectFormat(path: file),
          format == .hdf5 || format == .safetensors
        {
          let report = try Exchange.inspect(path: file)
          print(json ? try encodeJSON(report) : report.text)
        } else {
          let report = MatReport(try MatFile(path: file), file: file)
          print(json ? try encodeJSON(report) : report.text)
        }
      }
    }
  }
}

func encodeJSON(_ value: some Encodable) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// What `inspect` shows of a `.theta` file (also its JSON schema).
struct ModelReport: Encodable {
  struct Matrix: Encodable {
    var name: String
    var shape: [Int]
    var dtype: String
    var offset: Int
    var crc32c: String
    var min: Double
    var max: Double
    var mean: Double
    var l2norm: Double
  }
  struct Entry: Encodable {
    var key: String
    var type: String
    var value: String
  }
  var kind = "theta"
  var file: String
  var formatVersion: String
  var layerSizes: [Int]
  var parameters: Int
  var dtype: String
  var fileSize: Int
  var checksums: String
  var sha256: String
  var matrices: [Matrix]
  var extraTensors: [String]
  var metadata: [Entry]

  init(_ d: DecodedModel, file: String) {
    self.file = file
    formatVersion = d.version.description
    layerSizes = d.model.layerSizes
    parameters = d.model.parameterCount
    dtype = d.model.dtype.description
    fileSize = d.fileLength
    checksums = "verified"
    sha256 = d.sha256
    matrices = zip(d.model.weights, d.tensors).map { w, t in
      let v = w.values
      return Matrix(
        name: w.name, shape: [w.rows, w.columns], dtype: t.dtype.description, offset: t.offset,
        crc32c: formatted("%08x", t.crc32c), min: v.min() ?? 0, max: v.max() ?? 0,
        mean: v.reduce(0, +) / Double(max(v.count, 1)),
        l2norm: v.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }
    extraTensors = d.model.extraTensors
    metadata = d.model.metadata.map { Entry(key: $0.key, type: $0.value.typeName, value: $0.value.description) }
  }

  var text: String {
    var lines = [
      "\(file): Theta model, format \(formatVersion)",
      "  layers      \(layerSizes.map(String.init).joined(separator: "-")) (\(layerSizes.count - 1) weight matrices, bias in column 0)",
      "  parameters  \(parameters)",
      "  dtype       \(dtype)",
      "  size        \(fileSize) bytes",
      "  checksums   \(checksums): header CRC-32C, \(matrices.count + extraTensors.count) tensor CRC-32C, SHA-256 \(sha256)",
      "",
      "  matrix   shape        min          max          mean         L2 norm",
    ]
    for m in matrices {
      lines.append(
        "  "
          + [
            padded(m.name, to: 8),
            padded("\(m.shape[0])×\(m.shape[1])", to: 12),
            formatted("%-12.6g", m.min), formatted("%-12.6g", m.max),
            formatted("%-12.6g", m.mean), formatted("%.6g", m.l2norm),
          ].joined(separator: " "))
    }
    if !extraTensors.isEmpty { lines.append("  other tensors: " + extraTensors.joined(separator: ", ")) }
    lines.append("")
    lines.append("  metadata")
    let width = (metadata.map(\.key.count).max() ?? 0) + 2
    for e in metadata {
      lines.append(
        "    " + padded(e.key, to: width)
          + "\(padded(e.type, to: 9)) \(e.value)")
    }
    return lines.joined(separator: "\n")
  }
}

/// What `inspect` shows of a MAT file (also its JSON schema).
struct MatReport: Encodable {
  struct Variable: Encodable {
    var name: String
    var `class`: String
    var dimensions: [Int]
    var complex: Bool
    var compressed: Bool
    var readable: Bool
    var problem: String?
    var convertible: Bool
    var refusal: String?
  }
  var kind = "mat"
  var file: String
  var matVersion: String
  var header: String
  var variables: [Variable]

  init(_ mat: MatFile, file: String) {
    self.file = file
    matVersion = mat.version.rawValue
    header = mat.headerText
    variables = mat.variables().map {
      Variable(
        name: $0.name, class: $0.matClass.rawValue, dimensions: $0.dimensions, complex: $0.isComplex,
        compressed: $0.isCompressed, readable: $0.problem == nil, problem: $0.problem,
        convertible: $0.problem == nil && $0.refusal == nil, refusal: $0.refusal)
    }
  }

  var text: String {
    var lines = ["\(file): MAT file, version \(matVersion)"]
    if !header.isEmpty { lines.append("  header  \(header)") }
    lines.append("")
    lines.append("  name                 class            dimensions   storage")
    for v in variables {
      let dims = v.dimensions.map(String.init).joined(separator: "×")
      var line =
        "  " + padded(v.name, to: 20) + " "
        + padded(v.complex ? "complex " + v.class : v.class, to: 16) + " "
        + padded(dims, to: 12) + " "
        + (v.compressed ? "compressed" : "uncompressed")
      if let p = v.problem {
        line += "  UNREADABLE: \(p)"
      } else if let r = v.refusal {
        line += "  (not a weight matrix: \(r))"
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
