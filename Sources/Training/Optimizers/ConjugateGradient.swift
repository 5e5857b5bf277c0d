/// Nonlinear conjugate gradient as scipy's `minimize(method='CG')` runs it.
///
/// Polak–Ribière+ (`β = max(0, (g₊ − g)·g₊ / g·g)`, `p₊ = −g₊ + β·p`) from
/// `p₀ = −∇f(x₀)`. Each iteration searches along `p` with MINPACK's Moré–Thuente
/// line search for the strong Wolfe conditions (`c1 = 1e-4`, `c2 = 0.4`, step in
/// `[1e-100, 1e100]`), falling back to the Nocedal–Wright bracketing search
/// (`line_search_wolfe2`). A step is accepted only if the new direction is a
/// sufficient descent direction, `p₊·g₊ ≤ −0.01·g₊·g₊` (Gilbert and Nocedal), or
/// if the new gradient already meets the tolerance. The first trial step is
/// `min(1, 2.02·(f_k − f_{k−1})/(g·p))`, with the "previous" value of the first
/// iteration set to `f₀ + ‖g₀‖/2` so that the first step moves about 1.
///
/// Iterations are counted as scipy counts them (`nit`: accepted steps), and it
/// stops when `max |g| ≤ gtol` (scipy's default `norm=inf`, `gtol=1e-5`), at
/// `maxiter`, or when neither line search finds a step.
public struct ConjugateGradient: Minimizer, Sendable {
  /// Sufficient-decrease constant of the line search (scipy's `c1`).
  public var c1 = 1e-4
  /// Curvature constant of the line search (scipy's CG default `c2 = 0.4`).
  public var c2 = 0.4

  /// A minimiser with scipy's constants.
  public init() {}

  /// Minimises `function` from `x0`, using its cheap line evaluations in the line searches.
  ///
  /// - Parameters:
  ///   - function: `f`, `∇f` and line evaluations (see ``LineSearchable``).
  ///   - x0: the starting point.
  ///   - criteria: when to stop.
  ///   - progress: called after each iteration; return `false` to stop.
  /// - Returns: the final point, its cost and gradient, and the counts.
  public func minimize(
    _ function: any LineSearchable, from x0: [Double], criteria: StoppingCriteria = StoppingCriteria(),
    progress: (IterationReport) -> Bool = { _ in true }
  ) -> OptimizationResult {
    let cache = EvaluationCache(function)
    let gtol = criteria.gradientTolerance
    let sigma3 = 0.01

    var (oldFval, gfk) = cache.evaluate(x0)
    var xk = x0
    var k = 0
    var oldOldFval = oldFval + euclideanNorm(gfk) / 2
    var pk = gfk.map { -$0 }
    var gnorm = maxNorm(gfk)
    var history = [oldFval]
    var reason: StopReason?

    // The state a Polak–Ribière step leads to, as scipy's `polak_ribiere_powell_step`.
    struct Step {
      var alpha: Double
      var x: [Double]
      var p: [Double]
      var g: [Double]
      var gnorm: Double
    }

    while gnorm > gtol && k < criteria.maxIterations {
      if let limit = criteria.maxEvaluations, cache.evaluations >= limit {
        reason = .maxEvaluations
        break
      }
      let deltak = dot(gfk, gfk)
      let (x, p, g) = (xk, pk, gfk)
      func prpStep(_ alpha: Double, _ gk1: [Double]) -> Step {
        let xNew = axpy(x, alpha, p)
        var yk = gk1
        for i in yk.indices { yk[i] = gk1[i] - g[i] }
        let beta = pyMax(0, dot(yk, gk1) / deltak)
        var pNew = gk1
        for i in pNew.indices { pNew[i] = -gk1[i] + beta * p[i] }
        return Step(alpha: alpha, x: xNew, p: pNew, g: gk1, gnorm: maxNorm(gk1))
      }
      var cached: Step?
      func descentCondition(_ alpha: Double, _ f: Double, _ gNew: [Double]) -> Bool {
        let s = prpStep(alpha, gNew)
        cached = s
        if s.gnorm <= gtol { return true }
        return dot(s.p, s.g) <= -sigma3 * dot(s.g, s.g)
      }

      // scipy's `_line_search_wolfe12`.
      var step = lineSearchWolfe1(
        cache, x: x, p: p, g: g, f0: oldFval, fPrevious: oldOldFval, c1: c1, c2: c2, amax: 1e100, amin: 1e-100)
      if let s = step, !descentCondition(s.alpha, s.f, cache.gradient(alpha: s.alpha)) {
        step = nil
      }
      if step == nil {
        step = lineSearchWolfe2(
          cache, x: x, p: p, g: g, f0: oldFval, fPrevious: oldOldFval, c1: c1, c2: c2, amax: 1e100,
          extraCondition: descentCondition)
      }
      guard let accepted = step else {
        reason = .lineSearchFailed
        break
      }
      oldOldFval = accepted.f0
      oldFval = accepted.f
      let next: Step
      if let c = cached, c.alpha == accepted.alpha {
        next = c
      } else {
        next = prpStep(accepted.alpha, cache.gradient(alpha: accepted.alpha))
      }
      xk = next.x
      pk = next.p
      gfk = next.g
      gnorm = next.gnorm
      k += 1
      history.append(oldFval)
      let report = IterationReport(iteration: k, cost: oldFval, evaluations: cache.evaluations, gradientNorm: gnorm)
      if !progress(report) {
        reason = .interrupted
        break
      }
    }
    if reason == nil {
      if k >= criteria.maxIterations {
        reason = .maxIterations
      } else if gnorm.isNaN || oldFval.isNaN || xk.contains(where: \.isNaN) {
        reason = .notFinite
      } else {
        reason = .converged
      }
    }
    return OptimizationResult(
      x: xk, cost: oldFval, gradient: gfk, iterations: k, evaluations: cache.evaluations,
      stopReason: reason ?? .converged, costHistory: history)
  }
}
