/// The byte encoding of what the v7.3 reader process (``ReaderProcess``) sends back:
/// integers as 8 bytes little-endian, strings as a length and UTF-8 bytes, doubles as
/// their exact bit patterns. Plain Swift on `[UInt8]`, no `Codable` and no Foundation,
/// because the encoding side runs in a forked child (see ``Matio/fork()``).
public struct WireWriter {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8] = []

  /// An empty writer.
  public init() {}

  /// Appends `value` as 8 bytes, little-endian.
  public mutating func int(_ value: Int) {
    withUnsafeBytes(of: UInt64(bitPattern: Int64(value)).littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// Appends a Boolean as one integer.
  public mutating func bool(_ value: Bool) { int(value ? 1 : 0) }

  /// Appends a string: its UTF-8 length, then the bytes.
  public mutating func string(_ value: String) {
    let utf8 = Array(value.utf8)
    int(utf8.count)
    bytes.append(contentsOf: utf8)
  }

  /// Appends an optional string: a flag, then the string if present.
  public mutating func optionalString(_ value: String?) {
    bool(value != nil)
    if let value { string(value) }
  }

  /// Appends a count, then each value with `item`.
  public mutating func list<T>(_ values: [T], _ item: (inout WireWriter, T) -> Void) {
    int(values.count)
    for v in values { item(&self, v) }
  }

  /// Appends a count, then each string.
  public mutating func strings(_ values: [String]) { list(values) { $0.string($1) } }

  /// Appends a count, then each integer.
  public mutating func ints(_ values: [Int]) { list(values) { $0.int($1) } }

  /// Appends a count, then the exact bit pattern of each double (little-endian).
  public mutating func doubles(_ values: [Double]) {
    int(values.count)
    if isLittleEndianHost {
      values.withUnsafeBytes { bytes.append(contentsOf: $0) }  // the bit patterns as they are
      return
    }
    bytes.reserveCapacity(bytes.count + values.count * 8)
    for v in values {
      withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
  }

  /// Appends a variable header (name, class, dimensions, complexity, compression, fields).
  mutating func header(_ h: VariableHeader) {
    string(h.name)
    string(h.matClass.rawValue)
    ints(h.dimensions)
    bool(h.isComplex)
    bool(h.isCompressed)
    strings(h.fields)
  }

  /// Appends an error: the case's number, then its fields.
  mutating func error(_ e: MatFileError) {
    switch e {
    case .cannotRead(let f, let reason):
      int(0)
      string(f)
      string(reason)
    case .emptyFile(let f):
      int(1)
      string(f)
    case .notMatFile(let f, let reason):
      int(2)
      string(f)
      string(reason)
    case .unsupportedVersion(let f, let version):
      int(3)
      string(f)
      int(Int(version))
    case .damaged(let f, let offset, let problem):
      int(4)
      string(f)
      int(offset)
      string(problem)
    case .tooLarge(let f, let what, let limit):
      int(5)
      string(f)
      string(what)
      int(limit)
    case .matio(let f, let call, let message):
      int(6)
      string(f)
      string(call)
      string(message)
    case .inconsistent(let f, let v, let problem):
      int(7)
      string(f)
      string(v)
      string(problem)
    case .fileChanged(let f):
      int(8)
      string(f)
    case .noSuchVariable(let f, let name):
      int(9)
      string(f)
      string(name)
    case .notAStruct(let f, let v, let field):
      int(10)
      string(f)
      string(v)
      string(field)
    case .structArray(let f, let v, let dims):
      int(11)
      string(f)
      string(v)
      ints(dims)
    case .noSuchField(let f, let v, let field):
      int(12)
      string(f)
      string(v)
      string(field)
    case .isStruct(let f, let v, let fields):
      int(13)
      string(f)
      string(v)
      strings(fields)
    case .unsupportedClass(let f, let v, let c):
      int(14)
      string(f)
      string(v)
      string(c.rawValue)
    case .complex(let f, let v):
      int(15)
      string(f)
      string(v)
    case .empty(let f, let v, let dims):
      int(16)
      string(f)
      string(v)
      ints(dims)
    case .notTwoDimensional(let f, let v, let dims):
      int(17)
      string(f)
      string(v)
      ints(dims)
    case .inexactInteger(let f, let v, let index, let value):
      int(18)
      string(f)
      string(v)
      int(index)
      string(value)
    case .readerCrashed(let f, let signal):
      int(19)
      string(f)
      int(Int(signal))
    case .readerTimedOut(let f, let seconds):
      int(20)
      string(f)
      int(seconds)
    case .readerFailed(let f, let problem):
      int(21)
      string(f)
      string(problem)
    }
  }
}

/// Whether this machine stores integers little-endian, as the encoding does.
private let isLittleEndianHost = UInt16(1).littleEndian == 1

/// Reads what a ``WireWriter`` wrote; every read returns `nil` when the bytes end
/// early or do not fit (a garbled reply), never traps.
public struct WireReader {
  /// The bytes being read.
  private let bytes: [UInt8]
  /// The next byte to read.
  private var position = 0

  /// Reads `bytes` from offset `start`.
  public init(_ bytes: [UInt8], from start: Int = 0) {
    self.bytes = bytes
    position = min(max(start, 0), bytes.count)
  }

  /// Whether every byte has been read.
  public var atEnd: Bool { position == bytes.count }

  /// The next 8-byte integer.
  public mutating func int() -> Int? {
    guard bytes.count - position >= 8 else { return nil }
    var value: UInt64 = 0
    for i in 0..<8 { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
    position += 8
    return Int(Int64(bitPattern: value))
  }

  /// A count that the remaining bytes can hold, at `size` bytes per item.
  private mutating func count(itemSize size: Int) -> Int? {
    guard let n = int(), n >= 0, n <= (bytes.count - position) / max(size, 1) else { return nil }
    return n
  }

  /// The next Boolean.
  public mutating func bool() -> Bool? {
    switch int() {
    case 0?: return false
    case 1?: return true
    default: return nil
    }
  }

  /// The next string.
  public mutating func string() -> String? {
    guard let n = count(itemSize: 1) else { return nil }
    let s = String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    position += n
    return s
  }

  /// The next optional string.
  public mutating func optionalString() -> String?? {
    guard let present = bool() else { return nil }
    guard present else { return .some(nil) }
    guard let s = string() else { return nil }
    return .some(s)
  }

  /// The next list written by ``WireWriter/list(_:_:)``: a count, then each value
  /// read with `item` (`nil` when one does not decode). Every item takes at least 8
  /// bytes, so a count the remaining bytes cannot hold is refused at once.
  public mutating func list<T>(_ item: (inout WireReader) -> T?) -> [T]? {
    guard let n = count(itemSize: 8) else { return nil }
    var out: [T] = []
    for _ in 0..<n {
      guard let v = item(&self) else { return nil }
      out.append(v)
    }
    return out
  }

  /// The next list of strings.
  public mutating func strings() -> [String]? { list { $0.string() } }

  /// The next list of integers.
  public mutating func ints() -> [Int]? { list { $0.int() } }

  /// The next list of doubles, bit for bit.
  public mutating func doubles() -> [Double]? {
    guard let n = count(itemSize: 8) else { return nil }
    let start = position
    let values = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
      if isLittleEndianHost {
        bytes.withUnsafeBytes { raw in
          UnsafeMutableRawBufferPointer(buffer).copyMemory(
            from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + 8 * n)]))
        }
      } else {
        for i in 0..<n {
          var bits: UInt64 = 0
          for k in 0..<8 { bits |= UInt64(bytes[start + 8 * i + k]) << (8 * UInt64(k)) }
          buffer[i] = Double(bitPattern: bits)
        }
      }
      initialized = n
    }
    position += 8 * n
    return values
  }

  /// The next variable header.
  mutating func header() -> VariableHeader? {
    guard let name = string(), let cls = string(), let matClass = MatClass(rawValue: cls),
      let dims = ints(), let isComplex = bool(), let isCompressed = bool(), let fields = strings()
    else { return nil }
    return VariableHeader(
      name: name, matClass: matClass, dimensions: dims, isComplex: isComplex,
      isCompressed: isCompressed, fields: fields)
  }

  /// The next error.
  mutating func error() -> MatFileError? {
    guard let tag = int(), let f = string() else { return nil }
    switch tag {
    case 0: return string().map { .cannotRead(file: f, reason: $0) }
    case 1: return .emptyFile(file: f)
    case 2: return string().map { .notMatFile(file: f, reason: $0) }
    case 3:
      guard let v = int(), let version = UInt16(exactly: v) else { return nil }
      return .unsupportedVersion(file: f, version: version)
    case 4:
      guard let offset = int(), let problem = string() else { return nil }
      return .damaged(file: f, offset: offset, problem: problem)
    case 5:
      guard let what = string(), let limit = int() else { return nil }
      return .tooLarge(file: f, what: what, limit: limit)
    case 6:
      guard let call = string(), let message = string() else { return nil }
      return .matio(file: f, call: call, message: message)
    case 7:
      guard let v = string(), let problem = string() else { return nil }
      return .inconsistent(file: f, variable: v, problem: problem)
    case 8: return .fileChanged(file: f)
    case 9: return string().map { .noSuchVariable(file: f, name: $0) }
    case 10:
      guard let v = string(), let field = string() else { return nil }
      return .notAStruct(file: f, variable: v, field: field)
    case 11:
      guard let v = string(), let dims = ints() else { return nil }
      return .structArray(file: f, variable: v, dimensions: dims)
    case 12:
      guard let v = string(), let field = string() else { return nil }
      return .noSuchField(file: f, variable: v, field: field)
    case 13:
      guard let v = string(), let fields = strings() else { return nil }
      return .isStruct(file: f, variable: v, fields: fields)
    case 14:
      guard let v = string(), let c = string(), let matClass = MatClass(rawValue: c) else {
        return nil
      }
      return .unsupportedClass(file: f, variable: v, matClass: matClass)
    case 15: return string().map { .complex(file: f, variable: $0) }
    case 16:
      guard let v = string(), let dims = ints() else { return nil }
      return .empty(file: f, variable: v, dimensions: dims)
    case 17:
      guard let v = string(), let dims = ints() else { return nil }
      return .notTwoDimensional(file: f, variable: v, dimensions: dims)
    case 18:
      guard let v = string(), let index = int(), let value = string() else { return nil }
      return .inexactInteger(file: f, variable: v, index: index, value: value)
    case 19:
      guard let s = int(), let signal = Int32(exactly: s) else { return nil }
      return .readerCrashed(file: f, signal: signal)
    case 20: return int().map { .readerTimedOut(file: f, seconds: $0) }
    case 21: return string().map { .readerFailed(file: f, problem: $0) }
    default: return nil
    }
  }
}
