/// Assembles the image of a v5 file that matio reads (see
/// `StructureCheck.checkV5(_:bigEndian:image:)`): the file's 128-byte header, then
/// each top-level element in order, every one padded with zeros to a multiple of 8.
enum FileImage {
  /// What fills one slot of the image.
  enum Part {
    /// These bytes of the file (an uncompressed element's tag and data).
    case copy(Range<Int>)
    /// The zlib stream in these bytes of the file, which must inflate to exactly `size`
    /// bytes, or to `size` padded to 8 with zeros.
    case inflate(Range<Int>, size: Int)
  }

  /// The image, allocated once at `size` bytes and written in place: copies with one
  /// `memcpy` each, streams inflated straight into their slots (``Inflate/into(_:from:range:)``).
  ///
  /// - Parameters:
  ///   - size: 128 plus every slot's size (its part's size rounded up to 8).
  ///   - data: the whole file.
  ///   - parts: the slots, in file order; every range must lie inside `data`.
  ///   - produced: set to the bytes each `.inflate` part gave (0 for copies).
  /// - Returns: the image, or `nil` when a stream fails, gives another size, or the
  ///   slots do not add up to `size`.
  static func build(
    size: Int, from data: [UInt8], parts: [Part], produced: inout [Int]
  ) -> [UInt8]? {
    guard data.count >= 128, size >= 128, produced.count == parts.count else { return nil }
    var slots: [Int] = []
    for part in parts {
      switch part {
      case .copy(let range):
        guard range.lowerBound >= 0, range.upperBound <= data.count,
          let slot = roundUp8(range.count)
        else { return nil }
        slots.append(slot)
      case .inflate(let range, let expected):
        guard range.lowerBound >= 0, range.upperBound <= data.count, expected >= 0,
          let slot = roundUp8(expected)
        else { return nil }
        slots.append(slot)
      }
    }
    guard slots.reduce(128, { $0.addingReportingOverflow($1).partialValue }) == size,
      slots.allSatisfy({ $0 <= size })
    else { return nil }

    var failed = false
    var outputs = [Int](repeating: 0, count: parts.count)
    let image = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      initialized = 0
      let out = UnsafeMutableRawBufferPointer(buffer)
      HugePages.advise(out)
      data.withUnsafeBytes { file in
        out.baseAddress!.copyMemory(from: file.baseAddress!, byteCount: 128)
        var at = 128
        for (i, part) in parts.enumerated() {
          let slot = UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + slots[i])])
          let written: Int
          switch part {
          case .copy(let range):
            slot.baseAddress!.copyMemory(
              from: file.baseAddress! + range.lowerBound, byteCount: range.count)
            written = range.count
          case .inflate(let range, let expected):
            guard let n = Inflate.into(slot, from: data, range: range),
              n == expected || n == slots[i]
            else {
              failed = true
              return
            }
            outputs[i] = n
            written = n
          }
          if written < slot.count {
            UnsafeMutableRawBufferPointer(rebasing: slot[written...]).initializeMemory(
              as: UInt8.self, repeating: 0)
          }
          at += slots[i]
        }
      }
      if !failed { initialized = size }
    }
    guard !failed else { return nil }
    produced = outputs
    return image
  }
}
