import Glibc
import Synchronization

/// Whole-file reads and atomic writes.
///
/// A write goes to a temporary file beside the target (`.NAME.tmp-PID-N`), is
/// flushed with `fsync`, then renamed over the target, and the directory is
/// synced: a reader or a crash sees the old file or the new one, never a mix.
/// A writer killed before it could remove its temporary leaves it behind; the next
/// write to the same name removes every `.NAME.tmp-PID-N` whose PID no longer runs.
public enum SafeFile {
  /// Reads the whole file at `path`.
  ///
  /// - Parameter limit: refuse files larger than this many bytes (default 4 GiB).
  /// - Throws: ``SafeFileError`` naming the path and the failing call.
  public static func read(_ path: String, limit: Int = 1 << 32) throws(SafeFileError) -> [UInt8] {
    let (fd, size) = try openForReading(path)
    defer { close(fd) }
    if size > limit { throw .tooLarge(path: path, size: size, limit: limit) }
    return try Descriptor.readAll(fd, path: path, capacity: max(size, 0), limit: limit)
  }

  /// Reads at most the first `count` bytes of the file at `path` (fewer when it is
  /// shorter): enough to recognise a format by its magic without loading the file.
  ///
  /// - Throws: ``SafeFileError`` naming the path and the failing call.
  public static func readPrefix(_ path: String, count: Int) throws(SafeFileError) -> [UInt8] {
    let (fd, _) = try openForReading(path)
    defer { close(fd) }
    return try Descriptor.readPrefix(fd, path: path, count: count)
  }

  /// Opens `path` read-only and returns the descriptor and `fstat`'s size; a directory
  /// is refused with `EISDIR`. The caller closes the descriptor.
  private static func openForReading(_ path: String) throws(SafeFileError) -> (fd: Int32, size: Int) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .system(path: path, call: "open", errno: errno) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      let code = errno
      close(fd)
      throw .system(path: path, call: "fstat", errno: code)
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw .system(path: path, call: "read", errno: EISDIR)
    }
    return (fd, Int(st.st_size))
  }

  /// Reads all of standard input.
  ///
  /// - Parameter limit: refuse more than this many bytes (default 4 GiB).
  /// - Throws: ``SafeFileError/tooLarge(path:size:limit:)`` past the limit, or a read failure.
  public static func readStandardInput(limit: Int = 1 << 32) throws(SafeFileError) -> [UInt8] {
    try Descriptor.readAll(0, path: "<stdin>", capacity: 0, limit: limit)
  }

  /// Writes `text` to standard output at once (unbuffered), retrying on `EINTR`; stops
  /// quietly on another error (a closed pipe: the reader has gone).
  public static func writeStandardOutput(_ text: String) {
    _ = Descriptor.writeAll(STDOUT_FILENO, Array(text.utf8), path: "<stdout>")
  }

  /// Writes `text` to standard error, as ``writeStandardOutput(_:)``.
  public static func writeStandardError(_ text: String) {
    _ = Descriptor.writeAll(STDERR_FILENO, Array(text.utf8), path: "<stderr>")
  }

  /// Whether something exists at `path`.
  public static func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  /// Checks that `output` may be written: it is not one of `inputs` (same file by
  /// device and inode, or the same path) and, unless `force`, does not exist.
  ///
  /// Call it before doing any work, so a refused command leaves no trace.
  public static func checkOutput(
    _ output: String, inputs: [String], force: Bool
  ) throws(SafeFileError) {
    var out = stat()
    if stat(output, &out) == 0 {
      for input in inputs {
        var inp = stat()
        if stat(input, &inp) == 0, inp.st_dev == out.st_dev, inp.st_ino == out.st_ino {
          throw .wouldOverwriteInput(path: output)
        }
      }
      if !force { throw .exists(path: output) }
    } else if inputs.contains(output) {
      throw .wouldOverwriteInput(path: output)
    } else if lstat(output, &out) == 0, !force {
      throw .exists(path: output)  // a dangling symbolic link
    }
  }

  /// Writes `bytes` to `path` atomically: temporary file, `fsync`, `rename`, directory `fsync`.
  ///
  /// - Parameter overwrite: replace an existing file; otherwise an existing `path`
  ///   is an error and nothing is written.
  /// - Throws: ``SafeFileError``; on any failure the temporary file is removed and
  ///   an existing `path` is untouched.
  public static func write(
    _ bytes: [UInt8], to path: String, overwrite: Bool
  ) throws(SafeFileError) {
    if !overwrite, exists(path) { throw .exists(path: path) }
    let (dir, base) = split(path)
    removeStaleTemporaries(in: dir, base: base)
    let tmp = dir + "/." + base + ".tmp-\(getpid())-\(nextSerial())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .system(path: path, call: "open", errno: errno) }
    var failure: SafeFileError? = Descriptor.writeAll(fd, bytes, path: path)
    if failure == nil, fsync(fd) != 0 { failure = .system(path: path, call: "fsync", errno: errno) }
    if close(fd) != 0, failure == nil { failure = .system(path: path, call: "close", errno: errno) }
    if failure == nil, !overwrite {
      // link() refuses an existing target, so a file created meanwhile is never replaced.
      if link(tmp, path) != 0 {
        failure = errno == EEXIST ? .exists(path: path) : .system(path: path, call: "link", errno: errno)
      }
      unlink(tmp)
    } else if failure == nil, rename(tmp, path) != 0 {
      failure = .system(path: path, call: "rename", errno: errno)
    }
    if let failure {
      unlink(tmp)
      throw failure
    }
    let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 {
      _ = fsync(dfd)
      close(dfd)
    }
  }

  /// Removes `.BASE.tmp-PID-N` files in `dir` left by writers that were killed
  /// before they could clean up: those whose PID names no running process.
  /// Best effort; failures are ignored (the write itself reports real problems).
  static func removeStaleTemporaries(in dir: String, base: String) {
    let prefix = "." + base + ".tmp-"
    var stale: [String] = []
    for name in Descriptor.directoryEntries(dir) {
      guard name.hasPrefix(prefix) else { continue }
      let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
      guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UInt(parts[1]) != nil,
        pid != getpid()
      else { continue }
      if kill(pid, 0) != 0, errno == ESRCH { stale.append(name) }
    }
    for name in stale { unlink(dir + "/" + name) }
  }

  private static func split(_ path: String) -> (dir: String, base: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let dir = String(path[..<slash])
    return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
  }

  /// Distinguishes the temporaries of concurrent writes in one process.
  private static let serial = Atomic<Int>(0)
  private static func nextSerial() -> Int {
    serial.add(1, ordering: .relaxed).newValue
  }
}
