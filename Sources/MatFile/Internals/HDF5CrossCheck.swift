import HDF5File

/// libhdf5's own view of a v7.3 file, to cross-check what matio reads from it.
///
/// v7.3 files written with HDF5's earliest format have no checksums, and matio 1.5.23
/// skips a variable whose object header it cannot read without saying so. The file is
/// therefore opened a second time, read-only, through ``HDF5File``, and matio's listing,
/// headers and values are compared with what libhdf5 reads directly; a contiguous
/// dataset must also hold exactly the bytes its dimensions need. HDF5 shares its global
/// state with matio, so every call runs under matio's lock (``Matio/locked(_:)``). It
/// runs only in the child process of ``V73Reader``, never where a crash would matter.
final class HDF5CrossCheck {
  /// The HDF5 view; set to `nil` under the lock in `deinit`.
  private var hdf5: HDF5File?
  /// The file name used in errors.
  let file: String

  /// The root links that are MATLAB's bookkeeping, not variables.
  static let reserved: Set<String> = ["#refs#", "#subsystem#"]

  /// The file's size, which no dataset's data may pass.
  let size: Int

  /// Opens `path` read-only with libhdf5 (`H5Fopen`).
  init(path: String, file: String) throws(MatFileError) {
    self.file = file
    size = FileIdentity.current(path: path)?.size ?? Int.max
    hdf5 = try Self.run(file) { () throws(HDF5Error) in try HDF5File(reading: path) }
  }

  deinit {
    try? Matio.locked { () throws(MatFileError) in hdf5 = nil }
  }

  /// Runs `body` under matio's lock; an ``HDF5Error`` refuses the file as damaged.
  private static func run<R>(_ file: String, _ body: () throws(HDF5Error) -> R) throws(MatFileError) -> R {
    try Matio.locked { () throws(MatFileError) -> R in
      do {
        return try body()
      } catch {
        throw .damaged(file: file, offset: 512, problem: "libhdf5 cannot read it: \(error)")
      }
    }
  }

  /// Compares matio's listing with the root group's links, and each listed dataset's
  /// dimensions (HDF5 stores MATLAB's column-major arrays with reversed dimensions) and
  /// `MATLAB_class` with matio's header.
  ///
  /// Every hard link (other than `#refs#` and `#subsystem#`) must be listed by matio,
  /// whether libhdf5 sees a dataset, a group or neither (a damaged object header), and
  /// every name matio lists must be a root link. Soft and
  /// external links are not followed (MATLAB writes none; matio reports one it cannot
  /// read itself).
  func checkListing(_ headers: [VariableHeader]) throws(MatFileError) {
    guard let hdf5 else { return }
    let file = self.file
    let links = try Self.run(file) { () throws(HDF5Error) in try hdf5.links(of: "/") }
    let listed = Set(headers.map(\.name))
    var extents: [(name: String, range: Range<Int>)] = []
    let linked = Dictionary(links.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
    for link in links where !Self.reserved.contains(link.name) {
      if link.kind == .dataset || link.kind == .group, !listed.contains(link.name) {
        throw .damaged(
          file: file, offset: 512,
          problem: "the HDF5 root group holds variable '\(link.name)', which matio does not list")
      }
      if link.kind == .other, !listed.contains(link.name) {
        // MATLAB writes only datasets and groups; a dataset whose header lost its
        // dataspace or layout message is neither, and matio skips it silently.
        throw .damaged(
          file: file, offset: 512,
          problem: "the HDF5 root group holds '\(link.name)', which libhdf5 sees as neither"
            + " a dataset nor a group and matio does not list")
      }
    }
    for header in headers {
      guard let kind = linked[header.name] else {
        throw .damaged(
          file: file, offset: 512,
          problem: "matio lists variable '\(header.name)', which is not in the HDF5 root group")
      }
      let object = "/" + header.name
      let facts = try Self.run(file) {
        () throws(HDF5Error) -> (dims: [Int]?, matlabClass: String?, sparse: Bool) in
        let matlabClass = try hdf5.stringAttribute("MATLAB_class", of: object)
        let sparse = try hdf5.hasAttribute("MATLAB_sparse", on: object)
        guard kind == .dataset else { return (nil, matlabClass, sparse) }
        let dims = try hdf5.describeDataset(object).dimensions
        let empty = try hdf5.hasAttribute("MATLAB_empty", on: object)
        return (empty ? nil : Array(dims.reversed()), matlabClass, sparse)
      }
      if kind == .dataset, facts.dims != nil, !header.isComplex,
        Self.expectedClass(facts.matlabClass, kind: kind, sparse: facts.sparse)?.isNumeric == true
      {
        // Complex data is a compound type, refused by class anyway.
        if let range = try checkStorage(object, variable: header.name, matClass: header.matClass) {
          if let other = extents.first(where: { $0.range.overlaps(range) }) {
            throw .inconsistent(
              file: file, variable: header.name,
              problem: "its data (bytes \(range.lowerBound)–\(range.upperBound - 1)) overlaps"
                + " the data of variable '\(other.name)'; the file is damaged")
          }
          extents.append((header.name, range))
        }
      }
      if let dims = facts.dims, dims != header.dimensions {
        throw .inconsistent(
          file: file, variable: header.name,
          problem: "matio reads size \(dimensionText(header.dimensions)),"
            + " libhdf5 reads \(dimensionText(dims)); the file is damaged")
      }
      if let expected = Self.expectedClass(
        facts.matlabClass, kind: kind, sparse: facts.sparse), expected != header.matClass
      {
        throw .inconsistent(
          file: file, variable: header.name,
          problem: "matio reads class \(header.matClass.rawValue), the file's MATLAB_class"
            + " says \(facts.matlabClass ?? "")\(facts.sparse ? " (sparse)" : ""); the file is damaged")
      }
    }
  }

  /// The HDF5 element type (as ``HDF5File/describeDataset(_:)`` names it) MATLAB stores
  /// each numeric class as.
  static let storedType: [MatClass: String] = [
    .double: "float64", .single: "float32", .int8: "int8", .uint8: "uint8", .int16: "int16",
    .uint16: "uint16", .int32: "int32", .uint32: "uint32", .int64: "int64", .uint64: "uint64",
  ]

  /// Refuses a numeric dataset whose element type is not exactly a standard integer or
  /// IEEE type, or not the one its class is stored as (a flipped bit in its datatype
  /// message: libhdf5 would convert other values), and a contiguous one whose stored bytes are not what its dimensions and
  /// element type need (a flipped bit in its dataspace, a dimension, or in its layout
  /// message, the size). matio and libhdf5 would both read those as written. The caller
  /// refuses top-level datasets whose data overlap (a flipped bit in a data address).
  ///
  /// - Returns: where a contiguous dataset's data lies in the file, if allocated.
  @discardableResult
  private func checkStorage(
    _ object: String, variable: String, matClass: MatClass
  ) throws(MatFileError) -> Range<Int>? {
    guard let hdf5 else { return nil }
    let (standard, type, storage) = try Self.run(file) { () throws(HDF5Error) in
      (
        try hdf5.hasStandardNumericType(object), try hdf5.describeDataset(object).type,
        try hdf5.contiguousStorage(of: object)
      )
    }
    guard standard else {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "its HDF5 element type is not a standard integer or IEEE floating-point"
          + " type; the file is damaged")
    }
    if let expected = Self.storedType[matClass], type != expected {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "its MATLAB_class is \(matClass.rawValue), but its HDF5 elements are \(type);"
          + " the file is damaged")
    }
    if let storage, storage.stored != storage.needed {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "its dimensions and type need \(storage.needed) bytes of data, but libhdf5"
          + " finds \(storage.stored) stored; the file is damaged")
    }
    guard let storage, let offset = storage.offset, storage.stored > 0 else { return nil }
    guard offset <= size - storage.stored else {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "its \(storage.stored) bytes of data at offset \(offset) pass the end of the"
          + " file (\(size) bytes); the file is damaged")
    }
    return offset..<(offset + storage.stored)
  }

  /// The class matio must report for an object with this `MATLAB_class`, or `nil`
  /// when that is not determined (no attribute, objects, function handles, …).
  static func expectedClass(_ matlabClass: String?, kind: HDF5ObjectKind?, sparse: Bool) -> MatClass? {
    guard let matlabClass else { return nil }
    if sparse { return .sparse }
    guard let matClass = MatClass(rawValue: matlabClass) else { return nil }
    switch matClass {
    case .struct: return kind == .group || kind == .dataset ? .struct : nil
    case .cell, .char, .logical: return kind == .dataset ? matClass : nil
    default: return matClass.isNumeric && kind == .dataset ? matClass : nil
    }
  }

  /// Reads the dataset at `path` (top-level name, then struct fields) with libhdf5 and
  /// compares its dimensions and values with what matio returned.
  func checkValues(
    path: [String], variable: String, matClass: MatClass, dimensions: [Int], values: [Double]
  ) throws(MatFileError) {
    guard let hdf5 else { return }
    let object = "/" + path.joined(separator: "/")
    try checkStorage(object, variable: variable, matClass: matClass)
    let read = try Self.run(file) { () throws(HDF5Error) in
      try hdf5.readNumbers(object, limit: max(values.count, 1))
    }
    let dims = Array(read.dimensions.reversed())
    if dims != dimensions {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "matio reads size \(dimensionText(dimensions)),"
          + " libhdf5 reads \(dimensionText(dims)); the file is damaged")
    }
    for (index, (a, b)) in zip(values, read.values).enumerated()
    where a.bitPattern != b.bitPattern && !(a.isNaN && b.isNaN) {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "matio reads \(a) at element \(index + 1) (column-major), libhdf5 reads \(b);"
          + " the file is damaged")
    }
  }
}
