import Testing
import Training

/// Initial weights: the seed's `randInitializeWeights`, the course's
/// `debugInitializeWeights`, and Theta's own generator.
@Suite struct InitializationTests {
  /// REFERENCE.md, "Seed initialisation for 400-25-10": first five
  /// `0.01171524 0.05164545 0.02466321 0.01077196 -0.01832285`, sum
  /// `-8.860572614818569`; full-precision values and the last value from
  /// `tools/seed_reference.py`'s `initial_params(400, 25, 10)` (numpy 2.4.6):
  /// 0.011715240942557936, 0.05164544792938067, 0.024663210257194534,
  /// 0.01077196391925525, -0.018322848158662863; last -0.04988459356978828.
  @Test func numpyInitReproducesTheSeedsInitialParamsBitForBit() throws {
    let layout = try NetworkLayout(layerSizes: [400, 25, 10])
    let p = layout.initialParameters(.numpy(seed: 0), epsilon: .fixed(0.12))
    #expect(p.count == 10285)
    #expect(
      Array(p.prefix(5)) == [
        0.011715240942557936, 0.05164544792938067, 0.024663210257194534, 0.01077196391925525,
        -0.018322848158662863,
      ])
    #expect(p[10284] == -0.04988459356978828)
    // Theta2 starts from a fresh RandomState(0), as in the seed: the same first values.
    #expect(Array(p[10025..<10030]) == Array(p.prefix(5)))
    // numpy's pairwise sum and a plain loop may differ in the last bits.
    let sum = p.reduce(0, +)
    #expect(abs(sum - -8.860572614818569) < 1e-12)
  }

  /// numpy: `randInitializeWeights(400, 25, np.sqrt(6)/np.sqrt(425)).ravel()[:3]` =
  /// 0.011599817034653473, 0.05113661337320603, 0.02442021703807827, and
  /// `np.sqrt(6)/np.sqrt(425)` = 0.1188177051572009.
  @Test func autoEpsilonIsSqrtSixOverSqrtFanInPlusFanOut() throws {
    #expect(InitialEpsilon.auto.value(inputs: 400, outputs: 25) == 0.1188177051572009)
    let layout = try NetworkLayout(layerSizes: [400, 25, 10])
    let p = layout.initialParameters(.numpy(seed: 0), epsilon: .auto)
    #expect(Array(p.prefix(3)) == [0.011599817034653473, 0.05113661337320603, 0.02442021703807827])
  }

  /// numpy: `seed_reference.debugInitializeWeights(5, 3)` (the course's function).
  @Test func debugInitializeWeightsIsSinColumnMajorOverTen() {
    let w = debugInitializeWeights(fanOut: 5, fanIn: 3)
    let expected: [[Double]] = [
      [0.08414709848078965, -0.027941549819892587, -0.09999902065507035, -0.02879033166650653],
      [0.09092974268256818, 0.06569865987187891, -0.05365729180004349, -0.09613974918795568],
      [0.014112000805986721, 0.09893582466233818, 0.042016703682664094, -0.0750987246771676],
      [-0.07568024953079282, 0.04121184852417566, 0.09906073556948704, 0.014987720966295234],
      [-0.09589242746631385, -0.05440211108893698, 0.06502878401571169, 0.09129452507276277],
    ]
    for i in 0..<5 {
      for j in 0..<4 {
        #expect(abs(w[i * 4 + j] - expected[i][j]) <= 1e-17, "element (\(i), \(j))")
      }
    }
  }

  /// Theta's own generator: one SplitMix64 stream, `u·2ε − ε`, `u` the top 53
  /// bits. The expected values are computed from SplitMix64's definition by a
  /// Python transcription (`(next() >> 11) * 2**-53 * 2 * 0.12 - 0.12` for seed 0).
  @Test func thetaInitIsSeededSplitMix64() throws {
    let layout = try NetworkLayout(layerSizes: [2, 2, 1])
    let p = layout.initialParameters(.theta(seed: 0))
    #expect(p.count == 9)
    #expect(Array(p.prefix(3)) == [0.09199459397127421, -0.016433280708357603, -0.11365589481777653])
    #expect(p == layout.initialParameters(.theta(seed: 0)))
    #expect(p != layout.initialParameters(.theta(seed: 1)))
    #expect(p.allSatisfy { abs($0) < 0.12 })
  }
}
