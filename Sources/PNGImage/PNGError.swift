public import SafeFile

/// Why a picture could not be encoded, decoded, read or written; `description`
/// is the one-line message a user sees.
public indirect enum PNGError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A problem with the file named by the first value.
  case inFile(String, PNGError)
  /// Reading or writing the file failed.
  case io(SafeFileError)
  /// A width or height of 0, or more than ``Raster/maximumSide`` pixels.
  case badSize(width: Int, height: Int)
  /// A pixel buffer whose length is not `width × height × channels`.
  case pixelCount(expected: Int, actual: Int)
  /// libpng refused: `call` is the C function, `message` libpng's `png_image.message`.
  case libpng(call: String, message: String)

  /// The message for the user.
  public var description: String {
    switch self {
    case .inFile(let file, let inner): "\(file): \(inner.description)"
    case .io(let e): e.description
    case .badSize(let width, let height):
      "a \(width)×\(height) picture is not possible; each side must be 1…\(Raster.maximumSide) pixels"
    case .pixelCount(let expected, let actual):
      "\(actual) pixel bytes given; the picture needs \(expected)"
    case .libpng(let call, let message):
      "libpng: \(message.isEmpty ? "failed" : message) (\(call))"
    }
  }
}
