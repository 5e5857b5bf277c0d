/// numpy's legacy `np.random.RandomState`: the MT19937 generator with numpy's
/// seeding, `rand()` and `randint(n)`, reproduced bit for bit.
///
/// - Seeding: `RandomState(seed)` for an integer `0 ≤ seed < 2³²` is Matsumoto
///   and Nishimura's `init_genrand(seed)`: `mt[0] = seed`,
///   `mt[i] = 1812433253 · (mt[i−1] ⊕ (mt[i−1] ≫ 30)) + i` (mod 2³²).
/// - ``nextUInt32()`` is the MT19937 output (`genrand_int32`).
/// - ``rand()`` makes a double in `[0, 1)` from two outputs `a`, `b` as
///   `((a ≫ 5) · 67108864 + (b ≫ 6)) / 9007199254740992`, numpy's
///   `random_sample` (`legacy_double`).
/// - ``randint(_:)`` is numpy's legacy masked rejection sampling for ranges
///   below 2³²: draw 32-bit outputs, keep `output & mask` (the smallest
///   `2ᵏ − 1 ≥ n − 1`) once it is at most `n − 1`.
///
/// So `RandomState(seed: 0).rand()` gives 0.5488135039273248, as
/// `np.random.RandomState(0).rand()` does.
public struct RandomState: Sendable {
  private var mt = [UInt32](repeating: 0, count: 624)
  private var index = 624

  /// The generator of `np.random.RandomState(seed)`.
  ///
  /// - Parameter seed: `0 … 2³² − 1`, as numpy accepts.
  public init(seed: UInt32) {
    mt[0] = seed
    for i in 1..<624 {
      mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
    }
    index = 624
  }

  /// The next 32-bit output of MT19937 (`genrand_int32`).
  public mutating func nextUInt32() -> UInt32 {
    if index >= 624 { twist() }
    var y = mt[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// A double in `[0, 1)` with 53 random bits: numpy's `rand()` / `random_sample()`.
  public mutating func rand() -> Double {
    let a = Double(nextUInt32() >> 5)
    let b = Double(nextUInt32() >> 6)
    return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
  }

  /// `count` doubles from ``rand()``: numpy's `rand(rows, columns)` read row by row.
  public mutating func rand(count: Int) -> [Double] {
    (0..<count).map { _ in rand() }
  }

  /// An integer in `0 ..< upperBound`: numpy's legacy `randint(upperBound)`.
  ///
  /// - Parameter upperBound: `1 … 2³²`; `randint(1)` is always 0 and draws nothing.
  public mutating func randint(_ upperBound: Int) -> Int {
    precondition(upperBound >= 1 && upperBound <= 1 << 32, "RandomState.randint: bound \(upperBound) out of 1…2³²")
    let range = UInt32(upperBound - 1)
    if range == 0 { return 0 }
    var mask = range
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    while true {
      let v = nextUInt32() & mask
      if v <= range { return Int(v) }
    }
  }

  private mutating func twist() {
    let upper: UInt32 = 0x8000_0000
    let lower: UInt32 = 0x7FFF_FFFF
    for i in 0..<624 {
      let y = (mt[i] & upper) | (mt[(i + 1) % 624] & lower)
      var v = mt[(i + 397) % 624] ^ (y >> 1)
      if y & 1 != 0 { v ^= 0x9908_B0DF }
      mt[i] = v
    }
    index = 0
  }
}

/// SplitMix64 (Steele, Lea and Flood 2014), Theta's own seeded generator.
///
/// State `s` advances by `0x9E3779B97F4A7C15`; each output is `s` mixed by
/// `z = (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9`, `z = (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB`,
/// `z ⊕ (z ≫ 31)`. Doubles take the top 53 bits: `(next() ≫ 11) · 2⁻⁵³`, in `[0, 1)`.
/// Integer arithmetic only, so a seed gives the same numbers on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator starting from `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64-bit output.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A double in `[0, 1)`: the top 53 bits of ``next()`` times 2⁻⁵³.
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1p-53
  }
}
