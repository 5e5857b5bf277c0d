import LinearAlgebra
import ModelFormat
import TestSupport
import Testing

@testable import Inference

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct NetworkTests {
  /// 1-1-2 network with outputs known in closed form: `x = ln 3`, `Θ₁ = [0 1]` gives
  /// `a₁ = σ(ln 3) = 3/4`; `Θ₂ = [0 4·ln2; −ln5 0]` gives `σ(3·ln2) = 8/9` and `σ(−ln5) = 1/6`.
  @Test func closedFormOutputs() throws {
    let model = ThetaModel(weights: [
      WeightMatrix(name: "Theta1", rows: 1, columns: 2, values: [0, 1]),
      WeightMatrix(name: "Theta2", rows: 2, columns: 2, values: [0, 4 * log(2.0), -log(5.0), 0]),
    ])
    let net = try Network(model)
    let x = try Matrix([[log(3.0)], [-log(3.0)]])
    let p = try net.probabilities(x)
    #expect(p.rows == 2 && p.columns == 2 && p.layout == .rowMajor)
    // Second row: a₁ = 1/4, so σ(ln2) = 2/3 and again 1/6.
    expectClose(rows(of: p), [[8.0 / 9, 1.0 / 6], [2.0 / 3, 1.0 / 6]], tolerance: 1e-15)
    #expect(try net.predict(x) == [1, 1])
  }

  /// The 4-3-2 network of `tools/train_reference.py` (`tiny_network`); the
  /// expected values were printed by numpy running the seed's `predict`.
  @Test func tinyNetworkMatchesNumpySeed() throws {
    let model = ThetaModel(weights: [
      WeightMatrix(
        name: "Theta1", rows: 3, columns: 5,
        values: [
          0.5, 1.0, -1.5, 2.0, -0.25, -1.0, 0.75, 2.5, -2.0, 1.25, 0.25, -2.5, 0.5, 1.5, -1.75,
        ]),
      WeightMatrix(
        name: "Theta2", rows: 2, columns: 4, values: [-0.5, 2.0, -3.0, 1.5, 1.0, -2.5, 2.25, -1.25]),
    ])
    let x = try Matrix([
      [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
      [0.5, -0.25, 0.75, -1.0], [-0.5, 0.25, -0.75, 1.0],
    ])
    let numpy: [[Double]] = [
      [0.4911765791730023, 0.45561212629615166],
      [0.1984400802267285, 0.7888846830037277],
      [0.923007917698714, 0.09375817386415061],
      [0.31248262911234276, 0.6528122729218252],
      [0.9333792254444035, 0.08171631363037024],
      [0.06946350187268013, 0.9195827823834134],
    ]
    let net = try Network(model)
    expectClose(rows(of: try net.probabilities(x)), numpy, tolerance: 1e-15)
    #expect(try net.predict(x) == [1, 2, 1, 2, 1, 2])
    #expect(try net.predict(x.converted(to: .columnMajor)) == [1, 2, 1, 2, 1, 2])
  }

  /// The course shape 400-25-10 against the plain-loop reference, both input layouts.
  @Test(arguments: MatrixLayout.allCases)
  func courseShapeMatchesNaiveReference(layout: MatrixLayout) throws {
    let model = randomModel(sizes: [400, 25, 10], scale: 10, seed: 7)
    var rng = SplitMix64(seed: 99)
    let m = 257
    let x = try Matrix(
      rows: m, columns: 400, storage: randomValues(m * 400, in: 0...1, using: &rng))
    let reference = naiveProbabilities(model, rows(of: x))
    let net = try Network(model)
    let input = x.converted(to: layout)
    let p = try net.probabilities(input)
    expectClose(rows(of: p), reference, tolerance: 1e-12)
    let expected = naivePredict(reference, labels: Array(1...10))
    #expect(try net.predict(input) == expected)
    #expect(net.labels(forProbabilities: p) == expected)
  }

  /// Three hidden layers (5-7-6-4-3) and custom labels.
  @Test func deepNetworkMatchesNaiveReference() throws {
    let labels = [30, 10, 20]
    let model = randomModel(sizes: [5, 7, 6, 4, 3], scale: 20, labels: labels, seed: 3)
    var rng = SplitMix64(seed: 4)
    let x = try Matrix(
      rows: 40, columns: 5, storage: randomValues(200, in: -2...2, using: &rng),
      layout: .columnMajor)
    let net = try Network(model)
    #expect(net.layerSizes == [5, 7, 6, 4, 3])
    let reference = naiveProbabilities(model, rows(of: x))
    expectClose(rows(of: try net.probabilities(x)), reference, tolerance: 1e-12)
    let predicted = try net.predict(x)
    #expect(predicted == naivePredict(reference, labels: labels))
    #expect(Set(predicted).isSubset(of: Set(labels)))
  }

  /// Row-major and column-major copies of the same input give the same answers.
  @Test func layoutsAgree() throws {
    let net = try Network(randomModel(sizes: [400, 25, 10], scale: 8, seed: 11))
    var rng = SplitMix64(seed: 12)
    let xr = try Matrix(
      rows: 1000, columns: 400, storage: randomValues(400_000, in: 0...1, using: &rng))
    let xc = xr.converted(to: .columnMajor)
    #expect(xc == xr)
    let pr = try net.probabilities(xr)
    let pc = try net.probabilities(xc)
    expectClose(rows(of: pr), rows(of: pc), tolerance: 1e-14)
    #expect(try net.predict(xr) == net.predict(xc))
  }

  /// Equal outputs go to the first unit, as `np.argmax` does; labels map the index.
  @Test func tiesGoToTheFirstLargestOutput() throws {
    // Θ₁ = [0 0]: a₁ = 1/2 for every input; Θ₂ rows give z = 0, 1, 1, 0.
    let model = ThetaModel(
      weights: [
        WeightMatrix(name: "Theta1", rows: 1, columns: 2, values: [0, 0]),
        WeightMatrix(name: "Theta2", rows: 4, columns: 2, values: [0, 0, 0, 2, 1, 0, -1, 2]),
      ], labels: [4, 9, 2, 7])
    let net = try Network(model)
    let x = try Matrix([[0.3], [-5]])
    #expect(try net.predict(x) == [9, 9])
    // All four equal: the first label.
    let flat = ThetaModel(weights: [
      WeightMatrix(name: "Theta1", rows: 1, columns: 2, values: [0, 0]),
      WeightMatrix(name: "Theta2", rows: 3, columns: 2, values: [0, 0, 0, 0, 0, 0]),
    ])
    #expect(try Network(flat).predict(x) == [1, 1])
  }

  /// Outputs that saturate to exactly 1.0 tie, so the first wins even when a
  /// later `z` is larger, as numpy's `argmax` over `A3` decides.
  @Test func saturatedOutputsTieLikeNumpy() throws {
    let model = ThetaModel(weights: [
      WeightMatrix(name: "Theta1", rows: 1, columns: 2, values: [0, 1]),
      WeightMatrix(name: "Theta2", rows: 3, columns: 2, values: [1, 0, 40, 0, 50, 0]),
    ])
    let p = try Network(model).probabilities(try Matrix([[0]]))
    #expect(p[0, 1] == 1 && p[0, 2] == 1)
    #expect(try Network(model).predict(try Matrix([[0]])) == [2])
  }

  /// NaN inputs give NaN outputs, and the first NaN wins, as in `np.argmax`.
  @Test func nanPropagates() throws {
    let net = try Network(randomModel(sizes: [3, 4, 3], seed: 5))
    let x = try Matrix([[.nan, 0, 0], [1, 2, 3]])
    let p = try net.probabilities(x)
    #expect((0..<3).allSatisfy { p[0, $0].isNaN })
    #expect((0..<3).allSatisfy { !p[1, $0].isNaN })
    #expect(try net.predict(x)[0] == 1)
  }

  @Test func inputWidthMismatchIsAnError() throws {
    let net = try Network(randomModel(sizes: [400, 25, 10], seed: 1))
    let x = Matrix(rows: 3, columns: 399)
    #expect(throws: InferenceError.inputWidth(actual: 399, expected: 400)) {
      try net.predict(x)
    }
    #expect(throws: InferenceError.inputWidth(actual: 399, expected: 400)) {
      try net.probabilities(x)
    }
    #expect(
      InferenceError.inputWidth(actual: 399, expected: 400).description
        == "input has 399 features per example; the model expects 400")
  }

  @Test func emptyBatch() throws {
    let net = try Network(randomModel(sizes: [4, 3, 2], seed: 1))
    for layout in MatrixLayout.allCases {
      let x = Matrix(rows: 0, columns: 4, layout: layout)
      #expect(try net.predict(x) == [])
      let p = try net.probabilities(x)
      #expect(p.rows == 0 && p.columns == 2)
    }
  }

  /// A workspace reused across batch sizes, layouts and networks gives fresh answers.
  @Test func workspaceReuse() throws {
    let a = try Network(randomModel(sizes: [20, 8, 5], scale: 10, seed: 21))
    let b = try Network(randomModel(sizes: [20, 6, 6, 3], scale: 10, seed: 22))
    var rng = SplitMix64(seed: 23)
    var workspace = Network.Workspace()
    for (net, m, layout) in [
      (a, 50, MatrixLayout.rowMajor), (a, 50, .columnMajor), (a, 7, .rowMajor),
      (b, 50, .columnMajor),
      (a, 1, .columnMajor), (b, 100_000 / 20, .rowMajor),
    ] {
      let x = try Matrix(
        rows: m, columns: 20, storage: randomValues(m * 20, in: -1...1, using: &rng), layout: layout
      )
      let expected = naivePredict(naiveProbabilities(net.model, rows(of: x)), labels: net.labels)
      #expect(try net.predict(x, workspace: &workspace) == expected)
      #expect(try net.predict(x) == expected)
    }
  }

  /// The blocked pass (large batches) and the whole-batch pass agree, ties and NaN included.
  @Test(arguments: MatrixLayout.allCases)
  func blockedAndWholeBatchPassesAgree(layout: MatrixLayout) throws {
    let net = try Network(randomModel(sizes: [400, 25, 10], scale: 10, seed: 61))
    let big = Matrix(rows: 5000, columns: 400, layout: layout)
    let expected = [24, 48, 100]  // without, and with, OpenBLAS's AVX-512 small kernels
    #expect(expected.contains(try #require(net.blockRows(for: big))))
    #expect(net.blockRows(for: Matrix(rows: 40, columns: 400, layout: layout)) == nil)
    var rng = SplitMix64(seed: 62)
    let m = 1001  // not a multiple of the block
    var values = randomValues(m * 400, in: 0...1, using: &rng)
    values[17 * 400 + 3] = .nan  // row 17, column 3 (row-major storage)
    for k in 0..<400 { values[500 * 400 + k] = 0 }  // row 500: all zero, like row 501
    for k in 0..<400 { values[501 * 400 + k] = 0 }
    let x = try Matrix(rows: m, columns: 400, storage: values).converted(to: layout)
    let b = try #require(net.blockRows(for: x))
    var workspace = Network.Workspace()
    let blocked = net.blockedProbabilities(x, blockRows: b, workspace: &workspace)
    let blockedLabels = net.blockedPredict(x, blockRows: b, workspace: &workspace)
    var whole = Network.Workspace()
    try net.forward(x, workspace: &whole)
    let wholeOutput = whole.activations[1]
    #expect(blocked.layout == .rowMajor && blocked.rows == m && blocked.columns == 10)
    for i in 0..<m {
      for j in 0..<10 {
        let (u, v) = (blocked[i, j], wholeOutput[i, j])
        #expect(u == v || (u.isNaN && v.isNaN) || abs(u - v) <= 1e-13, "\(i), \(j): \(u) \(v)")
      }
    }
    #expect(blockedLabels == net.argmaxLabels(wholeOutput))
    #expect(blockedLabels == net.labels(forProbabilities: blocked))
    #expect(blockedLabels[17] == 1 && blocked[17, 3].isNaN)
    #expect(blockedLabels[500] == blockedLabels[501])
    #expect(try net.predict(x) == blockedLabels)
  }

  @Test func benchmarkReportsTimings() throws {
    let net = try Network(randomModel(sizes: [10, 5, 3], seed: 2))
    let x = Matrix(rows: 100, columns: 10, repeating: 0.5)
    let result = try net.benchmarkPredict(x, repeats: 5, warmup: 1)
    #expect(result.repeats == 5 && result.examples == 100)
    #expect(result.minimumSeconds > 0 && result.minimumSeconds <= result.medianSeconds)
    #expect(result.medianSeconds <= result.maximumSeconds)
  }
}

@Suite struct NetworkValidationTests {
  private func w(_ name: String, _ rows: Int, _ columns: Int) -> WeightMatrix {
    WeightMatrix(
      name: name, rows: rows, columns: columns,
      values: [Double](repeating: 0.1, count: rows * columns))
  }

  @Test func courseShapeIsAccepted() throws {
    let net = try Network(ThetaModel(weights: [w("Theta1", 25, 401), w("Theta2", 10, 26)]))
    #expect(net.layerSizes == [400, 25, 10])
    #expect(net.inputSize == 400 && net.outputSize == 10)
    #expect(net.labels == Array(1...10))
  }

  @Test func noLayers() {
    #expect(throws: InferenceError.noLayers) { try Network(ThetaModel(weights: [])) }
  }

  @Test func chainMismatch() {
    let model = ThetaModel(weights: [w("Theta1", 25, 401), w("Theta2", 10, 25)])
    let error = InferenceError.layerMismatch(
      name: "Theta2", columns: 25, previous: "Theta1", previousRows: 25)
    #expect(throws: error) { try Network(model) }
    #expect(
      error.description
        == "Theta2 has 25 columns, but Theta1 has 25 rows, so Theta2 needs 26"
        + " (25 units plus the bias column)")
  }

  @Test func chainMismatchInDeepNetwork() {
    let model = ThetaModel(weights: [w("Theta1", 6, 5), w("Theta2", 4, 7), w("Theta3", 3, 4)])
    #expect(
      throws: InferenceError.layerMismatch(
        name: "Theta3", columns: 4, previous: "Theta2", previousRows: 4)
    ) { try Network(model) }
  }

  @Test func labelCountMustMatchOutputs() {
    let model = ThetaModel(
      weights: [w("Theta1", 25, 401), w("Theta2", 10, 26)], labels: Array(1...9))
    #expect(throws: InferenceError.labelCount(labels: 9, outputs: 10)) { try Network(model) }
    #expect(
      InferenceError.labelCount(labels: 9, outputs: 10).description
        == "the model has 9 labels for 10 output units")
  }

  @Test func layerWithoutInputs() {
    let model = ThetaModel(weights: [w("Theta1", 3, 1)])
    #expect(throws: InferenceError.emptyLayer(name: "Theta1", rows: 3, columns: 1)) {
      try Network(model)
    }
  }

  @Test func valueCountMismatch() {
    var model = ThetaModel(weights: [w("Theta1", 3, 5), w("Theta2", 2, 4)])
    model.weights[1].values.removeLast()
    #expect(throws: InferenceError.valueCount(name: "Theta2", rows: 2, columns: 4, count: 7)) {
      try Network(model)
    }
  }

  @Test func declaredLayerSizesMustMatch() {
    var model = ThetaModel(weights: [w("Theta1", 3, 5), w("Theta2", 2, 4)])
    model.metadata["model.layer_sizes"] = .intArray([4, 2, 2])
    #expect(throws: InferenceError.layerSizes(declared: [4, 2, 2], actual: [4, 3, 2])) {
      try Network(model)
    }
  }
}

@Suite struct SigmoidTests {
  @Test func scalarSigmoid() {
    #expect(sigmoid(0) == 0.5)
    #expect(abs(sigmoid(log(3.0)) - 0.75) < 1e-16)
    #expect(sigmoid(-800) == 0 && sigmoid(800) == 1)
    #expect(sigmoid(.nan).isNaN)
  }

  /// The branch-free kernel agrees with `1 / (1 + exp(−z))` to 2.3e−16 absolute
  /// and 2.5 ulp relative over the range that matters.
  @Test(arguments: [1.0, 40, 750])
  func fastSigmoidMatchesLibm(range: Double) {
    var rng = SplitMix64(seed: UInt64(range))
    var worstAbsolute = 0.0
    var worstRelative = 0.0
    for _ in 0..<200_000 {
      let z = Double.random(in: -range...range, using: &rng)
      let exact = 1 / (1 + exp(-z))
      let fast = fastSigmoid(z)
      worstAbsolute = max(worstAbsolute, abs(fast - exact))
      if z > -700 { worstRelative = max(worstRelative, abs(fast - exact) / exact) }
    }
    #expect(worstAbsolute <= 2.3e-16)
    #expect(worstRelative <= 2.5 * Double.ulpOfOne)
  }

  @Test func fastSigmoidSpecialValues() {
    #expect(fastSigmoid(0) == 0.5)
    #expect(fastSigmoid(.nan).isNaN)
    #expect(fastSigmoid(.infinity) == 1 && fastSigmoid(1000) == 1)
    #expect(fastSigmoid(-.infinity) < 2e-308 && fastSigmoid(-1000) < 2e-308)
    #expect(fastSigmoid(-.infinity) >= 0)
    #expect(fastSigmoid(-0.0) == 0.5)
  }

  /// The threaded batch path (large matrices) equals the scalar kernel element by element.
  @Test func batchSigmoidMatchesScalar() throws {
    var rng = SplitMix64(seed: 8)
    let values = randomValues(100_003, in: -30...30, using: &rng)
    var a = try Matrix(rows: 100_003, columns: 1, storage: values)
    applySigmoid(&a)
    #expect(a.storage == values.map(fastSigmoid))
    let worst = zip(a.storage, values).map { abs($0 - sigmoid($1)) }.max() ?? 0
    #expect(worst <= 2.3e-16)
  }
}
