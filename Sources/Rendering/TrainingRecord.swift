public import ModelFormat

/// The part of a model's training record (`training.*` metadata, see
/// `Docs/TRAINING.md`) that the cost curve shows.
public struct TrainingRecord: Equatable, Sendable {
  /// `training.cost_history`: J at the start, then after every iteration.
  public var costHistory: [Double]
  /// `training.optimizer`, e.g. `cg` or `lbfgs`.
  public var optimizer: String?
  /// `training.lambda`, λ.
  public var lambda: Double?
  /// `training.stopped`, why training stopped.
  public var stopped: String?

  /// A record from its parts.
  public init(costHistory: [Double], optimizer: String? = nil, lambda: Double? = nil, stopped: String? = nil) {
    self.costHistory = costHistory
    self.optimizer = optimizer
    self.lambda = lambda
    self.stopped = stopped
  }

  /// The record of `model`.
  ///
  /// - Parameter model: a model written by `theta train`.
  /// - Throws: ``RenderingError/noTrainingRecord`` when `training.cost_history`
  ///   is absent, not a float array, or empty.
  public init(model: ThetaModel) throws(RenderingError) {
    guard case .floatArray(let history)? = model.metadata["training.cost_history"], !history.isEmpty else {
      throw .noTrainingRecord
    }
    var lambda: Double?
    switch model.metadata["training.lambda"] {
    case .float(let v)?: lambda = v
    case .int(let v)?: lambda = Double(v)
    default: lambda = nil
    }
    self.init(
      costHistory: history, optimizer: model.metadata.string("training.optimizer"), lambda: lambda,
      stopped: model.metadata.string("training.stopped"))
  }

  /// Iterations recorded: one less than the costs.
  public var iterations: Int { max(costHistory.count - 1, 0) }

  /// The plot's title, e.g. `training cost: cg, λ = 1, 50 iterations, final J = 0.38349`.
  public var title: String {
    var parts: [String] = []
    if let optimizer { parts.append(optimizer) }
    if let lambda { parts.append("λ = " + NumberText.significant(lambda, digits: 4)) }
    parts.append("\(iterations) iteration\(iterations == 1 ? "" : "s")")
    if let last = costHistory.last(where: \.isFinite) {
      parts.append("final J = " + NumberText.significant(last, digits: 5))
    }
    return "training cost: " + parts.joined(separator: ", ")
  }
}
