import Glibc

/// The buffer-level system calls of ``SafeFile``, on open file descriptors.
enum Descriptor {
  /// Reads `fd` to its end in 64 KiB chunks, retrying on `EINTR`.
  ///
  /// - Parameters:
  ///   - path: the name used in errors.
  ///   - capacity: bytes to reserve up front (the expected size).
  ///   - limit: refuse with ``SafeFileError/tooLarge(path:size:limit:)`` beyond this many bytes.
  static func readAll(
    _ fd: Int32, path: String, capacity: Int, limit: Int
  ) throws(SafeFileError) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(capacity)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .system(path: path, call: "read", errno: errno)
      }
      if n == 0 { return out }
      out.append(contentsOf: chunk[0..<n])
      if out.count > limit { throw .tooLarge(path: path, size: out.count, limit: limit) }
    }
  }

  /// Reads up to `count` bytes from `fd` (fewer only at its end), retrying on `EINTR`.
  static func readPrefix(_ fd: Int32, path: String, count: Int) throws(SafeFileError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: max(count, 0))
    var filled = 0
    while filled < out.count {
      let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .system(path: path, call: "read", errno: errno)
      }
      if n == 0 { break }
      filled += n
    }
    out.removeLast(out.count - filled)
    return out
  }

  /// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`; the error, or `nil`.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) -> SafeFileError? {
    var failure: SafeFileError?
    var offset = 0
    bytes.withUnsafeBytes { raw in
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = .system(path: path, call: "write", errno: errno)
          return
        }
        offset += n
      }
    }
    return failure
  }

  /// The names in directory `dir` (`opendir`/`readdir`); empty when it cannot be read.
  static func directoryEntries(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let entry = readdir(d) {
      names.append(
        withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        })
    }
    return names
  }
}
