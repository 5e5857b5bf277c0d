import LinearAlgebra
import TestSupport
import Testing

/// `LinearAlgebra`'s tall products, which split the rows into blocks run on
/// several threads, against sums written out here element by element.
@Suite struct BlockedProductTests {
  static func random(_ rows: Int, _ columns: Int, _ layout: MatrixLayout, seed: UInt64) throws -> Matrix {
    var g = SplitMix64(seed: seed)
    return try Matrix(
      rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in g.nextUnit() - 0.5 }, layout: layout)
  }

  /// `max |a − b| / max(1, max |b|)` over the elements (same shapes).
  static func difference(_ a: Matrix, _ b: [[Double]]) -> Double {
    var worst = 0.0
    var scale = 1.0
    for i in 0..<a.rows {
      for j in 0..<a.columns {
        worst = max(worst, abs(a[i, j] - b[i][j]))
        scale = max(scale, abs(b[i][j]))
      }
    }
    return worst / scale
  }

  static let layouts: [(MatrixLayout, MatrixLayout)] = [
    (.columnMajor, .columnMajor), (.columnMajor, .rowMajor), (.rowMajor, .columnMajor), (.rowMajor, .rowMajor),
  ]

  /// Tall (blocked) and short (one call) shapes, every pair of layouts.
  @Test(arguments: [(3000, 25, 40), (5000, 25, 400), (7, 3, 5), (600, 10, 25)])
  func transposedProduct(m: Int, r: Int, n: Int) throws {
    for (la, lb) in Self.layouts {
      let a = try Self.random(m, r, la, seed: 1)
      let b = try Self.random(m, n, lb, seed: 2)
      let c = try Matrix.transposedProduct(a, b)
      #expect(c.rows == r && c.columns == n && c.layout == .rowMajor)
      var expected = [[Double]](repeating: [Double](repeating: 0, count: n), count: r)
      for i in 0..<m { for j in 0..<r { for k in 0..<n { expected[j][k] += a[i, j] * b[i, k] } } }
      #expect(Self.difference(c, expected) < 1e-12, "\(la) \(lb)")
    }
    #expect(throws: LinearAlgebraError.self) {
      try Matrix.transposedProduct(Matrix(rows: 3, columns: 2), Matrix(rows: 4, columns: 2))
    }
  }

  @Test(arguments: [(4000, 25, 10), (3000, 10, 25), (5, 4, 3)])
  func columnMajorProduct(m: Int, k: Int, n: Int) throws {
    for (la, lb) in Self.layouts {
      let a = try Self.random(m, k, la, seed: 3)
      let b = try Self.random(k, n, lb, seed: 4)
      let c = try Matrix.columnMajorProduct(a, b)
      #expect(c.rows == m && c.columns == n && c.layout == .columnMajor)
      var expected = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
      for i in 0..<m { for j in 0..<n { for t in 0..<k { expected[i][j] += a[i, t] * b[t, j] } } }
      #expect(Self.difference(c, expected) < 1e-12, "\(la) \(lb)")
    }
    #expect(throws: LinearAlgebraError.self) {
      try Matrix.columnMajorProduct(Matrix(rows: 3, columns: 2), Matrix(rows: 3, columns: 2))
    }
  }

  /// `[1 X]·Wᵀ` into a column-major result for a batch large enough to be split in blocks.
  @Test(arguments: [5000, 1000, 37])
  func affineInBlocks(m: Int) throws {
    for (lx, lw) in Self.layouts {
      let x = try Self.random(m, 400, lx, seed: 5)
      let w = try Self.random(25, 401, lw, seed: 6)
      var z = Matrix(rows: m, columns: 25, layout: .columnMajor)
      try Matrix.affine(x, weights: w, into: &z)
      var expected = [[Double]](repeating: [Double](repeating: 0, count: 25), count: m)
      for i in 0..<m {
        for j in 0..<25 {
          var s = w[j, 0]
          for k in 0..<400 { s += x[i, k] * w[j, k + 1] }
          expected[i][j] = s
        }
      }
      #expect(Self.difference(z, expected) < 1e-12, "\(lx) \(lw)")
    }
  }

  /// One block's `Aᵀ·B[rows]` added at an offset, leaving the rest of the storage alone.
  @Test func addTransposedProductAtAnOffset() throws {
    for (la, lb) in Self.layouts {
      let a = try Self.random(30, 4, la, seed: 7)
      let b = try Self.random(100, 6, lb, seed: 8)
      var c = [Double](repeating: 1, count: 3 + 24 + 2)
      try Matrix.addTransposedProduct(a, b, rows: 50..<80, into: &c, at: 3)
      #expect(c[0..<3] == [1, 1, 1] && c[27...] == [1, 1])
      for j in 0..<4 {
        for k in 0..<6 {
          var s = 1.0
          for i in 0..<30 { s += a[i, j] * b[50 + i, k] }
          #expect(abs(c[3 + j + k * 4] - s) < 1e-13)
        }
      }
    }
    var short = [Double](repeating: 0, count: 10)
    #expect(throws: LinearAlgebraError.self) {
      try Matrix.addTransposedProduct(
        Matrix(rows: 2, columns: 4), Matrix(rows: 5, columns: 3), rows: 0..<2, into: &short, at: 0)
    }
    #expect(throws: LinearAlgebraError.self) {
      try Matrix.addTransposedProduct(
        Matrix(rows: 2, columns: 1), Matrix(rows: 5, columns: 1), rows: 4..<6, into: &short, at: 0)
    }
  }
}
