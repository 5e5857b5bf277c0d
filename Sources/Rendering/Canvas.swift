public import PNGImage

/// An 8-bit RGB colour.
public struct Color: Equatable, Hashable, Sendable {
  /// Red, 0 … 255.
  public var red: UInt8
  /// Green, 0 … 255.
  public var green: UInt8
  /// Blue, 0 … 255.
  public var blue: UInt8

  /// A colour from its three components.
  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// The gray with all three components `level`.
  public init(gray level: UInt8) { self.init(red: level, green: level, blue: level) }

  /// Whether the three components are equal.
  public var isGray: Bool { red == green && green == blue }

  /// 255, 255, 255.
  public static let white = Color(gray: 255)
  /// 0, 0, 0.
  public static let black = Color(gray: 0)
  /// The one-pixel lines between tiles: gray 128.
  public static let separator = Color(gray: 128)
  /// Grid lines of a plot: gray 224.
  public static let grid = Color(gray: 224)
  /// matplotlib's `tab:red` (214, 39, 40): wrong predictions.
  public static let red = Color(red: 214, green: 39, blue: 40)
  /// matplotlib's `tab:blue` (31, 119, 180): the cost curve.
  public static let blue = Color(red: 31, green: 119, blue: 180)
}

/// A picture being drawn: `width × height` RGB pixels, origin at the top left.
///
/// Drawing outside the canvas is clipped silently. ``raster()`` hands the
/// pixels to ``PNG`` for writing.
public struct Canvas: Equatable, Sendable {
  /// The largest width or height: 16 384 pixels.
  public static let maximumSide = 16_384
  /// The largest number of pixels: 2²⁶ (64 Mi, 192 MiB of RGB).
  public static let maximumPixels = 1 << 26

  /// Pixels per row.
  public let width: Int
  /// Number of rows.
  public let height: Int
  private var rgb: [UInt8]

  /// A canvas filled with `background`.
  ///
  /// - Parameters:
  ///   - width: pixels per row, 1 … ``maximumSide``.
  ///   - height: rows, 1 … ``maximumSide``.
  ///   - background: the initial colour of every pixel.
  /// - Throws: ``RenderingError/tooLarge(width:height:)``.
  public init(width: Int, height: Int, background: Color = .white) throws(RenderingError) {
    guard width >= 1, height >= 1, width <= Self.maximumSide, height <= Self.maximumSide,
      width * height <= Self.maximumPixels
    else { throw .tooLarge(width: width, height: height) }
    self.width = width
    self.height = height
    rgb = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      rgb[3 * i] = background.red
      rgb[3 * i + 1] = background.green
      rgb[3 * i + 2] = background.blue
    }
  }

  /// The colour at column `x`, row `y`; setting outside the canvas does nothing.
  public subscript(x: Int, y: Int) -> Color {
    get {
      precondition(x >= 0 && x < width && y >= 0 && y < height, "Canvas: (\(x), \(y)) outside \(width)×\(height)")
      let i = 3 * (y * width + x)
      return Color(red: rgb[i], green: rgb[i + 1], blue: rgb[i + 2])
    }
    set {
      guard x >= 0, x < width, y >= 0, y < height else { return }
      let i = 3 * (y * width + x)
      rgb[i] = newValue.red
      rgb[i + 1] = newValue.green
      rgb[i + 2] = newValue.blue
    }
  }

  /// Fills the rectangle of `width × height` pixels whose top left is (`x`, `y`).
  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
    let x0 = max(0, x)
    let y0 = max(0, y)
    let x1 = min(width, x + w)
    let y1 = min(height, y + h)
    guard x0 < x1, y0 < y1 else { return }
    for yy in y0..<y1 {
      for xx in x0..<x1 {
        let i = 3 * (yy * width + xx)
        rgb[i] = color.red
        rgb[i + 1] = color.green
        rgb[i + 2] = color.blue
      }
    }
  }

  /// Draws a straight line from (`x0`, `y0`) to (`x1`, `y1`) with Bresenham's
  /// algorithm, stamping a `thickness × thickness` square centred on each point.
  public mutating func line(
    from x0: Int, _ y0: Int, to x1: Int, _ y1: Int, thickness: Int = 1, color: Color
  ) {
    let t = max(1, thickness)
    let off = (t - 1) / 2
    var x = x0
    var y = y0
    let dx = abs(x1 - x0)
    let dy = -abs(y1 - y0)
    let sx = x0 < x1 ? 1 : -1
    let sy = y0 < y1 ? 1 : -1
    var err = dx + dy
    while true {
      fill(x: x - off, y: y - off, width: t, height: t, color: color)
      if x == x1 && y == y1 { break }
      let e2 = 2 * err
      if e2 >= dy {
        err += dy
        x += sx
      }
      if e2 <= dx {
        err += dx
        y += sy
      }
    }
  }

  /// Writes `text` in the ``BitmapFont`` with its top left at (`x`, `y`), each
  /// font pixel a `scale × scale` square.
  ///
  /// - Parameters:
  ///   - text: the characters; those the font lacks draw as a hollow box.
  ///   - x: left edge.
  ///   - y: top edge (the top of capitals).
  ///   - scale: pixels per font pixel, at least 1.
  ///   - color: the ink.
  ///   - vertical: turn the text 90° anticlockwise, reading upwards from (`x`, `y`)
  ///     as the bottom left, as a y-axis label reads.
  public mutating func text(
    _ text: String, x: Int, y: Int, scale: Int = 1, color: Color, vertical: Bool = false
  ) {
    let s = max(1, scale)
    var pen = 0
    for ch in text {
      let rows = BitmapFont.glyph(ch)
      for (gy, bits) in rows.enumerated() {
        for gx in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - gx)) != 0 {
          if vertical {
            fill(x: x + gy * s, y: y - (pen + gx + 1) * s, width: s, height: s, color: color)
          } else {
            fill(x: x + (pen + gx) * s, y: y + gy * s, width: s, height: s, color: color)
          }
        }
      }
      pen += BitmapFont.advance
    }
  }

  /// The pixels for ``PNG``: 8-bit gray when every pixel is gray, else 8-bit RGB.
  public func raster() -> Raster {
    var gray = true
    var i = 0
    while i < rgb.count {
      if rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2] {
        gray = false
        break
      }
      i += 3
    }
    do {
      if gray {
        let levels = stride(from: 0, to: rgb.count, by: 3).map { rgb[$0] }
        return try Raster(width: width, height: height, format: .gray, pixels: levels)
      }
      return try Raster(width: width, height: height, format: .rgb, pixels: rgb)
    } catch {
      preconditionFailure("Canvas \(width)×\(height) makes no raster: \(error)")
    }
  }
}
