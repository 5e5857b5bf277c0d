/// A byte array, or a window of one, read in one byte order, with bounds-checked
/// integer reads that return `nil` instead of trapping.
///
/// Offsets count from the start of the window (`base`), so a compressed element's
/// data checked in place inside a file image is addressed as if it stood alone.
struct Bytes {
  /// The bytes.
  let data: [UInt8]
  /// Whether multi-byte integers are big-endian.
  let bigEndian: Bool
  /// Where the window starts in `data`.
  let base: Int
  /// The number of bytes in the window.
  let count: Int

  /// The whole of `data`.
  init(data: [UInt8], bigEndian: Bool) {
    self.init(data: data, bigEndian: bigEndian, window: 0..<data.count)
  }

  /// The bytes of `data` in `window`, which must lie inside it.
  init(data: [UInt8], bigEndian: Bool, window: Range<Int>) {
    precondition(window.lowerBound >= 0 && window.upperBound <= data.count, "Bytes: bad window")
    self.data = data
    self.bigEndian = bigEndian
    self.base = window.lowerBound
    self.count = window.count
  }

  /// Whether `length` bytes starting at `offset` lie inside the window.
  func contains(_ offset: Int, _ length: Int) -> Bool {
    offset >= 0 && length >= 0 && offset <= count && length <= count - offset
  }

  /// The unsigned integer of `width` bytes at `offset`, or `nil` when out of range.
  func unsigned(_ offset: Int, width: Int) -> UInt64? {
    guard contains(offset, width) else { return nil }
    let start = base + offset
    var value: UInt64 = 0
    for i in 0..<width {
      let byte = UInt64(data[bigEndian ? start + i : start + width - 1 - i])
      value = value << 8 | byte
    }
    return value
  }

  /// The `UInt16` at `offset`.
  func u16(_ offset: Int) -> UInt16? { unsigned(offset, width: 2).map { UInt16($0) } }
  /// The `UInt32` at `offset`.
  func u32(_ offset: Int) -> UInt32? { unsigned(offset, width: 4).map { UInt32($0) } }
  /// The `Int32` at `offset`.
  func i32(_ offset: Int) -> Int32? { u32(offset).map { Int32(bitPattern: $0) } }
  /// The `UInt64` at `offset`.
  func u64(_ offset: Int) -> UInt64? { unsigned(offset, width: 8) }

  /// Whether every byte in `range` is zero.
  func allZero(_ range: Range<Int>) -> Bool {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "Bytes: bad range")
    return data[(base + range.lowerBound)..<(base + range.upperBound)].allSatisfy { $0 == 0 }
  }

  /// The text up to the first NUL in `range`, decoded as UTF-8 with replacement.
  func string(_ range: Range<Int>) -> String {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "Bytes: bad range")
    let slice = data[(base + range.lowerBound)..<(base + range.upperBound)]
    let end = slice.firstIndex(of: 0) ?? slice.endIndex
    return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
  }
}

/// `value` rounded up to a multiple of 8, or `nil` on overflow.
func roundUp8(_ value: Int) -> Int? {
  let (sum, overflow) = value.addingReportingOverflow(7)
  return overflow ? nil : sum & ~7
}

/// The product of `factors`, or `nil` when it overflows `Int` or a factor is negative.
func checkedProduct(_ factors: [Int]) -> Int? {
  var product = 1
  for f in factors {
    guard f >= 0 else { return nil }
    let (p, overflow) = product.multipliedReportingOverflow(by: f)
    if overflow { return nil }
    product = p
  }
  return product
}
