import SafeFile

/// Why a `.theta` file or an in-memory model was refused; `description` is the
/// one-line message a user sees (the CLI prefixes nothing).
public indirect enum ModelFormatError: Error, Equatable, CustomStringConvertible {
  /// A problem in the file named by the first value.
  case inFile(String, ModelFormatError)
  /// Reading or writing the file failed.
  case io(SafeFileError)

  // MARK: container
  /// Fewer bytes than the smallest valid file.
  case tooShort(size: Int)
  /// The first eight bytes are not the Theta magic.
  case notAThetaFile
  /// The byte-order mark reads big-endian.
  case bigEndian
  /// A major version this reader does not read.
  case unsupportedVersion(FormatVersion)
  /// Required feature bits this reader does not know.
  case unknownRequiredFlags(UInt32)
  /// The alignment is not a power of two in 8…65536.
  case badAlignment(UInt32)
  /// The header length is 0 or above the 1 MiB limit.
  case badHeaderLength(UInt32)
  /// The file ends before the size the header records.
  case truncated(expected: UInt64, actual: Int)
  /// The file goes on after the size the header records.
  case trailingBytes(expected: UInt64, actual: Int)
  /// The header CRC-32C does not match.
  case headerChecksum
  /// A header field would run past the end of the header.
  case headerOverrun(field: String)
  /// A count or size above a written limit.
  case limitExceeded(what: String, value: UInt64, limit: UInt64)
  /// A metadata key with forbidden characters or length.
  case badKey(String)
  /// Metadata keys not in strictly increasing byte order (or repeated).
  case unsortedKeys(previous: String, key: String)
  /// A metadata value whose bytes do not fit its type.
  case badMetadataValue(key: String, reason: String)
  /// A tensor name with forbidden characters or length.
  case badTensorName(String)
  /// Two tensors with one name.
  case duplicateTensor(String)
  /// A dtype code this reader does not know.
  case unknownDType(tensor: String, code: UInt8)
  /// A rank of 0 or above 8.
  case badRank(tensor: String, rank: UInt8)
  /// A dimension of 0 or a size that overflows.
  case badDimensions(tensor: String)
  /// The recorded byte length differs from dims × element size.
  case lengthMismatch(tensor: String, recorded: UInt64, expected: UInt64)
  /// A tensor not at the offset the layout rules give.
  case misplacedTensor(tensor: String, offset: UInt64, expected: UInt64)
  /// A padding byte that is not zero.
  case nonzeroPadding(offset: Int)
  /// A tensor's CRC-32C does not match its data.
  case tensorChecksum(tensor: String)
  /// The trailer's end magic is wrong.
  case badEndMagic
  /// The trailer's SHA-256 does not match the file.
  case fileChecksum

  // MARK: model
  /// A required metadata key is absent.
  case missingKey(String)
  /// A known key holds a value of another type.
  case wrongType(key: String, expected: String, actual: String)
  /// A known key holds a value that breaks the model rules.
  case badValue(key: String, reason: String)
  /// A weight tensor is absent or out of order.
  case missingTensor(String)
  /// A weight tensor's shape does not chain with the layer sizes.
  case shapeMismatch(tensor: String, expected: [Int], actual: [Int])
  /// A weight is NaN or infinite.
  case nonFinite(tensor: String, row: Int, column: Int, value: Double)

  public var description: String {
    switch self {
    case .inFile(let file, let inner): "\(file): \(inner.description)"
    case .io(let e): e.description
    case .tooShort(let size): "not a Theta model file: only \(size) bytes"
    case .notAThetaFile: "not a Theta model file (wrong magic number)"
    case .bigEndian: "byte-order mark says big-endian; Theta files are always little-endian"
    case .unsupportedVersion(let v):
      "format version \(v) is \(v.major > 1 ? "newer than" : "not supported by") this reader, which reads 1.x"
    case .unknownRequiredFlags(let f):
      "uses required features this reader does not know (flags 0x\(String(f, radix: 16)))"
    case .badAlignment(let a): "alignment \(a) is not a power of two from 8 to 65536"
    case .badHeaderLength(let h): "header length \(h) is outside 1…1048576"
    case .truncated(let expected, let actual):
      "truncated: the header says \(expected) bytes, the file has \(actual)"
    case .trailingBytes(let expected, let actual):
      "\(UInt64(actual) - expected) unexpected bytes after the end of the model (\(expected) bytes)"
    case .headerChecksum: "damaged: the header fails its CRC-32C"
    case .headerOverrun(let field): "damaged header: \(field) runs past the end of the header"
    case .limitExceeded(let what, let value, let limit):
      value == 0 ? "\(what) is 0; it must be 1 to \(limit)" : "\(what) \(value) exceeds the limit of \(limit)"
    case .badKey(let key): "invalid metadata key '\(key)'"
    case .unsortedKeys(let previous, let key):
      previous == key
        ? "metadata key '\(key)' appears twice"
        : "metadata keys out of order: '\(key)' after '\(previous)'"
    case .badMetadataValue(let key, let reason): "metadata '\(key)': \(reason)"
    case .badTensorName(let name): "invalid tensor name '\(name)'"
    case .duplicateTensor(let name): "tensor '\(name)' appears twice"
    case .unknownDType(let t, let code): "tensor '\(t)' has unknown dtype code \(code)"
    case .badRank(let t, let rank): "tensor '\(t)' has rank \(rank); ranks 1…8 are allowed"
    case .badDimensions(let t): "tensor '\(t)' has a zero or overflowing dimension"
    case .lengthMismatch(let t, let recorded, let expected):
      "tensor '\(t)' records \(recorded) bytes; its shape and dtype need \(expected)"
    case .misplacedTensor(let t, let offset, let expected):
      "tensor '\(t)' is at offset \(offset); the layout rules put it at \(expected)"
    case .nonzeroPadding(let offset): "damaged: padding byte at offset \(offset) is not zero"
    case .tensorChecksum(let t): "damaged: tensor '\(t)' fails its CRC-32C"
    case .badEndMagic: "damaged or truncated: the trailer's end marker is wrong"
    case .fileChecksum: "damaged: the file fails its SHA-256"
    case .missingKey(let key): "required metadata '\(key)' is missing"
    case .wrongType(let key, let expected, let actual):
      "metadata '\(key)' is \(actual); it must be \(expected)"
    case .badValue(let key, let reason): "metadata '\(key)': \(reason)"
    case .missingTensor(let name): "weight tensor '\(name)' is missing or out of order"
    case .shapeMismatch(let t, let expected, let actual):
      "tensor '\(t)' is \(actual.map(String.init).joined(separator: "×")); the layer sizes need \(expected.map(String.init).joined(separator: "×"))"
    case .nonFinite(let t, let row, let column, let value):
      "tensor '\(t)' holds \(value) at row \(row + 1), column \(column + 1); weights must be finite"
    }
  }
}
