/// A line of text under a tile, e.g. a predicted label.
public struct Caption: Equatable, Sendable {
  /// The text, in the ``BitmapFont``.
  public var text: String
  /// The colour of the letters.
  public var ink: Color
  /// The colour of the strip behind them.
  public var paper: Color

  /// A caption.
  public init(text: String, ink: Color = .black, paper: Color = .white) {
    self.text = text
    self.ink = ink
    self.paper = paper
  }
}

/// One small picture of a grid: gray levels (0 black … 255 white) row by row,
/// and an optional caption.
public struct Tile: Equatable, Sendable {
  /// Rows of pixels.
  public var height: Int
  /// Pixels per row.
  public var width: Int
  /// `height × width` gray levels, top row first.
  public var levels: [UInt8]
  /// The text under the tile, if any.
  public var caption: Caption?

  /// A tile from gray levels.
  ///
  /// - Parameters:
  ///   - height: rows of pixels.
  ///   - width: pixels per row.
  ///   - levels: `height × width` gray levels, top row first.
  ///   - caption: the text under the tile.
  public init(height: Int, width: Int, levels: [UInt8], caption: Caption? = nil) {
    precondition(levels.count == height * width, "Tile: \(levels.count) levels for \(height)×\(width)")
    self.height = height
    self.width = width
    self.levels = levels
    self.caption = caption
  }

  /// An example's values drawn as `shape` through `colormap` after `range`:
  /// the pixel at row `r`, column `c` is value ``ImageShape/valueIndex(row:column:)``
  /// (for the course, the seed's `row.reshape((20, 20)).T`).
  ///
  /// - Parameters:
  ///   - values: the example, `shape.pixelCount` values.
  ///   - shape: the picture's shape and pixel order.
  ///   - range: the values drawn white and black.
  ///   - colormap: ``Colormap/binary`` (0 white, 1 black) by default.
  public init(
    values: [Double], shape: ImageShape, range: ToneRange = .tile, colormap: Colormap = .binary
  ) {
    precondition(values.count == shape.pixelCount, "Tile: \(values.count) values for \(shape)")
    let t = range.normalise(values)
    var levels = [UInt8](repeating: 255, count: shape.pixelCount)
    for r in 0..<shape.height {
      for c in 0..<shape.width {
        levels[r * shape.width + c] = colormap.grayLevel(t[shape.valueIndex(row: r, column: c)])
      }
    }
    self.init(height: shape.height, width: shape.width, levels: levels)
  }
}

/// Where the tiles of a grid picture go.
///
/// Tiles are `tileWidth × tileHeight` pixels enlarged `scale` times (each
/// pixel a `scale × scale` square), filled row by row as matplotlib's
/// `subplot(rows, columns, i + 1)` does, with one-pixel ``Color/separator``
/// lines between them and around the edge, and an optional caption strip of
/// ``captionHeight`` pixels under each tile. So the picture is
/// `columns · tileWidth · scale + columns + 1` pixels wide.
public struct GridLayout: Equatable, Sendable {
  /// Tiles per column.
  public var rows: Int
  /// Tiles per row.
  public var columns: Int
  /// Pixels per tile row, before scaling.
  public var tileWidth: Int
  /// Rows per tile, before scaling.
  public var tileHeight: Int
  /// Pixels per tile pixel.
  public var scale: Int
  /// Whether tiles have a caption strip.
  public var captions: Bool

  /// Width of the separator lines, in pixels.
  public static let separator = 1
  /// The width a default scale reaches at least: 400 pixels.
  public static let minimumWidth = 400

  /// A layout.
  ///
  /// - Parameters:
  ///   - rows: tiles per column, at least 1.
  ///   - columns: tiles per row, at least 1.
  ///   - tileHeight: rows per tile.
  ///   - tileWidth: pixels per tile row.
  ///   - scale: pixels per tile pixel; `nil` for ``defaultScale(columns:tileWidth:)``.
  ///   - captions: leave a caption strip under each tile.
  /// - Throws: ``RenderingError/badGrid(rows:columns:scale:)``,
  ///   ``RenderingError/tooLarge(width:height:)``.
  public init(
    rows: Int, columns: Int, tileHeight: Int, tileWidth: Int, scale: Int? = nil,
    captions: Bool = false
  ) throws(RenderingError) {
    let s = scale ?? Self.defaultScale(columns: max(columns, 1), tileWidth: tileWidth)
    guard rows >= 1, columns >= 1, s >= 1 else {
      throw .badGrid(rows: rows, columns: columns, scale: s)
    }
    // Reject absurd sizes before multiplying them out.
    guard rows <= Canvas.maximumSide, columns <= Canvas.maximumSide, s <= Canvas.maximumSide,
      tileWidth <= Canvas.maximumSide, tileHeight <= Canvas.maximumSide
    else {
      throw .tooLarge(
        width: columns * min(tileWidth, Canvas.maximumSide), height: rows * min(tileHeight, Canvas.maximumSide))
    }
    self.rows = rows
    self.columns = columns
    self.tileWidth = tileWidth
    self.tileHeight = tileHeight
    self.scale = s
    self.captions = captions
    let (w, h) = (width, height)
    guard w <= Canvas.maximumSide, h <= Canvas.maximumSide, w * h <= Canvas.maximumPixels else {
      throw .tooLarge(width: w, height: h)
    }
  }

  /// The smallest scale that makes the picture at least ``minimumWidth`` pixels wide
  /// (2 for 10 columns of 20 pixels: 411 pixels; 4 for 5 columns: 406).
  ///
  /// - Parameters:
  ///   - columns: tiles per row.
  ///   - tileWidth: pixels per tile row.
  public static func defaultScale(columns: Int, tileWidth: Int) -> Int {
    let content = columns * max(tileWidth, 1)
    let lines = (columns + 1) * separator
    let needed = minimumWidth - lines
    return max(1, (needed + content - 1) / content)
  }

  /// Pixels per font pixel in captions: the scale up to 2, then half the scale
  /// (1, 2, 2, 2, 2, 3, 3, 4 … for scales 1, 2, 3, 4, 5, 6, 7, 8 …).
  public var captionScale: Int { min(scale, max(2, scale / 2)) }

  /// Height of a caption strip: 11 font pixels (2 above the glyph, 1 below), 0 without captions.
  public var captionHeight: Int { captions ? (BitmapFont.glyphHeight + 3) * captionScale : 0 }

  /// Width of the picture in pixels.
  public var width: Int { columns * tileWidth * scale + (columns + 1) * Self.separator }

  /// Height of the picture in pixels.
  public var height: Int { rows * (tileHeight * scale + captionHeight) + (rows + 1) * Self.separator }

  /// The top left pixel of tile `index` (0-based, row by row).
  public func origin(ofTile index: Int) -> (x: Int, y: Int) {
    let r = index / columns
    let c = index % columns
    return (
      Self.separator + c * (tileWidth * scale + Self.separator),
      Self.separator + r * (tileHeight * scale + captionHeight + Self.separator)
    )
  }

  /// Draws `tiles` (at most `rows × columns`) on separator-coloured lines;
  /// cells without a tile stay white.
  ///
  /// - Parameter tiles: tiles of `tileHeight × tileWidth` pixels.
  /// - Returns: the picture.
  /// - Throws: ``RenderingError/tooLarge(width:height:)``.
  public func draw(_ tiles: [Tile]) throws(RenderingError) -> Canvas {
    precondition(tiles.count <= rows * columns, "GridLayout: \(tiles.count) tiles for \(rows)×\(columns)")
    var canvas = try Canvas(width: width, height: height, background: .separator)
    let cellHeight = tileHeight * scale + captionHeight
    for i in 0..<(rows * columns) {
      let (x, y) = origin(ofTile: i)
      guard i < tiles.count else {
        canvas.fill(x: x, y: y, width: tileWidth * scale, height: cellHeight, color: .white)
        continue
      }
      let tile = tiles[i]
      precondition(tile.width == tileWidth && tile.height == tileHeight, "GridLayout: tile \(i) has the wrong size")
      for r in 0..<tileHeight {
        for c in 0..<tileWidth {
          canvas.fill(
            x: x + c * scale, y: y + r * scale, width: scale, height: scale,
            color: Color(gray: tile.levels[r * tileWidth + c]))
        }
      }
      if captions {
        let strip = y + tileHeight * scale
        let caption = tile.caption ?? Caption(text: "")
        canvas.fill(x: x, y: strip, width: tileWidth * scale, height: captionHeight, color: caption.paper)
        let fs = captionScale
        // Keep to the strip: drop characters that would run into the next tile.
        let fits = (tileWidth * scale + fs) / (BitmapFont.advance * fs)
        let text = String(caption.text.prefix(max(0, fits)))
        let textWidth = BitmapFont.width(of: text, scale: fs)
        canvas.text(
          text, x: x + max(0, (tileWidth * scale - textWidth) / 2), y: strip + 2 * fs,
          scale: fs, color: caption.ink)
      }
    }
    return canvas
  }
}
