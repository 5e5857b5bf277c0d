#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How the initial weights of a training run are drawn.
public enum WeightInitialization: Equatable, Sendable {
  /// Theta's own generator: one ``SplitMix64`` stream seeded with `seed`, drawn
  /// for `Θ₁` row by row, then `Θ₂`, …; each weight is `u·2ε − ε` with `u` in `[0, 1)`.
  case theta(seed: UInt64)
  /// The seed post's `randInitializeWeights`: for *each* matrix a fresh
  /// `np.random.RandomState(seed)` (see ``RandomState``), `rand(L_out, 1 + L_in)·2ε − ε`.
  /// With `seed: 0` and ε = 0.12 this is the seed's `initial_nn_params` bit for bit.
  case numpy(seed: UInt32)
  /// The course's `debugInitializeWeights`: `sin(1 … n)/10` laid out column-major
  /// (no randomness, no ε).
  case debug

  /// The name recorded as `training.init`: `theta`, `numpy` or `debug`.
  public var name: String {
    switch self {
    case .theta: "theta"
    case .numpy: "numpy"
    case .debug: "debug"
    }
  }

  /// The seed recorded as `training.seed` (none for ``debug``).
  public var seed: Int64? {
    switch self {
    case .theta(let s): Int64(bitPattern: s)
    case .numpy(let s): Int64(s)
    case .debug: nil
    }
  }
}

/// The half-width ε of the uniform initial weights `U(−ε, ε)`.
public enum InitialEpsilon: Equatable, Sendable {
  /// The same ε for every matrix; the course and the seed use 0.12.
  case fixed(Double)
  /// ε = √6 / √(L_in + L_out) for each matrix, the course's suggested rule
  /// (0.1188… for 400 → 25, 0.4080… for 25 → 10).
  case auto

  /// ε for a matrix with `inputs` inputs (without bias) and `outputs` outputs.
  public func value(inputs: Int, outputs: Int) -> Double {
    switch self {
    case .fixed(let e): e
    case .auto: 6.0.squareRoot() / Double(inputs + outputs).squareRoot()
    }
  }
}

/// The seed's `randInitializeWeights(L_in, L_out)` with a given generator state:
/// `rng.rand(L_out, 1 + L_in) * 2 * epsilon_init - epsilon_init`, row-major.
///
/// The arithmetic is the seed's, in its order (`(u·2)·ε − ε`), so the values
/// are bit for bit numpy's.
///
/// - Parameters:
///   - inputs: `L_in`, units feeding the layer (without bias).
///   - outputs: `L_out`, units of the layer.
///   - epsilon: ε.
///   - rng: the numpy generator; the seed passes a fresh `RandomState(0)`.
/// - Returns: `L_out × (1 + L_in)` values, row-major.
public func randInitializeWeights(
  inputs: Int, outputs: Int, epsilon: Double = 0.12, rng: inout RandomState
) -> [Double] {
  (0..<(outputs * (inputs + 1))).map { _ in rng.rand() * 2 * epsilon - epsilon }
}

/// The course's `debugInitializeWeights(fan_out, fan_in)`: a `fan_out × (1 + fan_in)`
/// matrix whose column-major elements are `sin(1), sin(2), …` divided by 10.
///
/// The corresponding C function is `sin` (glibc).
///
/// - Parameters:
///   - fanOut: rows.
///   - fanIn: columns minus one.
/// - Returns: the matrix row-major: element `(i, j)` is `sin(1 + i + j·fan_out) / 10`.
public func debugInitializeWeights(fanOut: Int, fanIn: Int) -> [Double] {
  let columns = fanIn + 1
  var w = [Double](repeating: 0, count: fanOut * columns)
  for i in 0..<fanOut {
    for j in 0..<columns {
      w[i * columns + j] = sin(Double(1 + i + j * fanOut)) / 10
    }
  }
  return w
}

extension NetworkLayout {
  /// The initial unrolled parameters for this network.
  ///
  /// - Parameters:
  ///   - method: the generator (see ``WeightInitialization``).
  ///   - epsilon: ε of `U(−ε, ε)` (ignored by ``WeightInitialization/debug``).
  /// - Returns: ``parameterCount`` values, `Θ₁` first, each row-major.
  public func initialParameters(_ method: WeightInitialization, epsilon: InitialEpsilon = .fixed(0.12)) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(parameterCount)
    var splitmix = SplitMix64(seed: { if case .theta(let seed) = method { return seed } else { return 0 } }())
    for l in 0..<matrixCount {
      let (inputs, outputs) = (layerSizes[l], layerSizes[l + 1])
      let e = epsilon.value(inputs: inputs, outputs: outputs)
      switch method {
      case .numpy(let seed):
        var rng = RandomState(seed: seed)
        out += randInitializeWeights(inputs: inputs, outputs: outputs, epsilon: e, rng: &rng)
      case .theta:
        for _ in 0..<(outputs * (inputs + 1)) {
          out.append(splitmix.nextUnit() * 2 * e - e)
        }
      case .debug:
        out += debugInitializeWeights(fanOut: outputs, fanIn: inputs)
      }
    }
    return out
  }
}
