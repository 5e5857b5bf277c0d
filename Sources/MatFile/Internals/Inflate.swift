internal import CDeflate
internal import CZlib

/// Why a zlib stream could not be inflated completely.
enum InflateFailure: Error, Equatable {
  /// zlib reported an error: its return code and `msg` (e.g. "incorrect data check").
  case zlib(code: Int32, message: String)
  /// The input ended before the end of the stream (`Z_BUF_ERROR` with no input left).
  case truncated
  /// The stream ended (`Z_STREAM_END`) with this many input bytes unused.
  case trailing(Int)
  /// The output would exceed the limit.
  case tooLarge
  /// The output would exceed what the inflated `miMATRIX` tag and header allow (this
  /// many bytes).
  case beyondClaim(Int)
  /// The first inflated bytes already show the content is not a valid variable.
  case refused(MatFileError)
}

/// What the bytes inflated so far allow: at most `most` bytes in all; `final` once
/// more bytes cannot change that (the header has been read completely).
struct InflateBound: Equatable {
  /// The most bytes the whole stream may inflate to.
  var most: Int
  /// Whether the bound is settled.
  var final: Bool
}

/// Whole-stream zlib inflation with a bound on the output.
enum Inflate {
  /// Inflates the zlib stream in `input[range]` completely.
  ///
  /// The stream must end (`Z_STREAM_END`, so zlib has checked its Adler-32) exactly at
  /// the end of `range`. Output grows in 64 KiB steps as data actually inflates, so a
  /// lying size never drives an allocation. After each step `bound` sees everything
  /// inflated so far and may refuse it (the element's tag and array header are wrong)
  /// or cap the total (what its tag and header allow), until it says its bound is
  /// final; so a zlib bomb is refused after its first 64 KiB, not after all of it. The C
  /// functions are `inflateInit_` (through the shim `CZlib_inflateInit`), `inflate` and
  /// `inflateEnd`.
  ///
  /// - Parameters:
  ///   - input: the bytes holding the stream.
  ///   - range: where the stream lies in `input`.
  ///   - limit: the most output bytes allowed.
  ///   - bound: judges the output so far (see above).
  /// - Returns: the inflated bytes.
  static func all(
    _ input: [UInt8], range: Range<Int>, limit: Int,
    bound: ([UInt8]) throws(MatFileError) -> InflateBound = { _ in InflateBound(most: .max, final: true) }
  ) -> Result<[UInt8], InflateFailure> {
    guard !range.isEmpty else { return .failure(.truncated) }
    guard range.count <= Int(UInt32.max) else {
      return .failure(.zlib(code: Z_STREAM_ERROR, message: "stream larger than 4 GiB"))
    }
    var stream = z_stream()
    let initStatus = CZlib_inflateInit(&stream)
    guard initStatus == Z_OK else {
      return .failure(.zlib(code: initStatus, message: message(stream, initStatus)))
    }
    defer { inflateEnd(&stream) }

    let chunk = 1 << 16
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: chunk)
    var most = InflateBound(most: .max, final: false)
    return input.withUnsafeBufferPointer { whole -> Result<[UInt8], InflateFailure> in
      guard let base = whole.baseAddress else { return .failure(.truncated) }
      stream.next_in = UnsafeMutablePointer(mutating: base + range.lowerBound)
      stream.avail_in = UInt32(range.count)
      while true {
        let status = buffer.withUnsafeMutableBufferPointer { out -> Int32 in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(chunk)
          return inflate(&stream, Z_NO_FLUSH)
        }
        let produced = chunk - Int(stream.avail_out)
        if produced > limit - output.count { return .failure(.tooLarge) }
        if produced > most.most - output.count { return .failure(.beyondClaim(most.most)) }
        output.append(contentsOf: buffer[0..<produced])
        if !most.final && produced > 0 {
          do throws(MatFileError) {
            most = try bound(output)
          } catch {
            return .failure(.refused(error))
          }
          if output.count > most.most { return .failure(.beyondClaim(most.most)) }
        }
        switch status {
        case Z_OK:
          continue
        case Z_STREAM_END:
          if stream.avail_in != 0 { return .failure(.trailing(Int(stream.avail_in))) }
          return .success(output)
        case Z_BUF_ERROR:
          if stream.avail_in == 0 { return .failure(.truncated) }
          return .failure(.zlib(code: status, message: message(stream, status)))
        default:
          return .failure(.zlib(code: status, message: message(stream, status)))
        }
      }
    }
  }

  // MARK: - In place (the fast path of the structural check)

  /// The first `count` bytes the zlib stream in `input[range]` inflates to (fewer when
  /// the stream ends or fails earlier), or `nil` when the stream cannot be set up.
  ///
  /// Used to read the inflated `miMATRIX` tag and array header, and so the element's
  /// size, before inflating the whole stream into place.
  static func prefix(_ input: [UInt8], range: Range<Int>, count: Int) -> [UInt8]? {
    guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= input.count,
      range.count <= Int(UInt32.max), count > 0
    else { return nil }
    var stream = z_stream()
    guard CZlib_inflateInit(&stream) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: count)
    let produced = input.withUnsafeBufferPointer { whole -> Int in
      out.withUnsafeMutableBufferPointer { buffer -> Int in
        stream.next_in = UnsafeMutablePointer(mutating: whole.baseAddress! + range.lowerBound)
        stream.avail_in = UInt32(range.count)
        stream.next_out = buffer.baseAddress
        stream.avail_out = UInt32(count)
        while stream.avail_out > 0 {
          let status = inflate(&stream, Z_NO_FLUSH)
          if status != Z_OK { break }
        }
        return count - Int(stream.avail_out)
      }
    }
    return Array(out[0..<produced])
  }

  /// Inflates the whole zlib stream in `input[range]` straight into `destination`
  /// with libdeflate (`libdeflate_zlib_decompress_ex`, which checks the header and
  /// the Adler-32 trailer), or `nil` when it fails, does not end exactly at the end of
  /// `range`, or would not fit.
  ///
  /// Nothing is allocated for the output: the caller sizes `destination` from the
  /// inflated tag (bounded by the limit and by deflate's largest expansion). A `nil`
  /// sends the caller to ``all(_:range:limit:)``, whose refusals are the reference.
  ///
  /// - Returns: the number of bytes written.
  static func into(
    _ destination: UnsafeMutableRawBufferPointer, from input: [UInt8], range: Range<Int>
  ) -> Int? {
    guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= input.count,
      let out = destination.baseAddress
    else { return nil }
    guard let decompressor = libdeflate_alloc_decompressor() else { return nil }
    defer { libdeflate_free_decompressor(decompressor) }
    var consumed = 0
    var produced = 0
    let result = input.withUnsafeBytes { whole -> libdeflate_result in
      libdeflate_zlib_decompress_ex(
        decompressor, whole.baseAddress! + range.lowerBound, range.count, out,
        destination.count, &consumed, &produced)
    }
    guard result == LIBDEFLATE_SUCCESS, consumed == range.count, produced <= destination.count
    else { return nil }
    return produced
  }

  /// The most bytes a deflate stream of `compressed` bytes can inflate to, plus slack:
  /// a 258-byte match costs at least 2 bits (1-bit length and distance codes), so
  /// deflate expands at most 1032:1.
  static func maximumOutput(compressed: Int) -> Int {
    let (product, overflow) = compressed.multipliedReportingOverflow(by: 1032)
    return overflow ? Int.max : product + 1024
  }

  /// zlib's message for a failed call, or a name for its return code.
  private static func message(_ stream: z_stream, _ status: Int32) -> String {
    if let msg = stream.msg { return String(cString: msg) }
    switch status {
    case Z_NEED_DICT: return "needs a preset dictionary"
    case Z_DATA_ERROR: return "data error"
    case Z_MEM_ERROR: return "out of memory"
    case Z_STREAM_ERROR: return "stream error"
    case Z_VERSION_ERROR: return "zlib version mismatch"
    default: return "zlib error \(status)"
    }
  }
}
