internal import CHDF5

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One HDF5 identifier and its closing function; closes it in `deinit`.
final class H5Handle {
  let id: hid_t
  private let close: (hid_t) -> herr_t

  init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
    self.id = id
    self.close = close
  }

  deinit { H5.locked { _ = close(id) } }
}

/// Every libhdf5 call of the module, under one process-wide lock, with the
/// automatic error printing switched off and the error stack turned into ``HDF5Error``.
enum H5 {
  private static let lock = RecursiveLock()
  /// Set in a child process forked inside ``heldForFork(_:)`` (see ``HDF5Library``): the
  /// child has one thread, and the lock belongs to a thread of the parent, so it is
  /// neither taken nor released there. Never set in the process that forked.
  nonisolated(unsafe) static var inForkedChild = false

  /// Takes the lock, except in a forked child.
  private static func acquire() { if !inForkedChild { lock.lock() } }

  /// Releases the lock, except in a forked child.
  private static func release() { if !inForkedChild { lock.unlock() } }

  static func locked<R>(_ body: () throws(HDF5Error) -> R) throws(HDF5Error) -> R {
    acquire()
    defer { release() }
    CHDF5_silence()
    return try body()
  }

  static func locked(_ body: () -> Void) {
    acquire()
    defer { release() }
    CHDF5_silence()
    body()
  }

  /// Runs `body` (which forks) holding the lock, so that no other thread is inside
  /// libhdf5 through this module at the moment of the fork; in the child (where `body`
  /// sets ``inForkedChild``) the lock is left alone.
  static func heldForFork<R>(_ body: () -> R) -> R {
    lock.lock()
    defer { if !inForkedChild { lock.unlock() } }
    return body()
  }

  /// The innermost message of the current thread's error stack.
  static func stackMessage() -> String {
    final class Box { var text = "" }
    let box = Box()
    let walker: H5E_walk2_t = { n, err, data in
      guard let err, let data else { return 0 }
      let box = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
      if n == 0, let d = err.pointee.desc { box.text = String(cString: d) }
      if box.text.isEmpty, let f = err.pointee.func_name { box.text = String(cString: f) }
      return 0
    }
    _ = H5Ewalk2(CHDF5_errorDefault(), H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(box).toOpaque())
    _ = H5Eclear2(CHDF5_errorDefault())
    return box.text
  }

  static func check(_ id: hid_t, _ call: String, _ object: String) throws(HDF5Error) -> hid_t {
    guard id >= 0 else { throw .call(call, object: object, message: stackMessage()) }
    return id
  }

  static func check(_ status: herr_t, _ call: String, _ object: String) throws(HDF5Error) {
    guard status >= 0 else { throw .call(call, object: object, message: stackMessage()) }
  }

  static func owned(_ id: hid_t, _ call: String, _ object: String, close: @escaping (hid_t) -> herr_t) throws(HDF5Error)
    -> H5Handle
  {
    H5Handle(try check(id, call, object), close: close)
  }

  // MARK: files

  static func openFile(_ path: String) throws(HDF5Error) -> H5Handle {
    try locked { () throws(HDF5Error) in
      guard H5Fis_hdf5(path) > 0 else { throw .unexpected(object: path, reason: "not an HDF5 file") }
      return try owned(H5Fopen(path, CHDF5_accRdonly(), CHDF5_default()), "H5Fopen", path, close: H5Fclose)
    }
  }

  static func createMemoryFile(_ name: String) throws(HDF5Error) -> H5Handle {
    try locked { () throws(HDF5Error) in
      let fapl = try owned(H5Pcreate(CHDF5_fileAccess()), "H5Pcreate", name, close: H5Pclose)
      try check(H5Pset_fapl_core(fapl.id, 1 << 16, false), "H5Pset_fapl_core", name)
      return try owned(H5Fcreate(name, CHDF5_accTrunc(), CHDF5_default(), fapl.id), "H5Fcreate", name, close: H5Fclose)
    }
  }

  static func image(_ file: H5Handle, name: String) throws(HDF5Error) -> [UInt8] {
    try locked { () throws(HDF5Error) in
      try check(H5Fflush(file.id, H5F_SCOPE_GLOBAL), "H5Fflush", name)
      let size = H5Fget_file_image(file.id, nil, 0)
      guard size > 0 else { throw .call("H5Fget_file_image", object: name, message: stackMessage()) }
      var bytes = [UInt8](repeating: 0, count: size)
      let got = bytes.withUnsafeMutableBytes { H5Fget_file_image(file.id, $0.baseAddress, size) }
      guard got == size else { throw .call("H5Fget_file_image", object: name, message: stackMessage()) }
      return bytes
    }
  }

  // MARK: groups and datasets

  static func createGroup(_ file: H5Handle, _ path: String) throws(HDF5Error) {
    try locked { () throws(HDF5Error) in
      _ = try owned(
        H5Gcreate2(file.id, path, CHDF5_default(), CHDF5_default(), CHDF5_default()), "H5Gcreate2", path,
        close: H5Gclose)
    }
  }

  static func space(_ dims: [Int], _ object: String) throws(HDF5Error) -> H5Handle {
    var d = dims.map { hsize_t($0) }
    return try owned(H5Screate_simple(Int32(d.count), &d, nil), "H5Screate_simple", object, close: H5Sclose)
  }

  static func writeDataset(
    _ file: H5Handle, _ path: String, dimensions: [Int], values: [Double], type: HDF5FloatType
  ) throws(HDF5Error) {
    try locked { () throws(HDF5Error) in
      let s = try space(dimensions, path)
      let fileType = type == .float64 ? CHDF5_ieeeF64LE() : CHDF5_ieeeF32LE()
      let ds = try owned(
        H5Dcreate2(file.id, path, fileType, s.id, CHDF5_default(), CHDF5_default(), CHDF5_default()), "H5Dcreate2",
        path,
        close: H5Dclose)
      let status: herr_t
      if type == .float64 {
        status = values.withUnsafeBytes {
          H5Dwrite(ds.id, CHDF5_nativeDouble(), CHDF5_all(), CHDF5_all(), CHDF5_default(), $0.baseAddress)
        }
      } else {
        let floats = values.map { Float($0) }
        status = floats.withUnsafeBytes {
          H5Dwrite(ds.id, CHDF5_nativeFloat(), CHDF5_all(), CHDF5_all(), CHDF5_default(), $0.baseAddress)
        }
      }
      try check(status, "H5Dwrite", path)
    }
  }

  static func dims(of space: hid_t, _ object: String) throws(HDF5Error) -> [Int] {
    let rank = H5Sget_simple_extent_ndims(space)
    guard rank >= 0 else { throw .call("H5Sget_simple_extent_ndims", object: object, message: stackMessage()) }
    guard rank <= 32 else { throw .unexpected(object: object, reason: "rank \(rank)") }
    var d = [hsize_t](repeating: 0, count: Int(rank))
    try check(H5Sget_simple_extent_dims(space, &d, nil), "H5Sget_simple_extent_dims", object)
    guard d.allSatisfy({ $0 < 1 << 40 }) else { throw .unexpected(object: object, reason: "dimension too large") }
    return d.map { Int($0) }
  }

  /// The dataset `ds` (of dataspace `space`) read as doubles (`H5Dread` converting to
  /// `H5T_NATIVE_DOUBLE`), after checking its element count against `limit`.
  static func readAsDoubles(
    _ ds: hid_t, space: hid_t, _ path: String, limit: Int
  ) throws(HDF5Error) -> (dimensions: [Int], values: [Double]) {
    let d = try dims(of: space, path)
    var count = 1
    for x in d {
      let (p, o) = count.multipliedReportingOverflow(by: x)
      guard !o, p <= limit else { throw .unexpected(object: path, reason: "more than \(limit) values") }
      count = p
    }
    var values = [Double](repeating: 0, count: count)
    if count > 0 {
      let status = values.withUnsafeMutableBytes {
        H5Dread(ds, CHDF5_nativeDouble(), CHDF5_all(), CHDF5_all(), CHDF5_default(), $0.baseAddress)
      }
      try check(status, "H5Dread", path)
    }
    return (d, values)
  }

  static func typeName(_ t: hid_t) -> String {
    let size = H5Tget_size(t)
    switch H5Tget_class(t) {
    case H5T_FLOAT: return "float\(size * 8)"
    case H5T_INTEGER: return (H5Tget_sign(t) == H5T_SGN_NONE ? "uint" : "int") + "\(size * 8)"
    case H5T_STRING: return "string"
    default: return "other"
    }
  }

  static func describe(_ file: H5Handle, _ path: String) throws(HDF5Error) -> (dimensions: [Int], type: String) {
    try locked { () throws(HDF5Error) in
      let ds = try owned(H5Dopen2(file.id, path, CHDF5_default()), "H5Dopen2", path, close: H5Dclose)
      let s = try owned(H5Dget_space(ds.id), "H5Dget_space", path, close: H5Sclose)
      let t = try owned(H5Dget_type(ds.id), "H5Dget_type", path, close: H5Tclose)
      return (try dims(of: s.id, path), typeName(t.id))
    }
  }

  static func readDataset(_ file: H5Handle, _ path: String, limit: Int) throws(HDF5Error) -> HDF5Array {
    try locked { () throws(HDF5Error) in
      let ds = try owned(H5Dopen2(file.id, path, CHDF5_default()), "H5Dopen2", path, close: H5Dclose)
      let s = try owned(H5Dget_space(ds.id), "H5Dget_space", path, close: H5Sclose)
      let t = try owned(H5Dget_type(ds.id), "H5Dget_type", path, close: H5Tclose)
      guard H5Tget_class(t.id) == H5T_FLOAT else {
        throw .unexpected(object: path, reason: "holds \(typeName(t.id)), not floating-point numbers")
      }
      let size = H5Tget_size(t.id)
      guard size == 8 || size == 4 else {
        throw .unexpected(object: path, reason: "holds \(size * 8)-bit floats; only 32 and 64 are read")
      }
      let (d, values) = try readAsDoubles(ds.id, space: s.id, path, limit: limit)
      return HDF5Array(dimensions: d, type: size == 8 ? .float64 : .float32, values: values)
    }
  }

  static func kind(_ file: H5Handle, _ path: String) -> HDF5ObjectKind? {
    acquire()
    defer { release() }
    CHDF5_silence()
    if path == "/" { return .group }
    // Every intermediate link must exist before H5Lexists may be asked about the last one.
    var prefix = ""
    for part in path.split(separator: "/") {
      prefix += "/" + part
      guard H5Lexists(file.id, prefix, CHDF5_default()) > 0 else {
        _ = H5Eclear2(CHDF5_errorDefault())
        return nil
      }
    }
    let obj = H5Oopen(file.id, path, CHDF5_default())
    guard obj >= 0 else {
      _ = H5Eclear2(CHDF5_errorDefault())
      return nil
    }
    defer { H5Oclose(obj) }
    switch H5Iget_type(obj) {
    case H5I_GROUP: return .group
    case H5I_DATASET: return .dataset
    default: return .other
    }
  }

  static func members(_ file: H5Handle, _ path: String, limit: Int) throws(HDF5Error) -> [String] {
    try locked { () throws(HDF5Error) in
      let g = try owned(H5Gopen2(file.id, path, CHDF5_default()), "H5Gopen2", path, close: H5Gclose)
      return try linkNames(g, path, limit: limit, refusal: "members, the most Theta lists").map(\.name)
    }
  }

  /// The links of the open group `g` (named `path`) in name order, each with whether
  /// it is a hard link (`H5Literate`); more than `limit` links are refused, with
  /// "the group holds more than `limit` `refusal`", never returned in part.
  private static func linkNames(
    _ g: H5Handle, _ path: String, limit: Int, refusal: String
  ) throws(HDF5Error) -> [(name: String, hard: Bool)] {
    let links = Collected<(name: String, hard: Bool)>(limit: limit)
    var idx: hsize_t = 0
    let cb: H5L_iterate_t = { _, name, info, data in
      guard let name, let info, let data else { return -1 }
      return Collected<(name: String, hard: Bool)>.at(data).add(
        (String(cString: name), info.pointee.type == H5L_TYPE_HARD))
    }
    try check(H5Literate(g.id, H5_INDEX_NAME, H5_ITER_INC, &idx, cb, links.pointer), "H5Literate", path)
    guard links.items.count <= limit else {
      throw .unexpected(object: path, reason: "the group holds more than \(limit) \(refusal)")
    }
    return links.items
  }

  // MARK: attributes

  static func stringType(_ object: String) throws(HDF5Error) -> H5Handle {
    let t = try owned(H5Tcopy(CHDF5_cS1()), "H5Tcopy", object, close: H5Tclose)
    try check(H5Tset_size(t.id, CHDF5_variable()), "H5Tset_size", object)
    try check(H5Tset_cset(t.id, H5T_CSET_UTF8), "H5Tset_cset", object)
    return t
  }

  static func setAttribute(_ file: H5Handle, _ path: String, _ name: String, _ value: HDF5Attribute) throws(HDF5Error) {
    try locked { () throws(HDF5Error) in
      let object = path + "@" + name
      let s: H5Handle
      let fileType: H5Handle?
      let fixedType: hid_t
      switch value {
      case .int, .double, .string, .int8:
        s = try owned(H5Screate(H5S_SCALAR), "H5Screate", object, close: H5Sclose)
      case .ints(let a): s = try space([a.count], object)
      case .doubles(let a): s = try space([a.count], object)
      case .strings(let a): s = try space([a.count], object)
      case .bytes(let a): s = try space([a.count], object)
      }
      switch value {
      case .int, .ints: (fileType, fixedType) = (nil, CHDF5_stdI64LE())
      case .double, .doubles: (fileType, fixedType) = (nil, CHDF5_ieeeF64LE())
      case .int8: (fileType, fixedType) = (nil, CHDF5_stdI8LE())
      case .bytes: (fileType, fixedType) = (nil, CHDF5_stdU8LE())
      case .string, .strings:
        let t = try stringType(object)
        (fileType, fixedType) = (t, t.id)
      }
      let a = try owned(
        H5Acreate_by_name(file.id, path, name, fixedType, s.id, CHDF5_default(), CHDF5_default(), CHDF5_default()),
        "H5Acreate_by_name", object, close: H5Aclose)
      var status: herr_t = 0
      switch value {
      case .int(let v): status = withUnsafeBytes(of: v) { H5Awrite(a.id, CHDF5_nativeInt64(), $0.baseAddress) }
      case .ints(let v): status = v.withUnsafeBytes { H5Awrite(a.id, CHDF5_nativeInt64(), $0.baseAddress) }
      case .double(let v): status = withUnsafeBytes(of: v) { H5Awrite(a.id, CHDF5_nativeDouble(), $0.baseAddress) }
      case .doubles(let v): status = v.withUnsafeBytes { H5Awrite(a.id, CHDF5_nativeDouble(), $0.baseAddress) }
      case .int8(let v): status = withUnsafeBytes(of: v) { H5Awrite(a.id, CHDF5_nativeInt8(), $0.baseAddress) }
      case .bytes(let v): status = v.withUnsafeBytes { H5Awrite(a.id, CHDF5_nativeUInt8(), $0.baseAddress) }
      case .string(let v): status = writeStrings([v], a.id, fixedType)
      case .strings(let v): status = writeStrings(v, a.id, fixedType)
      }
      _ = fileType
      try check(status, "H5Awrite", object)
    }
  }

  private static func writeStrings(_ strings: [String], _ attr: hid_t, _ type: hid_t) -> herr_t {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeMutableBytes { H5Awrite(attr, type, $0.baseAddress) }
  }

  static func attributes(_ file: H5Handle, _ path: String) throws(HDF5Error) -> [(name: String, value: HDF5Attribute)] {
    try locked { () throws(HDF5Error) in
      let obj = try owned(H5Oopen(file.id, path, CHDF5_default()), "H5Oopen", path, close: H5Oclose)
      var info = H5O_info_t()
      try check(H5Oget_info2(obj.id, &info, UInt32(H5O_INFO_NUM_ATTRS)), "H5Oget_info2", path)
      guard info.num_attrs <= 4096 else { throw .unexpected(object: path, reason: "too many attributes") }
      // Names in one iteration, then each attribute opened by name: H5Aopen_by_idx
      // builds and sorts the table of a dense attribute storage on every call, which
      // made reading n attributes take time in n² (4096: 1.6 s).
      var out: [(name: String, value: HDF5Attribute)] = []
      for name in try attributeNames(obj, path, count: Int(info.num_attrs)) {
        let object = path + "@" + name
        let a = try owned(H5Aopen(obj.id, name, CHDF5_default()), "H5Aopen", object, close: H5Aclose)
        out.append((name, try readAttribute(a.id, object)))
      }
      return out
    }
  }

  /// The names of the attributes of `obj` in name order (`H5Aiterate2`), at most
  /// `count` (what `H5Oget_info2` reported; more is refused) and each under 64 KiB.
  private static func attributeNames(
    _ obj: H5Handle, _ path: String, count: Int
  ) throws(HDF5Error) -> [String] {
    let names = Collected<String>(limit: count)
    var idx: hsize_t = 0
    let cb: H5A_operator2_t = { _, name, _, data in
      guard let name, let data else { return -1 }
      return Collected<String>.at(data).add(strnlen(name, 65536) < 65536 ? String(cString: name) : nil)
    }
    try check(H5Aiterate2(obj.id, H5_INDEX_NAME, H5_ITER_INC, &idx, cb, names.pointer), "H5Aiterate2", path)
    guard !names.rejected else { throw .unexpected(object: path, reason: "attribute name too long") }
    guard names.items.count <= count else { throw .unexpected(object: path, reason: "too many attributes") }
    return names.items
  }

  static func readAttribute(_ a: hid_t, _ object: String) throws(HDF5Error) -> HDF5Attribute {
    let s = try owned(H5Aget_space(a), "H5Aget_space", object, close: H5Sclose)
    let t = try owned(H5Aget_type(a), "H5Aget_type", object, close: H5Tclose)
    let scalar = H5Sget_simple_extent_type(s.id) == H5S_SCALAR
    let d = try dims(of: s.id, object)
    guard scalar || d.count == 1 else { throw .unexpected(object: object, reason: "attribute of rank \(d.count)") }
    let count = scalar ? 1 : d[0]
    guard count <= 1 << 20 else { throw .unexpected(object: object, reason: "attribute too large") }
    switch H5Tget_class(t.id) {
    case H5T_INTEGER:
      if H5Tget_size(t.id) == 1, scalar {
        var v: Int8 = 0
        try check(H5Aread(a, CHDF5_nativeInt8(), &v), "H5Aread", object)
        return .int8(v)
      }
      if H5Tget_size(t.id) == 1, H5Tget_sign(t.id) == H5T_SGN_NONE {
        var v = [UInt8](repeating: 0, count: count)
        if count > 0 {
          try check(v.withUnsafeMutableBytes { H5Aread(a, CHDF5_nativeUInt8(), $0.baseAddress) }, "H5Aread", object)
        }
        return .bytes(v)
      }
      var v = [Int64](repeating: 0, count: count)
      if count > 0 {
        try check(v.withUnsafeMutableBytes { H5Aread(a, CHDF5_nativeInt64(), $0.baseAddress) }, "H5Aread", object)
      }
      return scalar ? .int(v[0]) : .ints(v)
    case H5T_FLOAT:
      var v = [Double](repeating: 0, count: count)
      if count > 0 {
        try check(v.withUnsafeMutableBytes { H5Aread(a, CHDF5_nativeDouble(), $0.baseAddress) }, "H5Aread", object)
      }
      return scalar ? .double(v[0]) : .doubles(v)
    case H5T_STRING:
      var strings: [String] = []
      if H5Tis_variable_str(t.id) > 0 {
        let mem = try stringType(object)
        var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        if count > 0 {
          try check(ptrs.withUnsafeMutableBytes { H5Aread(a, mem.id, $0.baseAddress) }, "H5Aread", object)
          strings = ptrs.map { $0.map { String(cString: $0) } ?? "" }
          _ = ptrs.withUnsafeMutableBytes { H5Dvlen_reclaim(mem.id, s.id, CHDF5_default(), $0.baseAddress) }
        }
      } else {
        let size = H5Tget_size(t.id)
        guard size > 0, size < 1 << 20 else { throw .unexpected(object: object, reason: "bad string size") }
        // 64 MiB in all: both factors are bounded, but their product could reach 1 TiB.
        guard size * count <= 1 << 26 else { throw .unexpected(object: object, reason: "attribute too large") }
        var buf = [UInt8](repeating: 0, count: size * count)
        if count > 0 { try check(buf.withUnsafeMutableBytes { H5Aread(a, t.id, $0.baseAddress) }, "H5Aread", object) }
        for k in 0..<count {
          let chunk = buf[(k * size)..<((k + 1) * size)]
          strings.append(String(decoding: chunk.prefix { $0 != 0 }, as: UTF8.self))
        }
      }
      return scalar ? .string(strings.first ?? "") : .strings(strings)
    default:
      throw .unexpected(object: object, reason: "attribute of type \(typeName(t.id)) is not read")
    }
  }
}

// MARK: read-only inspection (cross-checks of MAT v7.3 files)

extension H5 {
  static func links(_ file: H5Handle, _ path: String, limit: Int) throws(HDF5Error) -> [HDF5Link] {
    try locked { () throws(HDF5Error) in
      let g = try owned(H5Gopen2(file.id, path, CHDF5_default()), "H5Gopen2", path, close: H5Gclose)
      let links = try linkNames(g, path, limit: limit, refusal: "links, the most Theta reads")
      var out: [HDF5Link] = []
      for (name, hard) in links {
        guard hard else {
          out.append(HDF5Link(name: name, kind: nil))
          continue
        }
        let object = path == "/" ? "/" + name : path + "/" + name
        var info = H5O_info_t()
        try check(
          H5Oget_info_by_name2(g.id, name, &info, UInt32(H5O_INFO_BASIC), CHDF5_default()), "H5Oget_info_by_name",
          object)
        let kind: HDF5ObjectKind
        switch info.type {
        case H5O_TYPE_GROUP: kind = .group
        case H5O_TYPE_DATASET: kind = .dataset
        default: kind = .other
        }
        out.append(HDF5Link(name: name, kind: kind))
      }
      return out
    }
  }

  static func hasAttribute(_ file: H5Handle, _ path: String, _ name: String) throws(HDF5Error) -> Bool {
    try locked { () throws(HDF5Error) in
      let status = H5Aexists_by_name(file.id, path, name, CHDF5_default())
      guard status >= 0 else { throw .call("H5Aexists_by_name", object: path + "@" + name, message: stackMessage()) }
      return status > 0
    }
  }

  static func stringAttribute(_ file: H5Handle, _ path: String, _ name: String) throws(HDF5Error) -> String? {
    try locked { () throws(HDF5Error) in
      let object = path + "@" + name
      let exists = H5Aexists_by_name(file.id, path, name, CHDF5_default())
      guard exists >= 0 else { throw .call("H5Aexists_by_name", object: object, message: stackMessage()) }
      guard exists > 0 else { return nil }
      let a = try owned(
        H5Aopen_by_name(file.id, path, name, CHDF5_default(), CHDF5_default()), "H5Aopen_by_name", object,
        close: H5Aclose)
      let t = try owned(H5Aget_type(a.id), "H5Aget_type", object, close: H5Tclose)
      guard H5Tget_class(t.id) == H5T_STRING else { throw .unexpected(object: object, reason: "not a string") }
      switch try readAttribute(a.id, object) {
      case .string(let s): return s
      case .strings(let s) where s.count == 1: return s[0]
      default: throw .unexpected(object: object, reason: "not one string")
      }
    }
  }

  static func readNumbers(_ file: H5Handle, _ path: String, limit: Int) throws(HDF5Error) -> (
    dimensions: [Int], values: [Double]
  ) {
    try locked { () throws(HDF5Error) in
      let ds = try owned(H5Dopen2(file.id, path, CHDF5_default()), "H5Dopen2", path, close: H5Dclose)
      let s = try owned(H5Dget_space(ds.id), "H5Dget_space", path, close: H5Sclose)
      let t = try owned(H5Dget_type(ds.id), "H5Dget_type", path, close: H5Tclose)
      let typeClass = H5Tget_class(t.id)
      guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
        throw .unexpected(object: path, reason: "holds \(typeName(t.id)), not numbers")
      }
      let (d, values) = try readAsDoubles(ds.id, space: s.id, path, limit: limit)
      return (d, values)
    }
  }
}

/// What an HDF5 iteration callback collects, handed to it through its `void *`
/// argument (``pointer``): items up to one past `limit`, when the callback stops the
/// iteration so that the caller can refuse the object instead of listing it in part.
private final class Collected<Item> {
  private(set) var items: [Item] = []
  /// Whether an item was refused (`nil` given to ``add(_:)``); the iteration then stopped.
  private(set) var rejected = false
  let limit: Int

  init(limit: Int) { self.limit = limit }

  /// The argument to pass to the iteration; valid while this object lives.
  var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  /// The collection behind a callback's `void *` argument.
  static func at(_ data: UnsafeMutableRawPointer) -> Collected {
    Unmanaged<Collected>.fromOpaque(data).takeUnretainedValue()
  }

  /// Appends `item` (`nil`: refuses it) and returns what the callback returns: 1 to
  /// stop the iteration (refused, or past the limit), 0 to go on.
  func add(_ item: Item?) -> herr_t {
    guard let item else {
      rejected = true
      return 1
    }
    items.append(item)
    return items.count > limit ? 1 : 0
  }
}
