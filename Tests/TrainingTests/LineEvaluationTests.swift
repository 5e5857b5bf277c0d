import LinearAlgebra
import Testing
import Training

/// The cost function's line evaluations (used by the optimisers' line searches)
/// against a full evaluation at the same point and against central differences
/// of the cost along the line.
@Suite struct LineEvaluationTests {
  @Test(arguments: [([6, 5, 4, 3], 0.0), ([6, 5, 4, 3], 1.0), ([6, 3], 1.0)])
  func lineEvaluationsAgreeWithFullEvaluationAndFiniteDifferences(sizes: [Int], lambda: Double) throws {
    let layout = try NetworkLayout(layerSizes: sizes)
    var g = SplitMix64(seed: 5)
    let m = 40
    let x = try Matrix(rows: m, columns: 6, storage: (0..<(m * 6)).map { _ in g.nextUnit() })
    let labels = (0..<m).map { 1 + $0 % 3 }
    let cost = try CostFunction(layout: layout, features: x, labels: labels, lambda: lambda)
    let theta = layout.initialParameters(.theta(seed: 3), epsilon: .fixed(0.8))
    let direction = layout.initialParameters(.theta(seed: 4), epsilon: .fixed(0.5))
    cost.beginLine(at: theta, direction: direction)
    for alpha in [0.0, 0.3, 1.7] {
      let (value, slope) = cost.valueAndSlope(alpha: alpha)
      let lineGradient = cost.gradientAtLastLinePoint()
      let point = zip(theta, direction).map { $0 + alpha * $1 }
      var fullGradient: [Double] = []
      let full = cost.costAndGradient(point, gradient: &fullGradient)
      #expect(abs(value - full) <= 1e-13 * abs(full))
      #expect(GradientCheck.relativeDifference(lineGradient, fullGradient) < 1e-13)
      let h = 1e-5
      let plus = cost.cost(zip(theta, direction).map { $0 + (alpha + h) * $1 })
      let minus = cost.cost(zip(theta, direction).map { $0 + (alpha - h) * $1 })
      let numerical = (plus - minus) / (2 * h)
      #expect(abs(slope - numerical) <= 1e-7 * max(1, abs(slope)), "slope \(slope), central difference \(numerical)")
    }
  }

  /// A line started at the last line point reuses that point's first layer (formed
  /// from the previous line) and still agrees with full evaluations.
  @Test(arguments: [[6, 5, 4, 3], [6, 3]])
  func chainedLinesAgreeWithFullEvaluation(sizes: [Int]) throws {
    let layout = try NetworkLayout(layerSizes: sizes)
    var g = SplitMix64(seed: 8)
    let m = 30
    let x = try Matrix(rows: m, columns: 6, storage: (0..<(m * 6)).map { _ in g.nextUnit() })
    let cost = try CostFunction(layout: layout, features: x, labels: (0..<m).map { 1 + $0 % 3 }, lambda: 0.5)
    var point = layout.initialParameters(.theta(seed: 1), epsilon: .fixed(0.7))
    for line in 0..<4 {
      let d1 = layout.initialParameters(.theta(seed: UInt64(10 + line)), epsilon: .fixed(0.3))
      let d2 = layout.initialParameters(.theta(seed: UInt64(20 + line)), epsilon: .fixed(0.3))
      cost.beginLine(at: point, direction: d1)
      _ = cost.valueAndSlope(alpha: 0.9)
      _ = cost.valueAndSlope(alpha: 0.4)
      _ = cost.gradientAtLastLinePoint()
      let p1 = zip(point, d1).map { $0 + 0.4 * $1 }
      // The next line starts at the last line point, whose first layer is formed from the first line.
      cost.beginLine(at: p1, direction: d2)
      let (value, slope) = cost.valueAndSlope(alpha: 0.3)
      let lineGradient = cost.gradientAtLastLinePoint()
      let p2 = zip(p1, d2).map { $0 + 0.3 * $1 }
      let full = cost.cost(p2)
      let fullGradient = cost.gradient(p2)
      #expect(abs(value - full) <= 1e-13 * abs(full), "line \(line)")
      #expect(GradientCheck.relativeDifference(lineGradient, fullGradient) < 1e-12)
      let directional = zip(fullGradient, d2).map { $0 * $1 }.reduce(0, +)
      #expect(abs(slope - directional) <= 1e-12 * max(1, abs(directional)))
      point = p2
    }
  }
}
