internal import CPNG

/// The libpng calls: the only place that touches `png_image` and raw buffers.
///
/// Each `png_image` lives in one function and is released with
/// `png_image_free` on every path (a no-op once libpng has freed it itself).
enum LibPNG {
  static func encode(_ raster: Raster) throws(PNGError) -> [UInt8] {
    var image = png_image()
    image.version = CPNG_imageVersion()
    image.width = png_uint_32(raster.width)
    image.height = png_uint_32(raster.height)
    image.format = raster.format == .rgb ? CPNG_formatRGB() : CPNG_formatGray()
    image.flags = 0
    let stride = png_int_32(raster.width * raster.format.channels)
    let pixels = raster.pixels
    var size: png_alloc_size_t = 0
    let sized = pixels.withUnsafeBytes { px in
      png_image_write_to_memory(&image, nil, &size, 0, px.baseAddress, stride, nil)
    }
    guard sized != 0, size > 0 else {
      let message = Self.message(of: image)
      png_image_free(&image)
      throw .libpng(call: "png_image_write_to_memory", message: message)
    }
    var out = [UInt8](repeating: 0, count: Int(size))
    let written = out.withUnsafeMutableBytes { buffer in
      pixels.withUnsafeBytes { px in
        png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, px.baseAddress, stride, nil)
      }
    }
    let message = Self.message(of: image)
    png_image_free(&image)
    guard written != 0, Int(size) <= out.count else {
      throw .libpng(call: "png_image_write_to_memory", message: message)
    }
    out.removeLast(out.count - Int(size))
    return out
  }

  static func decode(_ bytes: [UInt8]) throws(PNGError) -> Raster {
    var image = png_image()
    image.version = CPNG_imageVersion()
    let begun = bytes.withUnsafeBytes { raw in
      png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
    }
    guard begun != 0 else {
      let message = Self.message(of: image)
      png_image_free(&image)
      throw .libpng(call: "png_image_begin_read_from_memory", message: message)
    }
    let width = Int(image.width)
    let height = Int(image.height)
    guard (1...Raster.maximumSide).contains(width), (1...Raster.maximumSide).contains(height) else {
      png_image_free(&image)
      throw .badSize(width: width, height: height)
    }
    let colour = image.format & CPNG_formatFlagColor() != 0
    let format: Raster.PixelFormat = colour ? .rgb : .gray
    image.format = colour ? CPNG_formatRGB() : CPNG_formatGray()
    let stride = width * format.channels
    var pixels = [UInt8](repeating: 0, count: stride * height)
    let finished = pixels.withUnsafeMutableBytes { buffer in
      png_image_finish_read(&image, nil, buffer.baseAddress, png_int_32(stride), nil)
    }
    let message = Self.message(of: image)
    let failed = CPNG_imageFailed(&image) != 0
    png_image_free(&image)
    guard finished != 0, !failed else {
      throw .libpng(call: "png_image_finish_read", message: message)
    }
    return try Raster(width: width, height: height, format: format, pixels: pixels)
  }

  /// libpng's `png_image.message`, a NUL-terminated `char[64]`.
  private static func message(of image: png_image) -> String {
    withUnsafeBytes(of: image.message) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }
}
