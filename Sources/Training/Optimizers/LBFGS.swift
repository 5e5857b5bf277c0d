/// Limited-memory BFGS (Nocedal and Wright, Algorithms 7.4 and 7.5).
///
/// The direction is `p = −H·g`, with `H` the inverse-Hessian approximation built
/// by the two-loop recursion from the last ``memory`` pairs `s = x₊ − x`,
/// `y = g₊ − g` (a pair with `s·y ≤ 1e-10·y·y` is skipped, keeping `H` positive
/// definite), scaled initially by `γ = s·y / y·y`. Steps come from the Moré–Thuente
/// line search (the same MINPACK `dcsrch` as ``ConjugateGradient``) with
/// `c1 = 1e-4`, `c2 = 0.9`; the first trial step is 1, and `1/‖g‖₂` (at most 1)
/// on the first iteration, as in L-BFGS-B. If the search fails, the memory is
/// dropped and a steepest-descent step is tried once before giving up.
///
/// It stops as ``ConjugateGradient`` does (`max |g| ≤ gtol`, iterations,
/// evaluations). Usually one evaluation per iteration, so in the evaluations CG
/// needs for 50 iterations it does about twice as many iterations.
public struct LBFGS: Minimizer, Sendable {
  /// Number of `(s, y)` pairs kept.
  public var memory = 10
  /// Sufficient-decrease constant of the line search.
  public var c1 = 1e-4
  /// Curvature constant of the line search.
  public var c2 = 0.9

  /// A minimiser with the usual constants (memory 10, `c1 = 1e-4`, `c2 = 0.9`).
  public init() {}

  /// Minimises `function` from `x0`, using its cheap line evaluations; see ``ConjugateGradient``.
  public func minimize(
    _ function: any LineSearchable, from x0: [Double], criteria: StoppingCriteria = StoppingCriteria(),
    progress: (IterationReport) -> Bool = { _ in true }
  ) -> OptimizationResult {
    let cache = EvaluationCache(function)
    var x = x0
    var (f, g) = cache.evaluate(x)
    var gnorm = maxNorm(g)
    var history = [f]
    var k = 0
    var s: [[Double]] = []
    var y: [[Double]] = []
    var rho: [Double] = []
    var reason: StopReason?
    var retried = false

    while gnorm > criteria.gradientTolerance && k < criteria.maxIterations {
      if let limit = criteria.maxEvaluations, cache.evaluations >= limit {
        reason = .maxEvaluations
        break
      }
      if !f.isFinite || gnorm.isNaN {
        reason = .notFinite
        break
      }
      // Two-loop recursion: p = −H·g.
      var q = g
      var alphas = [Double](repeating: 0, count: s.count)
      for i in stride(from: s.count - 1, through: 0, by: -1) {
        alphas[i] = rho[i] * dot(s[i], q)
        for j in q.indices { q[j] -= alphas[i] * y[i][j] }
      }
      if let sl = s.last, let yl = y.last {
        let gamma = dot(sl, yl) / dot(yl, yl)
        for j in q.indices { q[j] *= gamma }
      }
      for i in 0..<s.count {
        let beta = rho[i] * dot(y[i], q)
        for j in q.indices { q[j] += s[i][j] * (alphas[i] - beta) }
      }
      var p = q.map { -$0 }
      var derphi0 = dot(g, p)
      if !(derphi0 < 0) {  // not a descent direction (rounding): restart
        s.removeAll()
        y.removeAll()
        rho.removeAll()
        p = g.map { -$0 }
        derphi0 = dot(g, p)
      }
      let first = s.isEmpty
      let alpha1 = first ? pyMin(1.0, 1 / euclideanNorm(p)) : 1.0
      var search = MoreThuente(ftol: c1, gtol: c2, xtol: 1e-14, stpmin: 0, stpmax: 1e100)
      let xk = x
      cache.beginLine(at: xk, direction: p)
      let (stp, fSearch, _) = search.search(alpha1: alpha1, phi0: f, derphi0: derphi0, maxiter: 20) { a in
        cache.phi(a)
      }
      guard let alpha = stp, fSearch <= f else {
        if retried || first {
          reason = .lineSearchFailed
          break
        }
        retried = true
        s.removeAll()
        y.removeAll()
        rho.removeAll()
        continue
      }
      retried = false
      let xNew = axpy(xk, alpha, p)
      let fNew = fSearch
      let gNew = cache.gradient(alpha: alpha)  // the search's last point: no new evaluation
      var sk = xNew
      var yk = gNew
      for j in sk.indices {
        sk[j] = xNew[j] - xk[j]
        yk[j] = gNew[j] - g[j]
      }
      let sy = dot(sk, yk)
      let yy = dot(yk, yk)
      if sy > 1e-10 * yy {
        if s.count == memory {
          s.removeFirst()
          y.removeFirst()
          rho.removeFirst()
        }
        s.append(sk)
        y.append(yk)
        rho.append(1 / sy)
      }
      x = xNew
      f = fNew
      g = gNew
      gnorm = maxNorm(g)
      k += 1
      history.append(f)
      let report = IterationReport(iteration: k, cost: f, evaluations: cache.evaluations, gradientNorm: gnorm)
      if !progress(report) {
        reason = .interrupted
        break
      }
    }
    if reason == nil {
      if gnorm <= criteria.gradientTolerance {
        reason = .converged
      } else if k >= criteria.maxIterations {
        reason = .maxIterations
      } else {
        reason = .notFinite
      }
    }
    return OptimizationResult(
      x: x, cost: f, gradient: g, iterations: k, evaluations: cache.evaluations,
      stopReason: reason ?? .converged, costHistory: history)
  }
}
