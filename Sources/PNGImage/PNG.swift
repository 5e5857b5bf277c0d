import SafeFile

/// PNG files through libpng's simplified API (`png_image_*`), which reports
/// errors by return value and never by `longjmp`.
///
/// Encoding is deterministic: the same ``Raster`` gives the same bytes (libpng
/// writes no time stamp; compression uses zlib's defaults).
public enum PNG {
  /// Encodes a picture as an 8-bit gray or RGB PNG file in memory.
  ///
  /// The corresponding C function is `png_image_write_to_memory`, called once
  /// to learn the size and once to write.
  ///
  /// - Parameter raster: the picture.
  /// - Returns: the bytes of the PNG file.
  /// - Throws: ``PNGError/libpng(call:message:)`` with libpng's message.
  public static func encode(_ raster: Raster) throws(PNGError) -> [UInt8] {
    try LibPNG.encode(raster)
  }

  /// Decodes a PNG file held in memory into 8-bit gray (for gray files) or RGB
  /// (for colour files); an alpha channel is composed onto black and dropped.
  ///
  /// The corresponding C functions are `png_image_begin_read_from_memory` and
  /// `png_image_finish_read`.
  ///
  /// - Parameter bytes: the whole PNG file.
  /// - Returns: the picture.
  /// - Throws: ``PNGError/libpng(call:message:)`` for a file libpng refuses,
  ///   ``PNGError/badSize(width:height:)`` for a picture wider or taller than
  ///   ``Raster/maximumSide``.
  public static func decode(_ bytes: [UInt8]) throws(PNGError) -> Raster {
    try LibPNG.decode(bytes)
  }

  /// Encodes `raster` and writes it to `path` atomically with ``SafeFile``
  /// (temporary file, `fsync`, `rename`): a failed call leaves no file behind
  /// and an existing file untouched.
  ///
  /// - Parameters:
  ///   - raster: the picture.
  ///   - path: the file to write.
  ///   - overwrite: replace an existing file; otherwise an existing `path` is an error.
  /// - Throws: ``PNGError/io(_:)`` wrapping ``SafeFileError``, or
  ///   ``PNGError/inFile(_:_:)`` around an encoding error.
  public static func write(_ raster: Raster, to path: String, overwrite: Bool) throws(PNGError) {
    let bytes: [UInt8]
    do {
      bytes = try encode(raster)
    } catch {
      throw .inFile(path, error)
    }
    do {
      try SafeFile.write(bytes, to: path, overwrite: overwrite)
    } catch {
      throw .io(error)
    }
  }

  /// Reads and decodes the PNG file at `path` (see ``decode(_:)``).
  ///
  /// - Parameter path: the file to read.
  /// - Returns: the picture.
  /// - Throws: ``PNGError/io(_:)`` when the file cannot be read,
  ///   ``PNGError/inFile(_:_:)`` around a decoding error.
  public static func read(path: String) throws(PNGError) -> Raster {
    let bytes: [UInt8]
    do {
      bytes = try SafeFile.read(path, limit: 1 << 28)
    } catch {
      throw .io(error)
    }
    do {
      return try decode(bytes)
    } catch {
      throw .inFile(path, error)
    }
  }
}
