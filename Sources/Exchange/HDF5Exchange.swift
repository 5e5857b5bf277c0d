import HDF5File
import MatFile
import ModelFormat
import SafeFile

/// HDF5 exports: datasets `/Theta1` … (rows × columns, as h5py and `scipy.io.loadmat`
/// show them) or, with `--layout keras`, Keras Dense weights under `model_weights/`;
/// the metadata as typed attributes of the root group, with `theta.types` and
/// `theta.format_version`.
public enum HDF5Exchange {
  /// The Keras layer name of layer `k` (1-based).
  static func kerasLayer(_ k: Int) -> String { "dense_\(k)" }

  static func write(_ model: ThetaModel, to path: String, keras: Bool, overwrite: Bool) throws(ExchangeError) {
    let bytes: [UInt8]
    do { bytes = try encode(model, name: path, keras: keras) } catch {
      throw .hdf5(file: path, message: error.description)
    }
    do { try SafeFile.write(bytes, to: path, overwrite: overwrite) } catch { throw .io(error) }
  }

  /// The bytes of the HDF5 file for `model` (built in memory).
  public static func encode(_ model: ThetaModel, name: String, keras: Bool) throws(HDF5Error) -> [UInt8] {
    let f = try HDF5File(inMemory: name)
    let type: HDF5FloatType = model.dtype == .float64 ? .float64 : .float32
    if keras {
      try f.createGroup("/model_weights")
      let layers = model.weights.indices.map { kerasLayer($0 + 1) }
      try f.setAttribute("layer_names", .strings(layers), on: "/model_weights")
      try f.setAttribute("backend", .string("tensorflow"), on: "/model_weights")
      try f.setAttribute("keras_version", .string("2.15.0"), on: "/model_weights")
      for (w, layer) in zip(model.weights, layers) {
        let g = "/model_weights/\(layer)"
        try f.createGroup(g)
        try f.createGroup("\(g)/\(layer)")
        try f.setAttribute("weight_names", .strings(["\(layer)/kernel:0", "\(layer)/bias:0"]), on: g)
        var kernel = [Double](repeating: 0, count: w.rows * (w.columns - 1))
        for r in 0..<w.rows { for c in 1..<w.columns { kernel[(c - 1) * w.rows + r] = w[r, c] } }
        try f.writeDataset("\(g)/\(layer)/kernel:0", dimensions: [w.columns - 1, w.rows], values: kernel, type: type)
        try f.writeDataset(
          "\(g)/\(layer)/bias:0", dimensions: [w.rows], values: (0..<w.rows).map { w[$0, 0] }, type: type)
      }
    } else {
      for w in model.weights {
        try f.writeDataset("/" + w.name, dimensions: [w.rows, w.columns], values: w.values, type: type)
      }
    }
    let types = MetadataText.encode(model.metadata, dtype: model.dtype).last!.value
    try f.setAttribute(MetadataText.formatKey, .string(FormatVersion.current.description))
    try f.setAttribute(MetadataText.typesKey, .string(types))
    for (key, value) in model.metadata { try f.setAttribute(key, attribute(value)) }
    return try f.image()
  }

  static func attribute(_ value: MetadataValue) -> HDF5Attribute {
    switch value {
    case .bool(let b): .int8(b ? 1 : 0)
    case .int(let v): .int(v)
    case .float(let v): .double(v)
    case .string(let s): .string(s)
    case .intArray(let a) where !a.isEmpty: .ints(a)
    case .floatArray(let a) where !a.isEmpty: .doubles(a)
    case .stringArray(let a) where !a.isEmpty: .strings(a)
    case .bytes(let b) where !b.isEmpty: .bytes(b)
    default: .string(MetadataText.text(value))
    }
  }

  static func metadataValue(_ a: HDF5Attribute, type: String, key: String) throws(ExchangeReason) -> MetadataValue {
    switch (type, a) {
    case ("bool", .int8(let v)) where v == 0 || v == 1: return .bool(v == 1)
    case ("int", .int(let v)): return .int(v)
    case ("float", .double(let v)): return .float(v)
    case ("string", .string(let s)): return .string(s)
    case ("int[]", .ints(let v)): return .intArray(v)
    case ("float[]", .doubles(let v)): return .floatArray(v)
    case ("string[]", .strings(let v)): return .stringArray(v)
    case ("bytes", .bytes(let v)): return .bytes(v)
    case (_, .string(let s)) where type != "string": return try MetadataText.value(s, type: type, key: key)
    default: throw ExchangeReason("attribute \(key) does not hold a \(type)")
    }
  }

  /// The most values read from one HDF5 file, over all its datasets (2^26).
  static let valueBudget = 1 << 26

  static func read(path: String) throws(ExchangeError) -> ThetaModel {
    let bytes: [UInt8]
    do { bytes = try SafeFile.read(path) } catch { throw .io(error) }
    let contents = try isolated(path: path) { w in
      try readContents(path: path).write(to: &w)
    } decode: { r in
      Contents(reading: &r)
    }
    let attrs = contents.attributes
    var typed: (Metadata, DType?)? = nil
    if case .string(let typesText)? = attrs.first(where: { $0.name == MetadataText.typesKey })?.value {
      do throws(ExchangeReason) {
        var meta = Metadata()
        for (key, type) in try MetadataText.typeMap(typesText) {
          guard let a = attrs.first(where: { $0.name == key })?.value else {
            throw ExchangeReason("attribute \(key) is listed in theta.types but absent")
          }
          meta[key] = try metadataValue(a, type: type, key: key)
        }
        typed = (meta, nil)
      } catch {
        throw .malformed(file: path, format: .hdf5, reason: error.description)
      }
    }
    return try Exchange.assemble(
      weights: contents.weights, dtype: contents.float32 ? .float32 : .float64, typed: typed, file: path,
      format: .hdf5, fileBytes: bytes)
  }

  /// What the HDF5 import reads with libhdf5: the weights, whether they are float32,
  /// and the root group's attributes. Runs in the child process of ``read(path:)``.
  struct Contents {
    var weights: [WeightMatrix]
    var float32: Bool
    var attributes: [(name: String, value: HDF5Attribute)]
  }

  /// Reads ``Contents`` with libhdf5; throws `ExchangeReason` or `HDF5Error`.
  static func readContents(path: String) throws -> Contents {
    let f = try HDF5File(reading: path)
    // One budget for every dataset of the file: 2^26 values (512 MiB as float64) in all.
    var budget = HDF5Exchange.valueBudget
    func readBudgeted(_ dataset: String) throws -> HDF5Array {
      let (dims, _) = try f.describeDataset(dataset)
      var count = 1
      for d in dims {
        let (p, overflow) = count.multipliedReportingOverflow(by: max(d, 0))
        guard !overflow, p <= budget else {
          throw ExchangeReason(
            "\(dataset) takes the datasets past \(HDF5Exchange.valueBudget) values in all, the limit")
        }
        count = p
      }
      let a = try f.readDataset(dataset, limit: budget)
      budget -= a.values.count
      return a
    }
    var weights: [WeightMatrix] = []
    var dtypes = Set<HDF5FloatType>()
    if f.kind(of: "/Theta1") == .dataset {
      var k = 1
      while f.kind(of: "/Theta\(k)") == .dataset {
        let a = try readBudgeted("/Theta\(k)")
        guard a.dimensions.count == 2, a.dimensions.allSatisfy({ $0 >= 1 }) else {
          throw ExchangeReason("/Theta\(k) has shape \(a.dimensions), expected a matrix")
        }
        dtypes.insert(a.type)
        weights.append(
          WeightMatrix(name: "Theta\(k)", rows: a.dimensions[0], columns: a.dimensions[1], values: a.values))
        k += 1
      }
    } else if f.kind(of: "/model_weights") == .group {
      let layerAttr = try f.attributes(of: "/model_weights").first { $0.name == "layer_names" }?.value
      guard case .strings(let layers)? = layerAttr else { throw ExchangeReason("model_weights has no layer_names") }
      for (i, layer) in layers.enumerated() {
        let g = "/model_weights/\(layer)"
        guard f.kind(of: g) == .group else { throw ExchangeReason("no group \(g)") }
        guard case .strings(let names)? = try f.attributes(of: g).first(where: { $0.name == "weight_names" })?.value,
          let kn = names.first(where: { $0.contains("kernel") }), let bn = names.first(where: { $0.contains("bias") })
        else { throw ExchangeReason("\(g) has no kernel and bias in weight_names") }
        guard f.kind(of: "\(g)/\(kn)") == .dataset, f.kind(of: "\(g)/\(bn)") == .dataset else {
          throw ExchangeReason("missing dataset \(g)/\(kn) or \(g)/\(bn)")
        }
        let kernel = try readBudgeted("\(g)/\(kn)")
        let bias = try readBudgeted("\(g)/\(bn)")
        guard kernel.dimensions.count == 2, kernel.dimensions.allSatisfy({ $0 >= 1 }),
          bias.dimensions == [kernel.dimensions[1]]
        else {
          throw ExchangeReason(
            "\(layer): kernel \(kernel.dimensions) and bias \(bias.dimensions) do not match (in, out) and (out)")
        }
        dtypes.formUnion([kernel.type, bias.type])
        let (inputs, outputs) = (kernel.dimensions[0], kernel.dimensions[1])
        var values: [Double] = []
        for r in 0..<outputs {
          values.append(bias.values[r])
          for c in 0..<inputs { values.append(kernel.values[c * outputs + r]) }
        }
        weights.append(WeightMatrix(name: "Theta\(i + 1)", rows: outputs, columns: inputs + 1, values: values))
      }
    } else {
      throw ExchangeReason("no dataset /Theta1 and no Keras group /model_weights")
    }
    guard dtypes.count <= 1 else { throw ExchangeReason("datasets mix float64 and float32") }
    let attrs = try f.attributes(of: "/")
    return Contents(weights: weights, float32: dtypes.first == .float32, attributes: attrs)
  }

  /// The most groups and datasets ``inspect(path:)`` lists; a file with more is refused
  /// rather than listed in part.
  static let inspectedObjects = 10_000

  static func inspect(path: String) throws(ExchangeError) -> ExchangeReport {
    try isolated(path: path) { w in
      let f = try HDF5File(reading: path)
      var tensors: [ExchangeReport.Tensor] = []
      var queue = ["/"]
      var visited = 0
      while let g = queue.first {
        queue.removeFirst()
        for m in try f.members(of: g) {
          visited += 1
          guard visited <= Self.inspectedObjects else {
            throw ExchangeReason("it holds more than \(Self.inspectedObjects) objects, the most inspect lists")
          }
          let p = (g == "/" ? "" : g) + "/" + m
          switch f.kind(of: p) {
          case .group?: queue.append(p)
          case .dataset?:
            let d = try f.describeDataset(p)
            tensors.append(.init(name: p, shape: d.dimensions, dtype: d.type))
          default: break
          }
        }
      }
      let meta = try f.attributes(of: "/").map { ExchangeReport.Entry(key: $0.name, value: text($0.value)) }
      w.list(tensors) { w, t in
        w.string(t.name)
        w.string(t.dtype)
        w.ints(t.shape)
      }
      w.strings(meta.flatMap { [$0.key, $0.value] })
    } decode: { r in
      guard
        let tensors = r.list({ r -> ExchangeReport.Tensor? in
          guard let name = r.string(), let dtype = r.string(), let shape = r.ints() else { return nil }
          return .init(name: name, shape: shape, dtype: dtype)
        }),
        let pairs = r.strings(), pairs.count % 2 == 0
      else { return nil }
      let meta = stride(from: 0, to: pairs.count, by: 2).map {
        ExchangeReport.Entry(key: pairs[$0], value: pairs[$0 + 1])
      }
      return ExchangeReport(kind: "hdf5", file: path, tensors: tensors, metadata: meta)
    }
  }

  /// Runs `body` (libhdf5 on the file at `path`) in a child process
  /// (``MatFile/IsolatedProcess``), so that a damaged file cannot crash theta
  /// (libhdf5 trusts a file's addresses and sizes), and decodes what `body`
  /// wrote with `decode`, which must consume all of it. An error thrown by
  /// `body`, a crash, a hang, or an answer that does not decode becomes
  /// ``ExchangeError/malformed(file:format:reason:)``.
  private static func isolated<T>(
    path: String, _ body: (inout WireWriter) throws -> Void, decode: (inout WireReader) -> T?
  ) throws(ExchangeError) -> T {
    func fail(_ reason: String) -> ExchangeError { .malformed(file: path, format: .hdf5, reason: reason) }
    var r: WireReader
    do {
      r = try IsolatedProcess.run(file: path) { () -> [UInt8] in
        var w = WireWriter()
        w.int(1)
        do {
          try body(&w)
        } catch {
          w = WireWriter()
          w.int(0)
          w.string(String(describing: error))  // ExchangeReason and HDF5Error give their message
        }
        return w.bytes
      }
    } catch {
      switch error {
      case .readerCrashed(_, let signal):
        throw fail("reading it crashed libhdf5 (signal \(signal)): its HDF5 structure is damaged")
      case .readerTimedOut(_, let seconds):
        throw fail("libhdf5 did not finish reading it within \(seconds) s: its HDF5 structure is damaged")
      case .readerFailed(_, let problem):
        throw fail("the HDF5 reader process gave no answer (\(problem))")
      default:
        throw .mat(error)
      }
    }
    switch r.int() {
    case 0?:
      if let reason = r.string(), r.atEnd { throw fail(reason) }
    case 1?:
      if let value = decode(&r), r.atEnd { return value }
    default:
      break
    }
    throw fail("the HDF5 reader's answer does not decode")
  }

  static func text(_ a: HDF5Attribute) -> String {
    switch a {
    case .int(let v): String(v)
    case .ints(let v): "[" + v.map(String.init).joined(separator: ",") + "]"
    case .double(let v): v.description
    case .doubles(let v): "[" + v.map(\.description).joined(separator: ",") + "]"
    case .string(let s): s
    case .strings(let v): "[" + v.map(JSON.quote).joined(separator: ",") + "]"
    case .int8(let v): String(v)
    case .bytes(let v): MetadataText.hex(v)
    }
  }
}

extension HDF5Exchange.Contents {
  /// Writes the contents for the parent process: each weight matrix (name, shape,
  /// values bit for bit), the float32 flag, and each attribute (name, kind, value).
  func write(to w: inout WireWriter) {
    w.list(weights) { w, m in
      w.string(m.name)
      w.ints([m.rows, m.columns])
      w.doubles(m.values)
    }
    w.bool(float32)
    w.list(attributes) { w, attribute in
      let (name, value) = attribute
      w.string(name)
      switch value {
      case .int(let v):
        w.int(0)
        w.int(Int(v))
      case .ints(let v):
        w.int(1)
        w.ints(v.map { Int($0) })
      case .double(let v):
        w.int(2)
        w.doubles([v])
      case .doubles(let v):
        w.int(3)
        w.doubles(v)
      case .string(let v):
        w.int(4)
        w.string(v)
      case .strings(let v):
        w.int(5)
        w.strings(v)
      case .int8(let v):
        w.int(6)
        w.int(Int(v))
      case .bytes(let v):
        w.int(7)
        w.ints(v.map { Int($0) })
      }
    }
  }

  /// Reads what ``write(to:)`` wrote; `nil` when it does not decode or does not fit.
  init?(reading r: inout WireReader) {
    guard
      let weights = r.list({ r -> WeightMatrix? in
        guard let name = r.string(), let shape = r.ints(), shape.count == 2, shape[0] >= 1, shape[1] >= 1,
          let values = r.doubles(), shape[0].multipliedReportingOverflow(by: shape[1]) == (values.count, false)
        else { return nil }
        return WeightMatrix(name: name, rows: shape[0], columns: shape[1], values: values)
      }),
      let float32 = r.bool(),
      let attributes = r.list({ r -> (name: String, value: HDF5Attribute)? in
        guard let name = r.string(), let value = Self.attributeValue(&r) else { return nil }
        return (name, value)
      })
    else { return nil }
    self.init(weights: weights, float32: float32, attributes: attributes)
  }

  /// An attribute's value as ``write(to:)`` wrote it: its kind, then the value.
  private static func attributeValue(_ r: inout WireReader) -> HDF5Attribute? {
    switch r.int() {
    case 0?: return r.int().map { .int(Int64($0)) }
    case 1?: return r.ints().map { .ints($0.map { Int64($0) }) }
    case 2?:
      guard let v = r.doubles(), v.count == 1 else { return nil }
      return .double(v[0])
    case 3?: return r.doubles().map { .doubles($0) }
    case 4?: return r.string().map { .string($0) }
    case 5?: return r.strings().map { .strings($0) }
    case 6?:
      guard let v = r.int(), let b = Int8(exactly: v) else { return nil }
      return .int8(b)
    case 7?:
      guard let v = r.ints(), v.allSatisfy({ (0...255).contains($0) }) else { return nil }
      return .bytes(v.map { UInt8($0) })
    default: return nil
    }
  }
}
