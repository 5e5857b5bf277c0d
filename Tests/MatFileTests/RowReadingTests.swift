import Foundation
import TestSupport
import Testing

@testable import MatFile

/// `MatFile.readRows(named:)` against `readMatrix(named:)`: the same values, laid out
/// row by row, the same first non-finite value, and the same refusals.
@Suite struct RowReadingTests {
  /// Every MAT fixture that opens, with its variables.
  static let files = [
    "weights_v4.mat", "weights_v5.mat", "weights_v5z.mat", "weights_v5_be.mat", "weights_v5z_be.mat",
    "weights_v73.mat", "classes_v4.mat", "classes_v5.mat", "classes_v5z.mat", "classes_v73.mat",
    "mixed_v5.mat", "mixed_v5z.mat", "big_v5z.mat", "refused_v4.mat", "refused_v5.mat",
    "refused_v5z.mat", "refused_v73.mat",
  ]

  /// `rows` equals `matrix` element by element, bit for bit.
  private func expectSame(_ rows: MatRows, _ matrix: MatMatrix, _ label: String) {
    #expect(rows.name == matrix.name && rows.matClass == matrix.matClass, "\(label)")
    #expect(rows.rows == matrix.rows && rows.columns == matrix.columns, "\(label)")
    guard rows.rowMajor.count == matrix.columnMajor.count else {
      Issue.record("\(label): \(rows.rowMajor.count) values, expected \(matrix.columnMajor.count)")
      return
    }
    var differ = 0
    for r in 0..<matrix.rows {
      for c in 0..<matrix.columns where rows[r, c].bitPattern != matrix[r, c].bitPattern { differ += 1 }
    }
    #expect(differ == 0, "\(label): \(differ) values differ")
    let expected = matrix.firstNonFinite.map { [$0 % matrix.rows, $0 / matrix.rows] }
    let actual = rows.firstNonFinite.map { [$0.row, $0.column] }
    #expect(actual == expected, "\(label)")
  }

  @Test(arguments: files) func everyVariableReadsTheSameRowByRow(_ name: String) throws {
    let mat = try MatFile(path: Expected.fixture(name))
    var compared = 0
    for variable in mat.variables() {
      let matrix = Result { () throws(MatFileError) in try mat.readMatrix(named: variable.name) }
      let rows = Result { () throws(MatFileError) in try mat.readRows(named: variable.name) }
      switch (matrix, rows) {
      case (.success(let m), .success(let r)):
        expectSame(r, m, "\(name) \(variable.name)")
        compared += 1
      case (.failure(let a), .failure(let b)):
        #expect(a == b, "\(name) \(variable.name)")
      default:
        Issue.record("\(name) \(variable.name): readMatrix \(matrix), readRows \(rows)")
      }
    }
    if !name.hasPrefix("refused") { #expect(compared > 0, "\(name): nothing read") }
  }

  /// A v5 `double` matrix takes the stretch-by-stretch path; every stretch width gives
  /// the same result as reading the whole matrix column-major.
  @Test(arguments: [1, 3, 7, 72, 400]) func stretchWidthsAgree(_ columns: Int) throws {
    let mat = try MatFile(path: Fixtures.path("digits20.mat"))
    let matrix = try mat.readMatrix(named: "X")
    let handle = try #require(mat.handle)
    let read = try #require(
      try handle.readDoubleRows(name: "X", check: { _, _ in }, stretchBytes: columns * 8 * matrix.rows))
    let rows = MatRows(
      name: "X", matClass: .double, rows: matrix.rows, columns: matrix.columns, rowMajor: read.values,
      firstNonFiniteIndex: nil)
    #expect(read.firstNonFinite == nil)
    expectSame(rows, matrix, "\(columns) columns per stretch")
  }

  /// The first non-finite value in column-major order, wherever the stretches fall.
  @Test(arguments: [1, 2, 5, 64]) func firstNonFiniteIsColumnMajorFirst(_ columns: Int) throws {
    let (m, n) = (13, 9)
    // Later row by row but earlier column by column: (10, 2) before (1, 6) before (0, 8).
    var values = (0..<(m * n)).map { Double($0) * 0.5 - 20 }
    values[2 * m + 10] = .nan
    values[6 * m + 1] = .infinity
    values[8 * m + 0] = -.infinity
    let bytes = try MatWriter.encode(
      [MatWriter.Matrix(name: "X", rows: m, columns: n, columnMajor: values)], version: .v5,
      compressed: false, name: "nonfinite.mat")
    let dir = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("nonfinite.mat").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let mat = try MatFile(path: path)
    let handle = try #require(mat.handle)
    let read = try #require(
      try handle.readDoubleRows(name: "X", check: { _, _ in }, stretchBytes: columns * 8 * m))
    #expect(read.firstNonFinite == 2 * m + 10)
    let rows = try mat.readRows(named: "X")
    #expect(rows.firstNonFinite.map { [$0.row, $0.column] } == [10, 2])
    expectSame(rows, try mat.readMatrix(named: "X"), "\(columns) columns per stretch")
  }

  /// A vector's values are in the same order row by row: read as they are, with the
  /// non-finite value at its row and column.
  @Test func vectorsAreNotLaidOut() throws {
    var values = (0..<7).map { Double($0) }
    values[3] = .nan
    let bytes = try MatWriter.encode(
      [
        MatWriter.Matrix(name: "row", rows: 1, columns: 7, columnMajor: values),
        MatWriter.Matrix(name: "column", rows: 7, columns: 1, columnMajor: values),
      ], version: .v5, compressed: false, name: "vectors.mat")
    let dir = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("vectors.mat").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let mat = try MatFile(path: path)
    let row = try mat.readRows(named: "row")
    let column = try mat.readRows(named: "column")
    #expect(row.rowMajor.map(\.bitPattern) == values.map(\.bitPattern))
    #expect(column.rowMajor.map(\.bitPattern) == values.map(\.bitPattern))
    #expect(row.firstNonFinite.map { [$0.row, $0.column] } == [0, 3])
    #expect(column.firstNonFinite.map { [$0.row, $0.column] } == [3, 0])
  }

  /// The layout kernels, on one thread and on two, for shapes that are not multiples
  /// of their 8 rows (two threads from 1024 rows).
  @Test(arguments: [false, true]) func columnsToRowsHandlesEveryShape(_ twoThreads: Bool) {
    for (m, n) in [(1, 1), (7, 3), (8, 1), (9, 5), (17, 16), (64, 3), (1023, 2), (1029, 5), (2050, 3)] {
      let source = (0..<(m * n)).map { Double($0) }
      let stride = n + 2  // rows wider than the matrix: the extra columns stay untouched
      var target = [Double](repeating: -1, count: m * stride)
      source.withUnsafeBufferPointer { s in
        target.withUnsafeMutableBufferPointer { t in
          if twoThreads {
            Transpose.columnsToRowsOnTwoThreads(
              s.baseAddress!, rows: m, columns: n, into: t.baseAddress!, rowStride: stride)
          } else {
            Transpose.columnsToRows(s.baseAddress!, rows: m, columns: n, into: t.baseAddress!, rowStride: stride)
          }
        }
      }
      var wrong = 0
      for r in 0..<m {
        for c in 0..<stride {
          let expected = c < n ? source[c * m + r] : -1
          if target[r * stride + c] != expected { wrong += 1 }
        }
      }
      #expect(wrong == 0, "\(m)x\(n)")
    }
  }
}
