public import LinearAlgebra
public import ModelFormat

/// The optimiser of a training run.
public enum OptimizerKind: String, Sendable, CaseIterable {
  /// Nonlinear conjugate gradient, as the seed's `scipy.optimize.minimize(method='CG')`.
  case cg
  /// Limited-memory BFGS.
  case lbfgs
}

/// Everything that decides a training run besides the data.
public struct TrainingOptions: Sendable, Equatable {
  /// Regularisation strength λ (the seed trains with 1).
  public var lambda: Double = 1
  /// The optimiser.
  public var optimizer: OptimizerKind = .cg
  /// When to stop: 50 iterations and `gtol = 1e-5` by default, as the seed.
  public var criteria = StoppingCriteria()
  /// How the initial weights are drawn; Theta's own generator with seed 0 by default.
  public var initialization: WeightInitialization = .theta(seed: 0)
  /// ε of the initial `U(−ε, ε)`; 0.12 by default, as the seed.
  public var epsilon: InitialEpsilon = .fixed(0.12)

  /// Default options (λ = 1, CG, 50 iterations, Theta's generator with seed 0, ε = 0.12).
  public init() {}
}

/// A finished (or interrupted) training run.
public struct TrainingResult: Sendable {
  /// The network shapes.
  public var layout: NetworkLayout
  /// The options used.
  public var options: TrainingOptions
  /// What the optimiser returned; `optimization.x` are the trained parameters.
  public var optimization: OptimizationResult
  /// Fraction of the training examples whose most active output is their label, `[0, 1]`.
  public var accuracy: Double
  /// Number of training examples.
  public var examples: Int

  /// The trained weights as a model, with the training record of ``record(dataFile:dataSHA256:)``.
  ///
  /// - Parameters:
  ///   - labels: the label of each output unit (course: `1 … K`).
  ///   - metadata: further metadata (provenance, input shape, the training record).
  /// - Returns: the model.
  public func model(labels: [Int]? = nil, metadata: Metadata = Metadata()) -> ThetaModel {
    let weights: [WeightMatrix]
    do { weights = try layout.weights(optimization.x) } catch {
      preconditionFailure("TrainingResult: \(error)")
    }
    return ThetaModel(weights: weights, labels: labels, metadata: metadata)
  }

  /// The `training.*` metadata of this run (defined in `Docs/TRAINING.md`).
  ///
  /// - Parameters:
  ///   - dataFile: base name of the training data file.
  ///   - dataSHA256: its SHA-256, 64 lowercase hex digits.
  /// - Returns: the keys, ready to merge into a model's metadata.
  public func record(dataFile: String?, dataSHA256: String?) -> Metadata {
    var m = Metadata()
    let o = optimization
    m["training.lambda"] = .float(options.lambda)
    m["training.optimizer"] = .string(options.optimizer.rawValue)
    m["training.iterations"] = .int(Int64(o.iterations))
    m["training.max_iterations"] = .int(Int64(options.criteria.maxIterations))
    if let limit = options.criteria.maxEvaluations { m["training.max_evaluations"] = .int(Int64(limit)) }
    m["training.gradient_tolerance"] = .float(options.criteria.gradientTolerance)
    m["training.evaluations"] = .int(Int64(o.evaluations))
    m["training.final_cost"] = .float(o.cost)
    m["training.accuracy"] = .float(accuracy * 100)
    m["training.examples"] = .int(Int64(examples))
    m["training.init"] = .string(options.initialization.name)
    if let seed = options.initialization.seed { m["training.seed"] = .int(seed) }
    if options.initialization != .debug {
      switch options.epsilon {
      case .fixed(let e):
        m["training.epsilon"] = .float(e)
        m["training.epsilon_rule"] = .string("fixed")
      case .auto:
        m["training.epsilon"] = .float(
          options.epsilon.value(inputs: layout.layerSizes[0], outputs: layout.layerSizes[1]))
        m["training.epsilon_rule"] = .string("auto")
      }
    }
    if let dataFile { m["training.data_file"] = .string(dataFile) }
    if let dataSHA256 { m["training.data_sha256"] = .string(dataSHA256) }
    m["training.cost_history"] = .floatArray(o.costHistory)
    m["training.stopped"] = .string(o.stopReason.rawValue)
    return m
  }
}

/// Trains a sigmoid network as the seed does: initial weights, then CG (or L-BFGS)
/// on the regularised cost with backpropagation.
public enum Trainer {
  /// Trains a network on examples and their target output units.
  ///
  /// - Parameters:
  ///   - layout: the network shapes (e.g. 400-25-10).
  ///   - features: `m × s₀` examples, either layout (not copied).
  ///   - targets: each example's output unit, `0 ..< s_L` (see ``CostFunction/targets(labels:outputLabels:)``).
  ///   - options: λ, optimiser, stopping, initialisation.
  ///   - initial: start here instead of drawing initial weights.
  ///   - progress: called after each iteration; return `false` to stop early
  ///     (the result then holds the best point so far).
  /// - Returns: the trained parameters with the counts, cost history and training accuracy.
  /// - Throws: ``TrainingError`` for data that do not fit the network.
  public static func train(
    layout: NetworkLayout, features: Matrix, targets: [Int], options: TrainingOptions,
    initial: [Double]? = nil, progress: (IterationReport) -> Bool = { _ in true }
  ) throws(TrainingError) -> TrainingResult {
    if case .fixed(let e) = options.epsilon, !(e > 0 && e.isFinite) {
      throw .badOption("epsilon must be a positive number, not \(e)")
    }
    guard options.criteria.maxIterations >= 0 else {
      throw .badOption("the maximum number of iterations must be ≥ 0")
    }
    let cost = try CostFunction(layout: layout, features: features, targets: targets, lambda: options.lambda)
    let x0 = initial ?? layout.initialParameters(options.initialization, epsilon: options.epsilon)
    guard x0.count == layout.parameterCount else {
      throw .parameterCount(actual: x0.count, expected: layout.parameterCount)
    }
    let result: OptimizationResult
    switch options.optimizer {
    case .cg:
      result = ConjugateGradient().minimize(cost, from: x0, criteria: options.criteria, progress: progress)
    case .lbfgs:
      result = LBFGS().minimize(cost, from: x0, criteria: options.criteria, progress: progress)
    }
    return TrainingResult(
      layout: layout, options: options, optimization: result, accuracy: cost.accuracy(result.x),
      examples: features.rows)
  }
}
