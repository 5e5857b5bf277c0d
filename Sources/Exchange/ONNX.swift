import ModelFormat
import SafeFile

/// ONNX export: a hand-encoded `ModelProto` (IR 8, opset 17) computing, for `X`
/// (N × inputs), `probabilities` with `Gemm(transB=1)` + `Sigmoid` per layer and
/// `label` = ArgMax + 1 (int64), or the model's labels gathered by the ArgMax index.
/// Weights are initializers `ThetaK.weight` (Theta[:,1:]) and `ThetaK.bias` (Theta[:,0]).
public enum ONNXExport {
  /// The IR version written.
  public static let irVersion: Int64 = 8
  /// The default-domain opset written.
  public static let opset: Int64 = 17

  /// The ONNX bytes for `model`, in its dtype (DOUBLE or FLOAT).
  public static func encode(_ model: ThetaModel) -> [UInt8] {
    let elem: Int64 = model.dtype == .float64 ? 11 : 1
    let k = model.weights.last!.rows
    let labels = model.labels
    let plainLabels = labels == Array(1...k)
    var w = ProtoWriter()
    w.int(1, irVersion)
    w.string(2, "theta")
    w.string(3, "0.1.0")
    w.message(7) { g in
      var previous = "X"
      for (i, m) in model.weights.enumerated() {
        let n = i + 1
        let last = n == model.weights.count
        node(
          &g, op: "Gemm", name: "gemm\(n)", inputs: [previous, "\(m.name).weight", "\(m.name).bias"], output: "z\(n)"
        ) { a in
          a.string(1, "transB")
          a.int(3, 1)
          a.int(20, 2)
        }
        previous = last ? "probabilities" : "a\(n)"
        node(&g, op: "Sigmoid", name: "sigmoid\(n)", inputs: ["z\(n)"], output: previous)
      }
      node(
        &g, op: "ArgMax", name: "argmax", inputs: ["probabilities"], output: "index",
        attributes: [
          { a in
            a.string(1, "axis")
            a.int(3, 1)
            a.int(20, 2)
          },
          { a in
            a.string(1, "keepdims")
            a.int(3, 0)
            a.int(20, 2)
          },
        ])
      if plainLabels {
        node(&g, op: "Add", name: "label_plus_one", inputs: ["index", "one"], output: "label")
      } else {
        node(&g, op: "Gather", name: "label_lookup", inputs: ["labels", "index"], output: "label")
      }
      g.string(2, "theta_fc_sigmoid")
      for m in model.weights {
        let inputs = m.columns - 1
        var weight: [Double] = []
        var bias: [Double] = []
        for r in 0..<m.rows {
          bias.append(m[r, 0])
          for c in 1..<m.columns { weight.append(m[r, c]) }
        }
        g.message(5) { t in
          tensor(
            &t, name: "\(m.name).weight", dims: [m.rows, inputs], type: elem, raw: LE.encode(weight, as: model.dtype))
        }
        g.message(5) { t in
          tensor(&t, name: "\(m.name).bias", dims: [m.rows], type: elem, raw: LE.encode(bias, as: model.dtype))
        }
      }
      if plainLabels {
        var raw: [UInt8] = []
        LE.append(UInt64(1), to: &raw)
        g.message(5) { t in tensor(&t, name: "one", dims: [], type: 7, raw: raw) }
      } else {
        var raw: [UInt8] = []
        for l in labels { LE.append(UInt64(bitPattern: Int64(l)), to: &raw) }
        g.message(5) { t in tensor(&t, name: "labels", dims: [labels.count], type: 7, raw: raw) }
      }
      g.message(11) { v in valueInfo(&v, name: "X", type: elem, dims: [nil, model.weights[0].columns - 1]) }
      g.message(12) { v in valueInfo(&v, name: "probabilities", type: elem, dims: [nil, k]) }
      g.message(12) { v in valueInfo(&v, name: "label", type: 7, dims: [nil]) }
    }
    w.message(8) { o in
      o.string(1, "")
      o.int(2, opset)
    }
    for (key, value) in MetadataText.encode(model.metadata, dtype: model.dtype) {
      w.message(14) { e in
        e.string(1, key)
        e.string(2, value)
      }
    }
    return w.bytes
  }

  private static func node(
    _ g: inout ProtoWriter, op: String, name: String, inputs: [String], output: String,
    attributes: [(inout ProtoWriter) -> Void] = []
  ) {
    g.message(1) { n in
      for i in inputs { n.string(1, i) }
      n.string(2, output)
      n.string(3, name)
      n.string(4, op)
      for a in attributes { n.message(5, a) }
    }
  }

  private static func node(
    _ g: inout ProtoWriter, op: String, name: String, inputs: [String], output: String,
    attribute: @escaping (inout ProtoWriter) -> Void
  ) {
    node(&g, op: op, name: name, inputs: inputs, output: output, attributes: [attribute])
  }

  private static func tensor(_ t: inout ProtoWriter, name: String, dims: [Int], type: Int64, raw: [UInt8]) {
    for d in dims { t.int(1, Int64(d)) }
    t.int(2, type)
    t.string(8, name)
    t.bytes(9, raw)
  }

  /// `dims`: `nil` is the symbolic batch dimension `N`.
  private static func valueInfo(_ v: inout ProtoWriter, name: String, type: Int64, dims: [Int?]) {
    v.string(1, name)
    v.message(2) { tp in
      tp.message(1) { tt in
        tt.int(1, type)
        tt.message(2) { shape in
          for d in dims {
            shape.message(1) { dim in
              if let d { dim.int(1, Int64(d)) } else { dim.string(2, "N") }
            }
          }
        }
      }
    }
  }
}

/// Reads back the weights and metadata of an ONNX file written by ``ONNXExport``.
public enum ONNXImport {
  /// Reads a Theta model from an ONNX export (initializers `ThetaK.weight` and `ThetaK.bias`).
  ///
  /// - Throws: ``ExchangeError`` for damaged protobuf, missing or mis-shaped
  ///   initializers, unsupported element types or non-finite values.
  public static func read(path: String) throws(ExchangeError) -> ThetaModel {
    let bytes: [UInt8]
    do { bytes = try SafeFile.read(path, limit: 1 << 31) } catch { throw .io(error) }
    return try decode(bytes, file: path)
  }

  /// Reads a Theta model from the bytes of an ONNX file already in memory
  /// (the in-memory form of ``read(path:)``, used by the fuzz targets in `Fuzz/`).
  ///
  /// - Parameters:
  ///   - bytes: the whole file.
  ///   - file: the name used in messages and in `provenance.source_file`.
  /// - Throws: ``ExchangeError`` as ``read(path:)`` does.
  public static func decode(_ bytes: [UInt8], file path: String) throws(ExchangeError) -> ThetaModel {
    func fail(_ reason: String) -> ExchangeError { .malformed(file: path, format: .onnx, reason: reason) }
    do {
      // The fields are visited, not collected: a list of every field costs ~30 bytes per
      // 2-byte field, so a large file of tiny fields ran out of memory (fuzzing, issue 6).
      var hasIRVersion = false
      var graphPayload: ArraySlice<UInt8>? = nil
      try forEachProtoField(bytes[...]) { (f: ProtoField) throws(ExchangeReason) in
        if f.number == 1 && f.wire == 0 { hasIRVersion = true }
        if f.number == 7 && f.wire == 2 { graphPayload = f.payload }
      }
      guard hasIRVersion else { throw ExchangeReason("no ir_version (not an ONNX model)") }
      guard let graph = graphPayload else { throw ExchangeReason("no graph") }
      var map: [(key: String, value: String)] = []
      var propKeys = Set<String>()
      try forEachProtoField(bytes[...]) { (prop: ProtoField) throws(ExchangeReason) in
        guard prop.number == 14 && prop.wire == 2 else { return }
        var key = ""
        var value = ""
        try forEachProtoField(prop.payload) { (f: ProtoField) throws(ExchangeReason) in
          guard f.wire == 2 else { return }
          if f.number == 1 { key = String(decoding: f.payload, as: UTF8.self) }
          if f.number == 2 { value = String(decoding: f.payload, as: UTF8.self) }
        }
        // As onnx.checker does; it also keeps the map as small as the file's distinct keys.
        guard propKeys.insert(key).inserted else {
          throw ExchangeReason("metadata_props key '\(key.prefix(60))' appears twice")
        }
        map.append((key, value))
      }
      var tensors: [String: (dims: [Int], type: UInt64, values: [Double])] = [:]
      try forEachProtoField(graph) { (field: ProtoField) throws(ExchangeReason) in
        guard field.number == 5 && field.wire == 2 else { return }
        var dims: [Int] = []
        var type: UInt64 = 0
        var name = ""
        var raw: ArraySlice<UInt8>? = nil
        var doubles: [Double] = []
        var floats: [Double] = []
        try forEachProtoField(field.payload) { (f: ProtoField) throws(ExchangeReason) in
          switch (f.number, f.wire) {
          case (1, 0):
            guard f.scalar < 1 << 31 else { throw ExchangeReason("initializer dimension \(f.scalar) is too large") }
            dims.append(Int(f.scalar))
          case (2, 0): type = f.scalar
          case (8, 2): name = String(decoding: f.payload, as: UTF8.self)
          case (9, 2): raw = f.payload
          case (10, 2):
            guard f.payload.count % 8 == 0 else { throw ExchangeReason("double_data of \(name) is cut short") }
            doubles = LE.decode(f.payload, at: f.payload.startIndex, count: f.payload.count / 8, as: .float64)
          case (4, 2):
            guard f.payload.count % 4 == 0 else { throw ExchangeReason("float_data of \(name) is cut short") }
            floats = LE.decode(f.payload, at: f.payload.startIndex, count: f.payload.count / 4, as: .float32)
          default: break
          }
        }
        guard name.hasPrefix("Theta") else { return }
        guard tensors[name] == nil else { throw ExchangeReason("initializer \(name) appears twice") }
        let count = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        var values: [Double]
        switch type {
        case 11, 1:
          let d: DType = type == 11 ? .float64 : .float32
          if let raw {
            guard count < Int.max / 8, raw.count == count * d.size else {
              throw ExchangeReason("initializer \(name): \(raw.count) bytes of data for shape \(dims)")
            }
            values = LE.decode(raw, at: raw.startIndex, count: count, as: d)
          } else {
            values = type == 11 ? doubles : floats
          }
        default:
          throw ExchangeReason("initializer \(name) has element type \(type); only DOUBLE (11) and FLOAT (1) are read")
        }
        guard values.count == count else {
          throw ExchangeReason("initializer \(name): \(values.count) values for shape \(dims)")
        }
        tensors[name] = (dims, type, values)
      }
      var weights: [WeightMatrix] = []
      var types = Set<UInt64>()
      var k = 1
      while let w = tensors["Theta\(k).weight"] {
        guard let b = tensors["Theta\(k).bias"] else { throw ExchangeReason("no initializer Theta\(k).bias") }
        guard w.dims.count == 2, w.dims.allSatisfy({ $0 >= 1 }), b.dims == [w.dims[0]] else {
          throw ExchangeReason(
            "Theta\(k).weight has shape \(w.dims) and Theta\(k).bias \(b.dims); expected [K, n] and [K]")
        }
        types.formUnion([w.type, b.type])
        let (rows, inputs) = (w.dims[0], w.dims[1])
        var values: [Double] = []
        values.reserveCapacity(rows * (inputs + 1))
        for r in 0..<rows {
          values.append(b.values[r])
          values += w.values[(r * inputs)..<(r * inputs + inputs)]
        }
        weights.append(WeightMatrix(name: "Theta\(k)", rows: rows, columns: inputs + 1, values: values))
        k += 1
      }
      guard !weights.isEmpty else {
        throw ExchangeReason("no initializers Theta1.weight and Theta1.bias (not a Theta export)")
      }
      guard types.count == 1 else { throw ExchangeReason("initializers mix DOUBLE and FLOAT") }
      let typed = try MetadataText.decode(map)
      return try Exchange.assemble(
        weights: weights, dtype: types.first == 11 ? .float64 : .float32, typed: typed, file: path, format: .onnx,
        fileBytes: bytes)
    } catch let e as ExchangeReason {
      throw fail(e.description)
    } catch let e as ExchangeError {
      throw e
    } catch {
      throw fail("\(error)")
    }
  }
}
