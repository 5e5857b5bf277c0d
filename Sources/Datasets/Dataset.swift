public import LinearAlgebra

/// Examples for a network: the feature matrix `X` (one example per row) and,
/// when the source has them, the true labels `y`.
public struct Dataset: Sendable {
  /// `X`, `m × n`: row-major from a CSV file, column-major (as stored) from a MAT file.
  public var features: Matrix
  /// `y`, one label per row of ``features``, or `nil` when the source has none.
  public var labels: [Int]?
  /// Where the examples came from: the path as given, or `<stdin>`.
  public var source: String
  /// The SHA-256 of the source file (64 lowercase hex digits), when the reader was
  /// asked for it (``mat(path:x:y:requireY:digest:)``), else `nil`.
  public var sourceSHA256: String?

  /// Wraps examples already in memory.
  ///
  /// - Parameters:
  ///   - features: `X`, one example per row.
  ///   - labels: one label per row, or `nil`; its count must equal `features.rows`.
  ///   - source: a name for messages.
  ///   - sourceSHA256: the source file's SHA-256, if known.
  public init(features: Matrix, labels: [Int]? = nil, source: String = "", sourceSHA256: String? = nil) {
    precondition(
      labels == nil || labels?.count == features.rows,
      "Dataset: \(labels?.count ?? 0) labels for \(features.rows) examples")
    self.features = features
    self.labels = labels
    self.source = source
    self.sourceSHA256 = sourceSHA256
  }

  /// Number of examples, `m`.
  public var count: Int { features.rows }

  /// Features per example, `n`.
  public var featureCount: Int { features.columns }
}

/// Whether a CSV file has a label column.
public enum LabelColumn: Sendable, Equatable {
  /// Every column is a feature (prediction input).
  case none
  /// The last column holds each row's integer label (training input).
  case last
}
