/// An 8-bit picture in memory: `height` rows of `width` pixels, top row first,
/// each pixel one gray byte or three bytes red, green, blue.
///
/// This is the layout libpng's simplified API reads and writes (`png_image`
/// with `PNG_FORMAT_GRAY` or `PNG_FORMAT_RGB` and a row stride of
/// `width × channels`).
public struct Raster: Equatable, Sendable {
  /// How a pixel is stored.
  public enum PixelFormat: Equatable, Sendable, CaseIterable {
    /// One byte: 0 black … 255 white (libpng's `PNG_FORMAT_GRAY`).
    case gray
    /// Three bytes, red, green, blue (libpng's `PNG_FORMAT_RGB`).
    case rgb

    /// Bytes per pixel: 1 or 3.
    public var channels: Int { self == .gray ? 1 : 3 }
  }

  /// The largest width or height accepted: 65 535 pixels.
  public static let maximumSide = 65_535

  /// Pixels per row.
  public let width: Int
  /// Number of rows.
  public let height: Int
  /// Gray or RGB.
  public let format: PixelFormat
  /// `width × height × format.channels` bytes, row by row from the top.
  public private(set) var pixels: [UInt8]

  /// Wraps existing pixel bytes.
  ///
  /// - Parameters:
  ///   - width: pixels per row, 1 … ``maximumSide``.
  ///   - height: rows, 1 … ``maximumSide``.
  ///   - format: gray or RGB.
  ///   - pixels: exactly `width × height × format.channels` bytes, top row first.
  /// - Throws: ``PNGError/badSize(width:height:)`` or ``PNGError/pixelCount(expected:actual:)``.
  public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) throws(PNGError) {
    guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
      throw .badSize(width: width, height: height)
    }
    let expected = width * height * format.channels
    guard pixels.count == expected else { throw .pixelCount(expected: expected, actual: pixels.count) }
    self.width = width
    self.height = height
    self.format = format
    self.pixels = pixels
  }

  /// The bytes of the pixel in column `x`, row `y` (0-based, from the top left):
  /// one gray byte, or red, green and blue.
  public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "Raster: pixel (\(x), \(y)) outside \(width)×\(height)")
    let start = (y * width + x) * format.channels
    return pixels[start..<start + format.channels]
  }
}
