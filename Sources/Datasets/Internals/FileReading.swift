#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The largest data file read (4 GiB): a CSV of 5000 × 400 values is about 20 MB.
let dataFileLimit = 1 << 32

/// The whole content of the file at `path`, at most ``dataFileLimit`` bytes.
///
/// The corresponding C functions are `open` (`O_RDONLY | O_CLOEXEC`), `fstat`
/// (to size the buffer of a regular file) and `read`, retried on `EINTR`;
/// pipes and character devices are read until end of file.
///
/// - Throws: ``DatasetError/cannotRead(file:reason:)`` with `strerror`'s text.
func readFile(_ path: String) throws(DatasetError) -> [UInt8] {
  var fd: Int32
  repeat {
    fd = open(path, O_RDONLY | O_CLOEXEC)
  } while fd < 0 && errno == EINTR
  guard fd >= 0 else { throw .cannotRead(file: path, reason: systemError(errno)) }
  defer { close(fd) }
  var info = stat()
  guard fstat(fd, &info) == 0 else { throw .cannotRead(file: path, reason: systemError(errno)) }
  if (info.st_mode & S_IFMT) == S_IFDIR {
    throw .cannotRead(file: path, reason: systemError(EISDIR))
  }
  let tooLarge = DatasetError.cannotRead(
    file: path, reason: "larger than the \(dataFileLimit >> 30) GiB limit for a data file")
  if Int(info.st_size) > dataFileLimit { throw tooLarge }
  var bytes: [UInt8] = []
  var capacity = max(Int(info.st_size) + 1, 65_536)
  var failure: Int32 = 0
  while failure == 0 {
    let start = bytes.count
    bytes.reserveCapacity(capacity)
    var appended = 0
    bytes.append(contentsOf: repeatElement(0, count: capacity - start))
    bytes.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      while start + appended < capacity {
        let n = read(fd, base + start + appended, capacity - start - appended)
        if n > 0 {
          appended += n
        } else if n == 0 {
          return
        } else if errno != EINTR {
          failure = errno
          return
        }
      }
    }
    bytes.removeLast(capacity - start - appended)
    if start + appended < capacity { break }  // end of file before the buffer filled
    if bytes.count > dataFileLimit { throw tooLarge }
    capacity = min(capacity * 2, dataFileLimit + 1)
  }
  guard failure == 0 else { throw .cannotRead(file: path, reason: systemError(failure)) }
  return bytes
}

/// `strerror(code)`, e.g. "No such file or directory".
func systemError(_ code: Int32) -> String {
  guard let text = strerror(code) else { return "error \(code)" }
  return String(cString: text)
}
