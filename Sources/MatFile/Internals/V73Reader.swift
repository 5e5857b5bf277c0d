/// A v7.3 (HDF5) MAT file, read only in child processes (``ReaderProcess``).
///
/// matio and libhdf5 trust a v7.3 file's addresses and sizes, and HDF5's earliest format
/// (MATLAB's and h5py's default) has no checksums, so a flipped bit can crash them. The
/// process that owns a `MatFile` therefore never calls matio or libhdf5 on a v7.3 file:
/// each operation forks a child that opens the file with matio (`Mat_Open`) and libhdf5
/// (``HDF5CrossCheck``), does exactly what the in-process code did for v7.3 files, and
/// sends back the result, values as exact bit patterns and errors as ``MatFileError``.
///
/// - Opening: the child checks matio's version, reads matio's listing and cross-checks
///   it against libhdf5 (``HDF5CrossCheck/checkListing(_:)``); the listing is kept here.
/// - ``readMatrix(path:)``: one child per matrix read: the refusal from matio's header,
///   `Mat_VarRead` (and struct fields), the conversion, and libhdf5's values compared.
/// - ``contains(path:)``: top-level names from the listing, dotted ones in a child.
///
/// After every child the file's identity (device, inode, size, modification time) must
/// still be the one checked when it was opened.
final class V73Reader {
  /// The path the children open.
  let path: String
  /// The file name used in errors.
  let file: String
  /// The file's identity when the structural check read it.
  let identity: FileIdentity
  /// The limits, including the reader's time and memory bounds.
  let limits: MatLimits
  /// matio's listing (`Mat_VarReadNextInfo`) and the last error it logged, if any.
  let listing: (headers: [VariableHeader], error: String?)
  /// Answers of ``contains(path:)`` for dotted names.
  private var containsCache: [[String]: Bool] = [:]

  /// Opens the file in a child: `Mat_Open` (the version must be v7.3), the listing, and
  /// the libhdf5 cross-check of the listing.
  init(path: String, file: String, identity: FileIdentity, limits: MatLimits) throws(MatFileError) {
    self.path = path
    self.file = file
    self.identity = identity
    self.limits = limits
    let answer = try Self.ask(path: path, file: file, identity: identity, limits: limits) {
      (w: inout WireWriter) throws(MatFileError) in
      let handle = try MatioHandle.open(path: path, file: file, expected: .v73)
      Self.keep(handle)
      let (headers, error) = handle.listing()
      let check = try HDF5CrossCheck(path: path, file: file)
      Self.keep(check)
      try check.checkListing(headers)
      w.int(headers.count)
      for h in headers { w.header(h) }
      w.optionalString(error)
    }
    var r = answer
    guard let count = r.int(), count >= 0 else { throw Self.garbled(file) }
    var headers: [VariableHeader] = []
    for _ in 0..<min(count, 1 << 20) {
      guard let h = r.header() else { throw Self.garbled(file) }
      headers.append(h)
    }
    guard headers.count == count, let error = r.optionalString(), r.atEnd else {
      throw Self.garbled(file)
    }
    listing = (headers, error)
  }

  /// Reads a real numeric matrix or struct field (`path`: top-level name, then fields)
  /// in a child, exactly as ``MatFile/readMatrix(named:)`` describes.
  func readMatrix(path names: [String]) throws(MatFileError) -> MatMatrix {
    let (path, file) = (self.path, self.file)
    let maxBytes = limits.maxV73Values * MemoryLayout<Double>.stride
    var r = try Self.ask(path: path, file: file, identity: identity, limits: limits) {
      (w: inout WireWriter) throws(MatFileError) in
      let handle = try MatioHandle.open(path: path, file: file, expected: .v73)
      Self.keep(handle)
      let dottedName = names.joined(separator: ".")
      if names.count == 1, case .success(let header) = handle.info(named: dottedName) {
        // Refused from matio's header (`Mat_VarReadInfo`) before any data is read.
        if let refusal = Refusal.check(
          matClass: header.matClass, isComplex: header.isComplex, dimensions: header.dimensions,
          fields: header.fields, variable: dottedName)
        {
          throw refusal.error(file: file, variable: dottedName)
        }
        let bytes = checkedProduct(header.dimensions + [MemoryLayout<Double>.stride])
        if bytes.map({ $0 > maxBytes }) ?? true {
          let size = bytes.map { "\($0) bytes" } ?? "more bytes than an Int holds"
          throw .tooLarge(
            file: file, what: "variable '\(dottedName)' (\(dimensionText(header.dimensions)), \(size) as doubles)",
            limit: maxBytes)
        }
      }
      let read = try handle.readValues(path: names) { (dotted, header) throws(MatFileError) in
        if let refusal = Refusal.check(
          matClass: header.matClass, isComplex: header.isComplex, dimensions: header.dimensions,
          fields: header.fields, variable: dotted)
        {
          throw refusal.error(file: file, variable: dotted)
        }
      }
      // libhdf5 must read the same dimensions and values (see HDF5CrossCheck).
      let check = try HDF5CrossCheck(path: path, file: file)
      Self.keep(check)
      try check.checkValues(
        path: names, variable: read.name, matClass: read.header.matClass,
        dimensions: read.header.dimensions, values: read.values)
      w.string(read.name)
      w.string(read.header.matClass.rawValue)
      w.ints(read.header.dimensions)
      w.doubles(read.values)
    }
    // The parent trusts nothing it cannot check: shape and count must agree.
    guard let name = r.string(), let cls = r.string(), let matClass = MatClass(rawValue: cls),
      matClass.isNumeric, let dims = r.ints(), dims.count >= 2, dims.allSatisfy({ $0 >= 0 }),
      dims.dropFirst(2).allSatisfy({ $0 == 1 }), let values = r.doubles(), r.atEnd,
      let count = checkedProduct(dims), values.count == count
    else { throw Self.garbled(file) }
    return MatMatrix(
      name: name, matClass: matClass, rows: dims[0], columns: dims[1], columnMajor: values)
  }

  /// Whether the variable or struct field at `path` exists. A top-level name is looked
  /// up in matio's listing; a dotted one is read in a child (`Mat_VarRead`, then the
  /// fields). When the child fails (crash, timeout), the answer is `true`, so that
  /// ``readMatrix(path:)`` reports why.
  func contains(path names: [String]) -> Bool {
    if names.count == 1 { return listing.headers.contains { $0.name == names[0] } }
    if let known = containsCache[names] { return known }
    let (path, file) = (self.path, self.file)
    let answer: Bool
    do {
      var r = try Self.ask(path: path, file: file, identity: identity, limits: limits) {
        (w: inout WireWriter) throws(MatFileError) in
        let handle = try MatioHandle.open(path: path, file: file, expected: .v73)
        Self.keep(handle)
        w.bool(handle.exists(path: names))
      }
      answer = r.bool() ?? true
    } catch {
      switch error {
      case .readerCrashed, .readerTimedOut, .readerFailed: answer = true
      default: answer = false
      }
    }
    containsCache[names] = answer
    return answer
  }

  // MARK: - Child and protocol

  /// Runs `work` in a child process. Its answer is a flag (1: success, then what `work`
  /// wrote; 0: a ``MatFileError``). Afterwards the file must be unchanged.
  private static func ask(
    path: String, file: String, identity: FileIdentity, limits: MatLimits,
    _ work: (inout WireWriter) throws(MatFileError) -> Void
  ) throws(MatFileError) -> WireReader {
    let bytes = try answer(file: file, limits: limits, work)
    guard FileIdentity.current(path: path) == identity else { throw .fileChanged(file: file) }
    var r = WireReader(bytes, from: ReaderProcess.answerStart)
    switch r.int() {
    case 1?:
      return r
    case 0?:
      guard let error = r.error(), r.atEnd else { throw garbled(file) }
      throw error
    default:
      throw garbled(file)
    }
  }

  /// `work` run in a child, its answer flagged: 1 and what it wrote, or 0 and its error.
  private static func answer(
    file: String, limits: MatLimits, _ work: (inout WireWriter) throws(MatFileError) -> Void
  ) throws(MatFileError) -> [UInt8] {
    try ReaderProcess.runRetryingTimeout(file: file, limits: limits) { () -> [UInt8] in
      var w = WireWriter()
      w.int(1)
      do throws(MatFileError) {
        try work(&w)
        return w.bytes
      } catch {
        var failure = WireWriter()
        failure.int(0)
        failure.error(error)
        return failure.bytes
      }
    }
  }

  /// Objects the child keeps until it exits: their `deinit` (closing matio's and
  /// libhdf5's handles) would only be more code running on a damaged file.
  nonisolated(unsafe) private static var kept: [AnyObject] = []

  /// Keeps `object` alive until the child's `_exit`; only called in a child.
  private static func keep(_ object: AnyObject) { kept.append(object) }

  /// The error for an answer that does not decode.
  private static func garbled(_ file: String) -> MatFileError {
    .readerFailed(file: file, problem: "its answer does not decode")
  }
}
