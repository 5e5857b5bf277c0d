public import ModelFormat

/// The weight matrices of a fully connected network and their places in the
/// unrolled parameter vector.
///
/// For layer sizes `[s₀, s₁, …, s_L]` (input first, no bias units) the network
/// has `L` matrices, `Θ_l` of shape `s_l × (s_{l−1} + 1)` with the bias weights
/// in column 0. The unrolled vector is the seed's `nn_params`: every `Θ_l`
/// row-major, `Θ₁` first (`np.hstack((Theta1.ravel(), Theta2.ravel()))`), so
/// 400-25-10 has 25·401 + 10·26 = 10285 parameters.
public struct NetworkLayout: Equatable, Sendable {
  /// Units per layer, input first, without bias units: `[400, 25, 10]` for the course.
  public let layerSizes: [Int]
  /// Offset of each `Θ_l` in the unrolled vector, and the total count last.
  public let offsets: [Int]

  /// A layout for `layerSizes`.
  ///
  /// - Parameter layerSizes: at least two sizes, each at least 1.
  /// - Throws: ``TrainingError/badLayerSizes(_:)``.
  public init(layerSizes: [Int]) throws(TrainingError) {
    guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 >= 1 && $0 <= 1 << 24 }) else {
      throw .badLayerSizes(layerSizes)
    }
    self.layerSizes = layerSizes
    var offsets = [0]
    for l in 1..<layerSizes.count {
      offsets.append(offsets[l - 1] + layerSizes[l] * (layerSizes[l - 1] + 1))
    }
    self.offsets = offsets
  }

  /// Number of weight matrices `L` (2 for 400-25-10).
  public var matrixCount: Int { layerSizes.count - 1 }

  /// Inputs per example (`s₀`).
  public var inputs: Int { layerSizes[0] }

  /// Output units (`s_L`).
  public var outputs: Int { layerSizes[layerSizes.count - 1] }

  /// Number of weights in all matrices (10285 for 400-25-10).
  public var parameterCount: Int { offsets[offsets.count - 1] }

  /// Shape of `Θ_l`, `l` counted from 0: `(s_{l+1}, s_l + 1)`.
  public func shape(ofMatrix l: Int) -> (rows: Int, columns: Int) {
    (layerSizes[l + 1], layerSizes[l] + 1)
  }

  /// The index range of `Θ_l` (`l` from 0) in the unrolled vector.
  public func range(ofMatrix l: Int) -> Range<Int> { offsets[l]..<offsets[l + 1] }

  /// The weight matrices `Theta1` … `ThetaL` of an unrolled vector.
  ///
  /// - Parameter parameters: ``parameterCount`` values.
  /// - Throws: ``TrainingError/parameterCount(actual:expected:)``.
  public func weights(_ parameters: [Double]) throws(TrainingError) -> [WeightMatrix] {
    guard parameters.count == parameterCount else {
      throw .parameterCount(actual: parameters.count, expected: parameterCount)
    }
    return (0..<matrixCount).map { l in
      let (r, c) = shape(ofMatrix: l)
      return WeightMatrix(name: "Theta\(l + 1)", rows: r, columns: c, values: Array(parameters[range(ofMatrix: l)]))
    }
  }

  /// The layout of a model's weights and its unrolled vector.
  ///
  /// - Parameter model: a model whose matrix shapes chain.
  /// - Returns: the layout and the seed's `nn_params` of the model.
  /// - Throws: ``TrainingError/badLayerSizes(_:)`` when the shapes do not chain.
  public static func of(_ model: ThetaModel) throws(TrainingError) -> (NetworkLayout, [Double]) {
    guard let first = model.weights.first else { throw .badLayerSizes([]) }
    let sizes = [first.columns - 1] + model.weights.map(\.rows)
    let layout = try NetworkLayout(layerSizes: sizes)
    for (l, w) in model.weights.enumerated() where w.rows != sizes[l + 1] || w.columns != sizes[l] + 1 {
      throw .badLayerSizes(sizes)
    }
    return (layout, model.unrolled)
  }
}
