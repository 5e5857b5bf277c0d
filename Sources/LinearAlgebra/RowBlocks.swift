import Dispatch

/// Work over the rows of tall matrices in blocks, the blocks grouped into
/// chunks that run concurrently: the scheduling of every blocked product and
/// pass in Theta (the products here, Inference's forward pass, Training's cost).
public enum RowBlocks {
  /// Calls `body(chunk, rows)` for every block of `blockRows` rows of
  /// `0 ..< rows`: chunk `c` takes blocks `B·c/chunks ..< B·(c + 1)/chunks` of
  /// the `B` blocks, in order on one thread, and the chunks run concurrently
  /// (`DispatchQueue.concurrentPerform`); one chunk runs on the calling thread.
  ///
  /// Which rows a chunk gets depends only on `rows`, `blockRows` and `chunks`,
  /// so sums kept per chunk and added in chunk order are reproducible.
  ///
  /// - Parameters:
  ///   - rows: the number of rows, `m`.
  ///   - blockRows: rows per block (the last block may be shorter), at least 1.
  ///   - chunks: the number of chunks, 1 … number of blocks.
  ///   - body: called with the chunk index and the block's rows.
  public static func run(rows m: Int, blockRows b: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
    precondition(b >= 1 && chunks >= 1, "RowBlocks.run: blockRows and chunks must be at least 1")
    let blocks = (m + b - 1) / b
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let work = body
      let chunk: (Int) -> Void = { c in
        for block in (blocks * c / chunks)..<(blocks * (c + 1) / chunks) {
          work(c, (block * b)..<min(m, (block + 1) * b))
        }
      }
      if chunks == 1 {
        chunk(0)
      } else {
        nonisolated(unsafe) let shared = chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { shared($0) }
      }
    }
  }
}
