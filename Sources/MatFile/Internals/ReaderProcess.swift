import Glibc

/// Runs the reading of an untrusted v7.3 (HDF5) file in a forked child process, so that
/// libhdf5 crashing on a damaged file (it trusts addresses and sizes in files that have no
/// checksums) cannot take the calling process down, and nothing it prints reaches the user.
///
/// The parent forks while holding matio's and HDF5File's locks (``Matio/fork()``), so no
/// thread is inside matio or libhdf5 at that moment. The child:
/// - sends standard output and standard error to `/dev/null` (HDF5 diagnostics cannot
///   escape even where HDF5's own error printing is on),
/// - restores the default action of the crash signals (no backtracer runs; no core is
///   written: `RLIMIT_CORE` is 1 byte, which also stops piped core handlers),
/// - limits its address space (`RLIMIT_AS`) to what the parent had plus
///   ``MatLimits/readerMemoryBytes``, so a lying dataspace cannot exhaust memory,
/// - runs `work`, writes its answer, length first, into a pipe and ends with `_exit`
///   (no `atexit` handlers, no stdio flushing of the parent's buffers).
///
/// The parent reads the pipe until the answer is complete, at most
/// ``MatLimits/readerTimeoutSeconds``, then reaps the child (`waitpid`); a child still
/// running then is killed (`SIGKILL`). A child killed by a signal is
/// ``MatFileError/readerCrashed(file:signal:)``, one too slow
/// ``MatFileError/readerTimedOut(file:seconds:)``, one ending without a complete answer
/// ``MatFileError/readerFailed(file:problem:)``.
///
/// The child's work is short (one file, one variable) and runs Swift code of this
/// module and HDF5File. What could still hang it is a lock that another parent thread
/// held inside the Swift runtime or glibc at the moment of the fork (first-time
/// metadata instantiation, say); `theta` itself is single-threaded when it reads MAT
/// files, and in a multi-threaded test process such a hang would show as a timeout,
/// never as a wrong value. The child avoids Foundation for that reason.
enum ReaderProcess {
  /// Where the answer starts in what ``run(file:limits:_:)`` returns (after its length).
  static let answerStart = 8

  /// Runs `work` in a child process and returns what it sent: its answer's length
  /// (8 bytes), then the answer, which starts at ``answerStart``.
  ///
  /// - Parameters:
  ///   - file: the file name used in errors.
  ///   - limits: ``MatLimits/readerTimeoutSeconds`` and ``MatLimits/readerMemoryBytes``.
  ///   - work: runs in the child only; returns the answer.
  /// - Throws: ``MatFileError/cannotRead(file:reason:)`` when no process can be started,
  ///   and the reader errors above.
  static func run(
    file: String, limits: MatLimits, _ work: () -> [UInt8]
  ) throws(MatFileError) -> [UInt8] {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else {
      throw .cannotRead(file: file, reason: "cannot start the v7.3 reader: pipe: \(errnoText())")
    }
    let (readEnd, writeEnd) = (fds[0], fds[1])
    // Not inherited by programs other threads start (they exec); the child forks, not execs.
    _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
    _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
    let addressLimit = addressSpace().map { $0 + limits.readerMemoryBytes }
    let pid = Matio.fork()
    if pid == 0 {
      child(answerTo: writeEnd, closing: readEnd, addressLimit: addressLimit, work)
    }
    let forkError = errnoText()
    close(writeEnd)
    defer { close(readEnd) }
    guard pid > 0 else {
      throw .cannotRead(file: file, reason: "cannot start the v7.3 reader: fork: \(forkError)")
    }
    return try collect(from: readEnd, child: pid, file: file, seconds: limits.readerTimeoutSeconds)
  }

  /// ``run(file:limits:_:)``, and once more when the child timed out: in a
  /// multi-threaded host it may have inherited a lock another thread held at the fork
  /// (see ``Matio/fork()``).
  static func runRetryingTimeout(
    file: String, limits: MatLimits, _ work: () -> [UInt8]
  ) throws(MatFileError) -> [UInt8] {
    do {
      return try run(file: file, limits: limits, work)
    } catch .readerTimedOut {
      return try run(file: file, limits: limits, work)
    }
  }

  // MARK: - Child

  /// The child's side: isolate, work, answer, `_exit`.
  private static func child(
    answerTo fd: Int32, closing other: Int32, addressLimit: Int?, _ work: () -> [UInt8]
  ) -> Never {
    close(other)
    let null = open("/dev/null", O_RDWR)
    if null >= 0 {
      dup2(null, 1)
      dup2(null, 2)
      if null > 2 { close(null) }
    }
    for s in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ] {
      signal(s, SIG_DFL)
    }
    signal(SIGPIPE, SIG_DFL)
    var none = sigset_t()
    sigemptyset(&none)
    sigprocmask(SIG_SETMASK, &none, nil)
    limit(RLIMIT_CORE, to: 1)
    if let addressLimit { limit(RLIMIT_AS, to: addressLimit) }

    let answer = work()
    var framed = WireWriter()
    framed.int(answer.count)
    var ok = writeAll(fd, framed.bytes)
    if ok { ok = writeAll(fd, answer) }
    _exit(ok ? 0 : 3)
  }

  /// Lowers a resource limit's soft value to `value` (never raises it).
  private static func limit(_ resource: __rlimit_resource, to value: Int) {
    let id = __rlimit_resource_t(resource.rawValue)
    var current = rlimit()
    guard getrlimit(id, &current) == 0 else { return }
    let wanted = rlim_t(max(value, 0))
    guard current.rlim_cur > wanted else { return }  // RLIM_INFINITY is the largest value
    current.rlim_cur = wanted
    _ = setrlimit(id, &current)
  }

  /// Writes all of `bytes`, retrying on `EINTR`; false on any other failure.
  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw -> Bool in
      var done = 0
      while done < raw.count {
        let n = write(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          return false
        }
        done += n
      }
      return true
    }
  }

  // MARK: - Parent

  /// Reads the child's answer and reaps it; see ``run(file:limits:_:)``.
  private static func collect(
    from fd: Int32, child pid: pid_t, file: String, seconds: Int
  ) throws(MatFileError) -> [UInt8] {
    let deadline = now() + Double(seconds)
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var expected: Int? = nil
    var status: Int32? = nil
    var lost = false
    var timedOut = false

    func complete() -> Bool {
      if let expected { return received.count >= 8 + expected }
      return false
    }
    /// Reads what the pipe holds now; false at end of file or on an error.
    func drain(wait milliseconds: Int32) -> Bool {
      var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&p, 1, milliseconds)
      if ready < 0 { return errno == EINTR }
      if ready == 0 { return true }
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 { return errno == EINTR || errno == EAGAIN }
      if n == 0 { return false }
      received.append(contentsOf: chunk[0..<n])
      if expected == nil, received.count >= 8 {
        var header = WireReader(Array(received[0..<8]))
        expected = header.int().flatMap { $0 >= 0 ? $0 : nil } ?? -1
      }
      return true
    }
    /// Reaps the child if it has ended; sets `status` or `lost`.
    func reap(blocking: Bool) {
      var s: Int32 = 0
      while true {
        let r = waitpid(pid, &s, blocking ? 0 : WNOHANG)
        if r == pid {
          status = s
          return
        }
        if r < 0 && errno == EINTR { continue }
        if r < 0 { lost = true }  // ECHILD: reaped elsewhere (SIGCHLD ignored)
        return
      }
    }

    // Read until the answer is complete, the pipe closes, the child ends, or time is up.
    while !complete() && expected != -1 {
      let left = deadline - now()
      if left <= 0 {
        timedOut = true
        break
      }
      let before = received.count
      guard drain(wait: Int32(min(100, max(1, left * 1000)))) else { break }
      if received.count == before {
        reap(blocking: false)
        if status != nil || lost {
          // It has ended: whatever it wrote is in the pipe now.
          while !complete() {
            let had = received.count
            guard drain(wait: 0), received.count > had else { break }
          }
          break
        }
      }
    }
    // Let a child that is ending finish; kill one that is not.
    while status == nil && !lost {
      reap(blocking: false)
      if status != nil || lost { break }
      if timedOut || now() >= deadline {
        timedOut = true
        kill(pid, SIGKILL)
        reap(blocking: true)
        break
      }
      usleep(2000)
    }

    if let status {
      let signal = status & 0x7F
      if signal != 0 && signal != 0x7F {
        if timedOut { throw .readerTimedOut(file: file, seconds: seconds) }
        throw .readerCrashed(file: file, signal: signal)
      }
      let code = (status >> 8) & 0xFF
      guard code == 0 else {
        throw .readerFailed(file: file, problem: "it exited with status \(code)")
      }
    }
    guard complete(), let expected, received.count == 8 + expected else {
      if timedOut { throw .readerTimedOut(file: file, seconds: seconds) }
      throw .readerFailed(
        file: file,
        problem: lost
          ? "its exit status was lost and its answer is incomplete"
          : "an incomplete answer of \(received.count) bytes")
    }
    return received
  }

  /// Seconds on the monotonic clock.
  private static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  /// This process's current address-space size in bytes (`/proc/self/statm`), or `nil`.
  private static func addressSpace() -> Int? {
    let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return nil }
    var pages = 0
    for byte in buffer[0..<n] {
      guard byte >= 0x30 && byte <= 0x39 else { break }
      pages = pages * 10 + Int(byte - 0x30)
    }
    let pageSize = sysconf(Int32(_SC_PAGESIZE))
    return pages > 0 && pageSize > 0 ? pages * pageSize : nil
  }
}
