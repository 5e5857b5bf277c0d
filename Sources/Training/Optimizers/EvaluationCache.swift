/// The optimisers' view of a ``LineSearchable``: remembers the last point and
/// counts evaluations as scipy's `ScalarFunction` counts `nfev` (a request at the
/// point last evaluated is free; a full gradient at the last line point completes
/// that evaluation instead of making a new one).
final class EvaluationCache {
  let function: any LineSearchable
  private(set) var evaluations = 0

  /// The last point evaluated in full, with its value and gradient.
  private var fullPoint: [Double]?
  private var fullValue = Double.nan
  private var fullGradient: [Double] = []

  /// The current line and its last evaluated step.
  private var lineBase: [Double] = []
  private var lineDirection: [Double] = []
  private var lineStarted = false
  private var lastAlpha: Double?
  private var lastValue = Double.nan
  private var lastSlope = Double.nan

  init(_ function: any LineSearchable) { self.function = function }

  /// `(f(x), ∇f(x))`.
  func evaluate(_ x: [Double]) -> (Double, [Double]) {
    if let p = fullPoint, p == x { return (fullValue, fullGradient) }
    if let a = lastAlpha, axpy(lineBase, a, lineDirection) == x {
      return (lastValue, gradient(alpha: a))
    }
    fullValue = function.value(at: x, gradient: &fullGradient)
    fullPoint = x
    lastAlpha = nil  // the function's line point is gone
    evaluations += 1
    return (fullValue, fullGradient)
  }

  /// Starts (or keeps) the line `x + α·p`.
  func beginLine(at x: [Double], direction p: [Double]) {
    if lineStarted && x == lineBase && p == lineDirection { return }
    lineBase = x
    lineDirection = p
    lineStarted = true
    lastAlpha = nil
    function.beginLine(at: x, direction: p)
  }

  /// `(f(x + αp), ∇f(x + αp)·p)` on the current line.
  func phi(_ alpha: Double) -> (Double, Double) {
    if let a = lastAlpha, a == alpha { return (lastValue, lastSlope) }
    (lastValue, lastSlope) = function.valueAndSlope(alpha: alpha)
    lastAlpha = alpha
    evaluations += 1
    return (lastValue, lastSlope)
  }

  /// `∇f(x + αp)`: completed from the last line evaluation when `α` is its step.
  func gradient(alpha: Double) -> [Double] {
    if let a = lastAlpha, a == alpha {
      let x = axpy(lineBase, alpha, lineDirection)
      if let p = fullPoint, p == x { return fullGradient }
      fullGradient = function.gradientAtLastLinePoint()
      fullValue = lastValue
      fullPoint = x
      return fullGradient
    }
    return evaluate(axpy(lineBase, alpha, lineDirection)).1
  }
}
