#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A recursive mutex (`pthread_mutex_t` of type `PTHREAD_MUTEX_RECURSIVE`): the
/// lock around every libhdf5 call here and every matio call in MatFile, which a
/// thread may take again while it holds it (a handle closed inside a locked call).
///
/// Plain pthreads rather than Foundation's `NSRecursiveLock`, so that the modules
/// need only FoundationEssentials and a `theta` process does not load Foundation
/// and ICU (about 4 ms of every start-up).
package final class RecursiveLock: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  /// A new, unlocked mutex.
  package init() {
    mutex = .allocate(capacity: 1)
    var attributes = pthread_mutexattr_t()
    pthread_mutexattr_init(&attributes)
    pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
    pthread_mutex_init(mutex, &attributes)
    pthread_mutexattr_destroy(&attributes)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Takes the mutex (`pthread_mutex_lock`), waiting while another thread holds it.
  package func lock() { pthread_mutex_lock(mutex) }

  /// Releases one hold of the mutex (`pthread_mutex_unlock`).
  package func unlock() { pthread_mutex_unlock(mutex) }
}
