internal import CBLAS

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
  /// See ``affine(_:rows:weights:into:ldz:layout:)``; here `Z` is contiguous.
  static func affine(
    _ x: Matrix, rows: Range<Int>, weights w: Matrix, into z: inout [Double],
    layout: MatrixLayout
  ) {
    let m = rows.count
    precondition(w.columns == x.columns + 1 && z.count == m * w.rows)
    z.withUnsafeMutableBufferPointer { pz in
      guard let zb = pz.baseAddress else { return }
      affine(x, rows: rows, weights: w, into: zb, ldz: layout == .columnMajor ? m : w.rows, layout: layout)
    }
  }

  /// `Z = [1 X]·Wᵀ` for the rows `rows` of `X`, into `z` with leading dimension `ldz`.
  ///
  /// Fills `Z` with the bias column `W[:, 0]`, then calls `cblas_dgemm` with
  /// `beta = 1` on the sub-matrix `W[:, 1...]` read in place:
  /// - row-major `Z` (`m × r`, element `(i, j)` at `z[i·ldz + j]`):
  ///   `Z += X·W₁ᵀ`, `M = m`, `N = r`, `K = n`;
  /// - column-major `Z` (element `(i, j)` at `z[i + j·ldz]`), stored as the
  ///   row-major `Zᵀ` (`r × m`): `Zᵀ += W₁·Xᵀ`, `M = r`, `N = m`, `K = n`.
  ///   OpenBLAS runs this shape (small `M`, large `N`) about twice as fast as
  ///   the other for `r = 25`, `m = 5000`, `n = 400`.
  ///
  /// `W₁ = W[:, 1...]` (`r × n`) sits in row-major `W` from offset 1 with
  /// leading dimension `n + 1`; in column-major `W` (the row-major `Wᵀ`,
  /// `(n + 1) × r`) its transpose sits from offset `r` with leading dimension `r`.
  ///
  /// Only the rows `rows` of `X` are used (`m = rows.count`): the operand
  /// pointer moves to the first of them and keeps `X`'s own leading dimension.
  /// A leading dimension larger than `m` (column-major) lets a block of rows
  /// be written straight into a taller `Z`.
  static func affine(
    _ x: Matrix, rows: Range<Int>, weights w: Matrix, into zb: UnsafeMutablePointer<Double>, ldz: Int,
    layout: MatrixLayout
  ) {
    let m = rows.count
    let r = w.rows
    let n = x.columns
    precondition(w.columns == n + 1 && ldz >= (layout == .columnMajor ? m : r))
    guard m > 0, r > 0 else { return }
    w._storage.withUnsafeBufferPointer { pw in
      guard let wb = pw.baseAddress else { return }
      // Bias W[j, 0]: wb[j * (n + 1)] in row-major W, wb[j] in column-major W.
      let biasStride = w.layout == .rowMajor ? n + 1 : 1
      switch layout {
      case .columnMajor:  // column j of Z holds m contiguous values
        for j in 0..<r { (zb + j * ldz).update(repeating: wb[j * biasStride], count: m) }
      case .rowMajor:  // each row of Z is the bias vector: fill one, then copy it
        for j in 0..<r { zb[j] = wb[j * biasStride] }
        if ldz == r {  // contiguous: double the filled part
          var filled = r
          while filled < m * r {
            let count = min(filled, m * r - filled)
            (zb + filled).update(from: zb, count: count)
            filled += count
          }
        } else {
          for i in 1..<m { (zb + i * ldz).update(from: zb, count: r) }
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
            1, zb, int32(ldz))
        case .rowMajor:  // Z (m × r) += X (m × n) · W₁ᵀ (n × r)
          let twt = tw == CblasNoTrans ? CblasTrans : CblasNoTrans
          cblas_dgemm(
            CblasRowMajor, tx, twt, int32(m), int32(r), int32(n),
            1, xb + xOffset, ldx, wb + offset, ldw,
            1, zb, int32(ldz))
        }
      }
    }
  }

  /// `C += A[aRows]ᵀ·B[bRows]` (as many rows of each): `C` is
  /// `a.columns × b.columns`, column-major with leading dimension `a.columns`.
  ///
  /// `Aᵀ` must be handed to `cblas_dgemm` as a plain column-major operand for
  /// OpenBLAS's fast "NN" small-matrix kernel, i.e. the block of `A` row-major:
  /// a row-major `A` is read in place, a column-major block is first copied
  /// into `scratch` (room for `aRows.count × a.columns` values).
  /// `B` is read in place: `NoTrans` when column-major, `Trans` when row-major.
  ///
  /// The corresponding C function is `cblas_dgemm` (`CblasColMajor`, `beta = 1`).
  static func addTransposedProduct(
    _ a: Matrix, rows aRows: Range<Int>, _ b: Matrix, rows bRows: Range<Int>,
    into c: UnsafeMutablePointer<Double>, scratch t: UnsafeMutablePointer<Double>
  ) {
    let k = aRows.count
    let r = a.columns
    let n = b.columns
    precondition(bRows.count == k && aRows.upperBound <= a.rows && bRows.upperBound <= b.rows)
    guard k > 0, r > 0, n > 0 else { return }
    let sa = aRows.lowerBound
    let sb = bRows.lowerBound
    let (tb, ldb, bOffset): (CBLAS_TRANSPOSE, Int32, Int) =
      b.layout == .columnMajor ? (CblasNoTrans, int32(b.rows), sb) : (CblasTrans, int32(n), sb * n)
    b._storage.withUnsafeBufferPointer { pb in
      guard let bb = pb.baseAddress else { return }
      a._storage.withUnsafeBufferPointer { pa in
        guard let ab = pa.baseAddress else { return }
        if a.layout == .rowMajor {
          cblas_dgemm(
            CblasColMajor, CblasNoTrans, tb, int32(r), int32(n), int32(k),
            1, ab + sa * r, int32(r), bb + bOffset, ldb, 1, c, int32(r))
          return
        }
        let m = a.rows
        for j in 0..<r {
          let column = ab + sa + j * m
          for i in 0..<k { t[i * r + j] = column[i] }
        }
        cblas_dgemm(
          CblasColMajor, CblasNoTrans, tb, int32(r), int32(n), int32(k),
          1, t, int32(r), bb + bOffset, ldb, 1, c, int32(r))
      }
    }
  }

  /// `C = A·B` for the rows `rows` of `A`, into column-major `C` with leading
  /// dimension `ldc` (element `(i, j)` of the block at `c[i + j·ldc]`).
  ///
  /// The corresponding C function is `cblas_dgemm` (`CblasColMajor`, `beta = 0`),
  /// with each operand read in place in its own layout.
  static func product(
    _ a: Matrix, rows: Range<Int>, _ b: Matrix, into c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    let m = rows.count
    let k = a.columns
    let n = b.columns
    precondition(b.rows == k && ldc >= m)
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      for j in 0..<n { (c + j * ldc).update(repeating: 0, count: m) }
      return
    }
    let s = rows.lowerBound
    let (ta, lda, aOffset): (CBLAS_TRANSPOSE, Int32, Int) =
      a.layout == .columnMajor ? (CblasNoTrans, int32(a.rows), s) : (CblasTrans, int32(k), s * k)
    let (tb, ldb): (CBLAS_TRANSPOSE, Int32) =
      b.layout == .columnMajor ? (CblasNoTrans, int32(k)) : (CblasTrans, int32(n))
    a._storage.withUnsafeBufferPointer { pa in
      b._storage.withUnsafeBufferPointer { pb in
        guard let ab = pa.baseAddress, let bb = pb.baseAddress else { return }
        cblas_dgemm(
          CblasColMajor, ta, tb, int32(m), int32(n), int32(k),
          1, ab + aOffset, lda, bb, ldb, 0, c, int32(ldc))
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
  /// `Z` laid out as `output` runs entirely on the calling thread.
  ///
  /// With `r` units and `n` inputs the call costs `M·N·K = rows·r·n`. Beyond
  /// the general limit, the small-matrix kernels take the call when it is at
  /// most 100³, except in OpenBLAS's "TN" case, which also needs `rows·r ≤ 1200`:
  /// a row-major `X` into a column-major `Z`, or a row-major `X` and row-major
  /// `W` into a row-major `Z`. (A row-major `X` and column-major `W` into a
  /// row-major `Z` is the "NN" case, without that limit.) Checked with OpenBLAS
  /// 0.3.21 on a Cooperlake kernel by watching the pool threads' CPU time: no
  /// pool thread runs below these sizes, and one does just above them.
  static func callingThreadRows(x: Matrix, weights: Matrix, output: MatrixLayout) -> Int {
    let transposedNoTrans =
      x.layout == .rowMajor && (output == .columnMajor || weights.layout == .rowMajor)
    return callingThreadRows(
      perRow: weights.rows * x.columns, rowLimitedColumns: transposedNoTrans ? weights.rows : nil)
  }

  /// The most rows of a block product costing `perRow` multiply-adds per row
  /// (`M·N·K = rows·perRow`) that OpenBLAS runs on the calling thread.
  ///
  /// `rowLimitedColumns` is the other dimension of the result when the call is
  /// OpenBLAS's "TN" case, whose small-matrix kernel also needs `rows·columns ≤ 1200`.
  static func callingThreadRows(perRow: Int, rowLimitedColumns: Int?) -> Int {
    let cost = max(perRow, 1)
    var rows = singleThreadedLimit / cost
    if hasSmallMatrixKernels {
      var small = 1_000_000 / cost
      if let columns = rowLimitedColumns { small = min(small, 1200 / max(columns, 1)) }
      rows = max(rows, small)
    }
    return max(rows, 1)
  }
}

extension BLAS {
  /// ``BLASThreads/stopIdlePool()``: OpenBLAS's `blas_thread_shutdown_`, found with `dlsym`.
  static func stopIdlePool() -> Bool {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return false }
    let shutdown = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
    _ = shutdown()
    return true
  }
}
