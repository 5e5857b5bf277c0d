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
  /// fast as the row-major `Z` for 5000 examples and 25 units). A tall
  /// column-major `out` is computed in blocks of rows, each one `cblas_dgemm`
  /// on the calling thread (``affineRowsOnCallingThread(x:weights:)`` rows, at
  /// most 256), spread over the cores; a block's rows of `Z` are written in
  /// place. For 5000×400 examples and 25 units this takes about 60 % of the
  /// time of one whole-batch call.
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
    if out.rows != x.rows || out.columns != weights.rows {
      out = Matrix(rows: x.rows, columns: weights.rows, layout: .columnMajor)
    }
    let m = x.rows
    guard out.layout == .columnMajor,
      let b = RowBlocks.blockRows(rows: m, limit: BLAS.callingThreadRows(x: x, weights: weights, output: .columnMajor))
    else {
      try affine(x, rows: 0..<m, weights: weights, into: &out)
      return
    }
    out._storage.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      nonisolated(unsafe) let z = base
      RowBlocks.run(rows: m, blockRows: b) { _, rows in
        BLAS.affine(x, rows: rows, weights: weights, into: z + rows.lowerBound, ldz: m, layout: .columnMajor)
      }
    }
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

  /// The most rows of `x` for which ``affine(_:rows:weights:into:)`` into an
  /// `out` laid out as `output` runs entirely on the calling thread, so that
  /// several threads can each compute their own blocks of rows without competing
  /// for OpenBLAS's thread pool.
  ///
  /// OpenBLAS decides per call: `M·N·K` up to 4·65536 (its default
  /// `GEMM_MULTITHREAD_THRESHOLD`) runs on the caller; on kernel families with
  /// the AVX-512 small-matrix kernels (SkylakeX, Cooperlake, Sapphire Rapids,
  /// from `openblas_get_corename`) calls up to 100³ do too, except that its "TN"
  /// case (a row-major `x` into a column-major `out`, or a row-major `x` and
  /// `weights` into a row-major `out`) is limited to `rows · weights.rows ≤ 1200`.
  /// For `x` 5000×400 column-major and `W` 25×401 this is 100 rows on such a CPU
  /// and 26 elsewhere; for a row-major `x`, a column-major `W` and a row-major
  /// `out` (OpenBLAS's "NN" case, its fastest) also 100.
  ///
  /// - Parameters:
  ///   - x: the inputs (only their layout and column count matter).
  ///   - weights: `W`, `r × (n + 1)` (only its layout and row count matter).
  ///   - output: the layout of `out`; column-major by default.
  /// - Returns: the row count, at least 1.
  public static func affineRowsOnCallingThread(
    x: Matrix, weights: Matrix, output: MatrixLayout = .columnMajor
  ) -> Int {
    BLAS.callingThreadRows(x: x, weights: weights, output: output)
  }

  /// `Aᵀ·B` for two matrices with the same number of rows, as a new row-major
  /// `a.columns × b.columns` matrix; the backpropagation product `δᵀ·X`.
  ///
  /// Equals ``product(_:_:)`` of `a.transposed` and `b` up to rounding. For
  /// tall operands (many rows, few columns) the sum over the rows is split in
  /// blocks, each block's `Aᵀ·B` one `cblas_dgemm` on the calling thread,
  /// added into one partial sum per chunk of blocks; the chunks run on the
  /// cores and their sums are added in chunk order, so the result does not
  /// depend on the number of cores. A block of a column-major `A` is first
  /// copied row-major (a few kilobytes) so that OpenBLAS reads `Aᵀ` as a plain
  /// operand; `B` is read in place. For `δ` 5000×25 and `X` 5000×400 this
  /// takes about half the time of one whole-batch call.
  ///
  /// - Parameters:
  ///   - a: `A`, `m × r`, either layout.
  ///   - b: `B`, `m × n`, either layout.
  /// - Returns: `Aᵀ·B`, `r × n`, row-major.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `a.rows != b.rows`.
  public static func transposedProduct(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard a.rows == b.rows else {
      throw .shapeMismatch(operation: "product Aᵀ·B", left: a.shape, right: b.shape)
    }
    let m = a.rows
    let r = a.columns
    let n = b.columns
    guard r > 0, n > 0,
      let block = RowBlocks.blockRows(
        rows: m, limit: BLAS.callingThreadRows(perRow: r * n, rowLimitedColumns: nil))
    else {
      return try product(a.transposed, b)
    }
    let chunks = RowBlocks.chunkCount(rows: m, blockRows: block)
    let size = r * n
    // One column-major r × n partial sum per chunk, then one block of scratch per chunk.
    var work = [Double](repeating: 0, count: chunks * (size + block * r))
    work.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      nonisolated(unsafe) let w = base
      RowBlocks.run(rows: m, blockRows: block) { c, rows in
        BLAS.addTransposedProduct(
          a, rows: rows, b, rows: rows, into: w + c * size, scratch: w + chunks * size + c * block * r)
      }
    }
    let sum = [Double](unsafeUninitializedCapacity: size) { out, count in
      for i in 0..<r {
        for j in 0..<n {
          var s = work[i + j * r]
          for c in 1..<max(chunks, 1) { s += work[c * size + i + j * r] }
          out[i * n + j] = s
        }
      }
      count = size
    }
    return Matrix(unchecked: r, columns: n, storage: sum, layout: .rowMajor)
  }

  /// `A·B` as a new column-major matrix, for a tall `A` in blocks of rows.
  ///
  /// Equals ``product(_:_:)`` up to layout. When `A` has many rows and `B`
  /// few columns, the rows of `A` are split in blocks, each block's product
  /// one `cblas_dgemm` on the calling thread writing its rows of the result
  /// in place, with the blocks spread over the cores; otherwise one call.
  ///
  /// - Parameters:
  ///   - a: `A`, `m × k`, either layout.
  ///   - b: `B`, `k × n`, either layout.
  /// - Returns: `A·B`, `m × n`, column-major.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `a.columns != b.rows`.
  public static func columnMajorProduct(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard a.columns == b.rows else {
      throw .shapeMismatch(operation: "product A·B", left: a.shape, right: b.shape)
    }
    let m = a.rows
    let n = b.columns
    // OpenBLAS's "TN" case: a row-major A block with a column-major B.
    let tn = a.layout == .rowMajor && b.layout == .columnMajor
    let limit = BLAS.callingThreadRows(perRow: a.columns * n, rowLimitedColumns: tn ? n : nil)
    let block = RowBlocks.blockRows(rows: m, limit: limit) ?? max(m, 1)
    var out = [Double](repeating: 0, count: m * n)
    out.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      nonisolated(unsafe) let c = base
      if block >= m {
        BLAS.product(a, rows: 0..<m, b, into: c, ldc: m)
      } else {
        RowBlocks.run(rows: m, blockRows: block) { _, rows in
          BLAS.product(a, rows: rows, b, into: c + rows.lowerBound, ldc: m)
        }
      }
    }
    return Matrix(unchecked: m, columns: n, storage: out, layout: .columnMajor)
  }

  /// `C += Aᵀ·B[rows]`: adds `A`'s transpose times the rows `rows` of `B` into
  /// the column-major `a.columns × b.columns` matrix stored in `c` from `offset`
  /// (leading dimension `a.columns`).
  ///
  /// One block of the sum ``transposedProduct(_:_:)`` splits, for callers that
  /// keep their own partial sums: `A` holds the block's rows (e.g. `δ` of a
  /// block of examples) and `B` is read in place from row `rows.lowerBound`
  /// (e.g. the whole `X`). The corresponding C function is `cblas_dgemm`
  /// (`beta = 1`); a column-major `A` is first copied row-major.
  ///
  /// - Parameters:
  ///   - a: `A`, `k × r`, either layout.
  ///   - b: `B`, at least `rows.upperBound` rows, `n` columns, either layout.
  ///   - rows: `k` rows of `B`.
  ///   - c: storage holding `C` (`r·n` values from `offset`).
  ///   - offset: where `C` starts in `c`.
  /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:left:right:)`` when
  ///   `rows` is not `a.rows` rows of `b`, or `c` is too short.
  public static func addTransposedProduct(
    _ a: Matrix, _ b: Matrix, rows: Range<Int>, into c: inout [Double], at offset: Int
  ) throws(LinearAlgebraError) {
    let size = a.columns * b.columns
    guard rows.count == a.rows, rows.lowerBound >= 0, rows.upperBound <= b.rows, offset >= 0,
      c.count - offset >= size
    else {
      throw .shapeMismatch(operation: "product Aᵀ·B[\(rows)]", left: a.shape, right: b.shape)
    }
    guard size > 0, !rows.isEmpty else { return }
    let scratchCount = a.layout == .columnMajor ? a.rows * a.columns : 0
    withUnsafeTemporaryAllocation(of: Double.self, capacity: max(scratchCount, 1)) { scratch in
      guard let t = scratch.baseAddress else { return }
      c.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        BLAS.addTransposedProduct(a, rows: 0..<a.rows, b, rows: rows, into: base + offset, scratch: t)
      }
    }
  }
}
