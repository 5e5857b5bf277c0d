/// Work on an untrusted file that a C library might crash on, run in a child process.
///
/// The same isolation ``MatFile`` uses for v7.3 files (`ReaderProcess`): the child is
/// made while no thread is inside matio or libhdf5, sends standard output and error to
/// `/dev/null`, has no core file, a bounded address space and 10 s, and answers through
/// a pipe; the parent never runs the work itself. The HDF5 model import uses it, since
/// libhdf5 trusts the addresses and sizes in a file.
public enum IsolatedProcess {
  /// Runs `work` in a child process and returns a reader of the bytes it returned. A
  /// child that timed out is tried once more (see `Matio.fork()`).
  ///
  /// - Parameters:
  ///   - file: the file name used in errors.
  ///   - work: runs in the child only; it must not rely on Foundation.
  /// - Throws: ``MatFileError/readerCrashed(file:signal:)``,
  ///   ``MatFileError/readerTimedOut(file:seconds:)``,
  ///   ``MatFileError/readerFailed(file:problem:)``, or
  ///   ``MatFileError/cannotRead(file:reason:)`` when no child can be started.
  public static func run(file: String, _ work: () -> [UInt8]) throws(MatFileError) -> WireReader {
    let bytes = try ReaderProcess.runRetryingTimeout(file: file, limits: .standard, work)
    return WireReader(bytes, from: ReaderProcess.answerStart)
  }
}
