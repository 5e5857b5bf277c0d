import Checksums
import SafeFile

/// Reads and writes `.theta` files as specified in `Docs/FORMAT.md`.
public enum ModelFile {
  /// The eight magic bytes `\x89THT\r\n\x1a\n`.
  public static let magic: [UInt8] = [0x89, 0x54, 0x48, 0x54, 0x0D, 0x0A, 0x1A, 0x0A]
  /// The trailer's end marker `ENDTHT\r\n`.
  public static let endMagic: [UInt8] = [0x45, 0x4E, 0x44, 0x54, 0x48, 0x54, 0x0D, 0x0A]
  /// Tensor alignment that writers use.
  public static let alignment = 64
  /// Size of the fixed preamble.
  static let preambleSize = 32
  /// Size of the trailer (SHA-256 + end magic).
  static let trailerSize = 40

  /// Written limits (`Docs/FORMAT.md` §8), checked before anything is allocated.
  public enum Limits {
    /// Largest header, in bytes.
    public static let headerLength = 1 << 20
    /// Most metadata entries.
    public static let metadataEntries = 65_536
    /// Longest key or tensor name, in bytes.
    public static let nameLength = 255
    /// Longest string value, in bytes.
    public static let stringLength = 1 << 20
    /// Most tensors.
    public static let tensors = 1_024
    /// Highest tensor rank.
    public static let rank = 8
  }

  // MARK: - Reading

  /// Reads and fully checks the model file at `path` (every checksum, every rule).
  ///
  /// - Throws: ``ModelFormatError`` naming the file and the first problem found.
  public static func read(path: String) throws(ModelFormatError) -> ThetaModel {
    try inspect(path: path).model
  }

  /// Reads the model file at `path` and returns it with its layout and checksums.
  public static func inspect(path: String) throws(ModelFormatError) -> DecodedModel {
    let bytes: [UInt8]
    do { bytes = try SafeFile.read(path) } catch { throw .io(error) }
    do { return try decode(bytes) } catch { throw .inFile(path, error) }
  }

  /// Decodes a whole file's bytes, checking them in the order of `Docs/FORMAT.md` §6.
  public static func decode(_ bytes: [UInt8]) throws(ModelFormatError) -> DecodedModel {
    let size = bytes.count
    guard size >= preambleSize + 4 + trailerSize else {
      if size >= 8, Array(bytes[0..<8]) != magic { throw .notAThetaFile }
      throw .tooShort(size: size)
    }
    guard Array(bytes[0..<8]) == magic else { throw .notAThetaFile }
    let major = UInt16(loadLE(bytes, 8, 2))
    let minor = UInt16(loadLE(bytes, 10, 2))
    let bom = UInt32(loadLE(bytes, 12, 4))
    if bom == 0x0403_0201 { throw .bigEndian }
    guard bom == 0x0102_0304 else { throw .notAThetaFile }
    let version = FormatVersion(major: major, minor: minor)
    guard major == 1 else { throw .unsupportedVersion(version) }
    let required = UInt32(loadLE(bytes, 16, 4))
    guard required == 0 else { throw .unknownRequiredFlags(required) }
    let optionalFlags = UInt32(loadLE(bytes, 20, 4))
    let headerLength = UInt32(loadLE(bytes, 24, 4))
    let alignment = UInt32(loadLE(bytes, 28, 4))
    guard alignment >= 8, alignment <= 65_536, alignment & (alignment - 1) == 0 else {
      throw .badAlignment(alignment)
    }
    guard headerLength >= 1, Int(headerLength) <= Limits.headerLength else {
      throw .badHeaderLength(headerLength)
    }
    let h = Int(headerLength)
    let headerEnd = preambleSize + h
    guard headerEnd + 4 <= size else {
      throw .truncated(expected: UInt64(headerEnd + 4 + trailerSize), actual: size)
    }
    let storedHeaderCRC = UInt32(loadLE(bytes, headerEnd, 4))
    guard CRC32C.checksum(bytes[0..<headerEnd]) == storedHeaderCRC else { throw .headerChecksum }

    // The header.
    var r = ByteReader(bytes, from: preambleSize, to: headerEnd)
    let fileLength = try r.u64("file_length")
    let metadataCount = try r.u32("metadata_count")
    guard metadataCount <= Limits.metadataEntries else {
      throw .limitExceeded(what: "metadata count", value: UInt64(metadataCount), limit: UInt64(Limits.metadataEntries))
    }
    var metadata = Metadata()
    var previousKey: [UInt8]? = nil
    for _ in 0..<metadataCount {
      let keyLength = Int(try r.u16("a metadata key length"))
      guard keyLength >= 1, keyLength <= Limits.nameLength else {
        throw .limitExceeded(what: "metadata key length", value: UInt64(keyLength), limit: UInt64(Limits.nameLength))
      }
      let keyBytes = Array(try r.take(keyLength, what: "a metadata key"))
      let key = String(decoding: keyBytes, as: UTF8.self)
      guard Metadata.isValidKey(key), Array(key.utf8) == keyBytes else { throw .badKey(key) }
      if let previousKey, !previousKey.lexicographicallyPrecedes(keyBytes) {
        throw .unsortedKeys(previous: String(decoding: previousKey, as: UTF8.self), key: key)
      }
      previousKey = keyBytes
      let type = try r.u8("the type of '\(key)'")
      let valueLength = Int(try r.u32("the length of '\(key)'"))
      let value = try r.take(valueLength, what: "the value of '\(key)'")
      metadata[key] = try decodeValue(type: type, value, key: key)
    }
    let tensorCount = try r.u32("tensor_count")
    guard tensorCount >= 1, tensorCount <= Limits.tensors else {
      throw .limitExceeded(what: "tensor count", value: UInt64(tensorCount), limit: UInt64(Limits.tensors))
    }
    var entries: [TensorEntry] = []
    var names = Set<String>()
    for _ in 0..<tensorCount {
      let nameLength = Int(try r.u16("a tensor name length"))
      guard nameLength >= 1, nameLength <= Limits.nameLength else {
        throw .limitExceeded(what: "tensor name length", value: UInt64(nameLength), limit: UInt64(Limits.nameLength))
      }
      let nameBytes = Array(try r.take(nameLength, what: "a tensor name"))
      let name = String(decoding: nameBytes, as: UTF8.self)
      guard nameBytes.allSatisfy(isNameByte) else { throw .badTensorName(name) }
      guard names.insert(name).inserted else { throw .duplicateTensor(name) }
      let code = try r.u8("the dtype of '\(name)'")
      guard let dtype = DType(rawValue: code) else { throw .unknownDType(tensor: name, code: code) }
      let rank = try r.u8("the rank of '\(name)'")
      guard rank >= 1, Int(rank) <= Limits.rank else { throw .badRank(tensor: name, rank: rank) }
      var dims: [UInt64] = []
      var elements: UInt64 = 1
      for _ in 0..<rank {
        let d = try r.u64("the dims of '\(name)'")
        let (p, overflow) = elements.multipliedReportingOverflow(by: d)
        guard d >= 1, !overflow else { throw .badDimensions(tensor: name) }
        elements = p
        dims.append(d)
      }
      let offset = try r.u64("the offset of '\(name)'")
      let length = try r.u64("the length of '\(name)'")
      let crc = try r.u32("the CRC of '\(name)'")
      let (expected, overflow) = elements.multipliedReportingOverflow(by: UInt64(dtype.size))
      guard !overflow else { throw .badDimensions(tensor: name) }
      guard length == expected else {
        throw .lengthMismatch(tensor: name, recorded: length, expected: expected)
      }
      entries.append(TensorEntry(name: name, dtype: dtype, dims: dims, offset: offset, length: length, crc: crc))
    }
    // Whatever remains of the header is extension data of a newer minor version.
    let extensionBytes = r.remaining

    guard fileLength == UInt64(size) else {
      if fileLength > UInt64(size) { throw .truncated(expected: fileLength, actual: size) }
      throw .trailingBytes(expected: fileLength, actual: size)
    }

    // Layout: tensors packed at aligned offsets, zero padding, then the trailer.
    let a = UInt64(alignment)
    var cursor = UInt64(headerEnd + 4)
    for e in entries {
      let expectedOffset = (cursor + a - 1) / a * a
      guard e.offset == expectedOffset else {
        throw .misplacedTensor(tensor: e.name, offset: e.offset, expected: expectedOffset)
      }
      guard expectedOffset <= UInt64(size), e.length <= UInt64(size) - expectedOffset,
        e.offset + e.length + UInt64(trailerSize) <= UInt64(size)
      else { throw .truncated(expected: e.offset + e.length + UInt64(trailerSize), actual: size) }
      if let bad = (Int(cursor)..<Int(expectedOffset)).first(where: { bytes[$0] != 0 }) {
        throw .nonzeroPadding(offset: bad)
      }
      cursor = e.offset + e.length
    }
    let trailerStart = Int(cursor)
    guard trailerStart + trailerSize == size else {
      throw .trailingBytes(expected: UInt64(trailerStart + trailerSize), actual: size)
    }
    for e in entries {
      let range = Int(e.offset)..<Int(e.offset + e.length)
      guard CRC32C.checksum(bytes[range]) == e.crc else { throw .tensorChecksum(tensor: e.name) }
    }
    guard Array(bytes[(size - 8)...]) == endMagic else { throw .badEndMagic }
    let digest = SHA256.hash(bytes[0..<trailerStart])
    guard digest == Array(bytes[trailerStart..<trailerStart + 32]) else { throw .fileChecksum }

    // The model.
    let model = try buildModel(bytes, entries: entries, metadata: metadata, version: version)
    return DecodedModel(
      model: model, version: version, optionalFlags: optionalFlags, alignment: Int(alignment),
      headerLength: h, extensionBytes: extensionBytes, fileLength: size,
      tensors: entries.map {
        DecodedModel.Tensor(
          name: $0.name, dtype: $0.dtype, shape: $0.dims.map { Int($0) },
          offset: Int($0.offset), length: Int($0.length), crc32c: $0.crc)
      },
      sha256: SHA256.hex(digest))
  }

  private struct TensorEntry {
    var name: String
    var dtype: DType
    var dims: [UInt64]
    var offset: UInt64
    var length: UInt64
    var crc: UInt32
  }

  private static func decodeValue(
    type: UInt8, _ v: ArraySlice<UInt8>, key: String
  ) throws(ModelFormatError) -> MetadataValue {
    let b = Array(v)
    func need(_ ok: Bool, _ reason: String) throws(ModelFormatError) {
      if !ok { throw .badMetadataValue(key: key, reason: reason) }
    }
    func text(_ s: ArraySlice<UInt8>) throws(ModelFormatError) -> String {
      try need(!s.contains(0), "text contains a NUL byte")
      guard let t = String(validating: s, as: UTF8.self) else {
        throw .badMetadataValue(key: key, reason: "text is not valid UTF-8")
      }
      return t
    }
    switch type {
    case 1:
      try need(b.count == 1 && b[0] <= 1, "a bool must be one byte, 0 or 1")
      return .bool(b[0] == 1)
    case 2:
      try need(b.count == 8, "an int must be 8 bytes")
      return .int(Int64(bitPattern: loadLE(b, 0, 8)))
    case 3:
      try need(b.count == 8, "a float must be 8 bytes")
      return .float(Double(bitPattern: loadLE(b, 0, 8)))
    case 4:
      try need(b.count <= Limits.stringLength, "string longer than 1 MiB")
      return .string(try text(v))
    case 5, 6:
      try need(b.count % 8 == 0, "an array's length must be a multiple of 8")
      let words = stride(from: 0, to: b.count, by: 8).map { loadLE(b, $0, 8) }
      return type == 5
        ? .intArray(words.map { Int64(bitPattern: $0) }) : .floatArray(words.map { Double(bitPattern: $0) })
    case 7:
      var r = ByteReader(b, from: 0, to: b.count)
      let count = (try? r.u32("count")) ?? UInt32.max
      try need(count != UInt32.max && UInt64(count) * 4 <= UInt64(b.count), "bad string array count")
      var out: [String] = []
      for _ in 0..<count {
        guard let n = try? r.u32("length"), Int(n) <= r.remaining,
          let s = try? r.take(Int(n), what: "string")
        else { throw .badMetadataValue(key: key, reason: "a string runs past the value") }
        out.append(try text(s))
      }
      try need(r.remaining == 0, "bytes left over after the strings")
      return .stringArray(out)
    case 8:
      return .bytes(b)
    case 0:
      throw .badMetadataValue(key: key, reason: "type 0 is invalid")
    default:
      return .unknown(type: type, bytes: b)
    }
  }

  private static func buildModel(
    _ bytes: [UInt8], entries: [TensorEntry], metadata: Metadata, version: FormatVersion
  ) throws(ModelFormatError) -> ThetaModel {
    let sizes = try requiredInts(metadata, "model.layer_sizes")
    try ThetaModel.checkLayerSizes(sizes)
    let n = sizes.count - 1
    guard entries.count >= n else { throw .missingTensor("Theta\(entries.count + 1)") }
    var weights: [WeightMatrix] = []
    for k in 1...n {
      let e = entries[k - 1]
      guard e.name == "Theta\(k)" else { throw .missingTensor("Theta\(k)") }
      let rows = Int(sizes[k])
      let cols = Int(sizes[k - 1]) + 1
      guard e.dims == [UInt64(rows), UInt64(cols)] else {
        throw .shapeMismatch(tensor: e.name, expected: [rows, cols], actual: e.dims.map { Int($0) })
      }
      var values = [Double](repeating: 0, count: rows * cols)
      let base = Int(e.offset)
      for i in 0..<values.count {
        let v: Double =
          e.dtype == .float64
          ? Double(bitPattern: loadLE(bytes, base + 8 * i, 8))
          : Double(Float(bitPattern: UInt32(loadLE(bytes, base + 4 * i, 4))))
        guard v.isFinite else {
          throw .nonFinite(tensor: e.name, row: i / cols, column: i % cols, value: v)
        }
        values[i] = v
      }
      weights.append(WeightMatrix(name: e.name, rows: rows, columns: cols, values: values))
    }
    let dtype = entries[0].dtype
    var model = ThetaModel(weights: weights, dtype: dtype, metadata: metadata, version: version)
    model.extraTensors = entries.dropFirst(n).map(\.name)
    for e in entries.prefix(n) where e.dtype != dtype {
      throw .badValue(key: "dtype", reason: "tensor '\(e.name)' is \(e.dtype) but Theta1 is \(dtype)")
    }
    try model.validate()
    return model
  }

  private static func requiredInts(_ m: Metadata, _ key: String) throws(ModelFormatError) -> [Int64] {
    guard let v = m[key] else { throw .missingKey(key) }
    guard case .intArray(let a) = v else { throw .wrongType(key: key, expected: "int[]", actual: v.typeName) }
    return a
  }

  // MARK: - Writing

  /// Encodes `model` as a version 1.0 file: sorted keys, minimal padding, no timestamps,
  /// so the same model always gives the same bytes.
  ///
  /// - Throws: ``ModelFormatError`` when the model breaks a rule of `Docs/FORMAT.md` §7.
  public static func encode(_ model: ThetaModel) throws(ModelFormatError) -> [UInt8] {
    try model.validate()
    // Metadata and tensor directory, with offsets that depend only on the header length.
    func header(fileLength: UInt64, offsets: [UInt64], crcs: [UInt32]) throws(ModelFormatError) -> [UInt8] {
      var w = ByteWriter()
      w.u64(fileLength)
      w.u32(UInt32(model.metadata.count))
      for (key, value) in model.metadata {
        let k = Array(key.utf8)
        w.u16(UInt16(k.count))
        w.raw(k)
        w.u8(value.typeCode)
        let v = encodeValue(value)
        w.u32(UInt32(v.count))
        w.raw(v)
      }
      w.u32(UInt32(model.weights.count))
      for (i, m) in model.weights.enumerated() {
        let name = Array(m.name.utf8)
        w.u16(UInt16(name.count))
        w.raw(name)
        w.u8(model.dtype.rawValue)
        w.u8(2)
        w.u64(UInt64(m.rows))
        w.u64(UInt64(m.columns))
        w.u64(offsets[i])
        w.u64(UInt64(m.values.count * model.dtype.size))
        w.u32(crcs[i])
      }
      return w.bytes
    }
    let data: [[UInt8]] = model.weights.map { m in
      var w = ByteWriter()
      w.bytes.reserveCapacity(m.values.count * model.dtype.size)
      for v in m.values {
        if model.dtype == .float64 { w.f64(v) } else { w.u32(Float(v).bitPattern) }
      }
      return w.bytes
    }
    let zeros = [UInt64](repeating: 0, count: data.count)
    let h = try header(fileLength: 0, offsets: zeros, crcs: zeros.map { UInt32($0) }).count
    guard h <= Limits.headerLength else {
      throw .limitExceeded(what: "header length", value: UInt64(h), limit: UInt64(Limits.headerLength))
    }
    let a = alignment
    var offsets: [UInt64] = []
    var cursor = preambleSize + h + 4
    for d in data {
      cursor = (cursor + a - 1) / a * a
      offsets.append(UInt64(cursor))
      cursor += d.count
    }
    let fileLength = UInt64(cursor + trailerSize)
    var w = ByteWriter()
    w.bytes.reserveCapacity(Int(fileLength))
    w.raw(magic)
    w.u16(FormatVersion.current.major)
    w.u16(FormatVersion.current.minor)
    w.u32(0x0102_0304)
    w.u32(0)
    w.u32(0)
    w.u32(UInt32(h))
    w.u32(UInt32(a))
    w.raw(try header(fileLength: fileLength, offsets: offsets, crcs: data.map { CRC32C.checksum($0) }))
    w.u32(CRC32C.checksum(w.bytes))
    for d in data {
      w.pad(to: a)
      w.raw(d)
    }
    w.raw(SHA256.hash(w.bytes))
    w.raw(endMagic)
    return w.bytes
  }

  private static func encodeValue(_ value: MetadataValue) -> [UInt8] {
    var w = ByteWriter()
    switch value {
    case .bool(let b): w.u8(b ? 1 : 0)
    case .int(let v): w.i64(v)
    case .float(let v): w.f64(v)
    case .string(let s): w.raw(Array(s.utf8))
    case .intArray(let a): for v in a { w.i64(v) }
    case .floatArray(let a): for v in a { w.f64(v) }
    case .stringArray(let a):
      w.u32(UInt32(a.count))
      for s in a {
        w.u32(UInt32(s.utf8.count))
        w.raw(Array(s.utf8))
      }
    case .bytes(let b), .unknown(_, let b): w.raw(b)
    }
    return w.bytes
  }

  /// Encodes `model` and writes it atomically to `path`.
  ///
  /// - Parameter overwrite: replace an existing file (`--force`); otherwise refuse it.
  public static func write(_ model: ThetaModel, to path: String, overwrite: Bool) throws(ModelFormatError) {
    let bytes = try encode(model)
    do { try SafeFile.write(bytes, to: path, overwrite: overwrite) } catch { throw .io(error) }
  }
}

/// A model read from a file, with what `inspect` and `verify` show about its layout.
public struct DecodedModel: Sendable {
  /// The model.
  public var model: ThetaModel
  /// The file's format version.
  public var version: FormatVersion
  /// The optional feature bits (unknown ones are ignored).
  public var optionalFlags: UInt32
  /// Tensor alignment in bytes.
  public var alignment: Int
  /// Header length H in bytes.
  public var headerLength: Int
  /// Header bytes after the tensor directory (from a newer minor version), skipped.
  public var extensionBytes: Int
  /// Total file size.
  public var fileLength: Int
  /// The tensor directory.
  public var tensors: [Tensor]
  /// The trailer's SHA-256 of the file, lowercase hex (checked).
  public var sha256: String

  /// One entry of the tensor directory.
  public struct Tensor: Sendable {
    /// Tensor name.
    public var name: String
    /// Storage type.
    public var dtype: DType
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Absolute offset of the data.
    public var offset: Int
    /// Bytes of data.
    public var length: Int
    /// The stored (and verified) CRC-32C.
    public var crc32c: UInt32
  }
}
