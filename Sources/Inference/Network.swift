public import LinearAlgebra
public import ModelFormat

/// A fully connected sigmoid network ready to run: the course's forward
/// propagation over a batch of examples.
///
/// For weights `Θ₁ … Θ_L` (each `units(l) × (units(l−1) + 1)`, bias in column
/// 0) and an input `X` (`m × n`, one example per row), layer `l` computes
/// `A_l = σ([1 A_{l−1}]·Θ_lᵀ)` with `A_0 = X`; ``probabilities(_:)`` returns
/// `A_L` (`m × K`) and ``predict(_:)`` the label of each row's largest output.
/// Any depth is allowed.
///
/// Each layer is a `cblas_dgemm` (see ``LinearAlgebra/Matrix/affine(_:weights:into:)``):
/// no column of ones is added to `X`, `X` is read in its own layout, and the
/// sigmoid runs in place. A large batch goes through the network in blocks of
/// examples (100 or 24 for 400-25-10) spread over the cores, each block through
/// every layer while its activations are in cache, and each block's
/// `cblas_dgemm` small enough that OpenBLAS runs it on the calling thread; a
/// small batch, or a network with very wide layers, takes one `cblas_dgemm` per
/// layer over the whole batch instead. Both agree to about 1e−15.
public struct Network: Sendable {
  /// The model the network was built from.
  public let model: ThetaModel
  /// Units per layer, input first, without bias units: `[400, 25, 10]` for the course.
  public let layerSizes: [Int]
  /// The label of each output unit (course: `1 … 10`, 10 meaning the digit 0).
  public let labels: [Int]
  /// `Θ₁ … Θ_L` as row-major matrices.
  let thetas: [Matrix]
  /// The same as column-major matrices, for row-major inputs (see ``preferredInputLayout``).
  let columnMajorThetas: [Matrix]

  /// Builds a network from a model, checking that its shapes fit together.
  ///
  /// - Parameter model: weights `Θ₁ … Θ_L` and labels.
  /// - Throws: ``InferenceError/noLayers``, ``InferenceError/emptyLayer(name:rows:columns:)``,
  ///   ``InferenceError/valueCount(name:rows:columns:count:)``,
  ///   ``InferenceError/layerMismatch(name:columns:previous:previousRows:)`` when the
  ///   columns of `Θ(l+1)` are not the rows of `Θ(l)` plus one,
  ///   ``InferenceError/labelCount(labels:outputs:)`` when the labels do not
  ///   match the last layer's units, ``InferenceError/layerSizes(declared:actual:)``.
  public init(_ model: ThetaModel) throws(InferenceError) {
    guard !model.weights.isEmpty else { throw .noLayers }
    var thetas: [Matrix] = []
    var previous: WeightMatrix?
    for w in model.weights {
      guard w.rows >= 1, w.columns >= 2 else {
        throw .emptyLayer(name: w.name, rows: w.rows, columns: w.columns)
      }
      guard w.values.count == w.rows * w.columns,
        let m = try? Matrix(rows: w.rows, columns: w.columns, storage: w.values)
      else {
        throw .valueCount(name: w.name, rows: w.rows, columns: w.columns, count: w.values.count)
      }
      if let p = previous, w.columns != p.rows + 1 {
        throw .layerMismatch(
          name: w.name, columns: w.columns, previous: p.name, previousRows: p.rows)
      }
      thetas.append(m)
      previous = w
    }
    let sizes = [thetas[0].columns - 1] + thetas.map(\.rows)
    guard model.layerSizes == sizes else {
      throw .layerSizes(declared: model.layerSizes, actual: sizes)
    }
    let labels = model.labels
    guard labels.count == sizes[sizes.count - 1] else {
      throw .labelCount(labels: labels.count, outputs: sizes[sizes.count - 1])
    }
    self.model = model
    self.layerSizes = sizes
    self.labels = labels
    self.thetas = thetas
    self.columnMajorThetas = thetas.map { $0.converted(to: .columnMajor) }
  }

  /// The input layout a large batch runs fastest in: row-major, each example's
  /// values contiguous (as CSV files and standard input give them).
  ///
  /// A block of a row-major `X` goes through every layer as `Zᵀ = W·[1 A]ᵀ`
  /// with column-major weights, OpenBLAS's "NN" small-matrix case: 5000×400
  /// examples through 400-25-10 took about 1.32 ms, against 1.51 ms for the same
  /// examples column-major (as MAT files hold them), on the two-core machine
  /// measured. Laying out a column-major `X` row-major after reading it costs
  /// more than that (about 5 ms for 5000×400, a copy with a transposition), so
  /// `theta predict` asks for this layout while a MAT file is read
  /// (`Dataset.mat(layout:)`), which costs next to nothing.
  public static let preferredInputLayout = MatrixLayout.rowMajor

  /// Features per example the network expects (`n`, 400 for the course).
  public var inputSize: Int { layerSizes[0] }

  /// Output units (`K`, 10 for the course).
  public var outputSize: Int { layerSizes[layerSizes.count - 1] }

  /// Buffers for the activations of each layer, reused from one call to the next.
  ///
  /// Pass the same workspace to repeated ``Network/predict(_:workspace:)`` calls to
  /// avoid allocating the `m × units` activation matrices each time.
  public struct Workspace: Sendable {
    /// Whole-batch activations `A_1 … A_L`.
    var activations: [Matrix] = []
    /// Per-chunk block activations of the blocked pass.
    var chunks: [ChunkBuffers] = []

    /// An empty workspace; its buffers are sized on first use.
    public init() {}
  }

  /// The output activations `A_L = σ([1 A_{L−1}]·Θ_Lᵀ)` for every example.
  ///
  /// - Parameter x: the inputs, `m × n`, one example per row, in either layout.
  /// - Returns: `m × K`, row-major: row `i` holds the output units for example `i`.
  /// - Throws: ``InferenceError/inputWidth(actual:expected:)`` when `x.columns != n`.
  public func probabilities(_ x: Matrix) throws(InferenceError) -> Matrix {
    var workspace = Workspace()
    guard x.columns == inputSize else {
      throw .inputWidth(actual: x.columns, expected: inputSize)
    }
    if let b = blockRows(for: x) {
      return blockedProbabilities(x, blockRows: b, workspace: &workspace)
    }
    try forward(x, workspace: &workspace)
    return workspace.activations[thetas.count - 1].converted(to: .rowMajor)
  }

  /// The predicted label of every example: `labels[argmax_j A_L[i, j]]`.
  ///
  /// Ties go to the first largest output, and a `NaN` output counts as the
  /// largest, exactly as numpy's `np.argmax(A3, axis=1) + 1` in the seed.
  ///
  /// - Parameter x: the inputs, `m × n`, one example per row, in either layout.
  /// - Returns: `m` labels.
  /// - Throws: ``InferenceError/inputWidth(actual:expected:)`` when `x.columns != n`.
  public func predict(_ x: Matrix) throws(InferenceError) -> [Int] {
    var workspace = Workspace()
    return try predict(x, workspace: &workspace)
  }

  /// ``predict(_:)`` reusing the buffers of `workspace`.
  ///
  /// - Parameters:
  ///   - x: the inputs, `m × n`, one example per row, in either layout.
  ///   - workspace: buffers kept from earlier calls (any network, any batch size).
  /// - Returns: `m` labels.
  /// - Throws: ``InferenceError/inputWidth(actual:expected:)`` when `x.columns != n`.
  public func predict(_ x: Matrix, workspace: inout Workspace) throws(InferenceError) -> [Int] {
    guard x.columns == inputSize else {
      throw .inputWidth(actual: x.columns, expected: inputSize)
    }
    if let b = blockRows(for: x) {
      return blockedPredict(x, blockRows: b, workspace: &workspace)
    }
    try forward(x, workspace: &workspace)
    let output = workspace.activations[thetas.count - 1]
    return argmaxLabels(output)
  }

  /// The predicted labels for output activations already computed by ``probabilities(_:)``.
  ///
  /// `labels[argmax_j P[i, j]]` per row, with the tie and `NaN` rules of ``predict(_:)``,
  /// so `labels(forProbabilities: probabilities(x))` equals `predict(x)`.
  ///
  /// - Parameter probabilities: `m × K` output activations, either layout.
  /// - Returns: `m` labels.
  public func labels(forProbabilities probabilities: Matrix) -> [Int] {
    precondition(
      probabilities.columns == outputSize,
      "Network.labels(forProbabilities:): \(probabilities.columns) columns for \(outputSize) outputs"
    )
    return argmaxLabels(probabilities)
  }

  /// Runs every layer on the whole batch into `workspace.activations[0 ..< L]`:
  /// one `cblas_dgemm` per layer (on OpenBLAS's threads when large), then the
  /// threaded ``applySigmoid(_:)``. Used when `blockRows(for:)` declines.
  func forward(_ x: Matrix, workspace: inout Workspace) throws(InferenceError) {
    guard x.columns == inputSize else {
      throw .inputWidth(actual: x.columns, expected: inputSize)
    }
    // Take the buffers out so that each is uniquely referenced while written.
    var buffers = workspace.activations
    workspace.activations = []
    if buffers.count != thetas.count {
      buffers = thetas.map { Matrix(rows: x.rows, columns: $0.rows, layout: .columnMajor) }
    }
    for l in thetas.indices {
      let input = l == 0 ? x : buffers[l - 1]
      do {
        try Matrix.affine(input, weights: thetas[l], into: &buffers[l])
      } catch {
        preconditionFailure("Network: shapes were checked, yet \(error)")
      }
      applySigmoid(&buffers[l])
    }
    workspace.activations = buffers
  }

  /// `labels[j]` for the first largest `j` of each row of `output` (`m × K`, either layout).
  func argmaxLabels(_ output: Matrix) -> [Int] {
    argmaxIndices(output).map { labels[$0] }
  }
}

/// The index of the first largest element of each row of `output` (`m × K`,
/// either layout); a `NaN` counts as larger than any number and the first `NaN`
/// of a row wins, as in `np.argmax`. Prediction's rule, also used by Training to
/// count the examples a network classifies right.
public func argmaxIndices(_ output: Matrix) -> [Int] {
  let m = output.rows
  let k = output.columns
  let values = output.storage
  // Element (i, j) is values[i * rowStride + j * columnStride].
  let (rowStride, columnStride) = output.layout == .rowMajor ? (k, 1) : (1, m)
  var best = [Int](repeating: 0, count: m)
  guard k > 0 else { return best }
  var bestValue = [Double](repeating: 0, count: m)
  for i in 0..<m { bestValue[i] = values[i * rowStride] }
  for j in 1..<k {
    for i in 0..<m where !bestValue[i].isNaN {
      let v = values[i * rowStride + j * columnStride]
      if v > bestValue[i] || v.isNaN {
        best[i] = j
        bestValue[i] = v
      }
    }
  }
  return best
}
