import Foundation
import LinearAlgebra
import TestSupport
import Testing
import Training

/// The cost function on batches large enough to be split into blocks of rows
/// and chunks run on several threads (and, for wide layers, the fallback of
/// large blocks on one thread), against a per-example reference written here
/// from the seed's formulas: forward, cost, backpropagation one example at a time.
@Suite struct BlockedCostTests {
  /// `J` and `∂J/∂Θ` by the seed's per-example loop (its `nnCostFunction` with
  /// `for i in range(m)`), in plain Swift: no BLAS, no blocks.
  static func reference(
    layout: NetworkLayout, x: Matrix, labels: [Int], lambda: Double, parameters p: [Double]
  ) -> (cost: Double, gradient: [Double], correct: Int) {
    let m = x.rows
    let sizes = layout.layerSizes
    var gradient = [Double](repeating: 0, count: p.count)
    var cost = 0.0
    var correct = 0
    func weight(_ l: Int, _ j: Int, _ k: Int) -> Double {
      p[layout.offsets[l] + j * (sizes[l] + 1) + k]
    }
    for i in 0..<m {
      var activations = [(0..<sizes[0]).map { x[i, $0] }]
      for l in 0..<layout.matrixCount {
        let input = activations[l]
        activations.append(
          (0..<sizes[l + 1]).map { j in
            var z = weight(l, j, 0)
            for k in 0..<sizes[l] { z += weight(l, j, k + 1) * input[k] }
            return 1 / (1 + exp(-z))
          })
      }
      let out = activations[layout.matrixCount]
      let target = labels[i] - 1
      for (j, a) in out.enumerated() { cost += j == target ? -log(a) : -log(1 - a) }
      if out.indices.max(by: { out[$0] < out[$1] || (out[$0] == out[$1] && $0 > $1) }) == target { correct += 1 }
      var delta = out.enumerated().map { $1 - ($0 == target ? 1 : 0) }
      for l in stride(from: layout.matrixCount - 1, through: 0, by: -1) {
        let input = activations[l]
        for j in 0..<sizes[l + 1] {
          gradient[layout.offsets[l] + j * (sizes[l] + 1)] += delta[j]
          for k in 0..<sizes[l] { gradient[layout.offsets[l] + j * (sizes[l] + 1) + k + 1] += delta[j] * input[k] }
        }
        if l > 0 {
          delta = (0..<sizes[l]).map { k in
            var s = 0.0
            for j in 0..<sizes[l + 1] { s += weight(l, j, k + 1) * delta[j] }
            return s * input[k] * (1 - input[k])
          }
        }
      }
    }
    var reg = 0.0
    for l in 0..<layout.matrixCount {
      for j in 0..<sizes[l + 1] {
        for k in 0...sizes[l] {
          let index = layout.offsets[l] + j * (sizes[l] + 1) + k
          gradient[index] /= Double(m)
          if k > 0 {
            gradient[index] += lambda * p[index] / Double(m)
            reg += p[index] * p[index]
          }
        }
      }
    }
    return (cost / Double(m) + lambda * reg / (2 * Double(m)), gradient, correct)
  }

  /// Examples in `[0, 1)`, with labels that follow the first input (so that a
  /// network can learn something), in the layout asked for.
  static func data(rows m: Int, inputs: Int, outputs: Int, layout: MatrixLayout, seed: UInt64) throws -> (Matrix, [Int])
  {
    var g = SplitMix64(seed: seed)
    let values = (0..<(m * inputs)).map { _ in g.nextUnit() }
    let x = try Matrix(rows: m, columns: inputs, storage: values, layout: layout)
    let labels = (0..<m).map { i in 1 + min(outputs - 1, Int(x[i, 0] * Double(outputs))) }
    return (x, labels)
  }

  @Test(arguments: [
    ([60, 40, 7], 1500, MatrixLayout.columnMajor),  // 256-row blocks in 2 chunks
    ([60, 40, 7], 1300, MatrixLayout.rowMajor),
    ([30, 20, 15, 5], 1100, MatrixLayout.columnMajor),  // deeper
    ([400, 25, 10], 650, MatrixLayout.columnMajor),  // the course's shape: 100-row blocks on AVX-512
    ([400, 200, 3], 520, MatrixLayout.columnMajor),  // wide: 256-row blocks on one thread
  ])
  func blockedEvaluationMatchesThePerExampleReference(sizes: [Int], m: Int, layout xLayout: MatrixLayout) throws {
    let layout = try NetworkLayout(layerSizes: sizes)
    let (x, labels) = try Self.data(rows: m, inputs: sizes[0], outputs: sizes.last!, layout: xLayout, seed: 21)
    let theta = layout.initialParameters(.theta(seed: 7), epsilon: .fixed(0.3))
    let cost = try CostFunction(layout: layout, features: x, labels: labels, lambda: 1)
    let expected = Self.reference(layout: layout, x: x, labels: labels, lambda: 1, parameters: theta)

    var gradient: [Double] = []
    let j = cost.costAndGradient(theta, gradient: &gradient)
    #expect(abs(j - expected.cost) <= 1e-12 * abs(expected.cost), "J \(j), per-example \(expected.cost)")
    #expect(GradientCheck.relativeDifference(gradient, expected.gradient) < 1e-11)
    #expect(abs(cost.cost(theta) - expected.cost) <= 1e-12 * abs(expected.cost))
    #expect(cost.accuracy(theta) == Double(expected.correct) / Double(m))

    // A line through θ: its evaluations agree with the reference at the point.
    let direction = layout.initialParameters(.theta(seed: 8), epsilon: .fixed(0.2))
    cost.beginLine(at: theta, direction: direction)
    let alpha = 0.7
    let point = zip(theta, direction).map { $0 + alpha * $1 }
    let atPoint = Self.reference(layout: layout, x: x, labels: labels, lambda: 1, parameters: point)
    let (value, slope) = cost.valueAndSlope(alpha: alpha)
    let lineGradient = cost.gradientAtLastLinePoint()
    let directional = zip(atPoint.gradient, direction).map { $0 * $1 }.reduce(0, +)
    #expect(abs(value - atPoint.cost) <= 1e-12 * abs(atPoint.cost))
    #expect(GradientCheck.relativeDifference(lineGradient, atPoint.gradient) < 1e-11)
    #expect(abs(slope - directional) <= 1e-11 * max(1, abs(directional)), "slope \(slope), reference \(directional)")
  }

  /// Same data and parameters give the same bits, whichever thread ran which chunk.
  @Test func blockedEvaluationIsReproducible() throws {
    let layout = try NetworkLayout(layerSizes: [400, 25, 10])
    let (x, labels) = try Self.data(rows: 2000, inputs: 400, outputs: 10, layout: .columnMajor, seed: 3)
    let theta = layout.initialParameters(.theta(seed: 1), epsilon: .fixed(0.12))
    var first: [Double] = []
    let j1 = try CostFunction(layout: layout, features: x, labels: labels, lambda: 1).costAndGradient(
      theta, gradient: &first)
    for _ in 0..<5 {
      var again: [Double] = []
      let j2 = try CostFunction(layout: layout, features: x, labels: labels, lambda: 1).costAndGradient(
        theta, gradient: &again)
      #expect(j2.bitPattern == j1.bitPattern)
      #expect(again.map(\.bitPattern) == first.map(\.bitPattern))
    }
  }
}
