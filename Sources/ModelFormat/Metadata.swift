/// A typed metadata value (see `Docs/FORMAT.md` §3.1 for the type codes).
public enum MetadataValue: Equatable, Sendable, CustomStringConvertible {
  /// Type 1.
  case bool(Bool)
  /// Type 2, a signed 64-bit integer.
  case int(Int64)
  /// Type 3, an IEEE 754 double.
  case float(Double)
  /// Type 4, UTF-8 text.
  case string(String)
  /// Type 5.
  case intArray([Int64])
  /// Type 6.
  case floatArray([Double])
  /// Type 7.
  case stringArray([String])
  /// Type 8, raw bytes.
  case bytes([UInt8])
  /// A type this reader does not know (from a newer minor version), kept as bytes.
  case unknown(type: UInt8, bytes: [UInt8])

  /// The type code written in the file.
  public var typeCode: UInt8 {
    switch self {
    case .bool: 1
    case .int: 2
    case .float: 3
    case .string: 4
    case .intArray: 5
    case .floatArray: 6
    case .stringArray: 7
    case .bytes: 8
    case .unknown(let type, _): type
    }
  }

  /// The type's name as `inspect` shows it.
  public var typeName: String {
    switch self {
    case .bool: "bool"
    case .int: "int"
    case .float: "float"
    case .string: "string"
    case .intArray: "int[]"
    case .floatArray: "float[]"
    case .stringArray: "string[]"
    case .bytes: "bytes"
    case .unknown(let type, _): "unknown(\(type))"
    }
  }

  /// A short human-readable rendering of the value.
  public var description: String {
    switch self {
    case .bool(let v): String(v)
    case .int(let v): String(v)
    case .float(let v): "\(v)"
    case .string(let v): v
    case .intArray(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
    case .floatArray(let v):
      v.count > 8
        ? "[" + v.prefix(4).map { "\($0)" }.joined(separator: ", ") + ", … (\(v.count) values)]"
        : "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
    case .stringArray(let v): "[" + v.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    case .bytes(let v): "<\(v.count) bytes>"
    case .unknown(let type, let v): "<\(v.count) bytes of unknown type \(type)>"
    }
  }
}

/// The metadata of a model: keys in strictly increasing byte order, each with a typed value.
public struct Metadata: Equatable, Sendable, Sequence {
  private var storage: [String: MetadataValue] = [:]

  /// An empty metadata set.
  public init() {}

  /// The value of `key`, or `nil`.
  public subscript(key: String) -> MetadataValue? {
    get { storage[key] }
    set { storage[key] = newValue }
  }

  /// Number of entries.
  public var count: Int { storage.count }

  /// The keys in the order the file stores them (byte order of their UTF-8).
  public var sortedKeys: [String] {
    storage.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  /// Iterates `(key, value)` in file order.
  public func makeIterator() -> IndexingIterator<[(key: String, value: MetadataValue)]> {
    sortedKeys.map { (key: $0, value: storage[$0]!) }.makeIterator()
  }

  /// The string value of `key`, or `nil` when absent or not a string.
  public func string(_ key: String) -> String? {
    if case .string(let s)? = storage[key] { return s }
    return nil
  }

  /// The int-array value of `key`, or `nil` when absent or of another type.
  public func ints(_ key: String) -> [Int64]? {
    if case .intArray(let v)? = storage[key] { return v }
    return nil
  }

  /// Whether `key` is a valid metadata key: 1…255 characters of `A-Z a-z 0-9 _ - .`,
  /// not starting or ending with `.`, without `..`.
  public static func isValidKey(_ key: String) -> Bool {
    let bytes = Array(key.utf8)
    guard (1...255).contains(bytes.count), bytes.first != UInt8(ascii: "."),
      bytes.last != UInt8(ascii: "."), !key.contains("..")
    else { return false }
    return bytes.allSatisfy(isNameByte)
  }
}

/// Whether `b` is one of `A-Z a-z 0-9 _ - .`, the characters of keys and tensor names.
func isNameByte(_ b: UInt8) -> Bool {
  switch b {
  case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
    UInt8(ascii: "."):
    true
  default: false
  }
}
