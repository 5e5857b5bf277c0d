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
  /// Examples per block for the blocked forward pass over `x`, or `nil` when
  /// the batch or the blocks would be too small to gain (then one `cblas_dgemm`
  /// per layer covers the whole batch, on OpenBLAS's threads).
  ///
  /// A block is as large as it can be with every layer's `cblas_dgemm` still
  /// running on the calling thread (``LinearAlgebra/Matrix/affineRowsOnCallingThread(x:weights:output:)``),
  /// at most 128 and rounded down to a multiple of 4: for the course's 400-25-10
  /// network, 100 examples on an AVX-512 CPU (24 elsewhere) for either layout of `X`.
  func blockRows(for x: Matrix) -> Int? {
    var rows = 128
    for (l, theta) in blockWeights(for: x).enumerated() {
      // Layer 1 reads X; deeper layers read the block's activations; all in the layout of X.
      let input = l == 0 ? x : Matrix(rows: 0, columns: theta.columns - 1, layout: x.layout)
      rows = min(rows, Matrix.affineRowsOnCallingThread(x: input, weights: theta, output: x.layout))
    }
    rows -= rows % 4
    guard rows >= 16, x.rows >= 2 * rows else { return nil }
    return rows
  }

  /// The weights of the blocked pass: for a row-major `X` every layer's block is
  /// row-major and its weights column-major (OpenBLAS's "NN" case, see
  /// ``Network/preferredInputLayout``); for a column-major `X` the blocks are
  /// column-major and the weights row-major.
  func blockWeights(for x: Matrix) -> [Matrix] {
    x.layout == .rowMajor ? columnMajorThetas : thetas
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
      blockedRun(
        x, blockRows: blockRows, workspace: &workspace, sink: .probabilities(base, columns: k))
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
  /// The blocks are grouped into one chunk of consecutive blocks per core, run
  /// by ``LinearAlgebra/RowBlocks/run(rows:blockRows:chunks:_:)`` (fewer, longer chunks measured about
  /// 5 % faster than four per core on two cores); each chunk reuses its own
  /// ``ChunkBuffers`` from `workspace`.
  /// Each block's `cblas_dgemm` is small enough to run on the calling thread.
  private func blockedRun(
    _ x: Matrix, blockRows b: Int, workspace: inout Workspace, sink: Sink
  ) {
    let m = x.rows
    let chunks = min((m + b - 1) / b, Parallelism.workers)
    while workspace.chunks.count < chunks { workspace.chunks.append(ChunkBuffers()) }
    let boxes = workspace.chunks
    let weights = blockWeights(for: x)
    RowBlocks.run(rows: m, blockRows: b, chunks: chunks) { c, rows in
      let box = boxes[c]
      forwardBlock(x, rows: rows, thetas: weights, activations: &box.activations)
      emit(box.activations[thetas.count - 1], at: rows.lowerBound, to: sink, labels: labels)
    }
  }
}

/// Every layer for the rows `rows` of `x`, into `activations` (in the layout of
/// `x`; reused when the shapes and layouts fit).
private func forwardBlock(
  _ x: Matrix, rows: Range<Int>, thetas: [Matrix], activations: inout [Matrix]
) {
  let fits =
    activations.count == thetas.count
    && activations.allSatisfy { $0.rows == rows.count && $0.layout == x.layout }
  if !fits {
    activations = thetas.map { Matrix(rows: rows.count, columns: $0.rows, layout: x.layout) }
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
