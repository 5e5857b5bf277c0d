internal import CBLAS

/// The OpenBLAS calls of this module; the only place that touches CBLAS.
enum BLAS {
  /// `cblas_dgemm` operand flags for reading `m` as a row-major `rows × columns`
  /// matrix: row-major storage is read as is (`CblasNoTrans`, leading dimension
  /// `columns`); column-major storage is the row-major transpose
  /// (`CblasTrans`, leading dimension `rows`).
  private static func operand(_ m: Matrix) -> (CBLAS_TRANSPOSE, Int32) {
    m.layout == .rowMajor
      ? (CblasNoTrans, int32(max(m.columns, 1)))
      : (CblasTrans, int32(max(m.rows, 1)))
  }

  /// `C = A·B + beta·C`, `C` row-major `a.rows × b.columns` with leading dimension `ldc`.
  ///
  /// The corresponding C function is `cblas_dgemm`.
  static func gemm(_ a: Matrix, _ b: Matrix, beta: Double, into c: inout [Double], ldc: Int) {
    let m = a.rows
    let n = b.columns
    let k = a.columns
    precondition(b.rows == k && c.count >= m * ldc && ldc >= n)
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
      return
    }
    let (ta, lda) = operand(a)
    let (tb, ldb) = operand(b)
    a._storage.withUnsafeBufferPointer { pa in
      b._storage.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(
            CblasRowMajor, ta, tb, int32(m), int32(n), int32(k),
            1, pa.baseAddress, lda, pb.baseAddress, ldb,
            beta, pc.baseAddress, int32(max(ldc, 1)))
        }
      }
    }
  }

  /// `Z = [1 X]·Wᵀ` into `z`, which is already `x.rows × w.rows` elements in `layout` order.
  ///
  /// Fills `z` with the bias column `W[:, 0]`, then calls `cblas_dgemm` with
  /// `beta = 1` on the sub-matrix `W[:, 1...]` read in place:
  /// - row-major `Z` (`m × r`): `Z += X·W₁ᵀ`, `M = m`, `N = r`, `K = n`;
  /// - column-major `Z`, stored as the row-major `Zᵀ` (`r × m`): `Zᵀ += W₁·Xᵀ`,
  ///   `M = r`, `N = m`, `K = n`. OpenBLAS runs this shape (small `M`, large `N`)
  ///   about twice as fast as the other for `r = 25`, `m = 5000`, `n = 400`.
  ///
  /// `W₁ = W[:, 1...]` (`r × n`) sits in row-major `W` from offset 1 with
  /// leading dimension `n + 1`; in column-major `W` (the row-major `Wᵀ`,
  /// `(n + 1) × r`) its transpose sits from offset `r` with leading dimension `r`.
  ///
  /// Only the rows `rows` of `X` are used (`m = rows.count`): the operand
  /// pointer moves to the first of them and keeps `X`'s own leading dimension.
  static func affine(
    _ x: Matrix, rows: Range<Int>, weights w: Matrix, into z: inout [Double],
    layout: MatrixLayout
  ) {
    let m = rows.count
    let r = w.rows
    let n = x.columns
    precondition(w.columns == n + 1 && z.count == m * r)
    guard m > 0, r > 0 else { return }
    w._storage.withUnsafeBufferPointer { pw in
      z.withUnsafeMutableBufferPointer { pz in
        guard let wb = pw.baseAddress, let zb = pz.baseAddress else { return }
        // Bias W[j, 0]: wb[j * (n + 1)] in row-major W, wb[j] in column-major W.
        let biasStride = w.layout == .rowMajor ? n + 1 : 1
        switch layout {
        case .columnMajor:  // column j of Z is m contiguous values
          for j in 0..<r { (zb + j * m).update(repeating: wb[j * biasStride], count: m) }
        case .rowMajor:  // each row of Z is the bias vector: fill one, then double
          for j in 0..<r { zb[j] = wb[j * biasStride] }
          var filled = r
          while filled < m * r {
            let count = min(filled, m * r - filled)
            (zb + filled).update(from: zb, count: count)
            filled += count
          }
        }
        guard n > 0 else { return }
        // W₁ as a row-major r × n operand (NoTrans) or as its transpose (Trans).
        let (tw, ldw, offset): (CBLAS_TRANSPOSE, Int32, Int) =
          w.layout == .rowMajor
          ? (CblasNoTrans, int32(n + 1), 1)
          : (CblasTrans, int32(r), r)
        let (tx, ldx) = operand(x)
        let xOffset = x.layout == .rowMajor ? rows.lowerBound * n : rows.lowerBound
        x._storage.withUnsafeBufferPointer { px in
          guard let xb = px.baseAddress else { return }
          switch layout {
          case .columnMajor:  // Zᵀ (r × m) += W₁ (r × n) · Xᵀ (n × m)
            let txt = tx == CblasNoTrans ? CblasTrans : CblasNoTrans
            cblas_dgemm(
              CblasRowMajor, tw, txt, int32(r), int32(m), int32(n),
              1, wb + offset, ldw, xb + xOffset, ldx,
              1, zb, int32(m))
          case .rowMajor:  // Z (m × r) += X (m × n) · W₁ᵀ (n × r)
            let twt = tw == CblasNoTrans ? CblasTrans : CblasNoTrans
            cblas_dgemm(
              CblasRowMajor, tx, twt, int32(m), int32(r), int32(n),
              1, xb + xOffset, ldx, wb + offset, ldw,
              1, zb, int32(r))
          }
        }
      }
    }
  }

  private static func int32(_ v: Int) -> Int32 {
    guard let r = Int32(exactly: v) else {
      preconditionFailure("BLAS: dimension \(v) exceeds the 32-bit BLAS interface")
    }
    return r
  }
}

extension BLAS {
  /// The OpenBLAS kernel family picked for this CPU, e.g. `Haswell`, `SkylakeX`,
  /// `Cooperlake`. The corresponding C function is `openblas_get_corename`.
  static let coreName: String = {
    guard let name = openblas_get_corename() else { return "" }
    return String(cString: name)
  }()

  /// Whether this kernel family has OpenBLAS's small-matrix `dgemm` kernels
  /// (`SMALL_MATRIX_OPT`, the SkylakeX AVX-512 ones), which run on the calling
  /// thread for `M·N·K ≤ 100³`.
  static let hasSmallMatrixKernels: Bool =
    ["skylakex", "cooperlake", "sapphirerapids"].contains(coreName.lowercased())

  /// OpenBLAS runs a `dgemm` on the calling thread when `M·N·K` is at most
  /// `65536 · GEMM_MULTITHREAD_THRESHOLD` (default 4).
  static let singleThreadedLimit = 262_144

  /// The most rows of `x` whose ``affine(_:rows:weights:into:layout:)`` into a
  /// column-major `Z` runs entirely on the calling thread.
  ///
  /// With `r` units and `n` inputs the call costs `M·N·K = rows·r·n`. Beyond
  /// the general limit, the small-matrix kernels take the call when it is at
  /// most 100³, except that a row-major `X` (OpenBLAS's "TN" case) also needs
  /// `rows·r ≤ 1200`. (Checked with OpenBLAS 0.3.21 on a Cooperlake kernel by
  /// watching the pool threads' CPU time: no pool thread runs below these sizes,
  /// and one does just above them.)
  static func callingThreadRows(x: Matrix, weights: Matrix) -> Int {
    let cost = max(weights.rows * x.columns, 1)
    var rows = singleThreadedLimit / cost
    if hasSmallMatrixKernels {
      var small = 1_000_000 / cost
      if x.layout == .rowMajor { small = min(small, 1200 / max(weights.rows, 1)) }
      rows = max(rows, small)
    }
    return max(rows, 1)
  }
}
