import ArgumentParser
import Glibc
import LinearAlgebra

@main
struct Theta: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "theta",
    abstract: "Convert, inspect, verify and run the course's sigmoid networks (ex4: 400-25-10).",
    discussion: """
      A .theta file holds one network: the weight matrices Theta1 … ThetaN (bias in \
      column 0, stored row-major) with typed metadata and checksums. See Docs/FORMAT.md.

      Typical use:
        theta convert ex4weights.mat model.theta
        theta inspect model.theta
        theta predict model.theta digits.mat

      Exit codes:
        0   success
        64  usage error (bad options or arguments)
        65  bad or damaged input (a model, MAT or CSV file that is refused)
        73  output exists (pass --force) or would overwrite an input
        74  I/O error (a file cannot be read or written)
        1   check-gradients: the analytic and numerical gradients differ
        130 train: interrupted (Ctrl-C) after writing the best model so far
      """,
    version: "0.1.0",
    subcommands: [
      Convert.self, Export.self, Inspect.self, Verify.self, Predict.self, Train.self, Cost.self,
      CheckGradients.self, Render.self,
    ]
  )

  /// Sets the allocator's policy (see ``keepLargeBuffers()``), stops OpenBLAS's idle
  /// pool threads (see `BLASThreads`), then runs the command.
  static func main() {
    keepLargeBuffers()
    BLASThreads.stopIdlePool()
    main(nil)
  }

  /// Lets glibc's `malloc` reuse the memory of freed buffers of up to 32 MiB instead of
  /// returning it to the kernel (`mallopt(M_MMAP_THRESHOLD)`, `mallopt(M_TRIM_THRESHOLD)`).
  ///
  /// Reading a MAT file passes its values through buffers of the same size one after
  /// another (the file, its inflated image, the values). By default each buffer over
  /// 128 KiB is a fresh `mmap` that the kernel must fault in and zero, which on a VM
  /// costs several milliseconds per 16 MB; a buffer freed back to the heap is reused
  /// as it is. Buffers over 32 MiB (glibc's limit for this setting) are still mapped,
  /// and a short-lived command keeps at most what it already used. `mallopt` is looked
  /// up with `dlsym` (`<malloc.h>` is not part of Swift's Glibc module); the option
  /// numbers are glibc's (`M_TRIM_THRESHOLD` −1, `M_MMAP_THRESHOLD` −3). Where there is
  /// no `mallopt`, nothing changes.
  static func keepLargeBuffers() {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    _ = mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
    _ = mallopt(-1, 256 << 20)  // M_TRIM_THRESHOLD
  }
}
