import Foundation
import LinearAlgebra
import TestSupport
import Testing

@testable import Training

/// The cost function's block kernels (CTrainingKernels) against the same sums
/// written out element by element in Swift with glibc's `log`, `exp` and `log1p`.
@Suite struct BlockKernelTests {
  /// Column-major `rows × columns` values in (−1, 1).
  static func values(_ rows: Int, _ columns: Int, seed: UInt64) -> [Double] {
    var g = SplitMix64(seed: seed)
    return (0..<(rows * columns)).map { _ in 2 * g.nextUnit() - 1 }
  }

  /// Block shapes: a row count that is not a multiple of 4 checks the tails.
  static let shapes: [(rows: Int, columns: Int)] = [(1, 1), (3, 2), (100, 25), (257, 10)]

  @Test func dotMatchesTheElementSum() {
    for (rows, columns) in Self.shapes {
      let a = Self.values(rows, columns, seed: 1)
      let b = Self.values(rows, columns, seed: 2)
      let expected = zip(a, b).reduce(0.0) { $0 + $1.0 * $1.1 }
      let got = a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in Kernels.dot(a.baseAddress!, b.baseAddress!, count: a.count) }
      }
      #expect(abs(got - expected) <= 1e-13 * Double(a.count), "\(rows)×\(columns)")
      #expect(Kernels.dot(a, b) == got)  // the array form sums the same way below its threshold
    }
  }

  @Test func columnSumsAreAddedToTheirOffset() throws {
    for (rows, columns) in Self.shapes {
      let d = try Matrix(
        rows: rows, columns: columns, storage: Self.values(rows, columns, seed: 3), layout: .columnMajor)
      var sums = [Double](repeating: 0.5, count: columns + 3)
      Kernels.addColumnSums(d, into: &sums, at: 2)
      #expect(sums[0] == 0.5 && sums[1] == 0.5 && sums[columns + 2] == 0.5)
      for j in 0..<columns {
        let expected = 0.5 + (0..<rows).reduce(0.0) { $0 + d[$1, j] }
        #expect(abs(sums[2 + j] - expected) <= 1e-13 * Double(rows), "\(rows)×\(columns), column \(j)")
      }
    }
  }

  @Test func storeAndDotWritesTheBlockRowsAndSumsTheProducts() throws {
    let m = 600
    for (rows, columns) in Self.shapes {
      let first = 37
      let d = try Matrix(
        rows: rows, columns: columns, storage: Self.values(rows, columns, seed: 4), layout: .columnMajor)
      let other = Self.values(m, columns, seed: 5)  // column-major m × columns
      var out = [Double](repeating: .nan, count: m * columns)
      let s = out.withUnsafeMutableBufferPointer { o in
        other.withUnsafeBufferPointer { p in
          Kernels.storeAndDot(d, into: o.baseAddress!, first: first, rows: m, with: p.baseAddress!)
        }
      }
      var expected = 0.0
      for j in 0..<columns {
        for i in 0..<rows {
          #expect(out[first + i + j * m] == d[i, j])
          expected += d[i, j] * other[first + i + j * m]
        }
        // Rows outside the block are untouched.
        #expect(out[first - 1 + j * m].isNaN && out[first + rows + j * m].isNaN)
      }
      #expect(abs(s - expected) <= 1e-13 * Double(rows * columns), "\(rows)×\(columns)")
    }
  }

  /// Random outputs, plus saturated ones (`a` exactly 0 or 1, and `z < −700` for a
  /// lit unit) whose terms must be the exact softplus of `∓z`.
  @Test func crossEntropyMatchesTheSeedsTermsAndTheSoftplus() {
    for (rows, outputs) in [(1, 1), (7, 3), (257, 10)] {
      var g = SplitMix64(seed: UInt64(rows))
      var z = (0..<(rows * outputs)).map { _ in 60 * g.nextUnit() - 30 }
      // Saturations: σ(40) = 1, σ(−800) = 0 and σ(−710) > 0 with z < −700.
      let special: [Double] = [40, -800, -710, 800]
      for (i, v) in special.enumerated() where i < z.count { z[i * 5 % z.count] = v }
      let a = z.map { 1 / (1 + Foundation.exp(-$0)) }
      let first = 3
      let targets = (0..<(rows + first)).map { _ in Int(g.nextUnit() * Double(outputs)) % outputs }
      let w = BlockWorkspace()
      w.cost = 0.25  // the sums of earlier blocks are kept
      Kernels.crossEntropy(a, z, rows: rows, columns: outputs, targets: targets, first: first, into: w)
      var expected = 0.25
      for j in 0..<outputs {
        for i in 0..<rows {
          let k = i + j * rows
          let lit = targets[first + i] == j
          let exact = lit ? a[k] > 0 && z[k] > -700 : a[k] < 1
          let softplus: (Double) -> Double = { max($0, 0) + Foundation.log1p(Foundation.exp(-abs($0))) }
          expected += exact ? -Foundation.log(lit ? a[k] : 1 - a[k]) : softplus(lit ? -z[k] : z[k])
        }
      }
      let got = w.cost + w.compensation
      #expect(got.isFinite)
      #expect(abs(got - expected) <= 1e-13 * abs(expected), "\(rows)×\(outputs): \(got) vs \(expected)")
    }
  }
}
