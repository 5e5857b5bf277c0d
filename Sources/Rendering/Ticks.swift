#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Axis ticks at "nice" numbers (1, 2 or 5 times a power of ten), by
/// Heckbert's loose labelling ("Nice numbers for graph labels", Graphics Gems, 1990).
public struct Ticks: Equatable, Sendable {
  /// The tick values, from ``low`` to ``high``.
  public var values: [Double]
  /// The distance between ticks.
  public var step: Double
  /// Decimals that print every tick exactly: `max(0, −⌊log₁₀ step⌋)`.
  public var decimals: Int

  /// The first tick, at or below the data's minimum.
  public var low: Double { values.first ?? 0 }
  /// The last tick, at or above the data's maximum.
  public var high: Double { values.last ?? 1 }

  /// Ticks covering `low … high` with about `count` values.
  ///
  /// - Parameters:
  ///   - low: the smallest value to show.
  ///   - high: the largest value to show; when equal to `low` the range is
  ///     widened by 10 % of the value (or 1 around 0).
  ///   - count: about how many ticks, at least 2.
  ///   - minimumStep: the smallest step allowed (1 for iteration counts).
  public init(low: Double, high: Double, count: Int = 6, minimumStep: Double = 0) {
    var lo = min(low, high)
    var hi = max(low, high)
    if hi - lo <= abs(hi) * 1e-12 {
      let pad = lo == 0 ? 1 : abs(lo) * 0.1
      lo -= pad
      hi += pad
    }
    let range = Self.nice(hi - lo, round: false)
    let step = max(Self.nice(range / Double(max(count, 2) - 1), round: true), minimumStep)
    let first = (lo / step).rounded(.down) * step
    let last = (hi / step).rounded(.up) * step
    let n = Int(((last - first) / step).rounded()) + 1
    values = (0..<n).map { first + Double($0) * step }
    self.step = step
    decimals = max(0, -Int(log10(step).rounded(.down)))
  }

  /// A nice number near `x > 0`: rounded (1, 2, 5, 10 × 10ᵏ, nearest) or
  /// covering (the smallest of them ≥ `x`).
  static func nice(_ x: Double, round: Bool) -> Double {
    let e = log10(x).rounded(.down)
    let p = pow(10, e)
    let f = x / p
    let n: Double
    if round {
      n = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
    } else {
      n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
    }
    return n * p
  }

  /// The labels of ``values`` with ``decimals`` decimals.
  public var labels: [String] { values.map { NumberText.fixed($0, decimals: decimals) } }
}

/// Numbers as text without `printf` or locales: the same digits everywhere.
public enum NumberText {
  /// `value` rounded to `decimals` decimals, e.g. `fixed(0.25, decimals: 1)` is `0.3`
  /// (ties away from zero), with `-` for negatives and never `-0`.
  ///
  /// - Parameters:
  ///   - value: a finite number; others print as Swift prints them.
  ///   - decimals: digits after the point, 0 … 15.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    let d = min(max(decimals, 0), 15)
    let scaled = (value * pow(10, Double(d))).rounded()
    guard value.isFinite, abs(scaled) < 1e15 else { return "\(value)" }
    let k = Int64(scaled)
    let digits = String(k.magnitude)
    let padded = String(repeating: "0", count: max(0, d + 1 - digits.count)) + digits
    let cut = padded.index(padded.endIndex, offsetBy: -d)
    let text = d == 0 ? padded : padded[..<cut] + "." + padded[cut...]
    return (k < 0 ? "-" : "") + text
  }

  /// `value` with `digits` significant digits in fixed notation, e.g.
  /// `significant(0.3834931, digits: 5)` is `0.38349`.
  ///
  /// - Parameters:
  ///   - value: the number.
  ///   - digits: significant digits, at least 1.
  public static func significant(_ value: Double, digits: Int) -> String {
    guard value.isFinite, value != 0 else { return value == 0 ? "0" : "\(value)" }
    let magnitude = Int(log10(abs(value)).rounded(.down))
    let text = fixed(value, decimals: max(0, digits - 1 - magnitude))
    guard text.contains(".") else { return text }
    var trimmed = text
    while trimmed.hasSuffix("0") { trimmed.removeLast() }
    if trimmed.hasSuffix(".") { trimmed.removeLast() }
    return trimmed
  }
}
