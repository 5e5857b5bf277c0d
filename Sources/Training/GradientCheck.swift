public import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The outcome of a gradient check: backpropagation against central differences.
public struct GradientCheckResult: Sendable {
  /// Which check: `seed` or `course`.
  public var variant: GradientCheck.Variant
  /// λ used.
  public var lambda: Double
  /// `J` at the checked parameters.
  public var cost: Double
  /// The gradient by backpropagation.
  public var analytic: [Double]
  /// The gradient by central differences, `(J(θ + εeᵢ) − J(θ − εeᵢ)) / 2ε`.
  public var numerical: [Double]
  /// `‖analytic − numerical‖ / ‖analytic + numerical‖` (Euclidean norms).
  public var relativeDifference: Double
  /// The labels of the check's examples, as the check draws them.
  public var labels: [Int]

  /// The course's and the seed's threshold: a correct gradient differs by less than 1e-9.
  public static let threshold = 1e-9

  /// Whether ``relativeDifference`` is below ``threshold``.
  public var passed: Bool { relativeDifference < Self.threshold }
}

/// The seed's and the course's gradient checks on a small 3-5-3 network.
public enum GradientCheck {
  /// The two checks.
  public enum Variant: String, Sendable, CaseIterable {
    /// The seed post's `checkNNGradients`: both `Θ` from a fresh
    /// `np.random.RandomState(0)` each (ε = 0.12), then another fresh
    /// `RandomState(0)` draws `X = rand(5, 3)` and `y = randint(3, size=5)`:
    /// labels 1 0 0 1 2, label 0 lighting the *last* output (numpy's index −1).
    case seed
    /// The course's `checkNNGradients`: `debugInitializeWeights` for both `Θ`
    /// and for `X` (5 × 3), `y = 1 + mod(1…5, 3)`.
    case course
  }

  /// Central differences of `f` at `x`: `(f(x + εeᵢ) − f(x − εeᵢ)) / (2ε)` for every `i`.
  ///
  /// - Parameters:
  ///   - f: the function.
  ///   - x: the point.
  ///   - epsilon: ε, 1e-4 in the seed and the course.
  /// - Returns: the numerical gradient, as many values as `x`.
  public static func numericalGradient(
    of f: ([Double]) -> Double, at x: [Double], epsilon: Double = 1e-4
  ) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    var probe = x
    for i in x.indices {
      probe[i] = x[i] + epsilon
      let plus = f(probe)
      probe[i] = x[i] - epsilon
      let minus = f(probe)
      probe[i] = x[i]
      out[i] = (plus - minus) / (2 * epsilon)
    }
    return out
  }

  /// `‖a − b‖ / ‖a + b‖`, Euclidean norms.
  public static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeDifference: \(a.count) and \(b.count) values")
    var d = 0.0
    var s = 0.0
    for i in a.indices {
      d += (a[i] - b[i]) * (a[i] - b[i])
      s += (a[i] + b[i]) * (a[i] + b[i])
    }
    return d.squareRoot() / s.squareRoot()
  }

  /// The 3-5-3 network, its parameters, examples and labels of a check.
  ///
  /// - Returns: the layout, the unrolled `Θ`, `X` (5 × 3, row-major) and the labels as drawn.
  public static func problem(_ variant: Variant) -> (NetworkLayout, [Double], Matrix, [Int]) {
    let (inputs, hidden, outputs, m) = (3, 5, 3, 5)
    let layout: NetworkLayout
    do { layout = try NetworkLayout(layerSizes: [inputs, hidden, outputs]) } catch {
      preconditionFailure("GradientCheck: \(error)")
    }
    switch variant {
    case .seed:
      let theta = layout.initialParameters(.numpy(seed: 0), epsilon: .fixed(0.12))
      var rng = RandomState(seed: 0)
      let x = rng.rand(count: m * inputs)
      let y = (0..<m).map { _ in rng.randint(outputs) }
      return (layout, theta, makeMatrix(m, inputs, x, .rowMajor), y)
    case .course:
      let theta = layout.initialParameters(.debug)
      let x = debugInitializeWeights(fanOut: m, fanIn: inputs - 1)
      let y = (1...m).map { 1 + $0 % outputs }
      return (layout, theta, makeMatrix(m, inputs, x, .rowMajor), y)
    }
  }

  /// Runs a check: the gradient by backpropagation against central differences (ε = 1e-4).
  ///
  /// - Parameters:
  ///   - variant: the seed's or the course's check.
  ///   - lambda: λ (the seed runs 0 and 3).
  /// - Returns: both gradients, the cost and the relative difference.
  public static func run(_ variant: Variant, lambda: Double) throws(TrainingError) -> GradientCheckResult {
    let (layout, theta, x, y) = problem(variant)
    let targets =
      variant == .seed
      ? try CostFunction.seedTargets(labels: y, outputs: layout.outputs)
      : try CostFunction.targets(labels: y, outputLabels: Array(1...layout.outputs))
    let cost = try CostFunction(layout: layout, features: x, targets: targets, lambda: lambda)
    var analytic: [Double] = []
    let j = cost.costAndGradient(theta, gradient: &analytic)
    let numerical = numericalGradient(of: { cost.cost($0) }, at: theta)
    return GradientCheckResult(
      variant: variant, lambda: lambda, cost: j, analytic: analytic, numerical: numerical,
      relativeDifference: relativeDifference(analytic, numerical), labels: y)
  }
}
