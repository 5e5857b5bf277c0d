#if canImport(Glibc)
  import Glibc
#endif

/// Transparent huge pages for the large buffers of a MAT read.
///
/// A 16 MB buffer written for the first time costs 4096 page faults with 4 KiB pages,
/// and on a VM each fault is expensive (about 9 ms for 16 MB, against about 2 ms with
/// 2 MiB pages). The kernel only uses huge pages for memory marked with
/// `madvise(MADV_HUGEPAGE)` when `/sys/kernel/mm/transparent_hugepage/enabled` is
/// `madvise` (Debian's default), so the buffers the structural check, the image and
/// the values are written into are marked before their first write. It is only a hint:
/// where the kernel refuses, nothing changes.
enum HugePages {
  /// Buffers smaller than this are left alone (4 MiB).
  static let threshold = 4 << 20

  /// Marks the 2 MiB-aligned interior of `buffer` for huge pages, if it is large enough.
  ///
  /// - Parameter buffer: memory about to be written for the first time (a fresh
  ///   allocation); marking memory already in use is harmless.
  static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
      guard buffer.count >= threshold, let base = buffer.baseAddress else { return }
      let huge = 2 << 20
      let first = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
      let last = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
      guard last > first, let start = UnsafeMutableRawPointer(bitPattern: first) else { return }
      _ = madvise(start, last - first, MADV_HUGEPAGE)
    #endif
  }
}
