import LinearAlgebra
import Testing
import Training

/// The seed's and the course's gradient checks (REFERENCE.md, "Gradient checks"),
/// a finite-difference check of a deeper network, and the cost's stability.
@Suite struct GradientCheckTests {
  /// REFERENCE.md, seed variant: J and `grad[:5]` as the seed prints them, for λ = 0 and 3.
  /// The printed arrays are the seed post's own output.
  @Test(arguments: [
    (0.0, 2.117060154072396, "[0.0114253  0.00554851 0.00865516 0.0062458  0.00759429]"),
    (3.0, 2.1624722121993045, "[0.0114253  0.03653578 0.02345308 0.01270898 0.00759429]"),
  ])
  func seedCheckReproducesTheReference(lambda: Double, cost: Double, printed: String) throws {
    let r = try GradientCheck.run(.seed, lambda: lambda)
    #expect(r.labels == [1, 0, 0, 1, 2])
    #expect(abs(r.cost - cost) <= 1e-15 * cost)
    #expect(NumpyFormat.array(r.analytic.prefix(5)) == printed)
    #expect(NumpyFormat.array(r.numerical.prefix(5)) == printed)
    #expect(r.passed)
    // numpy (tools/seed_reference.checkNNGradients): 3.2371200647591e-11 (λ = 0) and
    // 2.8054790510187378e-11 (λ = 3). The central differences amplify the cost's
    // last-bit rounding by 1/ε, so only the order of magnitude is comparable.
    #expect(r.relativeDifference > 1e-11 && r.relativeDifference < 1e-10)
  }

  /// The seed's quirk: label 0 lights the last output (numpy's index −1).
  @Test func seedTargetsWrapLabelZeroToTheLastOutput() throws {
    #expect(try CostFunction.seedTargets(labels: [1, 0, 0, 1, 2], outputs: 3) == [0, 2, 2, 0, 1])
    #expect(throws: TrainingError.self) { try CostFunction.targets(labels: [0], outputLabels: [1, 2, 3]) }
    #expect(throws: TrainingError.self) { try CostFunction.targets(labels: [4], outputLabels: [1, 2, 3]) }
  }

  /// REFERENCE.md, course variant: λ = 0 J = 2.100950569902465, `grad[:3]` =
  /// `-9.27825236e-03 -3.04978914e-06 -1.75060082e-04`; λ = 3 J = 2.146359815024358;
  /// relative difference "about 2.5e-11" (numpy: 2.5463714540777853e-11 and
  /// 2.4244794305032205e-11; central differences amplify rounding, so only the
  /// order of magnitude is comparable).
  @Test func courseCheckReproducesTheReference() throws {
    let r0 = try GradientCheck.run(.course, lambda: 0)
    #expect(r0.labels == [2, 3, 1, 2, 3])
    #expect(abs(r0.cost - 2.100950569902465) <= 1e-15 * 2.1)
    #expect(NumpyFormat.array(r0.analytic.prefix(3)) == "[-9.27825236e-03 -3.04978914e-06 -1.75060082e-04]")
    #expect(r0.relativeDifference > 1e-11 && r0.relativeDifference < 1e-10)
    let r3 = try GradientCheck.run(.course, lambda: 3)
    #expect(abs(r3.cost - 2.146359815024358) <= 1e-15 * 2.2)
    #expect(r3.relativeDifference > 1e-11 && r3.relativeDifference < 1e-10)
    #expect(r0.passed && r3.passed)
  }

  /// Backpropagation through four weight matrices against central differences
  /// (an independent computation of the same derivative).
  @Test(arguments: [0.0, 0.7])
  func deepNetworkGradientMatchesCentralDifferences(lambda: Double) throws {
    let layout = try NetworkLayout(layerSizes: [4, 6, 5, 4, 3])
    let theta = layout.initialParameters(.theta(seed: 7), epsilon: .fixed(1.0))
    var g = SplitMix64(seed: 99)
    let m = 9
    let x = try Matrix(rows: m, columns: 4, storage: (0..<(m * 4)).map { _ in g.nextUnit() * 2 - 1 })
    let labels = (0..<m).map { 1 + $0 % 3 }
    for features in [x, x.converted(to: .columnMajor)] {
      let cost = try CostFunction(layout: layout, features: features, labels: labels, lambda: lambda)
      let analytic = cost.gradient(theta)
      let numerical = GradientCheck.numericalGradient(of: { cost.cost($0) }, at: theta)
      let diff = GradientCheck.relativeDifference(analytic, numerical)
      #expect(diff < 1e-9, "relative difference \(diff)")
    }
  }

  /// Outputs that saturate to exactly 0 or 1 give the exact finite cost, where the
  /// seed's formula gives inf or NaN. Expected: numpy's
  /// `np.logaddexp(0, 50.0)` = 50.0 and `np.logaddexp(0, 800.0)` = 800.0 for the
  /// two saturated terms of row 1, and the seed's own finite 0 terms for row 2:
  /// J = (50 + 800 + 0 + 0) / 2 = 425.0.
  @Test func saturatedOutputsGiveAFiniteExactCost() throws {
    let layout = try NetworkLayout(layerSizes: [1, 1, 2])
    // Θ1 = [0 2]; Θ2 = [[50 0], [-800 0]]: outputs σ(50) = 1 and σ(−800) = 0 exactly.
    let theta = [0.0, 2.0, 50.0, 0.0, -800.0, 0.0]
    let x = try Matrix(rows: 2, columns: 1, storage: [1.0, 0.0])
    let cost = try CostFunction(layout: layout, features: x, labels: [2, 1], lambda: 0)
    var grad: [Double] = []
    let j = cost.costAndGradient(theta, gradient: &grad)
    #expect(j == 425.0)
    #expect(cost.cost(theta) == 425.0)
    #expect(grad.allSatisfy { $0.isFinite })
  }

  @Test func badInputsAreRefused() throws {
    let layout = try NetworkLayout(layerSizes: [2, 2, 2])
    let x = try Matrix(rows: 2, columns: 2, storage: [0, 1, 1, 0])
    #expect(throws: TrainingError.inputWidth(actual: 2, expected: 3)) {
      try CostFunction(layout: NetworkLayout(layerSizes: [3, 2, 2]), features: x, labels: [1, 2], lambda: 0)
    }
    #expect(throws: TrainingError.labelCount(labels: 1, examples: 2)) {
      try CostFunction(layout: layout, features: x, labels: [1], lambda: 0)
    }
    #expect(throws: TrainingError.labelOutOfRange(row: 1, label: 3, labels: [1, 2])) {
      try CostFunction(layout: layout, features: x, labels: [1, 3], lambda: 0)
    }
    #expect(throws: TrainingError.badLayerSizes([2])) { try NetworkLayout(layerSizes: [2]) }
    #expect(throws: TrainingError.badLayerSizes([2, 0, 1])) { try NetworkLayout(layerSizes: [2, 0, 1]) }
  }
}

/// numpy's array printing, as the seed's output shows it.
@Suite struct NumpyFormatTests {
  /// Expected strings printed by numpy 2.4.6: `print(np.array([...]))`.
  @Test(arguments: [
    ([1.0, 2.5, -3.25], "[ 1.    2.5  -3.25]"),
    ([1e-5, 2.0], "[1.e-05 2.e+00]"),
    ([-0.5, 12.125, 0.0], "[-0.5   12.125  0.   ]"),
    ([1.5e10, 3.0], "[1.5e+10 3.0e+00]"),
    ([0.0, 0.0], "[0. 0.]"),
  ])
  func printsAsNumpy(values: [Double], printed: String) {
    #expect(NumpyFormat.array(values) == printed)
  }
}
