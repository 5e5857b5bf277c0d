import ModelFormat
import SafeFile

/// safetensors files, written and read from the published layout: a u64
/// little-endian header length N, N bytes of JSON (tensor name → dtype, shape,
/// `data_offsets` relative to the data buffer; `__metadata__` string → string),
/// then the data buffer, row-major little-endian.
public enum Safetensors {
  /// Largest header accepted, as in the reference implementation (100 MB).
  public static let headerLimit = 100_000_000

  /// One tensor of a safetensors header.
  public struct TensorInfo: Sendable, Equatable {
    /// The tensor's name.
    public var name: String
    /// The dtype as the file spells it (`F64`, `F32`, …).
    public var dtype: String
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Begin and end byte offsets in the data buffer.
    public var begin: Int, end: Int
  }

  /// A parsed and checked safetensors header.
  public struct Header: Sendable {
    /// The tensors in the order of their data.
    public var tensors: [TensorInfo]
    /// The `__metadata__` entries in file order.
    public var metadata: [(key: String, value: String)]
    /// Absolute offset of the data buffer (8 + N).
    public var dataStart: Int
  }

  /// The file bytes for `model`: tensors `Theta1` … `ThetaN` in the model's dtype,
  /// metadata (see ``MetadataText``) in `__metadata__`; header padded with spaces to 8 bytes.
  public static func encode(_ model: ThetaModel) -> [UInt8] {
    let tag = model.dtype == .float64 ? "F64" : "F32"
    var entries: [String] = []
    let meta = MetadataText.encode(model.metadata, dtype: model.dtype)
    entries.append(
      "\"__metadata__\":{" + meta.map { JSON.quote($0.key) + ":" + JSON.quote($0.value) }.joined(separator: ",") + "}")
    var offset = 0
    for w in model.weights {
      let length = w.values.count * model.dtype.size
      entries.append(
        JSON.quote(w.name)
          + ":{\"dtype\":\"\(tag)\",\"shape\":[\(w.rows),\(w.columns)],\"data_offsets\":[\(offset),\(offset + length)]}"
      )
      offset += length
    }
    var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var out: [UInt8] = []
    LE.append(UInt64(header.count), to: &out)
    out += header
    for w in model.weights { out += LE.encode(w.values, as: model.dtype) }
    return out
  }

  /// Parses and checks the header of a safetensors file: JSON object, no duplicate
  /// names, known fields, `shape` × dtype size = `end − begin`, and offsets that
  /// tile the data buffer exactly (no overlap, no gap, nothing after).
  public static func header(_ bytes: [UInt8]) throws(ExchangeReason) -> Header {
    guard bytes.count >= 8 else {
      throw ExchangeReason("file is \(bytes.count) bytes, shorter than the 8-byte header length")
    }
    let n = LE.u64(bytes[...], at: 0)
    guard n <= UInt64(headerLimit) else {
      throw ExchangeReason("header length \(n) is over the \(headerLimit)-byte limit")
    }
    guard 8 + Int(n) <= bytes.count else {
      throw ExchangeReason("truncated: header needs \(8 + Int(n)) bytes, the file has \(bytes.count)")
    }
    let dataStart = 8 + Int(n)
    guard n >= 2, bytes[8] == UInt8(ascii: "{") else { throw ExchangeReason("header does not begin with '{'") }
    let json: JSON
    do { json = try JSON.parse(bytes[8..<dataStart]) } catch {
      throw ExchangeReason("header is not JSON: \(error.message)")
    }
    guard case .object(let members) = json else { throw ExchangeReason("header is not a JSON object") }
    var seen = Set<String>()
    var tensors: [TensorInfo] = []
    var metadata: [(key: String, value: String)] = []
    for (name, value) in members {
      guard seen.insert(name).inserted else { throw ExchangeReason("duplicate name '\(name)' in the header") }
      if name == "__metadata__" {
        guard case .object(let entries) = value else { throw ExchangeReason("__metadata__ is not an object") }
        var keys = Set<String>()
        for (k, v) in entries {
          guard keys.insert(k).inserted else { throw ExchangeReason("duplicate __metadata__ key '\(k)'") }
          guard let s = v.stringValue else { throw ExchangeReason("__metadata__ value of '\(k)' is not a string") }
          metadata.append((k, s))
        }
        continue
      }
      guard case .object(let fields) = value else { throw ExchangeReason("tensor '\(name)' is not an object") }
      var dtype: String?
      var shape: [Int]?
      var offsets: [Int]?
      var fieldNames = Set<String>()
      for (f, v) in fields {
        // A repeated field would let readers disagree on which one counts (fuzzing, issue 6).
        guard fieldNames.insert(f).inserted else { throw ExchangeReason("tensor '\(name)' has the field '\(f)' twice") }
        switch f {
        case "dtype": dtype = v.stringValue
        case "shape":
          if case .array(let a) = v {
            shape = a.compactMap(\.intValue).count == a.count ? a.compactMap(\.intValue) : nil
          }
        case "data_offsets":
          if case .array(let a) = v, a.count == 2, a.compactMap(\.intValue).count == 2 {
            offsets = a.compactMap(\.intValue)
          }
        default: throw ExchangeReason("tensor '\(name)' has an unknown field '\(f)'")
        }
      }
      guard let dtype else { throw ExchangeReason("tensor '\(name)' has no string dtype") }
      guard let shape else { throw ExchangeReason("tensor '\(name)' has no valid shape") }
      guard let offsets, offsets[0] <= offsets[1] else {
        throw ExchangeReason("tensor '\(name)' has no valid data_offsets")
      }
      var count = 1
      for d in shape {
        let (p, o) = count.multipliedReportingOverflow(by: d)
        guard !o else { throw ExchangeReason("tensor '\(name)': shape overflows") }
        count = p
      }
      if let size = elementSize(dtype) {
        let (bytesNeeded, o) = count.multipliedReportingOverflow(by: size)
        guard !o, bytesNeeded == offsets[1] - offsets[0] else {
          throw ExchangeReason(
            "tensor '\(name)': shape \(shape) of \(dtype) needs \(o ? "too many" : String(bytesNeeded)) bytes, data_offsets give \(offsets[1] - offsets[0])"
          )
        }
      }
      tensors.append(TensorInfo(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1]))
    }
    tensors.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var cursor = 0
    for t in tensors {
      guard t.begin >= cursor else {
        throw ExchangeReason("tensor '\(t.name)' overlaps the tensor before it (offset \(t.begin) < \(cursor))")
      }
      guard t.begin == cursor else {
        throw ExchangeReason("gap in the data buffer before tensor '\(t.name)' (offset \(t.begin), expected \(cursor))")
      }
      cursor = t.end
    }
    let buffer = bytes.count - dataStart
    guard cursor <= buffer else {
      throw ExchangeReason("truncated: tensors need \(cursor) data bytes, the file has \(buffer)")
    }
    guard cursor == buffer else { throw ExchangeReason("\(buffer - cursor) bytes after the last tensor") }
    return Header(tensors: tensors, metadata: metadata, dataStart: dataStart)
  }

  /// Bytes per element of the dtypes the format defines, or `nil` for an unknown one.
  static func elementSize(_ dtype: String) -> Int? {
    switch dtype {
    case "F64", "I64", "U64", "C64": 8
    case "F32", "I32", "U32": 4
    case "F16", "BF16", "I16", "U16": 2
    case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2", "F8_E8M0": 1
    default: nil
    }
  }

  /// Reads a Theta model from a safetensors file.
  ///
  /// - Throws: ``ExchangeError`` for a damaged header, dtypes other than F64/F32,
  ///   missing or unexpected tensors, wrong shapes or non-finite values.
  public static func read(path: String) throws(ExchangeError) -> ThetaModel {
    let bytes: [UInt8]
    do { bytes = try SafeFile.read(path) } catch { throw .io(error) }
    return try decode(bytes, file: path)
  }

  /// Reads a Theta model from the bytes of a safetensors file already in memory
  /// (the in-memory form of ``read(path:)``, used by the fuzz targets in `Fuzz/`).
  ///
  /// - Parameters:
  ///   - bytes: the whole file.
  ///   - file: the name used in messages and in `provenance.source_file`.
  /// - Throws: ``ExchangeError`` as ``read(path:)`` does.
  public static func decode(_ bytes: [UInt8], file path: String) throws(ExchangeError) -> ThetaModel {
    func fail(_ reason: String) -> ExchangeError { .malformed(file: path, format: .safetensors, reason: reason) }
    let h: Header
    do { h = try header(bytes) } catch { throw fail(error.description) }
    let byName = Dictionary(h.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var weights: [WeightMatrix] = []
    var dtype: DType?
    var k = 1
    while let t = byName["Theta\(k)"] {
      guard t.shape.count == 2, t.shape.allSatisfy({ $0 >= 1 }) else {
        throw fail("tensor Theta\(k) has shape \(t.shape), expected a matrix")
      }
      let d: DType
      switch t.dtype {
      case "F64": d = .float64
      case "F32": d = .float32
      default: throw fail("tensor Theta\(k) has dtype \(t.dtype); only F64 and F32 are read")
      }
      guard dtype == nil || dtype == d else {
        throw fail("Theta\(k) is \(t.dtype) but Theta1 is not; all matrices need one dtype")
      }
      dtype = d
      let values = LE.decode(bytes[...], at: h.dataStart + t.begin, count: t.shape[0] * t.shape[1], as: d)
      weights.append(WeightMatrix(name: "Theta\(k)", rows: t.shape[0], columns: t.shape[1], values: values))
      k += 1
    }
    if weights.isEmpty { throw fail("no tensor Theta1") }
    if let extra = h.tensors.first(where: { byName["\($0.name)"] != nil && !isTheta($0.name, below: k) }) {
      throw fail(
        extra.name.hasPrefix("Theta") ? "tensor \(extra.name) without Theta\(k)" : "unexpected tensor '\(extra.name)'")
    }
    let typed: (Metadata, DType?)?
    do { typed = try MetadataText.decode(h.metadata) } catch { throw fail(error.description) }
    return try Exchange.assemble(
      weights: weights, dtype: dtype ?? .float64, typed: typed, file: path, format: .safetensors, fileBytes: bytes)
  }

  static func isTheta(_ name: String, below k: Int) -> Bool {
    guard name.hasPrefix("Theta"), let n = Int(name.dropFirst(5)), "Theta\(n)" == name else { return false }
    return n >= 1 && n < k
  }
}
