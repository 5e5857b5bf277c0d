/// Tall products split into blocks of rows, each block one `cblas_dgemm` small
/// enough for OpenBLAS to run on the calling thread, with the blocks spread
/// over the cores in a fixed number of chunks (`DispatchQueue.concurrentPerform`).
///
/// OpenBLAS's own pool threads are then never woken. Woken, they keep spinning
/// for a while after each call and compete for the cores with whatever runs
/// next; and on AVX-512 CPUs the blocks run on OpenBLAS's small-matrix kernels,
/// which skip the packing of the operands that a whole-batch call pays for.
extension RowBlocks {
  /// Chunks per product; fixed, so that summed results do not depend on the machine.
  static let chunks = 2
  /// The fewest rows per block for which blocking pays.
  static let minimumRows = 16
  /// The most rows per block, so that a block's operands stay in the core's cache.
  static let maximumRows = 256

  /// Rows per block for a product over `m` rows whose blocks run on the
  /// calling thread up to `limit` rows, or `nil` when one call is better.
  static func blockRows(rows m: Int, limit: Int) -> Int? {
    let b = min(limit, maximumRows)
    guard b >= minimumRows, m >= 2 * b else { return nil }
    return b
  }

  /// The number of chunks ``run(rows:blockRows:_:)`` uses.
  static func chunkCount(rows m: Int, blockRows b: Int) -> Int {
    min(chunks, (m + b - 1) / b)
  }

  /// ``run(rows:blockRows:chunks:_:)`` with ``chunkCount(rows:blockRows:)`` chunks.
  static func run(rows m: Int, blockRows b: Int, _ body: (Int, Range<Int>) -> Void) {
    run(rows: m, blockRows: b, chunks: chunkCount(rows: m, blockRows: b), body)
  }
}
