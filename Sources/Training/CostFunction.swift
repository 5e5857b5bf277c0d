import Inference
public import LinearAlgebra

/// The seed's regularised cross-entropy cost `J(Θ)` of a sigmoid network and its
/// gradient by vectorised backpropagation, for any depth.
///
/// For examples `X` (`m × s₀`) with targets `Y` (`m × K`, one-hot), layer `l`
/// computes `A_l = σ([1 A_{l−1}]·Θ_lᵀ)` with `A₀ = X`, and
///
///     J = (1/m) Σᵢ Σₖ [−Yᵢₖ log A_L,ᵢₖ − (1 − Yᵢₖ) log(1 − A_L,ᵢₖ)]
///         + (λ / 2m) Σ_l Σ_{j, k ≥ 1} Θ_l,jk²      (bias column 0 excluded)
///
/// Backpropagation (whole batch, no per-example loop):
/// `δ_L = A_L − Y`, `δ_{l−1} = (δ_l·Θ_l[:, 1…]) ⊙ A_{l−1} ⊙ (1 − A_{l−1})`
/// (the seed's `sigmoidGradient` written with the activations), and
/// `∂J/∂Θ_l = δ_lᵀ·[1 A_{l−1}] / m + (λ/m)·Θ_l` with the bias column unregularised.
///
/// Every product is one `cblas_dgemm` over the whole batch (through
/// ``LinearAlgebra``): `X` is read in its own layout and never copied, and the
/// bias column of ones is never materialised. Activations live in buffers
/// reused from one evaluation to the next.
///
/// **Numerical stability.** Where `0 < A < 1` the cost terms are the seed's
/// `−log(a)` and `−log(1 − a)` exactly. Where an output saturates to exactly 1
/// (or 0) in floating point, where the seed would produce `inf` or `NaN`, the
/// term is computed from the pre-activation `z` as the softplus
/// `log(1 + e^{±z})`, so the cost stays finite and exact (also for `z < −700`,
/// where the seed's value is finite but equals the softplus to rounding).
///
/// Activations come from Inference's vectorised `applySigmoid`, within 2.5 ulp
/// of the seed's `1 / (1 + exp(-z))`.
///
/// The arithmetic follows the seed's order (`g/m + (λ·θ)/m`, `(reg·λ)/(2m)`),
/// so results agree with numpy to rounding (the sums are in a different order).
///
/// **Line evaluations** (``LineSearchable``): along `Θ + α·P` the first layer's
/// pre-activation is `[1 X]·Θ₁ᵀ + α·[1 X]·P₁ᵀ`, so after one product for the
/// direction a trial step costs no product with `X`; its slope needs
/// `⟨∂J/∂Θ₁, P₁⟩ = ⟨δ₁, [1 X]·P₁ᵀ⟩/m + (λ/m)⟨Θ₁, P₁⟩` (bias column excluded from
/// the second term), again without `X`. The product `δ₁ᵀ·[1 X]` is made only for
/// the step the line search accepts. A line evaluation equals a full one up to
/// rounding; the first layer is recomputed with a product every
/// ``refreshInterval`` lines so that rounding cannot accumulate.
public final class CostFunction: LineSearchable {
  /// The network's shapes and the unrolled parameter layout.
  public let layout: NetworkLayout
  /// The examples, `m × s₀`, one per row, in either layout (not copied).
  public let features: Matrix
  /// The output unit (0-based) that each example's target lights.
  public let targets: [Int]
  /// The regularisation strength λ.
  public let lambda: Double
  /// Lines evaluated incrementally before the first layer is recomputed from `X`.
  public static let refreshInterval = 20

  /// Pre-activations `Z_l` and activations `A_l` of each layer (`m × s_l`, column-major).
  private var z: [Matrix] = []
  private var a: [Matrix] = []
  /// The parameters of the last forward pass, and how many incremental lines led to its `Z₁`.
  private var lastPoint: [Double]?
  private var incrementalLines = 0
  /// Whether `z[0]` holds `Z₁` at `lastPoint` (``beginLine(at:direction:)`` may take it).
  private var firstLayerValid = false
  /// The step of `lastPoint` on the current line when it was a line evaluation: its
  /// `Z₁` is `lineZBase + α·lineZDirection`, formed only if the next line starts there.
  private var lastLineAlpha: Double?
  /// The gradient of the last evaluation; layer 1's block is missing while `pendingDelta` is set.
  private var gradientBuffer: [Double] = []
  private var pendingDelta: Matrix?
  /// Whether the last evaluation was ``valueAndSlope(alpha:)`` (its gradient is `gradientBuffer` once completed).
  private var lastWasLine = false
  /// The current line: base, direction, `[1 X]·Θ₁ᵀ` at the base and `[1 X]·P₁ᵀ`.
  private var lineBase: [Double] = []
  private var lineDirection: [Double] = []
  private var lineZBase = Matrix(rows: 0, columns: 0)
  private var lineZDirection = Matrix(rows: 0, columns: 0)
  private var lineIncrementalLines = 0

  /// A cost function for examples and their target output units.
  ///
  /// - Parameters:
  ///   - layout: the network shapes.
  ///   - features: `m × s₀` examples, either layout.
  ///   - targets: for each example the output unit its label lights, `0 ..< s_L`
  ///     (see ``targets(labels:outputLabels:)`` and ``seedTargets(labels:outputs:)``).
  ///   - lambda: λ ≥ 0.
  /// - Throws: ``TrainingError/inputWidth(actual:expected:)``,
  ///   ``TrainingError/labelCount(labels:examples:)``, ``TrainingError/noExamples``,
  ///   ``TrainingError/labelOutOfRange(row:label:labels:)`` for a target outside `0 ..< s_L`,
  ///   ``TrainingError/badOption(_:)`` for a negative or non-finite λ.
  public init(layout: NetworkLayout, features: Matrix, targets: [Int], lambda: Double) throws(TrainingError) {
    guard features.columns == layout.inputs else {
      throw .inputWidth(actual: features.columns, expected: layout.inputs)
    }
    guard targets.count == features.rows else {
      throw .labelCount(labels: targets.count, examples: features.rows)
    }
    guard features.rows > 0 else { throw .noExamples }
    if let bad = targets.firstIndex(where: { $0 < 0 || $0 >= layout.outputs }) {
      throw .labelOutOfRange(row: bad, label: targets[bad] + 1, labels: Array(1...layout.outputs))
    }
    guard lambda >= 0, lambda.isFinite else { throw .badOption("lambda must be a finite number ≥ 0, not \(lambda)") }
    self.layout = layout
    self.features = features
    self.targets = targets
    self.lambda = lambda
  }

  /// A cost function for the course's labels: label `k` lights output `k` (1-based).
  ///
  /// - Parameters:
  ///   - layout: the network shapes.
  ///   - features: `m × s₀` examples.
  ///   - labels: one label per example, each in `1 … s_L`.
  ///   - lambda: λ ≥ 0.
  /// - Throws: as ``init(layout:features:targets:lambda:)``; a label outside
  ///   `1 … s_L` is ``TrainingError/labelOutOfRange(row:label:labels:)``.
  public convenience init(layout: NetworkLayout, features: Matrix, labels: [Int], lambda: Double) throws(TrainingError)
  {
    let targets = try Self.targets(labels: labels, outputLabels: Array(1...layout.outputs))
    try self.init(layout: layout, features: features, targets: targets, lambda: lambda)
  }

  /// Output units for labels: the unit whose label (in `outputLabels`) equals the example's.
  ///
  /// With the course labels `1 … K` label `k` lights output `k − 1` (0-based).
  ///
  /// - Throws: ``TrainingError/labelOutOfRange(row:label:labels:)`` for a label
  ///   that no output carries (the seed's label-0 wrap is *not* done here).
  public static func targets(labels: [Int], outputLabels: [Int]) throws(TrainingError) -> [Int] {
    var unit: [Int: Int] = [:]
    for (j, label) in outputLabels.enumerated() where unit[label] == nil { unit[label] = j }
    var out = [Int](repeating: 0, count: labels.count)
    for (i, label) in labels.enumerated() {
      guard let j = unit[label] else { throw .labelOutOfRange(row: i, label: label, labels: outputLabels) }
      out[i] = j
    }
    return out
  }

  /// The seed's one-hot encoding `y_train[np.arange(m), y - 1] = 1`, quirk included.
  ///
  /// numpy indexes column `y − 1`, and a negative index counts from the end, so
  /// label 0 lights the *last* output (as in the seed's gradient check, whose
  /// `randint(3)` labels are 0, 1, 2). Labels outside `1 − K … K` are an error.
  ///
  /// - Throws: ``TrainingError/labelOutOfRange(row:label:labels:)``.
  public static func seedTargets(labels: [Int], outputs: Int) throws(TrainingError) -> [Int] {
    var out = [Int](repeating: 0, count: labels.count)
    for (i, label) in labels.enumerated() {
      let index = label - 1
      guard index >= -outputs, index < outputs else {
        throw .labelOutOfRange(row: i, label: label, labels: Array(1...outputs))
      }
      out[i] = index < 0 ? index + outputs : index
    }
    return out
  }

  /// Number of examples `m`.
  public var examples: Int { features.rows }

  /// `J(Θ)` alone (forward propagation only).
  ///
  /// - Parameter parameters: the unrolled `Θ` (``NetworkLayout/parameterCount`` values).
  /// - Returns: the regularised cost.
  public func cost(_ parameters: [Double]) -> Double {
    let thetas = matrices(parameters)
    firstLayerFromFeatures(thetas[0])
    forwardFromFirstLayer(thetas, point: parameters)
    return crossEntropy() + regularisation(parameters)
  }

  /// `J(Θ)` and its gradient `∂J/∂Θ` by backpropagation.
  ///
  /// - Parameters:
  ///   - parameters: the unrolled `Θ`.
  ///   - gradient: receives the unrolled gradient (resized if needed).
  /// - Returns: the regularised cost.
  public func costAndGradient(_ parameters: [Double], gradient: inout [Double]) -> Double {
    let thetas = matrices(parameters)
    firstLayerFromFeatures(thetas[0])
    forwardFromFirstLayer(thetas, point: parameters)
    let j = crossEntropy() + regularisation(parameters)
    _ = backward(thetas, parameters, direction: nil)
    gradient = gradientBuffer
    return j
  }

  /// The gradient alone; see ``costAndGradient(_:gradient:)``.
  public func gradient(_ parameters: [Double]) -> [Double] {
    var g: [Double] = []
    _ = costAndGradient(parameters, gradient: &g)
    return g
  }

  /// The fraction of examples whose most active output (first on ties) is their target.
  ///
  /// - Parameter parameters: the unrolled `Θ`.
  /// - Returns: correct / m, in `[0, 1]`.
  public func accuracy(_ parameters: [Double]) -> Double {
    let thetas = matrices(parameters)
    firstLayerFromFeatures(thetas[0])
    forwardFromFirstLayer(thetas, point: parameters)
    let m = examples
    let k = layout.outputs
    let out = a[a.count - 1].storage
    var correct = 0
    for i in 0..<m {
      var best = 0
      var bestValue = out[i]
      for j in 1..<max(k, 1) {
        let v = out[i + j * m]
        if v > bestValue || (v.isNaN && !bestValue.isNaN) {
          best = j
          bestValue = v
        }
      }
      if best == targets[i] { correct += 1 }
    }
    return Double(correct) / Double(m)
  }

  // MARK: - LineSearchable

  /// `J(x)` and `∇J(x)`: ``costAndGradient(_:gradient:)``.
  public func value(at x: [Double], gradient: inout [Double]) -> Double {
    costAndGradient(x, gradient: &gradient)
  }

  /// Prepares the line `Θ + α·P`: one product `[1 X]·P₁ᵀ`, and `[1 X]·Θ₁ᵀ` unless
  /// it is known from the last evaluation.
  public func beginLine(at x: [Double], direction p: [Double]) {
    precondition(
      x.count == layout.parameterCount && p.count == layout.parameterCount, "CostFunction: wrong parameter count")
    if let last = lastPoint, last == x, firstLayerValid || lastLineAlpha != nil,
      incrementalLines < Self.refreshInterval
    {
      if !firstLayerValid, let alpha = lastLineAlpha {
        ensureShape(&z[0], like: lineZBase)
        Kernels.axpy(lineZBase.storage, alpha, lineZDirection.storage, into: &z[0])
      }
      swap(&lineZBase, &z[0])  // no copy; z[0] is rewritten by the next evaluation
      firstLayerValid = false
      lastLineAlpha = nil
      lineIncrementalLines = incrementalLines + 1
    } else {
      affine(features, matrices(x)[0], into: &lineZBase)
      lastLineAlpha = nil  // it referred to the line being replaced
      lineIncrementalLines = 1
    }
    affine(features, matrices(p)[0], into: &lineZDirection)
    lineBase = x
    lineDirection = p
  }

  /// `J(Θ + αP)` and its slope `∇J·P`, without a product with `X`.
  public func valueAndSlope(alpha: Double) -> (value: Double, slope: Double) {
    var point = [Double]()
    Kernels.axpy(lineBase, alpha, lineDirection, into: &point)
    let thetas = matrices(point)
    ensureBuffers()
    if layout.matrixCount > 1 {
      // A₁ = σ(Z₁(α)) straight into a[0]; Z₁(α) itself is formed only if the next line starts here.
      ensureShape(&a[0], like: lineZBase)
      Kernels.axpy(lineZBase.storage, alpha, lineZDirection.storage, into: &a[0])
      applySigmoid(&a[0])
      forwardFromFirstLayer(thetas, point: point, firstActivationsReady: true)
      firstLayerValid = false
      lastLineAlpha = alpha
    } else {
      ensureShape(&z[0], like: lineZBase)
      Kernels.axpy(lineZBase.storage, alpha, lineZDirection.storage, into: &z[0])
      forwardFromFirstLayer(thetas, point: point)
      firstLayerValid = true
    }
    incrementalLines = lineIncrementalLines
    let j = crossEntropy() + regularisation(point)
    let slope = backward(thetas, point, direction: lineDirection)
    lastWasLine = true
    return (j, slope)
  }

  /// `∇J` at the last line point: the first layer's product `δ₁ᵀ·[1 X]` is made now.
  public func gradientAtLastLinePoint() -> [Double] {
    precondition(lastWasLine, "CostFunction: gradientAtLastLinePoint() after another evaluation")
    if let delta = pendingDelta, let point = lastPoint {
      writeGradient(layer: 0, delta: delta, input: features, parameters: point)
      pendingDelta = nil
    }
    return gradientBuffer
  }

  // MARK: - Implementation

  private func matrices(_ p: [Double]) -> [Matrix] {
    precondition(
      p.count == layout.parameterCount,
      "CostFunction: \(p.count) parameters given, the network has \(layout.parameterCount)")
    return (0..<layout.matrixCount).map { l in
      let (r, c) = layout.shape(ofMatrix: l)
      return makeMatrix(r, c, Array(p[layout.range(ofMatrix: l)]), .rowMajor)
    }
  }

  private func ensureBuffers() {
    let m = examples
    if z.count != layout.matrixCount || z[z.count - 1].rows != m {
      z = layout.layerSizes.dropFirst().map { Matrix(rows: m, columns: $0, layout: .columnMajor) }
      a = z
    }
  }

  /// `out = [1 x]·wᵀ`, reusing `out`'s storage when it has the shape.
  private func affine(_ x: Matrix, _ w: Matrix, into out: inout Matrix) {
    do { try Matrix.affine(x, weights: w, into: &out) } catch {
      preconditionFailure("CostFunction: shapes were checked, yet \(error)")
    }
  }

  /// `Z₁ = [1 X]·Θ₁ᵀ` by a product.
  private func firstLayerFromFeatures(_ theta1: Matrix) {
    ensureBuffers()
    affine(features, theta1, into: &z[0])
    firstLayerValid = true
    lastLineAlpha = nil
    incrementalLines = 0
  }

  private func ensureShape(_ m: inout Matrix, like other: Matrix) {
    if m.rows != other.rows || m.columns != other.columns || m.layout != other.layout {
      m = Matrix(rows: other.rows, columns: other.columns, layout: other.layout)
    }
  }

  /// `A₁ = σ(Z₁)` (unless `firstActivationsReady`), then every further layer, from `z[0]`.
  private func forwardFromFirstLayer(_ thetas: [Matrix], point: [Double], firstActivationsReady: Bool = false) {
    for l in thetas.indices {
      if l > 0 {
        do { try Matrix.affine(a[l - 1], weights: thetas[l], into: &z[l]) } catch {
          preconditionFailure("CostFunction: shapes were checked, yet \(error)")
        }
      }
      if l > 0 || !firstActivationsReady { Kernels.sigmoid(z[l], into: &a[l]) }
    }
    lastPoint = point
    pendingDelta = nil
    lastWasLine = false
  }

  /// `(1/m) Σ [−y log a − (1 − y) log(1 − a)]` over the last forward pass.
  private func crossEntropy() -> Double {
    let last = layout.matrixCount - 1
    let sum = Kernels.crossEntropy(
      a[last].storage, z[last].storage, targets: targets, m: examples, k: layout.outputs)
    return sum / Double(examples)
  }

  /// `(reg · λ) / (2m)` with `reg` the sum of the squared non-bias weights.
  private func regularisation(_ p: [Double]) -> Double {
    guard lambda != 0 else { return 0 }
    var reg = 0.0
    for l in 0..<layout.matrixCount {
      let (r, c) = layout.shape(ofMatrix: l)
      let base = layout.offsets[l]
      for i in 0..<r {
        for j in 1..<c {
          let w = p[base + i * c + j]
          reg += w * w
        }
      }
    }
    return (reg * lambda) / (2 * Double(examples))
  }

  /// Backpropagation over the last forward pass, writing `gradientBuffer`.
  ///
  /// With a `direction` (a line evaluation), layer 1's block is left pending and
  /// the slope `∇J·P` is returned; otherwise every block is written and 0 returned.
  private func backward(_ thetas: [Matrix], _ p: [Double], direction: [Double]?) -> Double {
    let m = examples
    if gradientBuffer.count != layout.parameterCount {
      gradientBuffer = [Double](repeating: 0, count: layout.parameterCount)
    }
    var deltaValues: [Double] = []
    Kernels.outputDelta(a[a.count - 1].storage, targets: targets, m: m, into: &deltaValues)
    var delta = makeMatrix(m, layout.outputs, deltaValues, .columnMajor)
    var slope = 0.0
    for l in stride(from: layout.matrixCount - 1, through: 0, by: -1) {
      let (r, c) = layout.shape(ofMatrix: l)
      let n = c - 1
      if l == 0, let direction {
        // ⟨∂J/∂Θ₁, P₁⟩ = ⟨δ₁, [1 X]·P₁ᵀ⟩/m + (λ/m)·Σ_{non-bias} Θ₁·P₁, no product with X.
        var reg = 0.0
        let base = layout.offsets[0]
        for j in 0..<r {
          for k in 1...n { reg += p[base + j * c + k] * direction[base + j * c + k] }
        }
        slope += Kernels.dot(delta.storage, lineZDirection.storage) / Double(m) + (lambda * reg) / Double(m)
        pendingDelta = delta
        break
      }
      writeGradient(layer: l, delta: delta, input: l == 0 ? features : a[l - 1], parameters: p)
      if let direction {
        var s = 0.0
        for i in layout.range(ofMatrix: l) { s += gradientBuffer[i] * direction[i] }
        slope += s
      }
      guard l > 0 else { break }
      // δ_{l−1} = (δ_l·Θ_l[:, 1…]) ⊙ A ⊙ (1 − A), computed transposed so that it
      // comes out column-major m × n: (Θ_l[:, 1…])ᵀ·δ_lᵀ is n × m row-major.
      delta = makeMatrix(m, n, backpropagate(delta, through: l, parameters: p), .columnMajor)
      Kernels.multiplySigmoidGradient(&delta, activations: a[l - 1])  // delta's storage is unique: no copy
    }
    return slope
  }

  /// `(Θ_l[:, 1…])ᵀ·δ_lᵀ`, `n × m` row-major: the storage of `δ_l·Θ_l[:, 1…]` column-major.
  private func backpropagate(_ delta: Matrix, through l: Int, parameters p: [Double]) -> [Double] {
    let (r, c) = layout.shape(ofMatrix: l)
    let n = c - 1
    let base = layout.offsets[l]
    var weights = [Double](repeating: 0, count: r * n)
    for j in 0..<r { for k in 0..<n { weights[j * n + k] = p[base + j * c + 1 + k] } }
    do {
      return try Matrix.product(makeMatrix(r, n, weights, .rowMajor).transposed, delta.transposed).storage
    } catch {
      preconditionFailure("CostFunction: shapes were checked, yet \(error)")
    }
  }

  /// Block `l` of `gradientBuffer`: `δᵀ·[1 A]/m + (λ/m)·Θ` (bias column unregularised).
  private func writeGradient(layer l: Int, delta: Matrix, input: Matrix, parameters p: [Double]) {
    let m = examples
    let mm = Double(m)
    let (r, c) = layout.shape(ofMatrix: l)
    let product: Matrix
    do {
      product = try Matrix.product(delta.transposed, input)  // r × n, row-major
    } catch {
      preconditionFailure("CostFunction: shapes were checked, yet \(error)")
    }
    let bias = Kernels.columnSums(delta.storage, rows: m, columns: r)
    var g = gradientBuffer
    gradientBuffer = []  // g is now the only reference: written in place
    Kernels.gradientBlock(
      &g, base: layout.offsets[l], rows: r, columns: c, bias: bias, product: product.storage, parameters: p,
      lambda: lambda, examples: mm)
    gradientBuffer = g
  }
}

/// A matrix from storage whose count is known to be right.
func makeMatrix(_ rows: Int, _ columns: Int, _ storage: [Double], _ layout: MatrixLayout) -> Matrix {
  do {
    return try Matrix(rows: rows, columns: columns, storage: storage, layout: layout)
  } catch {
    preconditionFailure("Training: \(error)")
  }
}
