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
/// The examples are processed in blocks of rows (100 for 400 inputs and 25
/// hidden units on an AVX-512 CPU): each block goes forward through every
/// layer and back while its activations are in cache, its products are
/// `cblas_dgemm` calls small enough for OpenBLAS to run on the calling thread,
/// and the blocks run on all cores in a fixed number of chunks whose partial
/// sums are added in chunk order (so results do not depend on the number of
/// cores). `X` is read in its own layout and never copied, and the bias
/// column of ones is never materialised.
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

  /// The chunks a pass's blocks are grouped into, run concurrently, whose partial
  /// sums are added in chunk order. Fixed, so that results do not depend on the
  /// number of cores; two, because on the two cores of the machines this was
  /// measured on more chunks were slower (2.55, 2.68 and 2.76 ms per evaluation on
  /// digits5000 for 2, 4 and 8). A pass therefore uses at most two cores.
  static let chunks = 2

  /// Examples per block, and the chunks of blocks run concurrently (1: on the
  /// calling thread), for passes with a product with `X` and for line passes.
  private let blocking: (rows: Int, chunks: Int)
  private let lineBlocking: (rows: Int, chunks: Int)
  /// The chunks of the last pass, whose workspaces hold its sums.
  private var lastChunks: Int { (lastWasLine ? lineBlocking : blocking).chunks }
  private let workspaces: [BlockWorkspace]

  /// The parameters of the last pass, and, after a line pass, its step: `Z₁`
  /// there is `lineZBase + α·lineZDirection`, formed only if the next line starts there.
  private var lastPoint: [Double]?
  private var lastLineStep: Double?
  /// Incremental lines behind `Z₁` at `lastPoint`.
  private var incrementalLines = 0
  /// Room for the next line's `Z₁` (swapped with `lineZBase`).
  private var spareFirstLayer = Matrix(rows: 0, columns: 0)
  /// The gradient of the last evaluation; layer 1's block is missing while `hasPendingGradient`.
  private var gradientBuffer: [Double] = []
  /// Whether layer 1's gradient block is still to be made for the last line evaluation,
  /// from its `δ₁` (`m × s₁`, column-major).
  private var hasPendingGradient = false
  private var pendingDelta = Matrix(rows: 0, columns: 0)
  /// Whether the last evaluation was ``valueAndSlope(alpha:)``.
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
    blocking = Self.blocking(layout: layout, features: features, from: 0)
    lineBlocking = Self.blocking(layout: layout, features: features, from: 1)
    workspaces = (0..<max(blocking.chunks, lineBlocking.chunks)).map { _ in BlockWorkspace() }
  }

  /// Rows per block and chunks for a pass whose products start at matrix
  /// `first` (0, or 1 for line passes, which make no product with `X`).
  ///
  /// Blocks are as large as they can be with every product on the calling
  /// thread, at most 256 rows (100 for 400 inputs and 25 hidden units on an
  /// AVX-512 CPU), in up to ``chunks`` chunks. When that would be under 16 rows
  /// (wide layers), blocks of 256 rows run on the calling thread, each product on
  /// OpenBLAS's threads.
  private static func blocking(layout: NetworkLayout, features: Matrix, from first: Int) -> (rows: Int, chunks: Int) {
    let m = features.rows
    var rows = 256
    for l in first..<layout.matrixCount {
      let (r, c) = layout.shape(ofMatrix: l)
      let input = l == 0 ? features : Matrix(rows: 0, columns: c - 1, layout: .columnMajor)
      rows = min(rows, Matrix.affineRowsOnCallingThread(x: input, weights: Matrix(rows: r, columns: 0)))
    }
    guard rows >= 16 else { return (256, 1) }
    let blocks = (m + rows - 1) / rows
    return (rows, max(1, min(Self.chunks, blocks)))
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
    pass(.cost, at: parameters)
    return crossEntropy() + regularisation(parameters)
  }

  /// `J(Θ)` and its gradient `∂J/∂Θ` by backpropagation.
  ///
  /// - Parameters:
  ///   - parameters: the unrolled `Θ`.
  ///   - gradient: receives the unrolled gradient (resized if needed).
  /// - Returns: the regularised cost.
  public func costAndGradient(_ parameters: [Double], gradient: inout [Double]) -> Double {
    pass(.gradient, at: parameters)
    let j = crossEntropy() + regularisation(parameters)
    writeGradient(parameters, from: 0)
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
    pass(.accuracy, at: parameters)
    let correct = workspaces.prefix(lastChunks).reduce(0) { $0 + $1.correct }
    return Double(correct) / Double(examples)
  }

  // MARK: - LineSearchable

  /// `J(x)` and `∇J(x)`: ``costAndGradient(_:gradient:)``.
  public func value(at x: [Double], gradient: inout [Double]) -> Double {
    costAndGradient(x, gradient: &gradient)
  }

  /// Prepares the line `Θ + α·P`: one product `[1 X]·P₁ᵀ`, and `[1 X]·Θ₁ᵀ` unless
  /// `x` is the point of the last line evaluation (then formed from that line).
  public func beginLine(at x: [Double], direction p: [Double]) {
    precondition(
      x.count == layout.parameterCount && p.count == layout.parameterCount, "CostFunction: wrong parameter count")
    if let last = lastPoint, last == x, let alpha = lastLineStep, incrementalLines < Self.refreshInterval {
      spareFirstLayer.ensureColumnMajor(rows: lineZBase.rows, columns: lineZBase.columns)
      Kernels.axpy(lineZBase.storage, alpha, lineZDirection.storage, into: &spareFirstLayer)
      swap(&lineZBase, &spareFirstLayer)  // no copy
      lineIncrementalLines = incrementalLines + 1
    } else {
      affine(features, matrices(x)[0], into: &lineZBase)
      lineIncrementalLines = 1
    }
    lastLineStep = nil  // the line it referred to is replaced
    affine(features, matrices(p)[0], into: &lineZDirection)
    lineBase = x
    lineDirection = p
  }

  /// `J(Θ + αP)` and its slope `∇J·P`, without a product with `X`.
  public func valueAndSlope(alpha: Double) -> (value: Double, slope: Double) {
    var point = [Double]()
    Kernels.axpy(lineBase, alpha, lineDirection, into: &point)
    linePass(alpha: alpha, at: point)
    let j = crossEntropy() + regularisation(point)
    writeGradient(point, from: 1)
    // ∇J·P: layers 2…L from their gradient blocks; layer 1 as
    // ⟨δ₁, [1 X]·P₁ᵀ⟩/m + (λ/m)·Σ_{non-bias} Θ₁·P₁, no product with X.
    var slope = 0.0
    for l in stride(from: layout.matrixCount - 1, through: 1, by: -1) {
      let range = layout.range(ofMatrix: l)
      slope += gradientBuffer.withUnsafeBufferPointer { g in
        lineDirection.withUnsafeBufferPointer { d in
          guard let gp = g.baseAddress, let dp = d.baseAddress else { return 0 }
          return Kernels.dot(gp + range.lowerBound, dp + range.lowerBound, count: range.count)
        }
      }
    }
    let reg = nonBiasDot(point, lineDirection, matrix: 0)
    let deltaDot = workspaces.prefix(lastChunks).reduce(0.0) { $0 + $1.slope }
    let m = Double(examples)
    slope += deltaDot / m + (lambda * reg) / m
    return (j, slope)
  }

  /// `∇J` at the last line point: the first layer's product `δ₁ᵀ·[1 X]` is made
  /// now, from the `δ₁` that line evaluation kept (with the column sums of `δ₁`
  /// it summed).
  public func gradientAtLastLinePoint() -> [Double] {
    precondition(lastWasLine, "CostFunction: gradientAtLastLinePoint() after another evaluation")
    if hasPendingGradient, let point = lastPoint {
      let (r, c) = layout.shape(ofMatrix: 0)
      let product: Matrix
      do {
        product = try Matrix.transposedProduct(pendingDelta, features)  // r × n, row-major
      } catch {
        preconditionFailure("CostFunction: shapes were checked, yet \(error)")
      }
      let base = layout.offsets[0]
      let bias = (0..<r).map { j in workspaces.prefix(lastChunks).reduce(0.0) { $0 + $1.partial[base + j] } }
      var g = gradientBuffer
      gradientBuffer = []  // g is now the only reference: written in place
      Kernels.gradientBlock(
        &g, base: base, rows: r, columns: c, bias: bias, product: product.storage, rowStride: c - 1,
        columnStride: 1, parameters: point, lambda: lambda, examples: Double(examples))
      gradientBuffer = g
      hasPendingGradient = false
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

  /// `Θ_l[:, 1…]`, row-major, for backpropagation (`δ_{l−1}` for `l ≥ 2`; the
  /// first is never needed, and left empty).
  private func innerWeights(_ p: [Double]) -> [Matrix] {
    (0..<layout.matrixCount).map { l in
      guard l > 0 else { return Matrix(rows: 0, columns: 0) }
      let (r, c) = layout.shape(ofMatrix: l)
      let base = layout.offsets[l]
      var w = [Double](repeating: 0, count: r * (c - 1))
      for j in 0..<r { for k in 1..<c { w[j * (c - 1) + k - 1] = p[base + j * c + k] } }
      return makeMatrix(r, c - 1, w, .rowMajor)
    }
  }

  /// `out = [1 x]·wᵀ`, reusing `out`'s storage when it has the shape.
  private func affine(_ x: Matrix, _ w: Matrix, into out: inout Matrix) {
    do { try Matrix.affine(x, weights: w, into: &out) } catch {
      preconditionFailure("CostFunction: shapes were checked, yet \(error)")
    }
  }

  /// One ``BlockPass`` of `kind` at `point`, and the bookkeeping of what it leaves.
  private func pass(_ kind: PassKind, at point: [Double]) {
    let blockPass = BlockPass(
      layout: layout, features: features, targets: targets, thetas: matrices(point),
      inner: innerWeights(point))
    let (rows, chunks) = kind.readsFeatures ? blocking : lineBlocking
    blockPass.run(kind, blockRows: rows, chunks: chunks, workspaces: workspaces)
    switch kind {
    case .cost, .accuracy, .gradient:
      lastLineStep = nil
      incrementalLines = 0
      lastWasLine = false
    case .line(let line):
      lastLineStep = line.alpha
      incrementalLines = lineIncrementalLines
      lastWasLine = true
    }
    hasPendingGradient = lastWasLine
    lastPoint = point
  }

  /// A line pass at `Θ + α·P` (``PassKind/line(_:)``) on the current line's `Z₁`
  /// buffers, keeping its `δ₁` in `pendingDelta`.
  private func linePass(alpha: Double, at point: [Double]) {
    pendingDelta.ensureColumnMajor(rows: examples, columns: layout.shape(ofMatrix: 0).rows)
    pendingDelta.withUnsafeMutableStorage { delta in
      lineZBase.storage.withUnsafeBufferPointer { base in
        lineZDirection.storage.withUnsafeBufferPointer { direction in
          guard let out = delta.baseAddress, let b = base.baseAddress, let d = direction.baseAddress else { return }
          pass(.line(LineInputs(alpha: alpha, base: b, direction: d, deltaOut: out)), at: point)
        }
      }
    }
  }

  /// `(1/m) Σ [−y log a − (1 − y) log(1 − a)]` of the last pass: the chunks' sums in chunk order.
  private func crossEntropy() -> Double {
    let sum = workspaces.prefix(lastChunks).reduce(0.0) { $0 + ($1.cost + $1.compensation) }
    return sum / Double(examples)
  }

  /// `(reg · λ) / (2m)` with `reg` the sum of the squared non-bias weights.
  private func regularisation(_ p: [Double]) -> Double {
    guard lambda != 0 else { return 0 }
    var reg = 0.0
    for l in 0..<layout.matrixCount { reg += nonBiasDot(p, p, matrix: l) }
    return (reg * lambda) / (2 * Double(examples))
  }

  /// `Σ_{j, k ≥ 1} a[j, k]·b[j, k]` over matrix `l` of two unrolled parameter
  /// vectors (bias column 0 excluded), row by row with ``Kernels/dot(_:_:count:)``.
  private func nonBiasDot(_ a: [Double], _ b: [Double], matrix l: Int) -> Double {
    let (r, c) = layout.shape(ofMatrix: l)
    let base = layout.offsets[l]
    precondition(a.count >= base + r * c && b.count >= base + r * c)
    return a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        guard let ap = a.baseAddress, let bp = b.baseAddress else { return 0 }
        var sum = 0.0
        for j in 0..<r { sum += Kernels.dot(ap + base + j * c + 1, bp + base + j * c + 1, count: c - 1) }
        return sum
      }
    }
  }

  /// The gradient blocks of matrices `first…` from the last pass's partial sums, in
  /// the seed's arithmetic: `g[j, 0] = Σδ/m`, `g[j, k] = (δᵀ·A)[j, k − 1]/m + (λ·θ[j, k])/m`.
  private func writeGradient(_ p: [Double], from first: Int) {
    if gradientBuffer.count != layout.parameterCount {
      gradientBuffer = [Double](repeating: 0, count: layout.parameterCount)
    }
    let mm = Double(examples)
    let parts = workspaces.prefix(lastChunks).map(\.partial)
    for l in first..<layout.matrixCount {
      let (r, c) = layout.shape(ofMatrix: l)
      let base = layout.offsets[l]
      // The chunks' r × c column-major sums, added in chunk order.
      var sum = Array(parts[0][base..<(base + r * c)])
      sum.withUnsafeMutableBufferPointer { total in
        for part in parts.dropFirst() {
          part.withUnsafeBufferPointer { p in
            for i in 0..<(r * c) { total[i] += p[base + i] }
          }
        }
      }
      // Column 0 of the sums is Σδ, columns 1… are δᵀ·A (column-major, leading dimension r).
      Kernels.gradientBlock(
        &gradientBuffer, base: base, rows: r, columns: c, bias: Array(sum[0..<r]), product: sum, start: r,
        rowStride: 1, columnStride: r, parameters: p, lambda: lambda, examples: mm)
    }
  }

}

extension Matrix {
  /// Makes this a column-major `rows × columns` matrix, keeping its storage when it is one.
  mutating func ensureColumnMajor(rows: Int, columns: Int) {
    if self.rows != rows || self.columns != columns || layout != .columnMajor {
      self = Matrix(rows: rows, columns: columns, layout: .columnMajor)
    }
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
