import Testing
import Training

/// scipy's `rosen` and `rosen_der`, in scipy's arithmetic order.
func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
  let n = x.count
  var f = 0.0
  for i in 0..<(n - 1) {
    let a = x[i + 1] - x[i] * x[i]
    let b = 1 - x[i]
    f += 100.0 * (a * a) + b * b
  }
  g = [Double](repeating: 0, count: n)
  for i in 1..<(n - 1) {
    g[i] = 200 * (x[i] - x[i - 1] * x[i - 1]) - 400 * (x[i + 1] - x[i] * x[i]) * x[i] - 2 * (1 - x[i])
  }
  g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0])
  g[n - 1] = 200 * (x[n - 1] - x[n - 2] * x[n - 2])
  return f
}

/// The optimisers on the Rosenbrock function against scipy 1.17.1:
/// `scipy.optimize.minimize(rosen, x0, jac=rosen_der, method='CG')` gives
/// from (−1.2, 1): fun 1.8804459622389675e-14, nit 36, nfev 78;
/// from (1.3, 0.7, 0.8, 1.9, 1.2): fun 4.4251137864727476e-12, nit 47, nfev 97.
@Suite struct OptimizerTests {
  @Test func conjugateGradientFollowsScipyOnRosenbrock2D() {
    let r = ConjugateGradient().minimize(
      rosenbrock, from: [-1.2, 1.0], criteria: StoppingCriteria(maxIterations: 1000))
    #expect(r.stopReason == .converged)
    #expect(r.iterations == 36)
    #expect(r.evaluations == 78)
    #expect(abs(r.cost - 1.8804459622389675e-14) < 1e-2 * 1.88e-14)  // rounding-level differences
    #expect(r.costHistory.count == r.iterations + 1)
  }

  @Test func conjugateGradientFollowsScipyOnRosenbrock5D() {
    let r = ConjugateGradient().minimize(
      rosenbrock, from: [1.3, 0.7, 0.8, 1.9, 1.2], criteria: StoppingCriteria(maxIterations: 1000))
    #expect(r.stopReason == .converged)
    #expect(r.iterations == 47)
    #expect(r.evaluations == 97)
    #expect(abs(r.cost - 4.4251137864727476e-12) < 1e-2 * 4.4e-12)
  }

  /// scipy stops at `maxiter` and says so (`status 1`).
  @Test func maxIterationsStops() {
    let r = ConjugateGradient().minimize(rosenbrock, from: [-1.2, 1.0], criteria: StoppingCriteria(maxIterations: 5))
    #expect(r.iterations == 5)
    #expect(r.stopReason == .maxIterations)
    #expect(r.costHistory.count == 6)
    #expect(zip(r.costHistory, r.costHistory.dropFirst()).allSatisfy { $0 >= $1 })
  }

  @Test func progressCallbackCanInterrupt() {
    var seen = 0
    let r = ConjugateGradient().minimize(rosenbrock, from: [-1.2, 1.0], criteria: StoppingCriteria(maxIterations: 100))
    {
      seen = $0.iteration
      return $0.iteration < 3
    }
    #expect(seen == 3)
    #expect(r.iterations == 3)
    #expect(r.stopReason == .interrupted)
  }

  /// L-BFGS reaches the known minimum (1, …, 1) of Rosenbrock.
  @Test func lbfgsFindsTheRosenbrockMinimum() {
    let r = LBFGS().minimize(
      rosenbrock, from: [1.3, 0.7, 0.8, 1.9, 1.2], criteria: StoppingCriteria(maxIterations: 1000))
    #expect(r.stopReason == .converged)
    #expect(r.x.allSatisfy { abs($0 - 1) < 1e-4 })
    #expect(r.cost < 1e-9)
  }

  @Test func evaluationLimitStops() {
    let r = LBFGS().minimize(
      rosenbrock, from: [-1.2, 1.0], criteria: StoppingCriteria(maxIterations: 1000, maxEvaluations: 10))
    #expect(r.stopReason == .maxEvaluations)
    #expect(r.evaluations >= 10 && r.evaluations <= 12)
  }
}
