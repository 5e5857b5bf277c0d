/// A fully connected sigmoid network as a `.theta` file holds it: the weight
/// matrices `Theta1` … `ThetaN` (bias in column 0) and typed metadata.
///
/// Layer sizes, labels and input shape live in ``metadata`` under the keys of
/// `Docs/FORMAT.md` §7; the computed properties here read them.
public struct ThetaModel: Equatable, Sendable {
  /// `Theta1` … `ThetaN`, in order.
  public var weights: [WeightMatrix]
  /// How the weights are stored in the file.
  public var dtype: DType
  /// All metadata, the required `model.*` keys included.
  public var metadata: Metadata
  /// The format version the model was read from (`(1, 0)` for a new model).
  public var version: FormatVersion = .current
  /// Tensors after the `Theta` matrices that this reader does not interpret (newer minor versions).
  public var extraTensors: [String] = []

  /// Creates a model from weights, filling the required `model.*` metadata.
  ///
  /// - Parameters:
  ///   - weights: `Theta1` … `ThetaN`; their shapes must chain (checked by ``validate()``).
  ///   - labels: the label of each output unit; default `1 … K` as in the course.
  ///   - dtype: storage type in the file.
  ///   - metadata: further metadata (provenance, input shape, user keys).
  public init(
    weights: [WeightMatrix], labels: [Int]? = nil, dtype: DType = .float64,
    metadata: Metadata = Metadata()
  ) {
    self.weights = weights
    self.dtype = dtype
    self.metadata = metadata
    let sizes = [(weights.first?.columns ?? 1) - 1] + weights.map(\.rows)
    self.metadata["model.architecture"] = .string("fc-sigmoid")
    self.metadata["model.activation"] = .string("sigmoid")
    self.metadata["model.bias"] = .string("column0")
    self.metadata["model.layer_sizes"] = .intArray(sizes.map { Int64($0) })
    let k = weights.last?.rows ?? 0
    self.metadata["model.labels"] = .intArray((labels ?? Array(1...max(k, 1))).map { Int64($0) })
  }

  /// Creates a model from already complete parts (used by the reader).
  init(weights: [WeightMatrix], dtype: DType, metadata: Metadata, version: FormatVersion) {
    self.weights = weights
    self.dtype = dtype
    self.metadata = metadata
    self.version = version
  }

  /// Units per layer, input first, without bias units: `[400, 25, 10]` for the course.
  public var layerSizes: [Int] {
    metadata.ints("model.layer_sizes")?.map { Int($0) }
      ?? ([(weights.first?.columns ?? 1) - 1] + weights.map(\.rows))
  }

  /// The label of each output unit (course: `1 … 10`, label 10 meaning the digit 0).
  public var labels: [Int] {
    metadata.ints("model.labels")?.map { Int($0) } ?? Array(1...(weights.last?.rows ?? 1))
  }

  /// The input image shape `[height, width]` when the inputs are images, else `nil`.
  public var inputShape: [Int]? {
    metadata.ints("input.shape")?.map { Int($0) }
  }

  /// Number of weights in all matrices (10285 for 400-25-10).
  public var parameterCount: Int { weights.reduce(0) { $0 + $1.values.count } }

  /// The seed's unrolled `nn_params`: every matrix row-major, `Theta1` first.
  public var unrolled: [Double] { weights.flatMap(\.values) }
}

/// A format version `major.minor`.
public struct FormatVersion: Equatable, Comparable, Sendable, CustomStringConvertible {
  /// Incompatible changes bump the major version; readers refuse another major.
  public var major: UInt16
  /// Compatible additions bump the minor version; readers read any minor of their major.
  public var minor: UInt16

  /// Creates a version.
  public init(major: UInt16, minor: UInt16) {
    self.major = major
    self.minor = minor
  }

  /// The version this library writes: 1.0.
  public static let current = FormatVersion(major: 1, minor: 0)

  /// `major.minor`.
  public var description: String { "\(major).\(minor)" }

  /// Orders by major, then minor.
  public static func < (a: FormatVersion, b: FormatVersion) -> Bool {
    (a.major, a.minor) < (b.major, b.minor)
  }
}
