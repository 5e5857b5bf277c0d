/// Process-wide control of this module's use of libhdf5, for callers that `fork()`.
///
/// Every libhdf5 call of this module runs under one process-wide lock. A caller that
/// forks a child to read a hostile file with libhdf5 (the `MatFile` module does, for
/// v7.3 files) forks inside ``withCallsHeld(_:)``, so no other thread is inside libhdf5
/// through this module at that moment and the child inherits libhdf5 in a quiet state,
/// and calls ``enterForkedChild()`` first thing in the child.
public enum HDF5Library {
  /// Runs `body` holding the lock every libhdf5 call of this module takes; other
  /// threads' calls wait until it returns. Meant for a `body` that calls `fork()`; in
  /// the child (once `body` has called ``enterForkedChild()``) the lock is not released,
  /// since it belongs to the parent's thread.
  public static func withCallsHeld<R>(_ body: () -> R) -> R {
    H5.heldForFork(body)
  }

  /// Declares this process a child forked inside ``withCallsHeld(_:)``: from now on
  /// this module's calls no longer take the lock (the child has a single thread, and the
  /// lock is held by a parent thread that does not exist here). Call it only in such a
  /// child, before any other call of this module.
  public static func enterForkedChild() {
    H5.inForkedChild = true
  }
}
