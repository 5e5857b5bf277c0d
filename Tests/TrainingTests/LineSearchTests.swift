import Testing

@testable import Training

/// The line searches against scipy 1.17.1's own (`scipy.optimize._dcsrch.DCSRCH`
/// and `_linesearch.scalar_search_wolfe2`) on Moré and Thuente's test functions 1
/// and 2 (ACM TOMS 20, 1994). Expected steps and evaluation counts printed by
/// the script quoted in `Docs/TRAINING.md` ("Checking the optimisers").
@Suite struct LineSearchTests {
  static func function1(_ a: Double) -> (Double, Double) {
    let b = 2.0
    return (-a / (a * a + b), (a * a - b) / ((a * a + b) * (a * a + b)))
  }
  static func function2(_ a: Double) -> (Double, Double) {
    let b = 0.004
    let t = a + b
    return (t * t * t * t * t - 2 * t * t * t * t, t * t * t * (5 * t - 8))
  }

  /// scipy: `DCSRCH(phi, derphi, ftol, gtol, 1e-14, 0.0, 1e10)(a1, phi(0), derphi(0), maxiter=100)`.
  @Test(arguments: [
    (1, 1e-3, 1e-3, 0.1, 1.365, 6),
    (1, 1e-1, 1e-3, 0.1, 1.4413720790892741, 3),
    (1, 10.0, 1e-3, 0.1, 10.0, 1),
    (1, 1000.0, 1e-3, 0.1, 36.88760696396662, 4),
    (2, 1e-3, 0.1, 0.1, 1.596000000186075, 12),
    (2, 1e-1, 0.1, 0.1, 1.5960000000049348, 8),
    (2, 10.0, 0.1, 0.1, 1.5959999997572036, 8),
    (2, 1000.0, 0.1, 0.1, 1.595999998872531, 11),
  ])
  func moreThuenteMatchesScipy(function: Int, start: Double, ftol: Double, gtol: Double, step: Double, calls: Int) {
    let phi = { (a: Double) in function == 1 ? Self.function1(a) : Self.function2(a) }
    var n = 0
    var search = MoreThuente(ftol: ftol, gtol: gtol, xtol: 1e-14, stpmin: 0, stpmax: 1e10)
    let (f0, d0) = phi(0)
    let (stp, _, task) = search.search(alpha1: start, phi0: f0, derphi0: d0) { a in
      n += 1
      return phi(a)
    }
    #expect(task == .convergence)
    #expect(stp.map { abs($0 - step) <= 1e-12 * step } == true, "step \(String(describing: stp)), scipy \(step)")
    #expect(n == calls)
  }

  /// scipy: `scalar_search_wolfe2(phi, derphi, phi(0), None, derphi(0), c1=1e-4, c2=0.1)`
  /// gives 1.5 after 3 evaluations of φ on function 1, 1.59600000000067 after 9 on function 2.
  @Test(arguments: [(1, 1.5, 3), (2, 1.59600000000067, 9)])
  func wolfe2MatchesScipy(function: Int, step: Double, calls: Int) {
    let phi = { (a: Double) in function == 1 ? Self.function1(a) : Self.function2(a) }
    // A one-dimensional objective: f(x) = φ(x₀), searched along p = 1 from 0.
    var n = 0
    let cache = EvaluationCache(
      ClosureObjective { x, g in
        n += 1
        let (f, d) = phi(x[0])
        g = [d]
        return f
      })
    let (f0, d0) = phi(0)
    let s = lineSearchWolfe2(
      cache, x: [0], p: [1], g: [d0], f0: f0, fPrevious: nil, c1: 1e-4, c2: 0.1, amax: nil, extraCondition: nil)
    #expect(s.map { abs($0.alpha - step) <= 1e-12 * step } == true)
    #expect(n == calls)
  }
}
