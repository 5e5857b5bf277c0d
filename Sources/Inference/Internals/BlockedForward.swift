import Dispatch
import LinearAlgebra

/// The activation buffers of one chunk of blocks; one thread uses it at a time.
final class ChunkBuffers: @unchecked Sendable {
  /// `A_1 … A_L` of the current block, each `blockRows × units`, column-major.
  var activations: [Matrix] = []
}

/// Where the rows of a block go: row-major probabilities or labels, written
/// from several threads to disjoint rows.
private enum Sink: @unchecked Sendable {
  case probabilities(UnsafeMutablePointer<Double>, columns: Int)
  case labels(UnsafeMutablePointer<Int>)
}

extension Network {
  /// Most multiply-adds one block's `cblas_dgemm` may cost, `M·N·K`: OpenBLAS
  /// runs a call this small on the calling thread (its `GEMM_MULTITHREAD_THRESHOLD`
  /// default is 4 · 65536), so the blocks of different threads never compete
  /// for its thread pool.
  static let singleThreadedGEMM = 262_144

  /// Examples per block for the blocked forward pass, or `nil` when the batch
  /// or the blocks would be too small to gain (then one `cblas_dgemm` per layer
  /// covers the whole batch, on OpenBLAS's threads).
  ///
  /// For the course's 400-25-10 network this is 26 examples.
  nonisolated(unsafe) public static var _override: Int? = nil
  func blockRows(examples m: Int) -> Int? {
    if let o = Self._override { return o == 0 ? nil : o }
    let widest = thetas.map { $0.rows * ($0.columns - 1) }.max() ?? 1
    let rows = min(256, Self.singleThreadedGEMM / max(widest, 1))
    guard rows >= 16, m >= 2 * rows else { return nil }
    return rows
  }

  /// ``predict(_:workspace:)`` block by block: see ``blockedRun(_:blockRows:workspace:sink:)``.
  func blockedPredict(_ x: Matrix, blockRows: Int, workspace: inout Workspace) -> [Int] {
    let m = x.rows
    return [Int](unsafeUninitializedCapacity: m) { buffer, count in
      guard let base = buffer.baseAddress else { return }
      blockedRun(x, blockRows: blockRows, workspace: &workspace, sink: .labels(base))
      count = m
    }
  }

  /// ``probabilities(_:)`` block by block, into a row-major `m × K` matrix.
  func blockedProbabilities(_ x: Matrix, blockRows: Int, workspace: inout Workspace) -> Matrix {
    let m = x.rows
    let k = outputSize
    let values = [Double](unsafeUninitializedCapacity: m * k) { buffer, count in
      guard let base = buffer.baseAddress else { return }
      blockedRun(x, blockRows: blockRows, workspace: &workspace, sink: .probabilities(base, columns: k))
      count = m * k
    }
    do {
      return try Matrix(rows: m, columns: k, storage: values)
    } catch {
      preconditionFailure("Network: \(error)")
    }
  }

  /// The forward pass over blocks of `blockRows` examples, each block through
  /// every layer while its activations are in cache.
  ///
  /// The blocks are grouped into up to four chunks per core, run with
  /// `DispatchQueue.concurrentPerform` (which balances the chunks over the
  /// threads); each chunk reuses its own ``ChunkBuffers`` from `workspace`.
  /// Each block's `cblas_dgemm` is small enough to run on the calling thread.
  private func blockedRun(
    _ x: Matrix, blockRows b: Int, workspace: inout Workspace, sink: Sink
  ) {
    let m = x.rows
    let blocks = (m + b - 1) / b
    let chunks = min(blocks, 4 * Parallelism.workers)
    while workspace.chunks.count < chunks { workspace.chunks.append(ChunkBuffers()) }
    let boxes = workspace.chunks
    let thetas = self.thetas
    let labels = self.labels
    let run: @Sendable (Int) -> Void = { c in
      let box = boxes[c]
      for block in (blocks * c / chunks)..<(blocks * (c + 1) / chunks) {
        let rows = (block * b)..<min(m, (block + 1) * b)
        forwardBlock(x, rows: rows, thetas: thetas, activations: &box.activations)
        emit(box.activations[thetas.count - 1], at: rows.lowerBound, to: sink, labels: labels)
      }
    }
    if chunks == 1 {
      run(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: chunks, execute: run)
    }
  }
}

/// Every layer for the rows `rows` of `x`, into `activations` (reused when the shapes fit).
private func forwardBlock(
  _ x: Matrix, rows: Range<Int>, thetas: [Matrix], activations: inout [Matrix]
) {
  if activations.count != thetas.count {
    activations = thetas.map { Matrix(rows: rows.count, columns: $0.rows, layout: .columnMajor) }
  }
  do {
    for l in thetas.indices {
      if l == 0 {
        try Matrix.affine(x, rows: rows, weights: thetas[0], into: &activations[0])
      } else {
        let input = activations[l - 1]
        try Matrix.affine(input, weights: thetas[l], into: &activations[l])
      }
      activations[l].withUnsafeMutableStorage { buffer in
        if let base = buffer.baseAddress { sigmoidKernel(base, count: buffer.count) }
      }
    }
  } catch {
    preconditionFailure("Network: shapes were checked, yet \(error)")
  }
}

/// Writes a block's outputs (`rows × K`, either layout) at row `first` of the sink.
private func emit(_ output: Matrix, at first: Int, to sink: Sink, labels: [Int]) {
  let rows = output.rows
  let k = output.columns
  switch sink {
  case .probabilities(let base, let columns):
    let target = base + first * columns
    for i in 0..<rows {
      for j in 0..<k { target[i * columns + j] = output[i, j] }
    }
  case .labels(let base):
    // The rule of argmaxIndices(_:), row by row: first largest, first NaN wins.
    for i in 0..<rows {
      var best = 0
      var bestValue = output[i, 0]
      if !bestValue.isNaN {
        for j in 1..<max(k, 1) {
          let v = output[i, j]
          if v.isNaN {
            best = j
            break
          }
          if v > bestValue {
            best = j
            bestValue = v
          }
        }
      }
      (base + first + i).initialize(to: labels[best])
    }
  }
}
