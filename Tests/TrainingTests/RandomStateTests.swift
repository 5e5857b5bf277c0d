import Testing
import Training

/// numpy's legacy `RandomState`, bit for bit.
///
/// Expected values: /work/shared/REFERENCE.md ("Seed initialisation" and the
/// gradient check), and numpy 2.4.6 printed with
/// `.venv/bin/python -c "import numpy as np; r = np.random.RandomState(S); …"`
/// as quoted on each test.
@Suite struct RandomStateTests {
  /// REFERENCE.md: `RandomState(0)`'s first three `rand()`.
  @Test func randMatchesNumpyForSeedZero() {
    var r = RandomState(seed: 0)
    #expect(r.rand() == 0.5488135039273248)
    #expect(r.rand() == 0.7151893663724195)
    #expect(r.rand() == 0.6027633760716439)
  }

  /// REFERENCE.md and numpy: `r.rand(5, 3); r.randint(3, size=5)` gives `1 0 0 1 2`.
  @Test func randintAfterTheSeedsFifteenDrawsGivesOneZeroZeroOneTwo() {
    var r = RandomState(seed: 0)
    _ = r.rand(count: 15)
    #expect((0..<5).map { _ in r.randint(3) } == [1, 0, 0, 1, 2])
  }

  /// numpy: `[r.randint(2**32, dtype=np.uint64) for _ in range(3)]` with `RandomState(0)`
  /// gives 2357136044 2546248239 3071714933, the raw MT19937 outputs.
  @Test func rawOutputsAreMT19937() {
    var r = RandomState(seed: 0)
    #expect((0..<3).map { _ in r.nextUInt32() } == [2_357_136_044, 2_546_248_239, 3_071_714_933])
  }

  /// numpy: `r = RandomState(12345); r.rand(2); r.randint(10, size=6); r.randint(1000, size=4)`
  /// gives [0.9296160928171479, 0.3163755545817859], [4 9 5 2 1 6], [369 315 654 105].
  @Test func otherSeedAndRangesMatchNumpy() {
    var r = RandomState(seed: 12345)
    #expect(r.rand() == 0.9296160928171479)
    #expect(r.rand() == 0.3163755545817859)
    #expect((0..<6).map { _ in r.randint(10) } == [4, 9, 5, 2, 1, 6])
    #expect((0..<4).map { _ in r.randint(1000) } == [369, 315, 654, 105])
  }

  /// numpy: `RandomState(4294967295).rand(2)` gives [0.0976320289940138, 0.9123828453026218].
  @Test func largestSeed() {
    var r = RandomState(seed: UInt32.max)
    #expect(r.rand() == 0.0976320289940138)
    #expect(r.rand() == 0.9123828453026218)
  }

  /// SplitMix64's published reference outputs for seed 1234567 (Vigna's
  /// splitmix64.c; also the test vector of Java's `SplittableRandom`):
  /// 6457827717110365317, 3203168211198807973, 9817491932198370423.
  @Test func splitMix64MatchesItsReferenceOutputs() {
    var g = SplitMix64(seed: 1_234_567)
    #expect(g.next() == 6_457_827_717_110_365_317)
    #expect(g.next() == 3_203_168_211_198_807_973)
    #expect(g.next() == 9_817_491_932_198_370_423)
  }
}
