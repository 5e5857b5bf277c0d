import CTrainingKernels
import Dispatch
import Inference
import LinearAlgebra

/// The element-wise loops of the cost function and the optimisers, over raw
/// buffers (no bounds checks), split over the cores when the arrays are large.
///
/// Sums are split into a fixed number of chunks whatever the number of cores,
/// and the partial sums added in chunk order, so a result does not depend on
/// the machine.
enum Kernels {
  /// Chunks of a large loop; fixed so that sums are reproducible.
  static let chunks = 4
  /// Below this many elements a loop runs on the calling thread.
  static let parallelThreshold = 32_768

  /// Runs `body(range)` over `0 ..< count`, in ``chunks`` pieces on the worker
  /// threads when `count` reaches ``parallelThreshold``, else in one piece.
  static func forEachChunk(_ count: Int, _ body: (Range<Int>, Int) -> Void) {
    if count < parallelThreshold {
      body(0..<count, 0)
      return
    }
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let work = body
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks
        let hi = count * (c + 1) / chunks
        work(lo..<hi, c)
      }
    }
  }

  /// `Σ body(range)` over the chunks of ``forEachChunk(_:_:)``, added in chunk order.
  static func sum(_ count: Int, _ body: (Range<Int>) -> Double) -> Double {
    if count < parallelThreshold { return body(0..<count) }
    var partial = [Double](repeating: 0, count: chunks)
    partial.withUnsafeMutableBufferPointer { out in
      nonisolated(unsafe) let out = out
      forEachChunk(count) { range, c in out[c] = body(range) }
    }
    return partial.reduce(0, +)
  }

  /// `a = σ(z)` element by element, through Inference's vectorised
  /// `applySigmoid` (within 2.5 ulp of the seed's `1 / (1 + exp(-z))`);
  /// `a` takes `z`'s shape and layout, and keeps its storage when it has them.
  static func sigmoid(_ z: Matrix, into a: inout Matrix) {
    if a.rows == z.rows && a.columns == z.columns && a.layout == z.layout {
      let zs = z.storage
      a.withUnsafeMutableStorage { dst in
        zs.withUnsafeBufferPointer { src in
          guard let d = dst.baseAddress, let s = src.baseAddress else { return }
          d.update(from: s, count: src.count)
        }
      }
    } else {
      a = z
    }
    applySigmoid(&a)
  }

  /// `out = x + alpha·y` element by element into a matrix of as many elements.
  static func axpy(_ x: [Double], _ alpha: Double, _ y: [Double], into out: inout Matrix) {
    out.withUnsafeMutableStorage { axpy(x, alpha, y, into: $0) }
  }

  /// `out[i] = x[i] + alpha·y[i]` (numpy's `x + alpha * y`).
  static func axpy(_ x: [Double], _ alpha: Double, _ y: [Double], into out: inout [Double]) {
    if out.count != x.count { out = [Double](repeating: 0, count: x.count) }
    out.withUnsafeMutableBufferPointer { axpy(x, alpha, y, into: $0) }
  }

  /// `o[i] = x[i] + alpha·y[i]` for every element of `o`, split over the cores.
  private static func axpy(
    _ x: [Double], _ alpha: Double, _ y: [Double], into o: UnsafeMutableBufferPointer<Double>
  ) {
    x.withUnsafeBufferPointer { x in
      y.withUnsafeBufferPointer { y in
        guard let xb = x.baseAddress, let yb = y.baseAddress, let ob = o.baseAddress else { return }
        nonisolated(unsafe) let (xp, yp, op) = (xb, yb, ob)
        forEachChunk(o.count) { range, _ in
          let s = range.lowerBound
          theta_axpy(xp + s, alpha, yp + s, op + s, range.count)
        }
      }
    }
  }

  /// `o[i] = x[i] + alpha·y[i]` for `i < count`, on the calling thread: `theta_axpy`
  /// (CTrainingKernels, vectorised).
  @inline(__always)
  static func axpy(
    _ x: UnsafePointer<Double>, _ alpha: Double, _ y: UnsafePointer<Double>, into o: UnsafeMutablePointer<Double>,
    count: Int
  ) {
    theta_axpy(x, alpha, y, o, count)
  }

  /// `Σ a[i]·b[i]` for `i < count`: `theta_dot` (CTrainingKernels), four interleaved
  /// partial sums added at the end.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    theta_dot(a, b, count)
  }

  /// `Σ a[i]·b[i]`: ``dot(_:_:count:)`` over each of ``sum(_:_:)``'s chunks.
  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        guard let ab = a.baseAddress, let bb = b.baseAddress else { return 0 }
        nonisolated(unsafe) let (ap, bp) = (ab, bb)
        return sum(a.count) { range in
          theta_dot(ap + range.lowerBound, bp + range.lowerBound, range.count)
        }
      }
    }
  }

  /// Adds the cross-entropy terms of a block's `k × K` column-major outputs
  /// `a = σ(z)` to `w`'s compensated sum: `−log a` where the target (of example
  /// `first + i`) lights the unit, `−log(1 − a)` elsewhere; where `a` is exactly
  /// 0 or 1 (or `z < −700`) the exact softplus of `z` instead (see ``CostFunction``).
  ///
  /// The corresponding C function is `theta_cross_entropy` (CTrainingKernels):
  /// the logarithms from `theta_log` (vectorised, within 1 ulp of glibc's `log`)
  /// over the block at once, the terms in four interleaved Neumaier sums.
  static func crossEntropy(
    _ a: [Double], _ z: [Double], rows k: Int, columns outputs: Int, targets: [Int], first: Int,
    into w: BlockWorkspace
  ) {
    let count = k * outputs
    guard count > 0 else { return }
    precondition(a.count >= count && z.count >= count && first + k <= targets.count)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { scratch in
      a.withUnsafeBufferPointer { ap in
        z.withUnsafeBufferPointer { zp in
          targets.withUnsafeBufferPointer { tp in
            guard let ab = ap.baseAddress, let zb = zp.baseAddress, let tb = tp.baseAddress else { return }
            theta_cross_entropy(
              ab, zb, k, outputs, tb + first, scratch.baseAddress, &w.cost, &w.compensation)
          }
        }
      }
    }
  }

  /// `p[i] = log(p[i])` for `i < count`, each `p[i]` positive and finite: `theta_log`
  /// (CTrainingKernels), fdlibm's method vectorised, within 1 ulp of glibc's `log`.
  static func logarithm(_ p: UnsafeMutablePointer<Double>, count: Int) {
    theta_log(p, count)
  }

  /// `δ = A − Y` for a block's `k × K` column-major outputs, one-hot targets from example `first`.
  static func outputDelta(_ a: Matrix, targets: [Int], first: Int, into delta: inout Matrix) {
    let k = a.rows
    delta = a  // shares the storage until written: one copy
    delta.withUnsafeMutableStorage { d in
      for i in 0..<k { d[i + targets[first + i] * k] -= 1 }
    }
  }

  /// Adds the column sums of a block's `k × r` column-major `δ` to
  /// `sums[offset ..< offset + r]`: `theta_add_column_sums` (CTrainingKernels),
  /// each column in four interleaved partial sums.
  static func addColumnSums(_ delta: Matrix, into sums: inout [Double], at offset: Int) {
    precondition(offset + delta.columns <= sums.count)
    delta.storage.withUnsafeBufferPointer { d in
      sums.withUnsafeMutableBufferPointer { out in
        guard let db = d.baseAddress, let ob = out.baseAddress else { return }
        theta_add_column_sums(db, delta.rows, delta.columns, ob + offset)
      }
    }
  }

  /// Copies a block's `k × r` column-major `δ` to rows `first …` of the
  /// column-major `m × r` matrix at `out`, and returns `Σ δ ⊙ D` over those rows
  /// of the column-major `m × r` matrix at `other`: `theta_store_columns_and_dot`
  /// (CTrainingKernels).
  static func storeAndDot(
    _ delta: Matrix, into out: UnsafeMutablePointer<Double>, first: Int, rows m: Int,
    with other: UnsafePointer<Double>
  ) -> Double {
    delta.storage.withUnsafeBufferPointer { d in
      guard let db = d.baseAddress else { return 0 }
      return theta_store_columns_and_dot(db, delta.rows, delta.columns, out + first, other + first, m)
    }
  }

  /// `t[i] = t[i]·(a[i]·(1 − a[i]))`: the seed's `np.multiply(δ·Θ, np.multiply(A, 1 - A))`.
  static func multiplySigmoidGradient(_ t: inout Matrix, activations: Matrix) {
    let a = activations.storage
    t.withUnsafeMutableStorage { t in
      a.withUnsafeBufferPointer { a in
        nonisolated(unsafe) let (tp, ap) = (t, a)
        forEachChunk(tp.count) { range, _ in
          for i in range { tp[i] = tp[i] * (ap[i] * (1 - ap[i])) }
        }
      }
    }
  }
}

extension Kernels {
  /// One matrix's block of the gradient, in the seed's arithmetic:
  /// `g[j, 0] = bias[j]/m`, `g[j, 1 + k] = P[j, k]/m + (λ·θ[j, 1 + k])/m`, where
  /// `P[j, k] = product[start + j·rowStride + k·columnStride]` (`δᵀ·A`, in either layout).
  static func gradientBlock(
    _ g: inout [Double], base: Int, rows r: Int, columns c: Int, bias: [Double], product: [Double],
    start: Int = 0, rowStride: Int, columnStride: Int, parameters: [Double], lambda: Double, examples mm: Double
  ) {
    g.withUnsafeMutableBufferPointer { g in
      product.withUnsafeBufferPointer { prod in
        parameters.withUnsafeBufferPointer { p in
          for j in 0..<r {
            g[base + j * c] = bias[j] / mm
            for k in 0..<(c - 1) {
              let index = base + j * c + 1 + k
              g[index] = prod[start + j * rowStride + k * columnStride] / mm + (lambda * p[index]) / mm
            }
          }
        }
      }
    }
  }
}
