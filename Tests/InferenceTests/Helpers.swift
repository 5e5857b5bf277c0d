import LinearAlgebra
import ModelFormat
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `rows × columns` uniform values in `range`, row-major.
func randomValues(
  _ count: Int, in range: ClosedRange<Double>, using rng: inout SplitMix64
) -> [Double] {
  (0..<count).map { _ in Double.random(in: range, using: &rng) }
}

/// A random network with the given layer sizes, weights uniform in ±0.12·scale
/// like the seed's initialisation.
func randomModel(
  sizes: [Int], scale: Double = 1, labels: [Int]? = nil, seed: UInt64
) -> ThetaModel {
  var rng = SplitMix64(seed: seed)
  let weights = (1..<sizes.count).map { l in
    WeightMatrix(
      name: "Theta\(l)", rows: sizes[l], columns: sizes[l - 1] + 1,
      values: randomValues(
        sizes[l] * (sizes[l - 1] + 1), in: -0.12 * scale...0.12 * scale, using: &rng))
  }
  return ThetaModel(weights: weights, labels: labels)
}

/// The seed's forward propagation written out as plain loops, independent of
/// BLAS: `a ← [1, a]`, `z_j = Σ_k Θ[j, k]·a_k`, `a_j = 1 / (1 + exp(−z_j))`.
func naiveProbabilities(_ model: ThetaModel, _ x: [[Double]]) -> [[Double]] {
  x.map { example in
    var a = example
    for w in model.weights {
      let input = [1.0] + a
      a = (0..<w.rows).map { j in
        var z = 0.0
        for k in 0..<w.columns { z += w[j, k] * input[k] }
        return 1 / (1 + exp(-z))
      }
    }
    return a
  }
}

/// `np.argmax(row) `-style label: first largest, `labels[index]`.
func naivePredict(_ probabilities: [[Double]], labels: [Int]) -> [Int] {
  probabilities.map { row in
    var best = 0
    for j in row.indices where row[j] > row[best] { best = j }
    return labels[best]
  }
}

/// The rows of `m`.
func rows(of m: Matrix) -> [[Double]] {
  (0..<m.rows).map { m.row($0) }
}

/// Largest absolute element-wise difference of two equally shaped tables.
func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
  precondition(a.count == b.count)
  var d = 0.0
  for (ra, rb) in zip(a, b) {
    precondition(ra.count == rb.count)
    for (u, v) in zip(ra, rb) { d = max(d, abs(u - v)) }
  }
  return d
}

/// Expects every element of `actual` within `tolerance` of `expected`.
func expectClose(
  _ actual: [[Double]], _ expected: [[Double]], tolerance: Double,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, sourceLocation: sourceLocation)
  #expect(
    zip(actual, expected).allSatisfy { $0.count == $1.count }, sourceLocation: sourceLocation)
  let d = maxDifference(actual, expected)
  #expect(d <= tolerance, "max difference \(d) > \(tolerance)", sourceLocation: sourceLocation)
}
