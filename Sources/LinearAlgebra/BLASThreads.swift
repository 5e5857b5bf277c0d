/// OpenBLAS's own thread pool.
///
/// Theta's heavy products run in blocks on its own threads, each block a
/// `cblas_dgemm` small enough for OpenBLAS to run on the calling thread, so
/// OpenBLAS's pool threads are rarely needed. Yet OpenBLAS starts them when
/// the library is loaded, and each then spins (calling `sched_yield`) for about
/// 2²⁸ CPU cycles (0.1 s) before it sleeps: for a short command such as
/// `theta predict` that is a core kept busy for the whole run.
public enum BLASThreads {
  /// Stops OpenBLAS's pool threads if this OpenBLAS build has them; a later
  /// call that needs them starts them again.
  ///
  /// Call once at start-up, before any other thread uses BLAS. The C function
  /// is OpenBLAS's `blas_thread_shutdown_` (looked up with `dlsym`, so that a
  /// build without threads, or another BLAS, simply has nothing to stop).
  ///
  /// - Returns: whether there was a pool to stop.
  @discardableResult
  public static func stopIdlePool() -> Bool {
    BLAS.stopIdlePool()
  }
}
