/// Maps a number to a colour, as matplotlib's colour maps do.
public enum Colormap: Equatable, Sendable {
  /// matplotlib's `cm.binary`: 0 white, 1 black, through 256 grays.
  ///
  /// As matplotlib's 256-entry lookup table: `i = ⌊t · 256⌋` clipped to
  /// `0 … 255` (so `t = 1` and above give 255, `t < 0` gives 0), and entry `i`
  /// is the gray level `255 − i`. NaN draws white.
  case binary

  /// The gray level (0 black … 255 white) of `t`, a value already normalised to `0 … 1`.
  ///
  /// - Parameter t: the normalised value; values outside `0 … 1` are clipped.
  /// - Returns: the 8-bit gray level.
  public func grayLevel(_ t: Double) -> UInt8 {
    guard !t.isNaN else { return 255 }
    let scaled = t * 256
    let i = scaled >= 255 ? 255 : (scaled <= 0 ? 0 : Int(scaled))
    return UInt8(255 - i)
  }

  /// The colour of `t` (see ``grayLevel(_:)``).
  ///
  /// - Parameter t: the normalised value.
  public func color(_ t: Double) -> Color { Color(gray: grayLevel(t)) }
}

/// How the values of a tile become `0 … 1` before the colour map.
public enum ToneRange: Equatable, Sendable {
  /// Each tile from its own minimum (white) to its own maximum (black):
  /// matplotlib's default `Normalize` in every `imshow` of the seed, and the
  /// course's per-example scaling in `displayData`. A constant tile is white.
  case tile
  /// Every tile on one scale, `low` white and `high` black (`high > low`).
  case fixed(low: Double, high: Double)

  /// `values` normalised to `0 … 1` (before clipping).
  ///
  /// - Parameter values: one tile's values.
  /// - Returns: `(v − low) / (high − low)` per value; 0 everywhere when `high == low`.
  public func normalise(_ values: [Double]) -> [Double] {
    let low: Double
    let high: Double
    switch self {
    case .tile:
      low = values.min() ?? 0
      high = values.max() ?? 0
    case .fixed(let l, let h):
      low = l
      high = h
    }
    guard high > low else { return [Double](repeating: 0, count: values.count) }
    let span = high - low
    return values.map { ($0 - low) / span }
  }
}
