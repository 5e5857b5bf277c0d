/// A differentiable function to minimise, as a closure: returns `f(x)` and
/// writes `∇f(x)` into `gradient`. One call is one *evaluation*.
public typealias Objective = (_ x: [Double], _ gradient: inout [Double]) -> Double

/// A differentiable function the optimisers minimise, which may evaluate
/// points along a search line more cheaply than arbitrary points.
///
/// A line search asks for `f(x + αp)` and the slope `∇f(x + αp)·p` at trial
/// steps `α`, and for the full gradient only at the step it accepts. A function
/// that is linear in part of `x` (a network's first layer: `[1 X]·(Θ + αP)ᵀ =
/// [1 X]·Θᵀ + α·[1 X]·Pᵀ`) can then skip its largest matrix products at the
/// trial steps. The results equal a full evaluation's up to rounding.
public protocol LineSearchable: AnyObject {
  /// `f(x)`, with `∇f(x)` written into `gradient`.
  func value(at x: [Double], gradient: inout [Double]) -> Double
  /// Prepares evaluations along `x + α·p`.
  func beginLine(at x: [Double], direction p: [Double])
  /// `f(x + αp)` and `∇f(x + αp)·p` on the line of the last ``beginLine(at:direction:)``.
  func valueAndSlope(alpha: Double) -> (value: Double, slope: Double)
  /// `∇f` at the point of the last ``valueAndSlope(alpha:)``.
  func gradientAtLastLinePoint() -> [Double]
}

/// A closure ``Objective`` as a ``LineSearchable`` that evaluates every point in full.
public final class ClosureObjective: LineSearchable {
  private let objective: Objective
  private var x: [Double] = []
  private var p: [Double] = []
  private var gradient: [Double] = []

  /// Wraps `objective`.
  public init(_ objective: @escaping Objective) { self.objective = objective }

  /// `f(x)`, with `∇f(x)` written into `gradient`.
  public func value(at x: [Double], gradient: inout [Double]) -> Double { objective(x, &gradient) }

  /// Starts a line search along `x + α·p`.
  public func beginLine(at x: [Double], direction p: [Double]) {
    self.x = x
    self.p = p
  }

  /// `f(x + α·p)` and its slope `∇f(x + α·p) · p`, by a full evaluation.
  public func valueAndSlope(alpha: Double) -> (value: Double, slope: Double) {
    let f = objective(axpy(x, alpha, p), &gradient)
    return (f, dot(gradient, p))
  }

  /// `∇f` at the last point ``valueAndSlope(alpha:)`` evaluated.
  public func gradientAtLastLinePoint() -> [Double] { gradient }
}

/// Why an optimiser stopped; recorded as `training.stopped`.
public enum StopReason: String, Sendable, Equatable {
  /// The gradient's largest absolute component fell to the tolerance (scipy: "Optimization terminated successfully.").
  case converged = "converged"
  /// The iteration limit was reached (scipy: "Maximum number of iterations has been exceeded.").
  case maxIterations = "max-iterations"
  /// The evaluation limit was reached.
  case maxEvaluations = "max-evaluations"
  /// No step along the search direction satisfied the line search (scipy:
  /// "Desired error not necessarily achieved due to precision loss.").
  case lineSearchFailed = "line-search-failed"
  /// The cost or the gradient became NaN or infinite.
  case notFinite = "not-finite"
  /// The progress callback asked to stop (Ctrl-C in `theta train`).
  case interrupted = "interrupted"

  /// A sentence for the user.
  public var message: String {
    switch self {
    case .converged: "converged: the gradient is below the tolerance"
    case .maxIterations: "reached the maximum number of iterations"
    case .maxEvaluations: "reached the maximum number of evaluations"
    case .lineSearchFailed: "stopped: no acceptable step along the search direction (precision loss)"
    case .notFinite: "stopped: the cost or gradient is not finite"
    case .interrupted: "interrupted"
    }
  }
}

/// The state after an iteration, passed to the progress callback.
public struct IterationReport: Sendable {
  /// Iterations done so far (1 after the first).
  public var iteration: Int
  /// `f` at the current point.
  public var cost: Double
  /// Evaluations of the objective so far.
  public var evaluations: Int
  /// The largest absolute component of the gradient at the current point.
  public var gradientNorm: Double
}

/// When to stop minimising.
public struct StoppingCriteria: Sendable, Equatable {
  /// Stop after this many iterations (scipy's `maxiter`).
  public var maxIterations: Int
  /// Stop before an iteration that could exceed this many evaluations (`nil`: no limit).
  public var maxEvaluations: Int?
  /// Stop when `max |∇f| ≤ gradientTolerance` (scipy's `gtol`, infinity norm).
  public var gradientTolerance: Double

  /// Criteria; the defaults are scipy's (`gtol = 1e-5`) with the seed's 50 iterations.
  public init(maxIterations: Int = 50, maxEvaluations: Int? = nil, gradientTolerance: Double = 1e-5) {
    self.maxIterations = maxIterations
    self.maxEvaluations = maxEvaluations
    self.gradientTolerance = gradientTolerance
  }
}

/// What a minimisation returns.
public struct OptimizationResult: Sendable {
  /// The final point (the best found: both optimisers only accept descent steps).
  public var x: [Double]
  /// `f(x)`.
  public var cost: Double
  /// `∇f(x)`.
  public var gradient: [Double]
  /// Iterations done, counted as scipy counts them (accepted steps).
  public var iterations: Int
  /// Evaluations of the objective (scipy's `nfev` for CG).
  public var evaluations: Int
  /// Why it stopped.
  public var stopReason: StopReason
  /// `f` at the start, then after each iteration (``iterations`` + 1 values).
  public var costHistory: [Double]
}

// MARK: - Vector helpers

/// `a·b` (in ``Kernels/dot(_:_:)``).
func dot(_ a: [Double], _ b: [Double]) -> Double { Kernels.dot(a, b) }

/// `x + alpha·p`, element by element as numpy's `xk + alpha * pk`.
func axpy(_ x: [Double], _ alpha: Double, _ p: [Double]) -> [Double] {
  var out: [Double] = []
  Kernels.axpy(x, alpha, p, into: &out)
  return out
}

/// `max |vᵢ|`, scipy's `vecnorm(v, ord=inf)` (NaN if any component is NaN).
func maxNorm(_ v: [Double]) -> Double {
  var m = 0.0
  for x in v {
    if x.isNaN { return .nan }
    m = max(m, abs(x))
  }
  return m
}

/// Euclidean norm, numpy's `np.linalg.norm`.
func euclideanNorm(_ v: [Double]) -> Double { dot(v, v).squareRoot() }

/// An optimiser: ``ConjugateGradient`` or ``LBFGS``.
public protocol Minimizer {
  /// Minimises `function` from `x0`, using its cheap line evaluations in the line searches.
  ///
  /// - Parameters:
  ///   - function: `f`, `∇f` and line evaluations (see ``LineSearchable``).
  ///   - x0: the starting point.
  ///   - criteria: when to stop.
  ///   - progress: called after each iteration; return `false` to stop (the
  ///     result is then the current point, with ``StopReason/interrupted``).
  /// - Returns: the final point, its cost and gradient, and the counts.
  func minimize(
    _ function: any LineSearchable, from x0: [Double], criteria: StoppingCriteria,
    progress: (IterationReport) -> Bool
  ) -> OptimizationResult
}

extension Minimizer {
  /// Minimises a plain `objective` (`f` and `∇f`, see ``Objective``) from `x0`.
  public func minimize(
    _ objective: @escaping Objective, from x0: [Double], criteria: StoppingCriteria = StoppingCriteria(),
    progress: (IterationReport) -> Bool = { _ in true }
  ) -> OptimizationResult {
    minimize(ClosureObjective(objective), from: x0, criteria: criteria, progress: progress)
  }
}
