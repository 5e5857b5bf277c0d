import Glibc

/// Identifies one version of a file: device, inode, size and modification time.
struct FileIdentity: Equatable {
  var device: UInt64
  var inode: UInt64
  var size: Int
  var modifiedSeconds: Int
  var modifiedNanoseconds: Int

  /// The identity in a `stat` result.
  init(_ s: stat) {
    device = UInt64(s.st_dev)
    inode = UInt64(s.st_ino)
    size = Int(s.st_size)
    modifiedSeconds = Int(s.st_mtim.tv_sec)
    modifiedNanoseconds = Int(s.st_mtim.tv_nsec)
  }

  /// The identity of the file at `path` now, or `nil` if it cannot be `stat`ed.
  static func current(path: String) -> FileIdentity? {
    var s = stat()
    guard stat(path, &s) == 0 else { return nil }
    return FileIdentity(s)
  }
}

/// A regular file opened read-only through POSIX calls; closed on deinit.
final class FileSource {
  /// The file descriptor.
  private let fd: Int32
  /// The file's identity when it was opened.
  let identity: FileIdentity
  /// The file name used in errors.
  private let file: String

  /// Opens `path` (`open(2)` with `O_RDONLY | O_CLOEXEC`) and checks it is a regular file.
  init(path: String, file: String) throws(MatFileError) {
    self.file = file
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotRead(file: file, reason: errnoText()) }
    var s = stat()
    guard fstat(fd, &s) == 0 else {
      let reason = errnoText()
      close(fd)
      throw .cannotRead(file: file, reason: reason)
    }
    guard (s.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw .cannotRead(file: file, reason: "not a regular file")
    }
    self.fd = fd
    self.identity = FileIdentity(s)
  }

  deinit { close(fd) }

  /// Reads up to `count` bytes from `offset` (`pread(2)`, retried on `EINTR`); fewer
  /// only at the end of the file.
  func read(offset: Int, count: Int) throws(MatFileError) -> [UInt8] {
    guard count > 0 else { return [] }
    var failure: String?
    let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      var done = 0
      guard let base = buffer.baseAddress else { return }
      HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
      while done < count {
        let n = pread(fd, base + done, count - done, off_t(offset + done))
        if n < 0 {
          if errno == EINTR { continue }
          failure = errnoText()
          break
        }
        if n == 0 { break }
        done += n
      }
      initialized = done
    }
    if let failure { throw .cannotRead(file: file, reason: failure) }
    return bytes
  }
}

/// The text of the current `errno` (`strerror`).
func errnoText() -> String {
  String(cString: strerror(errno))
}
