import Checksums

/// A MAT file opened for reading: v4, v5/v6/v7 (including zlib-compressed
/// variables, either byte order) and v7.3 (HDF5), through libmatio.
///
/// Before matio sees the file, its structure is checked here, because matio 1.5.23
/// silently returns zeros for a truncated compressed variable and changed values for a
/// flipped bit: every v5 element is walked and bounds-checked, every compressed one is
/// inflated completely (so its Adler-32 is verified) and its matrix checked; every v4
/// variable header is walked; a v7.3 file's superblock must not promise more bytes than
/// the file has. A file that fails is refused with ``MatFileError/damaged(file:offset:problem:)``.
/// A v7.3 file is also opened read-only with libhdf5 (``HDF5CrossCheck``): its root
/// links, dataset dimensions and `MATLAB_class` must agree with matio's listing, and the
/// values of every matrix read with what libhdf5 reads.
///
/// A v4/v5 file is owned through one matio handle; releasing the `MatFile` closes it
/// (`Mat_Close`). Calls into matio are serialised process-wide. A v7.3 file is never
/// read by matio or libhdf5 in this process: every reading of it runs in a forked child
/// process (``V73Reader``), so a damaged HDF5 structure that crashes them is refused
/// (``MatFileError/readerCrashed(file:signal:)``) instead of taking the caller down.
public final class MatFile {
  /// The path as given to ``init(path:)``; errors name the file this way.
  public let path: String
  /// The format generation, detected from the file's header; matio's `Mat_GetVersion`
  /// must agree with it.
  public let version: MatVersion
  /// The 116-byte descriptive header text (what matio's `Mat_GetHeader` returns),
  /// trimmed of spaces and NULs; empty for v4, which has no header.
  public let headerText: String
  /// The SHA-256 of the file's bytes (64 lowercase hex digits) when it was opened with
  /// `digest: true`, else `nil`: the digest of the very bytes that were checked and
  /// read, so a file replaced in between cannot be recorded under another's digest.
  public let sha256: String?

  /// The checked layout (v4/v5 entries), for cross-checking matio.
  let layout: MatLayout
  /// v4/v5: the matio handle; its `deinit` calls `Mat_Close`.
  let handle: MatioHandle?
  /// v7.3: the file as read by child processes (matio and libhdf5 run only there).
  let v73: V73Reader?

  /// Opens a MAT file: reads its bytes, checks their structure, then opens it read-only
  /// with matio (`Mat_Open`).
  ///
  /// - Parameter path: the file to read.
  /// - Throws: ``MatFileError`` naming the file and the problem, e.g.
  ///   ``MatFileError/damaged(file:offset:problem:)`` or ``MatFileError/notMatFile(file:reason:)``.
  public convenience init(path: String) throws(MatFileError) {
    try self.init(path: path, limits: .standard)
  }

  /// Opens a MAT file as ``init(path:)`` does and, with `digest`, also hashes it
  /// (``sha256``) from the same read: a v4/v5 file is read into memory whole anyway;
  /// a v7.3 file, which only child processes read, is hashed in 1 MiB pieces.
  ///
  /// - Parameters:
  ///   - path: the file to read.
  ///   - digest: whether to compute ``sha256``.
  public convenience init(path: String, digest: Bool) throws(MatFileError) {
    try self.init(path: path, limits: .standard, digest: digest)
  }

  /// Opens a MAT file with explicit safety limits (for tests).
  init(path: String, limits: MatLimits, digest: Bool = false) throws(MatFileError) {
    let source = try FileSource(path: path, file: path)
    let size = source.identity.size
    let check = StructureCheck(file: path, limits: limits)
    let head = try source.read(offset: 0, count: min(size, 1024))
    let detected = try check.detect(head: head, size: size)
    let layout: MatLayout
    var image: [UInt8]? = nil
    var sha256: String? = nil
    switch detected {
    case .v73:
      layout = try check.checkV73(head: head, size: size)
      if digest { sha256 = try Self.hash(source, size: size, file: path) }
    case .v4, .v5:
      guard size <= limits.maxFileBytes else {
        throw .tooLarge(file: path, what: "the file (\(size) bytes)", limit: limits.maxFileBytes)
      }
      let data = size <= head.count ? head : try source.read(offset: 0, count: size)
      guard data.count == size else { throw .fileChanged(file: path) }
      if digest { sha256 = SHA256.hexDigest(data) }
      if case .v5(let bigEndian) = detected {
        layout = try check.checkV5(data, bigEndian: bigEndian, image: &image)
      } else {
        layout = try check.checkV4(data)
      }
    }
    var handle: MatioHandle? = nil
    var v73: V73Reader? = nil
    if layout.version == .v73 {
      // matio and libhdf5 read it in a child process, which also cross-checks them.
      v73 = try V73Reader(path: path, file: path, identity: source.identity, limits: limits)
    } else if let image {
      handle = try MatioHandle.open(image: image, file: path, expected: layout.version)
    } else {
      handle = try MatioHandle.open(path: path, file: path, expected: layout.version)
    }
    guard FileIdentity.current(path: path) == source.identity else {
      throw .fileChanged(file: path)
    }
    self.v73 = v73
    self.sha256 = sha256
    self.path = path
    self.version = layout.version
    self.headerText = layout.headerText
    self.layout = layout
    self.handle = handle
  }

  /// The SHA-256 of the `size` bytes of `source`, read in 1 MiB pieces.
  private static func hash(_ source: FileSource, size: Int, file: String) throws(MatFileError) -> String {
    var hasher = SHA256()
    var offset = 0
    while offset < size {
      let piece = try source.read(offset: offset, count: min(1 << 20, size - offset))
      guard !piece.isEmpty else { throw .fileChanged(file: file) }
      hasher.update(piece)
      offset += piece.count
    }
    return SHA256.hex(hasher.finalize())
  }

  /// The top-level variables, in file order; unreadable ones are listed with a
  /// ``MatVariableInfo/problem``, and ones `readMatrix` would refuse with a
  /// ``MatVariableInfo/refusal``.
  ///
  /// For v4 and v5 files the list comes from the structural check, and each entry is
  /// read with matio's `Mat_VarReadInfo`; an entry matio cannot read, or reads
  /// differently, gets that as its problem. For v7.3 the list is matio's
  /// (`Mat_VarReadNextInfo`, read when the file was opened), which skips what it cannot
  /// read; if matio logs an error on the way, a last entry with an empty name and a
  /// problem says so.
  public func variables() -> [MatVariableInfo] {
    guard let entries = layout.entries, let handle else {
      let (headers, error) = v73?.listing ?? ([], nil)
      var infos = headers.map { info($0, isCompressed: $0.isCompressed, problem: nil) }
      if let error {
        infos.append(
          MatVariableInfo(
            name: "", matClass: .unknown, dimensions: [], isComplex: false, isCompressed: false,
            problem: "matio skipped an entry it could not read: \(error)"))
      }
      return infos
    }
    return entries.map { entry in
      let fromLayout = VariableHeader(entry: entry)
      if entry.name.isEmpty {
        return info(
          fromLayout, isCompressed: entry.isCompressed,
          problem: "unnamed element (MATLAB subsystem data), not a variable")
      }
      switch handle.info(named: entry.name) {
      case .failure(let failure):
        return info(
          fromLayout, isCompressed: entry.isCompressed,
          problem: "matio cannot read its header" + (failure.message.map { " (\($0))" } ?? ""))
      case .success(let header):
        if let difference = disagreement(matio: header, entry: entry) {
          return info(fromLayout, isCompressed: entry.isCompressed, problem: difference)
        }
        return info(header, isCompressed: entry.isCompressed, problem: nil)
      }
    }
  }

  /// Reads a real numeric matrix, converting its values exactly to `Double`.
  ///
  /// A dotted name reads a field of a 1x1 struct: `model.Theta1` is field `Theta1` of
  /// variable `model`, and nesting is allowed (`a.b.c`). Only this variable is read
  /// (`Mat_VarRead`, then `Mat_VarGetStructFieldByName`), never the whole file. For a
  /// v7.3 file this happens in a child process (``V73Reader``), and libhdf5 must read the
  /// same dimensions and values.
  ///
  /// - Parameter name: a top-level variable name, or a dotted path into structs.
  /// - Returns: the matrix, column-major.
  /// - Throws: ``MatFileError``: no such variable or field; a refused class
  ///   (``MatFileError/unsupportedClass(file:variable:matClass:)`` for char, cell,
  ///   logical, sparse, …), ``MatFileError/complex(file:variable:)``,
  ///   ``MatFileError/empty(file:variable:dimensions:)``,
  ///   ``MatFileError/notTwoDimensional(file:variable:dimensions:)``,
  ///   ``MatFileError/isStruct(file:variable:fields:)``, an `int64`/`uint64` value beyond
  ///   2^53 (``MatFileError/inexactInteger(file:variable:index:value:)``), or a matio failure;
  ///   for v7.3 also ``MatFileError/readerCrashed(file:signal:)`` and the other reader errors.
  public func readMatrix(named name: String) throws(MatFileError) -> MatMatrix {
    let path = try components(of: name)
    guard let handle else {
      guard let v73 else { throw .noSuchVariable(file: self.path, name: name) }
      return try v73.readMatrix(path: path)
    }
    let read = try handle.readValues(path: path, check: try checker(for: name, path: path))
    return MatMatrix(
      name: read.name, matClass: read.header.matClass, rows: read.header.dimensions[0],
      columns: read.header.dimensions[1], columnMajor: read.values)
  }

  /// Reads a real numeric matrix as ``readMatrix(named:)`` does, with its values laid
  /// out row by row.
  ///
  /// A top-level `double` matrix of a v5 file is read a stretch of columns at a time
  /// (`Mat_VarReadDataLinear`, about 4 MiB each) and each stretch laid out into the
  /// rows of the result, so the whole matrix is never held column by column; the
  /// stretches are scanned for non-finite values on the way
  /// (``MatRows/firstNonFinite``). Anything else is read by ``readMatrix(named:)`` and
  /// then laid out.
  ///
  /// - Parameter name: a top-level variable name, or a dotted path into structs.
  /// - Returns: the matrix, row-major.
  /// - Throws: what ``readMatrix(named:)`` throws.
  public func readRows(named name: String) throws(MatFileError) -> MatRows {
    let path = try components(of: name)
    if let handle, path.count == 1,
      let read = try handle.readDoubleRows(name: name, check: try checker(for: name, path: path))
    {
      return MatRows(
        name: name, matClass: .double, rows: read.header.dimensions[0], columns: read.header.dimensions[1],
        rowMajor: read.values, firstNonFiniteIndex: read.firstNonFinite)
    }
    return MatRows(try readMatrix(named: name))
  }

  /// Refuses `name` (split into `path`) from the checked structure of a v4/v5 file
  /// before matio reads any data, and returns the check of matio's header that a read
  /// runs before converting values: it must agree with the structure and be a class
  /// ``readMatrix(named:)`` converts.
  private func checker(
    for name: String, path: [String]
  ) throws(MatFileError) -> (String, VariableHeader) throws(MatFileError) -> Void {
    let entry = try layoutEntry(path[0])
    if let entry {
      if path.count == 1 {
        if let refusal = Refusal.check(
          matClass: entry.matClass, isComplex: entry.isComplex, dimensions: entry.dimensions,
          fields: entry.fields, variable: name)
        {
          throw refusal.error(file: self.path, variable: name)
        }
      } else if entry.matClass != .struct {
        throw .notAStruct(file: self.path, variable: path[0], field: path[1])
      }
    }
    let file = self.path
    return { [self] (dotted, header) throws(MatFileError) in
      if let entry, path.count == 1, let difference = disagreement(matio: header, entry: entry) {
        throw .inconsistent(file: file, variable: dotted, problem: difference)
      }
      if let refusal = Refusal.check(
        matClass: header.matClass, isComplex: header.isComplex, dimensions: header.dimensions,
        fields: header.fields, variable: dotted)
      {
        throw refusal.error(file: file, variable: dotted)
      }
    }
  }

  /// Whether `name` (a variable, or a dotted path to a struct field) exists, whatever
  /// its class. A top-level name is answered from the checked structure or matio's
  /// listing (v7.3); a dotted one reads the struct with `Mat_VarRead` (for v7.3 in a
  /// child process).
  public func contains(_ name: String) -> Bool {
    guard let path = try? components(of: name) else { return false }
    guard let handle else { return v73?.contains(path: path) ?? false }
    if path.count == 1 {
      if let entries = layout.entries { return entries.contains { $0.name == name } }
      if case .success = handle.info(named: name) { return true }
      return false
    }
    if let entries = layout.entries, !entries.contains(where: { $0.name == path[0] }) {
      return false
    }
    return handle.exists(path: path)
  }

  // MARK: - Helpers

  /// The dotted components of `name`; empty components are refused.
  private func components(of name: String) throws(MatFileError) -> [String] {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !parts.isEmpty, !parts.contains("") else {
      throw .noSuchVariable(file: path, name: name)
    }
    return parts
  }

  /// The checked entry for a top-level name (v4/v5); `nil` for v7.3.
  private func layoutEntry(_ name: String) throws(MatFileError) -> LayoutEntry? {
    guard let entries = layout.entries else { return nil }
    guard let entry = entries.first(where: { $0.name == name }) else {
      throw .noSuchVariable(file: path, name: name)
    }
    return entry
  }

  /// How matio's header differs from the checked structure, or `nil`.
  private func disagreement(matio header: VariableHeader, entry: LayoutEntry) -> String? {
    // matio reads v4 numeric data of every storage type as double.
    if header.matClass != entry.matClass {
      return
        "matio reads class \(header.matClass.rawValue), the file says \(entry.matClass.rawValue)"
    }
    if header.isComplex != entry.isComplex {
      return "matio and the file disagree on whether it is complex"
    }
    if !entry.dimensions.isEmpty && header.dimensions != entry.dimensions {
      return "matio reads size \(dimensionText(header.dimensions)),"
        + " the file says \(dimensionText(entry.dimensions))"
    }
    return nil
  }

  /// A public description of `header`, with why `readMatrix` would refuse it.
  private func info(
    _ header: VariableHeader, isCompressed: Bool, problem: String?
  ) -> MatVariableInfo {
    let refusal = Refusal.check(
      matClass: header.matClass, isComplex: header.isComplex, dimensions: header.dimensions,
      fields: header.fields, variable: header.name)
    return MatVariableInfo(
      name: header.name, matClass: header.matClass, dimensions: header.dimensions,
      isComplex: header.isComplex, isCompressed: isCompressed, problem: problem,
      refusal: refusal?.reason)
  }
}

extension VariableHeader {
  /// The header the structural check found for `entry`.
  init(entry: LayoutEntry) {
    self.init(
      name: entry.name, matClass: entry.matClass, dimensions: entry.dimensions,
      isComplex: entry.isComplex, isCompressed: entry.isCompressed, fields: entry.fields)
  }
}
