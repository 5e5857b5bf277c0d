internal import CMatio
import Glibc
import HDF5File

/// The process-wide matio state: one lock around every call, and its log.
///
/// matio keeps its log function and HDF5 error handler in globals, and HDF5 is not
/// thread-safe, so every call into matio runs under ``lock``. Its log messages, which
/// matio would otherwise print to stderr, are captured by ``logCallback`` while the
/// lock is held and become part of Swift errors.
enum Matio {
  /// Serialises every matio call. Recursive, so a handle released inside a locked
  /// region can still close its file.
  private static let lock = RecursiveLock()
  /// Log messages since the last ``locked(_:)`` began; only touched under ``lock``.
  nonisolated(unsafe) private static var messages: [(level: Int32, text: String)] = []

  /// Runs `body` holding the lock, with matio's log captured and cleared first.
  ///
  /// Every call (re)installs the log handler with `Mat_LogInitFunc`, which also routes
  /// HDF5's error stack (otherwise printed to stderr as "HDF5-DIAG") into it: Debian's
  /// HDF5 is thread-safe, so its automatic error printing is set per thread, and the
  /// calling thread may be new.
  static func locked<R>(_ body: () throws(MatFileError) -> R) throws(MatFileError) -> R {
    if !inForkedChild { lock.lock() }
    defer { if !inForkedChild { lock.unlock() } }
    _ = Mat_LogInitFunc(nil, logCallback)
    messages.removeAll()
    return try body()
  }

  /// Set in a child process made by ``fork()``: it has one thread, and ``lock`` is held
  /// by a thread of the parent, so the lock is neither taken nor released there. Never
  /// set in the process that forked.
  nonisolated(unsafe) private(set) static var inForkedChild = false

  /// A new process made while holding ``lock`` and HDF5File's lock
  /// (``HDF5Library/withCallsHeld(_:)``), so that no thread of this process is inside
  /// matio or libhdf5 at that moment and the child inherits both libraries quiet.
  ///
  /// It is glibc's `_Fork`, not `fork`: `fork` first runs the `pthread_atfork`
  /// handlers, and Debian's OpenBLAS (0.3.21) registers one that shuts its thread pool
  /// down, which was seen to hang for good while other threads used BLAS. `_Fork` does
  /// not reset glibc's internal locks (`malloc` arenas, the dynamic linker's) either:
  /// a lock another thread held at that instant stays held in the child, which then
  /// hangs until the parent's timeout. `theta` reads MAT files from one thread, so this
  /// can only happen in multi-threaded hosts such as the test runner, and
  /// ``V73Reader`` retries a reader that timed out once.
  ///
  /// - Returns: the child's pid in the parent (-1 and `errno` on failure); 0 in the
  ///   child, where ``inForkedChild`` is then set and ``HDF5Library/enterForkedChild()``
  ///   has been called. The child must end with `_exit`.
  static func fork() -> pid_t {
    lock.lock()
    defer { if !inForkedChild { lock.unlock() } }
    return HDF5Library.withCallsHeld { () -> pid_t in
      let pid = pid_t(CMatio_fork())
      if pid == 0 {
        inForkedChild = true
        HDF5Library.enterForkedChild()
      }
      return pid
    }
  }

  /// Records one message; called by matio through ``logCallback``.
  fileprivate static func record(level: Int32, text: String) {
    if messages.count >= 64 { messages.removeFirst() }
    messages.append((level, text))
  }

  /// The last error-level message (`MATIO_LOG_LEVEL_ERROR` or `…_CRITICAL`) since the
  /// lock was taken, as one line, or `nil`.
  static func lastError() -> String? {
    let errorLevels: Int32 = 1 | 2
    guard let last = messages.last(where: { $0.level & errorLevels != 0 }) else { return nil }
    return oneLine(last.text)
  }

  /// A matio or HDF5 message folded onto one line; HDF5 stack entries become
  /// "HDF5 <function>: <minor>".
  static func oneLine(_ text: String) -> String {
    let lines = text.split(whereSeparator: \.isNewline).map { trimmed($0) }
    if let head = lines.first, head.hasPrefix("HDF5"),
      let minor = lines.first(where: { $0.hasPrefix("minor:") })
    {
      let function = head.split(separator: " ").last.map(String.init) ?? head
      return "HDF5 \(function): \(trimmed(minor.dropFirst(6)))"
    }
    return lines.joined(separator: " ")
  }

  /// `text` without leading and trailing spaces and tabs. Plain Swift, no Foundation:
  /// it runs in the forked v7.3 reader, where Foundation's locks might be held by a
  /// thread that does not exist (see ``fork()``).
  static func trimmed<S: StringProtocol>(_ text: S) -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !blank($0) }),
      let last = text.lastIndex(where: { !blank($0) })
    else { return "" }
    return String(text[first...last])
  }
}

/// matio's log function (`Mat_LogInitFunc`): keeps the message instead of printing it.
private func logCallback(level: Int32, message: UnsafeMutablePointer<CChar>?) {
  guard let message else { return }
  Matio.record(level: level, text: String(cString: message))
}

/// What matio says about one variable, copied out of its `matvar_t`.
struct VariableHeader: Equatable {
  var name: String
  var matClass: MatClass
  var dimensions: [Int]
  var isComplex: Bool
  var isCompressed: Bool
  var fields: [String]

  /// Creates a header from its parts.
  init(
    name: String, matClass: MatClass, dimensions: [Int], isComplex: Bool, isCompressed: Bool,
    fields: [String]
  ) {
    self.name = name
    self.matClass = matClass
    self.dimensions = dimensions
    self.isComplex = isComplex
    self.isCompressed = isCompressed
    self.fields = fields
  }

  /// Copies the header fields of `v` (`class_type`, `isLogical`, `rank`, `dims`, …);
  /// field names come from `Mat_VarGetNumberOfFields`/`Mat_VarGetStructFieldnames`.
  init(_ v: UnsafeMutablePointer<matvar_t>) {
    let m = v.pointee
    name = m.name.map { String(cString: $0) } ?? ""
    matClass = MatClass(code: Int(m.class_type.rawValue), logical: m.isLogical != 0)
    let rank = max(0, Int(m.rank))
    if let dims = m.dims {
      dimensions = (0..<rank).map { Int(dims[$0]) }
    } else {
      dimensions = []
    }
    isComplex = m.isComplex != 0
    isCompressed = m.compression == MAT_COMPRESSION_ZLIB
    fields = []
    if m.class_type == MAT_C_STRUCT || m.class_type == MAT_C_OBJECT {
      let n = Int(Mat_VarGetNumberOfFields(v))
      if n > 0, let names = Mat_VarGetStructFieldnames(v) {
        fields = (0..<n).map { names[$0].map { String(cString: $0) } ?? "" }
      }
    }
  }
}

/// The one owner of an open matio file (`mat_t *`); `deinit` calls `Mat_Close`.
final class MatioHandle {
  /// The `mat_t *`.
  private let raw: OpaquePointer
  /// The file name used in errors.
  let file: String

  private init(raw: OpaquePointer, file: String) {
    self.raw = raw
    self.file = file
  }

  deinit {
    let raw = self.raw
    try? Matio.locked { () throws(MatFileError) in _ = Mat_Close(raw) }
  }

  /// Opens `path` read-only with `Mat_Open` and checks matio sees the expected version
  /// (`Mat_GetVersion`).
  ///
  /// matio 1.5.23 returns a handle even when HDF5 fails to open a v7.3 file; any error
  /// logged during the open is therefore treated as failure.
  /// Opens an in-memory MAT image (see `StructureCheck.checkV5(_:bigEndian:image:)`)
  /// through an anonymous file (`memfd_create`), so matio reads exactly these bytes.
  static func open(
    image: [UInt8], file: String, expected: MatVersion
  ) throws(MatFileError) -> MatioHandle {
    let fd = CMatio_memfd("theta-mat")
    guard fd >= 0 else {
      throw .matio(file: file, call: "memfd_create", message: errnoText())
    }
    defer { close(fd) }
    var written = 0
    let failed = image.withUnsafeBytes { raw -> Bool in
      while written < raw.count {
        let n = write(fd, raw.baseAddress! + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          return true
        }
        written += n
      }
      return false
    }
    if failed {
      throw .matio(file: file, call: "write", message: errnoText())
    }
    // matio opens its own FILE*; the anonymous file lives as long as that is open.
    return try open(path: "/proc/self/fd/\(fd)", file: file, expected: expected)
  }

  static func open(
    path: String, file: String, expected: MatVersion
  ) throws(MatFileError) -> MatioHandle {
    try Matio.locked { () throws(MatFileError) -> MatioHandle in
      guard let raw = Mat_Open(path, Int32(MAT_ACC_RDONLY.rawValue)) else {
        throw .matio(
          file: file, call: "Mat_Open", message: Matio.lastError() ?? "it returned NULL")
      }
      let handle = MatioHandle(raw: raw, file: file)
      if let message = Matio.lastError() {
        throw .matio(file: file, call: "Mat_Open", message: message)
      }
      let version = Mat_GetVersion(raw)
      let matches: Bool
      switch expected {
      case .v4: matches = version == MAT_FT_MAT4
      case .v5: matches = version == MAT_FT_MAT5
      case .v73: matches = version == MAT_FT_MAT73
      }
      guard matches else {
        throw .matio(
          file: file, call: "Mat_GetVersion",
          message: "matio sees version 0x\(String(version.rawValue, radix: 16)),"
            + " but the header says \(expected.rawValue)")
      }
      return handle
    }
  }

  /// The header of the top-level variable `name` (`Mat_VarReadInfo`), or the reason
  /// matio gives for not reading it (`nil` message: not found, nothing logged).
  func info(named name: String) -> Result<VariableHeader, MatioFailure> {
    let result = try? Matio.locked {
      () throws(MatFileError) -> Result<VariableHeader, MatioFailure> in
      _ = Mat_Rewind(raw)
      guard let v = Mat_VarReadInfo(raw, name) else {
        return .failure(MatioFailure(call: "Mat_VarReadInfo", message: Matio.lastError()))
      }
      defer { Mat_VarFree(v) }
      return .success(VariableHeader(v))
    }
    return result ?? .failure(MatioFailure(call: "Mat_VarReadInfo", message: nil))
  }

  /// Every variable header matio lists (`Mat_Rewind`, then `Mat_VarReadNextInfo` until
  /// NULL), and the last error it logged on the way, if any.
  func listing() -> (headers: [VariableHeader], error: String?) {
    let result = try? Matio.locked { () throws(MatFileError) -> ([VariableHeader], String?) in
      _ = Mat_Rewind(raw)
      var headers: [VariableHeader] = []
      while let v = Mat_VarReadNextInfo(raw) {
        headers.append(VariableHeader(v))
        Mat_VarFree(v)
      }
      return (headers, Matio.lastError())
    }
    return result ?? ([], nil)
  }

  /// Reads a real numeric variable or struct field and converts its values to `Double`.
  ///
  /// `check` sees the dotted name and matio's header first and throws to refuse it;
  /// then the values are converted with ``MatioData/values(_:header:count:file:variable:)``.
  /// A top-level `double` matrix of a v5 file is first tried with
  /// ``readDoubles(name:check:)``, which matio fills in place.
  ///
  /// - Parameters:
  ///   - path: the top-level name, then field names.
  ///   - check: throws to refuse the variable before its data is converted.
  /// - Returns: the dotted name, matio's header and the values, column-major.
  func readValues(
    path: [String], check: (String, VariableHeader) throws(MatFileError) -> Void
  ) throws(MatFileError) -> (name: String, header: VariableHeader, values: [Double]) {
    let file = self.file
    if path.count == 1, let read = try readDoubles(name: path[0], check: check) {
      return read
    }
    return try withVariable(path: path) {
      (name, v) throws(MatFileError) -> (name: String, header: VariableHeader, values: [Double]) in
      let header = VariableHeader(v)
      try check(name, header)
      let count = header.dimensions.reduce(1, *)
      let values = try MatioData.values(
        v, header: header, count: count, file: file, variable: name)
      return (name, header, values)
    }
  }

  /// Reads a top-level real `double` matrix of a v5 file straight into the result
  /// (`Mat_VarReadInfo`, then `Mat_VarReadData` over the whole matrix into the
  /// `[Double]`'s storage), so matio allocates no buffer of its own and nothing is
  /// converted element by element. matio still reads and converts the stored values
  /// (whatever their storage type) from the verified bytes.
  ///
  /// - Returns: `nil` when the variable is anything else (v4, v7.3, not double, complex,
  ///   not 2-D) or matio fails; ``readValues(path:check:)`` then takes the general path,
  ///   whose errors are the reference.
  private func readDoubles(
    name: String, check: (String, VariableHeader) throws(MatFileError) -> Void
  ) throws(MatFileError) -> (name: String, header: VariableHeader, values: [Double])? {
    try withPlainDoubles(name: name, check: check) { v, header, count in
      var start: [Int32] = [0, 0]
      var stride: [Int32] = [1, 1]
      var edge = header.dimensions.map { Int32($0) }
      var status: Int32 = -1
      // Zeroed first: whatever matio might leave unwritten reads as 0, never as old memory.
      let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
        buffer.initialize(repeating: 0)
        initialized = count
        status = Mat_VarReadData(raw, v, buffer.baseAddress, &start, &stride, &edge)
      }
      return status == 0 ? (name, header, values) : nil
    }
  }

  /// Reads a top-level real `double` matrix of a v5 file row by row: `Mat_VarReadInfo`,
  /// then `Mat_VarReadDataLinear` over a stretch of whole columns at a time (about
  /// 4 MiB, so it stays in the shared cache) into one reused buffer, each stretch
  /// scanned for non-finite values and laid out into the rows of the result on two
  /// threads (``Transpose/columnsToRowsOnTwoThreads(_:rows:columns:into:rowStride:)``).
  ///
  /// Only whole columns are read, as one linear range each time: matio 1.5.23's
  /// `Mat_VarReadData` ignores the starting column of a slab whose rows span the
  /// whole matrix and reads from the first column instead.
  ///
  /// - Parameters:
  ///   - name: the top-level variable.
  ///   - check: throws to refuse the variable before its data is read.
  ///   - stretchBytes: the size of the column stretches (at least one column each).
  /// - Returns: `nil` when ``readDoubles(name:check:)`` would decline, the matrix
  ///   has 2³¹ values or more, or it is a vector (whose values are in the same order
  ///   either way); ``readValues(path:check:)`` then takes over. The first non-finite
  ///   value is given as its column-major index.
  func readDoubleRows(
    name: String, check: (String, VariableHeader) throws(MatFileError) -> Void,
    stretchBytes: Int = 4 << 20
  ) throws(MatFileError) -> (header: VariableHeader, values: [Double], firstNonFinite: Int?)? {
    try withPlainDoubles(name: name, check: check) { v, header, count in
      let (m, n) = (header.dimensions[0], header.dimensions[1])
      guard count <= Int(Int32.max), m > 1, n > 1 else { return nil }
      let stretch = max(1, min(n, stretchBytes / (8 * m)))
      var scratch = [Double](repeating: 0, count: m * stretch)
      var failed = false
      var firstBad: Int?
      let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
        guard let target = buffer.baseAddress else { return }
        var c0 = 0
        while c0 < n {
          let columns = min(stretch, n - c0)
          let status = scratch.withUnsafeMutableBufferPointer { s -> Int32 in
            // Zeroed first: whatever matio might leave unwritten reads as 0, never as old values.
            s.update(repeating: 0)
            return Mat_VarReadDataLinear(raw, v, s.baseAddress, Int32(c0 * m), 1, Int32(columns * m))
          }
          guard status == 0 else {
            failed = true
            return
          }
          scratch.withUnsafeBufferPointer { s in
            let read = UnsafeBufferPointer(rebasing: s[0..<(columns * m)])
            if firstBad == nil, let bad = Transpose.firstNonFinite(read) { firstBad = c0 * m + bad }
            Transpose.columnsToRowsOnTwoThreads(
              read.baseAddress!, rows: m, columns: columns, into: target + c0, rowStride: n)
          }
          c0 += columns
        }
        initialized = count
      }
      return failed ? nil : (header, values, firstBad)
    }
  }

  /// Under the lock: `body`'s reading of the top-level variable `name` when matio sees
  /// it as a real 2-D `double` matrix of a v5 file, stored uncompressed (the image
  /// matio reads is inflated) with each dimension below 2³¹, after `check` has passed
  /// its header; `nil` when it is anything else, when `body` declines, or when matio's
  /// buffer type after the read is not `double`.
  ///
  /// - Parameters:
  ///   - body: reads with matio's variable, its header and its value count.
  private func withPlainDoubles<R>(
    name: String, check: (String, VariableHeader) throws(MatFileError) -> Void,
    _ body: (UnsafeMutablePointer<matvar_t>, VariableHeader, Int) -> R?
  ) throws(MatFileError) -> R? {
    try Matio.locked { () throws(MatFileError) -> R? in
      guard Mat_GetVersion(raw) == MAT_FT_MAT5 else { return nil }
      _ = Mat_Rewind(raw)
      guard let v = Mat_VarReadInfo(raw, name) else { return nil }
      defer { Mat_VarFree(v) }
      let header = VariableHeader(v)
      guard header.matClass == .double, !header.isComplex, v.pointee.rank == 2,
        v.pointee.compression == MAT_COMPRESSION_NONE, header.dimensions.count == 2,
        header.dimensions.allSatisfy({ $0 > 0 && $0 <= Int(Int32.max) }),
        let count = checkedProduct(header.dimensions)
      else { return nil }
      try check(name, header)
      guard let result = body(v, header, count), v.pointee.data_type == MAT_T_DOUBLE,
        v.pointee.data_size == 8
      else { return nil }
      return result
    }
  }

  /// Whether the variable or struct field at `path` exists (`Mat_VarRead`,
  /// `Mat_VarGetStructFieldByName`).
  func exists(path: [String]) -> Bool {
    (try? withVariable(path: path) { (_, _) throws(MatFileError) in true }) ?? false
  }

  /// Reads a variable or a field of a struct (`Mat_VarRead`, then
  /// `Mat_VarGetStructFieldByName` per path component) and hands its `matvar_t` to
  /// `body` while matio's data is alive; it is freed with `Mat_VarFree` afterwards.
  ///
  /// - Parameters:
  ///   - path: the top-level name, then field names.
  ///   - body: gets the path as a dotted name and the variable; it must not keep the pointer.
  /// - Throws: ``MatFileError/noSuchVariable(file:name:)``,
  ///   ``MatFileError/notAStruct(file:variable:field:)``,
  ///   ``MatFileError/structArray(file:variable:dimensions:)``,
  ///   ``MatFileError/noSuchField(file:variable:field:)``, or
  ///   ``MatFileError/matio(file:call:message:)`` when matio fails or logs an error.
  private func withVariable<R>(
    path: [String],
    _ body: (String, UnsafeMutablePointer<matvar_t>) throws(MatFileError) -> R
  ) throws(MatFileError) -> R {
    try Matio.locked { () throws(MatFileError) -> R in
      let top = path[0]
      _ = Mat_Rewind(raw)
      guard let v = Mat_VarRead(raw, top) else {
        if let message = Matio.lastError() {
          throw .matio(file: file, call: "Mat_VarRead", message: "variable '\(top)': \(message)")
        }
        throw .noSuchVariable(file: file, name: top)
      }
      defer { Mat_VarFree(v) }
      // An error matio logs while scanning past other variables does not fail this one;
      // the structural check, the header cross-check and the buffer checks decide.
      var current = v
      var name = top
      for field in path.dropFirst() {
        let header = VariableHeader(current)
        guard header.matClass == .struct else {
          throw .notAStruct(file: file, variable: name, field: field)
        }
        guard header.dimensions.allSatisfy({ $0 == 1 }) else {
          throw .structArray(file: file, variable: name, dimensions: header.dimensions)
        }
        guard header.fields.contains(field),
          let child = Mat_VarGetStructFieldByName(current, field, 0)
        else {
          throw .noSuchField(file: file, variable: name, field: field)
        }
        current = child
        name += "." + field
      }
      return try body(name, current)
    }
  }
}

/// matio could not do something; `message` is what it logged, if anything.
struct MatioFailure: Error, Equatable {
  var call: String
  var message: String?
}

/// Converting matio's data buffers to `Double`.
enum MatioData {
  /// The values of the real numeric variable `v`, converted exactly to `Double`.
  ///
  /// Checks that matio's buffer has the type, element size and byte count its class
  /// and dimensions call for (`data_type`, `data_size`, `nbytes`) before reading it.
  ///
  /// - Parameters:
  ///   - v: a variable whose class is numeric, real, with `count` elements.
  ///   - header: its header.
  ///   - count: the product of its dimensions.
  ///   - file: the file name used in errors.
  ///   - variable: the dotted name used in errors.
  static func values(
    _ v: UnsafeMutablePointer<matvar_t>, header: VariableHeader, count: Int, file: String,
    variable: String
  ) throws(MatFileError) -> [Double] {
    let m = v.pointee
    let expected: (type: matio_types, size: Int)
    switch header.matClass {
    case .double: expected = (MAT_T_DOUBLE, 8)
    case .single: expected = (MAT_T_SINGLE, 4)
    case .int8: expected = (MAT_T_INT8, 1)
    case .uint8: expected = (MAT_T_UINT8, 1)
    case .int16: expected = (MAT_T_INT16, 2)
    case .uint16: expected = (MAT_T_UINT16, 2)
    case .int32: expected = (MAT_T_INT32, 4)
    case .uint32: expected = (MAT_T_UINT32, 4)
    case .int64: expected = (MAT_T_INT64, 8)
    case .uint64: expected = (MAT_T_UINT64, 8)
    default:
      throw .unsupportedClass(file: file, variable: variable, matClass: header.matClass)
    }
    guard m.data_type == expected.type, Int(m.data_size) == expected.size else {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "matio returned data of type \(m.data_type.rawValue) and size \(m.data_size)"
          + " for class \(header.matClass.rawValue)")
    }
    let byteCount = count * expected.size
    guard m.nbytes == byteCount, let data = m.data else {
      throw .inconsistent(
        file: file, variable: variable,
        problem: "matio returned \(m.nbytes) bytes\(m.data == nil ? " (no buffer)" : "")"
          + " for \(dimensionText(header.dimensions)) values of \(expected.size) bytes")
    }
    let raw = UnsafeRawBufferPointer(start: data, count: byteCount)
    func load<T>(_: T.Type, _ convert: (T) -> Double) -> [Double] {
      (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * expected.size, as: T.self)) }
    }
    let limit: UInt64 = 1 << 53
    switch header.matClass {
    case .double:
      // Already the result type: one copy of the bytes (matio's buffer need not be aligned).
      return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
        initialized = count
      }
    case .single: return load(Float.self) { Double($0) }
    case .int8: return load(Int8.self) { Double($0) }
    case .uint8: return load(UInt8.self) { Double($0) }
    case .int16: return load(Int16.self) { Double($0) }
    case .uint16: return load(UInt16.self) { Double($0) }
    case .int32: return load(Int32.self) { Double($0) }
    case .uint32: return load(UInt32.self) { Double($0) }
    case .int64:
      let ints = (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) }
      if let bad = ints.firstIndex(where: { $0.magnitude > limit }) {
        throw .inexactInteger(file: file, variable: variable, index: bad, value: String(ints[bad]))
      }
      return ints.map { Double($0) }
    case .uint64:
      let ints = (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
      if let bad = ints.firstIndex(where: { $0 > limit }) {
        throw .inexactInteger(file: file, variable: variable, index: bad, value: String(ints[bad]))
      }
      return ints.map { Double($0) }
    default:
      throw .unsupportedClass(file: file, variable: variable, matClass: header.matClass)
    }
  }
}
