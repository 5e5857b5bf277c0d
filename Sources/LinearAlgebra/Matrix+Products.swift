extension Matrix {
  /// The product `C = A·B` as a new row-major matrix.
  ///
  /// Either operand may be in either layout, and ``transposed`` is free, so
  /// `product(a.transposed, b)` computes `Aᵀ·B` without copying `A`.
  ///
  /// The corresponding C function is `cblas_dgemm` (OpenBLAS), called with
  /// `CblasRowMajor`, `alpha = 1`, `beta = 0` and the transpose flags that
  /// match the operands' layouts.
  ///
  /// - Parameters:
  ///   - a: the left factor, `m × k`.
  ///   - b: the right factor, `k × n`.
  /// - Returns: `A·B`, `m × n`, row-major.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `a.columns != b.rows`.
  public static func product(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard a.columns == b.rows else {
      throw .shapeMismatch(operation: "product A·B", left: a.shape, right: b.shape)
    }
    var c = [Double](repeating: 0, count: a.rows * b.columns)
    BLAS.gemm(a, b, beta: 0, into: &c, ldc: b.columns)
    return Matrix(unchecked: a.rows, columns: b.columns, storage: c, layout: .rowMajor)
  }

  /// The affine map of a sigmoid layer, `Z = [1 X]·Wᵀ`, written into `out`.
  ///
  /// `W` is `r × (n + 1)` with the bias weights in column 0 (the course's
  /// `Theta`), `X` is `m × n`, one example per row, and `Z` is `m × r`:
  /// `Z[i, j] = W[j, 0] + Σₖ X[i, k]·W[j, k + 1]`.
  ///
  /// No column of ones is added to `X`: `out` is first filled with the bias
  /// column, then one `cblas_dgemm` (OpenBLAS) with `beta = 1` adds
  /// `X·W[:, 1...]ᵀ`, reading the sub-matrix `W[:, 1...]` in place (pointer
  /// offset 1 and leading dimension `n + 1` for row-major `W`). `X` and `W` are
  /// read in either layout through the transpose flags.
  ///
  /// A column-major `out` is computed as `Zᵀ = W[:, 1...]·Xᵀ`, the shape
  /// OpenBLAS runs fastest when `r` is small and `m` large (about twice as
  /// fast as the row-major `Z` for 5000 examples and 25 units).
  ///
  /// - Parameters:
  ///   - x: the inputs, `m × n`, either layout.
  ///   - weights: `W`, `r × (n + 1)`, either layout.
  ///   - out: receives `Z`, `m × r`. When it already has that shape its layout is
  ///     kept and its storage reused (if not shared); otherwise it is replaced by
  ///     a new column-major matrix.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `weights.columns != x.columns + 1`.
  public static func affine(
    _ x: Matrix, weights: Matrix, into out: inout Matrix
  ) throws(LinearAlgebraError) {
    guard weights.columns == x.columns + 1 else {
      throw .shapeMismatch(operation: "affine [1 X]·Wᵀ", left: x.shape, right: weights.shape)
    }
    try affine(x, rows: 0..<x.rows, weights: weights, into: &out)
  }

  /// ``affine(_:weights:into:)`` on the rows `rows` of `X` only, read in place:
  /// `Z[i, j] = W[j, 0] + Σₖ X[rows.lowerBound + i, k]·W[j, k + 1]`.
  ///
  /// The `cblas_dgemm` operand for `X` starts at the first of `rows` and keeps
  /// `X`'s leading dimension, so a block of examples costs no copy.
  ///
  /// - Parameters:
  ///   - x: the inputs, `m × n`, either layout.
  ///   - rows: the rows of `x` to use, within `0..<m`.
  ///   - weights: `W`, `r × (n + 1)`, either layout.
  ///   - out: receives `Z`, `rows.count × r`; reused when it already has that
  ///     shape (keeping its layout), otherwise replaced by a new column-major matrix.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `weights.columns != x.columns + 1`.
  public static func affine(
    _ x: Matrix, rows: Range<Int>, weights: Matrix, into out: inout Matrix
  ) throws(LinearAlgebraError) {
    guard weights.columns == x.columns + 1 else {
      throw .shapeMismatch(operation: "affine [1 X]·Wᵀ", left: x.shape, right: weights.shape)
    }
    precondition(
      rows.lowerBound >= 0 && rows.upperBound <= x.rows,
      "Matrix.affine: rows \(rows) outside 0..<\(x.rows)")
    if out.rows != rows.count || out.columns != weights.rows {
      out = Matrix(rows: rows.count, columns: weights.rows, layout: .columnMajor)
    }
    BLAS.affine(x, rows: rows, weights: weights, into: &out._storage, layout: out.layout)
  }

  /// The affine map `Z = [1 X]·Wᵀ` as a new matrix; see ``affine(_:weights:into:)``.
  ///
  /// - Parameters:
  ///   - x: the inputs, `m × n`, either layout.
  ///   - weights: `W`, `r × (n + 1)`, bias in column 0, either layout.
  ///   - layout: the layout of the result; column-major (the faster) by default.
  /// - Returns: `Z`, `m × r`.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `weights.columns != x.columns + 1`.
  public static func affine(
    _ x: Matrix, weights: Matrix, layout: MatrixLayout = .columnMajor
  ) throws(LinearAlgebraError) -> Matrix {
    var out = Matrix(rows: x.rows, columns: weights.rows, layout: layout)
    try affine(x, weights: weights, into: &out)
    return out
  }

  /// The most rows of `x` for which ``affine(_:rows:weights:into:)`` into a
  /// column-major `out` runs entirely on the calling thread, so that several
  /// threads can each compute their own blocks of rows without competing for
  /// OpenBLAS's thread pool.
  ///
  /// OpenBLAS decides per call: `M·N·K` up to 4·65536 (its default
  /// `GEMM_MULTITHREAD_THRESHOLD`) runs on the caller; on kernel families with
  /// the AVX-512 small-matrix kernels (SkylakeX, Cooperlake, Sapphire Rapids,
  /// from `openblas_get_corename`) calls up to 100³ do too, with a row-major `x`
  /// limited to `rows · weights.rows ≤ 1200`. For `x` 5000×400 column-major and
  /// `W` 25×401 this is 100 rows on such a CPU and 26 elsewhere.
  ///
  /// - Parameters:
  ///   - x: the inputs (only their layout and column count matter).
  ///   - weights: `W`, `r × (n + 1)`.
  /// - Returns: the row count, at least 1.
  public static func affineRowsOnCallingThread(x: Matrix, weights: Matrix) -> Int {
    BLAS.callingThreadRows(x: x, weights: weights)
  }
}
