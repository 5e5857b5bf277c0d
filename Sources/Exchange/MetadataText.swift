import ModelFormat

/// Typed `.theta` metadata as a string → string map, for formats whose metadata is
/// text only (safetensors `__metadata__`, ONNX `metadata_props`, the CSV sidecar).
///
/// Each key keeps its name and gets its value as text (see `Docs/EXCHANGE.md`); the
/// entry ``typesKey`` holds a JSON object naming every key's type, so the map reads
/// back to the same typed values and the model to a byte-identical `.theta` file.
public enum MetadataText {
  /// The entry holding the JSON object `{"key": "type", …}`.
  public static let typesKey = "theta.types"
  /// The entry holding the `.theta` format version the metadata came from.
  public static let formatKey = "theta.format_version"
  /// The entry holding the storage dtype (`float64` or `float32`).
  public static let dtypeKey = "theta.dtype"

  /// The map for `metadata`, in key order, with ``typesKey``, ``formatKey`` and ``dtypeKey``.
  public static func encode(_ metadata: Metadata, dtype: DType) -> [(key: String, value: String)] {
    var out: [(key: String, value: String)] = []
    var types: [String] = []
    for (key, value) in metadata {
      out.append((key, text(value)))
      types.append(JSON.quote(key) + ":" + JSON.quote(value.typeName))
    }
    out.append((dtypeKey, dtype.description))
    out.append((formatKey, FormatVersion.current.description))
    out.append((typesKey, "{" + types.joined(separator: ",") + "}"))
    return out
  }

  /// The typed metadata and dtype of a map written by ``encode(_:dtype:)``, or `nil`
  /// when the map has no ``typesKey`` (a file Theta did not write).
  ///
  /// - Throws: a reason (one line) when an entry does not read as its type.
  public static func decode(_ map: [(key: String, value: String)]) throws(ExchangeReason) -> (Metadata, DType?)? {
    guard let typesText = map.last(where: { $0.key == typesKey })?.value else { return nil }
    let parsed: JSON
    do { parsed = try JSON.parse(ArraySlice(typesText.utf8)) } catch {
      throw ExchangeReason("\(typesKey) is not JSON: \(error.message)")
    }
    guard case .object(let members) = parsed else { throw ExchangeReason("\(typesKey) is not a JSON object") }
    var values: [String: String] = [:]
    for (k, v) in map {
      guard values[k] == nil else { throw ExchangeReason("metadata key \(k) appears twice") }
      values[k] = v
    }
    var metadata = Metadata()
    for (key, typeJSON) in members {
      guard let type = typeJSON.stringValue else { throw ExchangeReason("\(typesKey): type of \(key) is not a string") }
      guard Metadata.isValidKey(key) else { throw ExchangeReason("metadata key '\(key)' is not valid") }
      guard metadata[key] == nil else { throw ExchangeReason("metadata key \(key) appears twice") }
      guard let text = values[key] else {
        throw ExchangeReason("metadata key \(key) is listed in \(typesKey) but absent")
      }
      metadata[key] = try value(text, type: type, key: key)
    }
    var dtype: DType?
    if let d = values[dtypeKey] {
      guard let parsed = DType(name: d) else { throw ExchangeReason("\(dtypeKey) '\(d)' is not float64 or float32") }
      dtype = parsed
    }
    return (metadata, dtype)
  }

  /// The `{"key": "type", …}` object of ``typesKey`` as pairs, in order.
  public static func typeMap(_ text: String) throws(ExchangeReason) -> [(key: String, type: String)] {
    let parsed: JSON
    do { parsed = try JSON.parse(ArraySlice(text.utf8)) } catch {
      throw ExchangeReason("\(typesKey) is not JSON: \(error.message)")
    }
    guard case .object(let members) = parsed else { throw ExchangeReason("\(typesKey) is not a JSON object") }
    var seen = Set<String>()
    var out: [(key: String, type: String)] = []
    for (key, t) in members {
      guard let type = t.stringValue else { throw ExchangeReason("\(typesKey): type of \(key) is not a string") }
      guard Metadata.isValidKey(key) else { throw ExchangeReason("metadata key '\(key)' is not valid") }
      guard seen.insert(key).inserted else { throw ExchangeReason("metadata key \(key) appears twice") }
      out.append((key, type))
    }
    return out
  }

  /// The text form of one value.
  public static func text(_ value: MetadataValue) -> String {
    switch value {
    case .bool(let b): b ? "true" : "false"
    case .int(let v): String(v)
    case .float(let v): v.description
    case .string(let s): s
    case .intArray(let a): "[" + a.map(String.init).joined(separator: ",") + "]"
    case .floatArray(let a): "[" + a.map(\.description).joined(separator: ",") + "]"
    case .stringArray(let a): "[" + a.map(JSON.quote).joined(separator: ",") + "]"
    case .bytes(let b), .unknown(_, let b): hex(b)
    }
  }

  /// The value of `type` (a ``MetadataValue/typeName``) written as `text`.
  public static func value(_ text: String, type: String, key: String) throws(ExchangeReason) -> MetadataValue {
    let bad = ExchangeReason("metadata \(key): '\(text.prefix(60))' is not a valid \(type)")
    switch type {
    case "bool":
      guard text == "true" || text == "false" else { throw bad }
      return .bool(text == "true")
    case "int":
      guard let v = Int64(text) else { throw bad }
      return .int(v)
    case "float":
      guard let v = Double(text) else { throw bad }
      return .float(v)
    case "string": return .string(text)
    case "int[]", "float[]", "string[]":
      guard let json = try? JSON.parse(ArraySlice(text.utf8)), case .array(let items) = json else { throw bad }
      switch type {
      case "int[]":
        var out: [Int64] = []
        for item in items {
          guard case .number(let t) = item, let v = Int64(t) else { throw bad }
          out.append(v)
        }
        return .intArray(out)
      case "float[]":
        var out: [Double] = []
        for item in items {
          guard case .number(let t) = item, let v = Double(t) else { throw bad }
          out.append(v)
        }
        return .floatArray(out)
      default:
        var out: [String] = []
        for item in items {
          guard let s = item.stringValue else { throw bad }
          out.append(s)
        }
        return .stringArray(out)
      }
    case "bytes":
      guard let b = unhex(text) else { throw bad }
      return .bytes(b)
    default:
      if type.hasPrefix("unknown("), type.hasSuffix(")"), let code = UInt8(type.dropFirst(8).dropLast()),
        let b = unhex(text)
      {
        return .unknown(type: code, bytes: b)
      }
      throw ExchangeReason("metadata \(key): unknown type '\(type)'")
    }
  }

  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func unhex(_ text: String) -> [UInt8]? {
    let u = Array(text.utf8)
    guard u.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    var i = 0
    while i < u.count {
      guard let hi = UInt8(String(decoding: u[i..<i + 1], as: UTF8.self), radix: 16),
        let lo = UInt8(String(decoding: u[i + 1..<i + 2], as: UTF8.self), radix: 16)
      else { return nil }
      out.append(hi << 4 | lo)
      i += 2
    }
    return out
  }
}

/// A one-line reason a file is refused, wrapped into ``ExchangeError/malformed(file:format:reason:)``.
public struct ExchangeReason: Error, CustomStringConvertible {
  /// The reason.
  public var description: String
  /// Creates a reason.
  public init(_ description: String) { self.description = description }
}
