import Checksums
import ModelFormat
import SafeFile

/// How `theta export` lays a model out.
public struct ExportOptions: Sendable {
  /// The target format.
  public var format: ExchangeFormat
  /// Storage type of the numbers; `nil` keeps the model's own dtype.
  public var dtype: DType? = nil
  /// The layout: `matrices` (default), `unrolled` (CSV), `keras` (HDF5).
  public var layout: ExportLayout = .matrices
  /// MAT version: `4`, `5` (default) or `7.3`.
  public var matVersion: String = "5"
  /// Replace existing outputs.
  public var overwrite = false

  /// Options for `format` with every default.
  public init(format: ExchangeFormat) { self.format = format }
}

/// The arrangement of the weights in an export.
public enum ExportLayout: String, Sendable, CaseIterable {
  /// One array per weight matrix, `Theta1` … `ThetaN`, bias in column 0.
  case matrices
  /// CSV only: the seed's `nn_params`, every matrix row-major, as one column.
  case unrolled
  /// HDF5 only: Keras Dense weights (kernel = Theta[:,1:]ᵀ, bias = Theta[:,0]) under `model_weights/`.
  case keras
}

/// Exports of Theta models to HDF5, CSV, MAT, safetensors and ONNX, and their imports.
public enum Exchange {
  /// The tool name recorded as `provenance.tool` and the ONNX producer.
  public static let tool = "theta 0.1.0"

  /// Writes `model` to `path` in `options.format`; every output is written atomically.
  ///
  /// - Returns: the paths written (CSV writes several files).
  /// - Throws: ``ExchangeError``; on failure no output is left behind.
  @discardableResult
  public static func export(_ model: ThetaModel, to path: String, options: ExportOptions) throws(ExchangeError)
    -> [String]
  {
    var model = model
    if let d = options.dtype { model.dtype = d }
    do { try model.validate() } catch { throw .model(file: path, error) }
    if options.layout == .unrolled, options.format != .csv {
      throw .unsupported(format: options.format, reason: "--layout unrolled is for CSV only")
    }
    if options.layout == .keras, options.format != .hdf5 {
      throw .unsupported(format: options.format, reason: "--layout keras is for HDF5 only")
    }
    if options.format != .mat, options.matVersion != "5" {
      throw .unsupported(format: options.format, reason: "--mat-version is for MAT only")
    }
    if let reason = unexportableMetadata(model.metadata, format: options.format) {
      throw .unsupported(format: options.format, reason: reason)
    }
    var files: [(String, [UInt8])]
    switch options.format {
    case .safetensors: files = [(path, Safetensors.encode(model))]
    case .csv: files = CSVExchange.encode(model, path: path, layout: options.layout)
    case .onnx: files = [(path, ONNXExport.encode(model))]
    case .hdf5:
      try HDF5Exchange.write(model, to: path, keras: options.layout == .keras, overwrite: options.overwrite)
      return [path]
    case .mat:
      try MATExchange.write(model, to: path, version: options.matVersion, overwrite: options.overwrite)
      return [path]
    case .theta:
      do { files = [(path, try ModelFile.encode(model))] } catch { throw .model(file: path, error) }
    }
    if !options.overwrite {
      for (p, _) in files where SafeFile.exists(p) { throw .io(.exists(path: p)) }
    }
    for (p, bytes) in files {
      do { try SafeFile.write(bytes, to: p, overwrite: options.overwrite) } catch { throw .io(error) }
    }
    return files.map(\.0)
  }

  /// Why `metadata` cannot be written to `format` so that it reads back, or `nil`.
  ///
  /// A key the export writes itself (``ReservedKeys``) would appear twice, and a NaN or
  /// infinite `float`/`float[]` value has no JSON or CSV number; importers refuse both,
  /// so the export refuses them first. MAT files hold no metadata.
  static func unexportableMetadata(_ metadata: Metadata, format: ExchangeFormat) -> String? {
    guard format != .mat, format != .theta else { return nil }
    if let key = ReservedKeys.first(in: metadata) {
      return "the model's metadata key '\(key)' is one the export writes itself; rename it first"
    }
    guard format != .hdf5 else { return nil }  // HDF5 attributes hold any double
    for (key, value) in metadata {
      switch value {
      case .float(let v) where !v.isFinite:
        return "metadata '\(key)' is \(v), which \(format.displayName) metadata cannot hold as a number"
      case .floatArray(let vs) where vs.contains(where: { !$0.isFinite }):
        return "metadata '\(key)' holds a non-finite number, which \(format.displayName) metadata cannot hold"
      default: continue
      }
    }
    return nil
  }

  /// The paths an export to `path` writes (CSV: the matrix files and the sidecar).
  public static func outputs(of model: ThetaModel, path: String, options: ExportOptions) -> [String] {
    options.format == .csv ? CSVExchange.paths(model, path: path, layout: options.layout) : [path]
  }

  /// The exchange format of the file at `path`: by its first bytes, else by its name;
  /// `nil` for MAT v4 (no magic) and unknown files.
  public static func detectFormat(path: String) -> ExchangeFormat? {
    if let bytes = try? SafeFile.readPrefix(path, count: 1032), let f = ExchangeFormat(magic: bytes) {
      if f == .hdf5, ExchangeFormat(path: path) == .mat { return .mat }
      return f
    }
    if CSVExchange.sidecarPath(for: path) != nil { return .csv }
    return ExchangeFormat(path: path)
  }

  /// Reads a model from an HDF5, CSV, safetensors or ONNX file (by content, then by name).
  ///
  /// Exports that carry Theta's metadata read back to the same model (a byte-identical
  /// `.theta` file); others get the course defaults and `provenance.*` keys.
  /// - Throws: ``ExchangeError`` with a one-line reason.
  public static func importModel(path: String) throws(ExchangeError) -> ThetaModel {
    switch detectFormat(path: path) {
    case .safetensors: return try Safetensors.read(path: path)
    case .csv: return try CSVExchange.read(path: path)
    case .onnx: return try ONNXImport.read(path: path)
    case .hdf5: return try HDF5Exchange.read(path: path)
    case .theta:
      do { return try ModelFile.read(path: path) } catch { throw .model(file: path, error) }
    case .mat, nil: throw .unknownFormat(path: path)
    }
  }

  /// Builds and checks a model from imported weights and, when the file had them,
  /// Theta's typed metadata; every importer refuses a reserved key (``ReservedKeys``)
  /// here.
  static func assemble(
    weights: [WeightMatrix], dtype: DType, typed: (Metadata, DType?)?, file: String,
    format: ExchangeFormat, fileBytes: [UInt8]?
  ) throws(ExchangeError) -> ThetaModel {
    if let (metadata, _) = typed, let key = ReservedKeys.first(in: metadata) {
      throw .malformed(file: file, format: format, reason: ReservedKeys.reason(key))
    }
    guard !weights.isEmpty else {
      throw .malformed(file: file, format: format, reason: "no weight matrices Theta1 … ThetaN")
    }
    for i in 1..<weights.count where weights[i].columns != weights[i - 1].rows + 1 {
      throw .malformed(
        file: file, format: format,
        reason:
          "shapes do not chain: \(weights[i - 1].name) is \(weights[i - 1].rows)×\(weights[i - 1].columns), \(weights[i].name) is \(weights[i].rows)×\(weights[i].columns)"
      )
    }
    var model: ThetaModel
    if let (metadata, storedDType) = typed {
      _ = storedDType  // the data's own dtype wins
      model = ThetaModel(weights: weights, dtype: dtype)
      model.metadata = metadata
    } else {
      var meta = Metadata()
      meta["provenance.tool"] = .string(tool)
      meta["provenance.source_file"] = .string(String(file.split(separator: "/").last ?? Substring(file)))
      if let fileBytes { meta["provenance.source_sha256"] = .string(SHA256.hexDigest(fileBytes)) }
      meta["provenance.source_format"] = .string(format.rawValue)
      meta["provenance.layout"] = .string("matrices")
      let outputs = weights.last!.rows
      if outputs == 10 { meta["model.label_names"] = .stringArray((1...10).map { $0 == 10 ? "0" : String($0) }) }
      if weights[0].columns - 1 == 400 {
        meta["input.shape"] = .intArray([20, 20])
        meta["input.order"] = .string("column-major")
      }
      model = ThetaModel(weights: weights, dtype: dtype, metadata: meta)
    }
    do { try model.validate() } catch { throw .model(file: file, error) }
    return model
  }
}
