import LinearAlgebra
import TestSupport
import Testing

/// `LinearAlgebra` has no test target of its own; its `Matrix` is tested here.
@Suite struct MatrixTests {
  /// Row-major `[[1, 2, 3], [4, 5, 6]]`.
  let a: Matrix

  init() throws {
    a = try Matrix([[1, 2, 3], [4, 5, 6]])
  }

  @Test func layoutsAndSubscript() throws {
    let c = try Matrix(rows: 2, columns: 3, storage: [1, 4, 2, 5, 3, 6], layout: .columnMajor)
    #expect(c == a)
    #expect(c[1, 2] == 6 && a[1, 2] == 6 && c[0, 1] == 2)
    #expect(c.row(1) == [4, 5, 6] && c.column(2) == [3, 6])
    #expect(a.converted(to: .columnMajor).storage == [1, 4, 2, 5, 3, 6])
    #expect(c.converted(to: .rowMajor).storage == [1, 2, 3, 4, 5, 6])
    #expect(c.rowMajorValues == a.storage)
    var b = a
    b[0, 0] = 9
    #expect(b != a && a[0, 0] == 1)
  }

  @Test func transposeIsFree() {
    let t = a.transposed
    #expect(t.rows == 3 && t.columns == 2 && t.layout == .columnMajor)
    #expect(t.storage == a.storage)
    #expect(t[2, 1] == 6 && t[1, 0] == 2)
    #expect(t.transposed == a)
  }

  @Test func storageCountIsChecked() {
    #expect(throws: LinearAlgebraError.storageCount(rows: 2, columns: 3, actual: 5)) {
      try Matrix(rows: 2, columns: 3, storage: [1, 2, 3, 4, 5])
    }
    #expect(throws: LinearAlgebraError.negativeDimension(rows: -1, columns: 3)) {
      try Matrix(rows: -1, columns: 3, storage: [])
    }
    #expect(
      LinearAlgebraError.storageCount(rows: 2, columns: 3, actual: 5).description
        == "a 2×3 matrix needs 6 values, not 5")
    #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2], [3]]) }
  }

  /// `A·B` for every combination of operand layouts, against plain loops.
  @Test(arguments: MatrixLayout.allCases, MatrixLayout.allCases)
  func productInEveryLayout(la: MatrixLayout, lb: MatrixLayout) throws {
    var rng = SplitMix64(seed: 31)
    let x = try Matrix(rows: 7, columns: 5, storage: randomValues(35, in: -1...1, using: &rng))
    let y = try Matrix(rows: 5, columns: 4, storage: randomValues(20, in: -1...1, using: &rng))
    let p = try Matrix.product(x.converted(to: la), y.converted(to: lb))
    #expect(p.rows == 7 && p.columns == 4)
    for i in 0..<7 {
      for j in 0..<4 {
        let expected = (0..<5).reduce(0.0) { $0 + x[i, $1] * y[$1, j] }
        #expect(abs(p[i, j] - expected) < 1e-15)
      }
    }
    // Aᵀ·A through the free transpose.
    let g = try Matrix.product(x.transposed, x)
    #expect(g.rows == 5 && g.columns == 5)
    #expect(abs(g[1, 3] - (0..<7).reduce(0.0) { $0 + x[$1, 1] * x[$1, 3] }) < 1e-15)
  }

  @Test func productShapeMismatch() {
    #expect(
      throws: LinearAlgebraError.shapeMismatch(
        operation: "product A·B", left: .init(rows: 2, columns: 3),
        right: .init(rows: 2, columns: 3))
    ) { try Matrix.product(a, a) }
  }

  /// `[1 X]·Wᵀ` for every layout of `X`, `W` and the output.
  @Test(arguments: MatrixLayout.allCases, MatrixLayout.allCases)
  func affineInEveryLayout(lx: MatrixLayout, lw: MatrixLayout) throws {
    var rng = SplitMix64(seed: 41)
    let x = try Matrix(rows: 9, columns: 6, storage: randomValues(54, in: -1...1, using: &rng))
    let w = try Matrix(rows: 4, columns: 7, storage: randomValues(28, in: -1...1, using: &rng))
    for lout in MatrixLayout.allCases {
      var out = Matrix(rows: 9, columns: 4, repeating: .nan, layout: lout)
      try Matrix.affine(x.converted(to: lx), weights: w.converted(to: lw), into: &out)
      #expect(out.layout == lout)
      for i in 0..<9 {
        for j in 0..<4 {
          let expected = w[j, 0] + (0..<6).reduce(0.0) { $0 + x[i, $1] * w[j, $1 + 1] }
          #expect(abs(out[i, j] - expected) < 1e-15)
        }
      }
      #expect(try Matrix.affine(x, weights: w, layout: lout) == out)
    }
  }

  /// A wrongly shaped `out` is replaced; a shared one is not written through.
  @Test func affineOutputBuffer() throws {
    let x = try Matrix([[1, 2], [3, 4], [5, 6]])
    let w = try Matrix([[0.5, 1, -1]])
    var out = Matrix(rows: 1, columns: 1)
    try Matrix.affine(x, weights: w, into: &out)
    #expect(out.rows == 3 && out.columns == 1 && out.layout == .columnMajor)
    #expect(out.column(0) == [-0.5, -0.5, -0.5])
    let shared = out
    try Matrix.affine(try Matrix([[3, 1], [0, 0], [1, 1]]), weights: w, into: &out)
    #expect(out.column(0) == [2.5, 0.5, 0.5])
    #expect(shared.column(0) == [-0.5, -0.5, -0.5])
    #expect(throws: LinearAlgebraError.self) { try Matrix.affine(x, weights: x) }
  }

  /// Degenerate shapes: no rows, a bias-only layer, one unit.
  @Test func affineEdgeShapes() throws {
    let w = try Matrix([[2.0], [3.0]])  // bias only, no inputs
    let x = Matrix(rows: 3, columns: 0)
    let z = try Matrix.affine(x, weights: w, layout: .rowMajor)
    #expect(z.storage == [2, 3, 2, 3, 2, 3])
    let empty = try Matrix.affine(
      Matrix(rows: 0, columns: 4, layout: .columnMajor), weights: Matrix(rows: 2, columns: 5))
    #expect(empty.rows == 0 && empty.columns == 2)
    let one = try Matrix.affine(
      try Matrix([[1, 1], [2, 2]]), weights: try Matrix([[1, 1, 1]]), layout: .rowMajor)
    #expect(one.storage == [3, 5])
  }

  /// A block of rows read in place equals the same rows of the full product.
  @Test(arguments: MatrixLayout.allCases, MatrixLayout.allCases)
  func affineOnRows(lx: MatrixLayout, lw: MatrixLayout) throws {
    var rng = SplitMix64(seed: 51)
    let x = try Matrix(rows: 23, columns: 7, storage: randomValues(161, in: -1...1, using: &rng))
      .converted(to: lx)
    let w = try Matrix(rows: 5, columns: 8, storage: randomValues(40, in: -1...1, using: &rng))
      .converted(to: lw)
    let full = try Matrix.affine(x, weights: w)
    for rows in [0..<23, 3..<11, 22..<23, 5..<5] {
      var out = Matrix(rows: 0, columns: 0)
      try Matrix.affine(x, rows: rows, weights: w, into: &out)
      #expect(out.rows == rows.count && out.columns == 5)
      for i in 0..<rows.count {
        for j in 0..<5 { #expect(abs(out[i, j] - full[rows.lowerBound + i, j]) < 1e-15) }
      }
    }
  }

  @Test func callingThreadRows() {
    let w = Matrix(rows: 25, columns: 401)
    let column = Matrix.affineRowsOnCallingThread(
      x: Matrix(rows: 1, columns: 400, layout: .columnMajor), weights: w)
    let row = Matrix.affineRowsOnCallingThread(x: Matrix(rows: 1, columns: 400), weights: w)
    #expect([26, 100].contains(column) && [26, 48].contains(row))
    // Into a row-major Z: column-major weights make OpenBLAS's "NN" case (no
    // 1200-element limit); row-major weights its "TN" case.
    let x = Matrix(rows: 1, columns: 400)
    let nn = Matrix.affineRowsOnCallingThread(
      x: x, weights: Matrix(rows: 25, columns: 401, layout: .columnMajor), output: .rowMajor)
    let tn = Matrix.affineRowsOnCallingThread(x: x, weights: w, output: .rowMajor)
    #expect([26, 100].contains(nn) && [26, 48].contains(tn) && (nn == 100) == (column == 100))
    #expect(
      Matrix.affineRowsOnCallingThread(
        x: Matrix(rows: 1, columns: 4000), weights: Matrix(rows: 1000, columns: 4001)) == 1)
  }

  @Test func mapInPlace() throws {
    var m = try Matrix([[1, 2], [3, 4]])
    let copy = m
    m.mapInPlace { $0 * $0 }
    #expect(m == (try Matrix([[1, 4], [9, 16]])))
    #expect(copy[1, 1] == 4)
  }
}
