import Inference
import LinearAlgebra

/// What one pass of ``CostFunction`` over the examples computes.
enum PassKind {
  /// `J` only.
  case cost
  /// How many examples the network classifies right.
  case accuracy
  /// `J` and every block of `∂J/∂Θ`.
  case gradient
  /// `J` at `Θ + α·P` on the current line, the gradient blocks of layers 2…L,
  /// the column sums of `δ₁` and the slope term `Σ δ₁ ⊙ ([1 X]·P₁ᵀ)` of layer 1,
  /// and `δ₁` for the later product `δ₁ᵀ·X`: no product with `X`.
  case line(LineInputs)

  /// Whether the pass makes products with `X` (all but line passes).
  var readsFeatures: Bool {
    if case .line = self { return false }
    return true
  }
}

/// The working buffers of one chunk of blocks, and its partial sums; one
/// thread uses it at a time.
final class BlockWorkspace: @unchecked Sendable {
  /// `Z_l` and `A_l` of the current block, `rows × s_l`, column-major.
  var z: [Matrix] = []
  var a: [Matrix] = []
  /// `δ_l` of the current block.
  var delta = Matrix(rows: 0, columns: 0)
  /// Per matrix `l` (from ``NetworkLayout/offsets``), the `r × c` column-major
  /// sums of the chunk: column 0 `Σᵢ δᵢ`, columns 1… `δᵀ·A` (leading dimension `r`).
  var partial: [Double] = []
  /// Neumaier's compensated sum of the chunk's cross-entropy terms.
  var cost = 0.0
  var compensation = 0.0
  /// `Σ δ₁ ⊙ ([1 X]·P₁ᵀ)` over the chunk (line passes).
  var slope = 0.0
  /// Examples classified right (accuracy passes).
  var correct = 0

  /// Clears the sums for a new pass.
  func reset(parameters: Int, gradient: Bool) {
    if gradient {
      if partial.count != parameters {
        partial = [Double](repeating: 0, count: parameters)
      } else {
        partial.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
      }
    }
    cost = 0
    compensation = 0
    slope = 0
    correct = 0
  }

}

/// A line pass's step and its full-batch buffers (`m × s₁`, column-major), read or
/// written at its blocks' rows only.
struct LineInputs: @unchecked Sendable {
  /// The step `α`.
  var alpha: Double
  /// `[1 X]·Θ₁ᵀ` at the line's base and `[1 X]·P₁ᵀ`.
  var base: UnsafePointer<Double>
  var direction: UnsafePointer<Double>
  /// Receives `δ₁`.
  var deltaOut: UnsafeMutablePointer<Double>
}

/// One pass over the examples, block by block: each block of rows goes
/// forward through every layer and back while its activations are in cache,
/// and adds into its chunk's partial sums.
///
/// The blocks are grouped into a fixed number of chunks (``CostFunction``'s
/// `chunks`, so that the sums do not depend on the number of cores), run by
/// ``LinearAlgebra/RowBlocks/run(rows:blockRows:chunks:_:)``; every `cblas_dgemm` of a block is small
/// enough for OpenBLAS to run it on the calling thread.
struct BlockPass {
  let layout: NetworkLayout
  let features: Matrix
  let targets: [Int]
  /// `Θ_l`, and `Θ_l[:, 1…]` (row-major) for backpropagation (`inner[0]` unused).
  let thetas: [Matrix]
  let inner: [Matrix]

  /// Runs `kind` over all examples in blocks of `b` rows, grouped into `chunks`
  /// chunks that use the workspaces `workspaces[0 ..< chunks]`.
  func run(
    _ kind: PassKind, blockRows b: Int, chunks: Int, workspaces: [BlockWorkspace]
  ) {
    let m = features.rows
    let needsGradient: Bool
    switch kind {
    case .gradient, .line: needsGradient = true
    case .cost, .accuracy: needsGradient = false
    }
    for w in workspaces.prefix(chunks) { w.reset(parameters: layout.parameterCount, gradient: needsGradient) }
    RowBlocks.run(rows: m, blockRows: b, chunks: chunks) { c, rows in
      evaluate(rows: rows, kind, workspaces[c])
    }
  }

  /// Forward and (for gradient and line passes) backward over one block.
  private func evaluate(rows: Range<Int>, _ kind: PassKind, _ w: BlockWorkspace) {
    let k = rows.count
    let s = rows.lowerBound
    let m = features.rows
    let depth = thetas.count
    if w.z.count != depth {
      w.z = thetas.map { Matrix(rows: k, columns: $0.rows, layout: .columnMajor) }
      w.a = w.z
    }
    // Z₁: a product with the block's rows of X, or the line's Z₁(α) = base + α·direction.
    let units = thetas[0].rows
    if case .line(let line) = kind {
      w.z[0].ensureColumnMajor(rows: k, columns: units)
      w.z[0].withUnsafeMutableStorage { z in
        guard let zb = z.baseAddress else { return }
        for j in 0..<units {
          Kernels.axpy(line.base + s + j * m, line.alpha, line.direction + s + j * m, into: zb + j * k, count: k)
        }
      }
    } else {
      product { try Matrix.affine(features, rows: rows, weights: thetas[0], into: &w.z[0]) }
    }
    for l in 0..<depth {
      if l > 0 { product { try Matrix.affine(w.a[l - 1], weights: thetas[l], into: &w.z[l]) } }
      if l == depth - 1 {
        Kernels.sigmoid(w.z[l], into: &w.a[l])  // the cost needs Z_L too
      } else {
        applySigmoid(&w.z[l])  // in place: a hidden layer's Z is not needed again
        swap(&w.z[l], &w.a[l])
      }
    }
    let outputs = layout.outputs
    if case .accuracy = kind {
      let predicted = argmaxIndices(w.a[depth - 1])
      w.correct += (0..<k).count { predicted[$0] == targets[s + $0] }
      return
    }
    Kernels.crossEntropy(
      w.a[depth - 1].storage, w.z[depth - 1].storage, rows: k, columns: outputs, targets: targets, first: s, into: w)
    if case .cost = kind { return }

    // δ_L = A_L − Y, then back through the layers.
    Kernels.outputDelta(w.a[depth - 1], targets: targets, first: s, into: &w.delta)
    for l in stride(from: depth - 1, through: 0, by: -1) {
      let base = layout.offsets[l]
      Kernels.addColumnSums(w.delta, into: &w.partial, at: base)
      if l == 0, case .line(let line) = kind {
        // Layer 1's product waits for CostFunction.gradientAtLastLinePoint(), which
        // gets δ₁ from here (its column sums are already in the partial sums);
        // the slope needs ⟨δ₁, [1 X]·P₁ᵀ⟩.
        w.slope += Kernels.storeAndDot(w.delta, into: line.deltaOut, first: s, rows: m, with: line.direction)
        break
      }
      product {
        if l == 0 {
          try Matrix.addTransposedProduct(w.delta, features, rows: rows, into: &w.partial, at: base + units)
        } else {
          try Matrix.addTransposedProduct(w.delta, w.a[l - 1], rows: 0..<k, into: &w.partial, at: base + thetas[l].rows)
        }
      }
      guard l > 0 else { break }
      // δ_{l−1} = (δ_l·Θ_l[:, 1…]) ⊙ A_{l−1} ⊙ (1 − A_{l−1})
      var next = Matrix(rows: 0, columns: 0)
      product { next = try Matrix.columnMajorProduct(w.delta, inner[l]) }
      Kernels.multiplySigmoidGradient(&next, activations: w.a[l - 1])
      w.delta = next
    }
  }

  /// A product whose shapes the cost function has checked.
  private func product(_ body: () throws -> Void) {
    do { try body() } catch {
      preconditionFailure("CostFunction: shapes were checked, yet \(error)")
    }
  }
}
