#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The byte-level CSV reader behind ``Dataset/csv(data:name:labelColumn:)``.
enum CSVParser {
  /// A parsed table: `rows × columns` features row-major, and the labels.
  struct Table {
    var rows: Int
    var columns: Int
    var values: [Double]
    var labels: [Int]?
  }

  /// Parses `data`; errors name `name`, the 1-based line and the 1-based value.
  static func parse(
    _ data: [UInt8], name: String, labelColumn: LabelColumn
  ) throws(DatasetError) -> Table {
    try data.withUnsafeBufferPointer { (buffer) throws(DatasetError) -> Table in
      var reader = Reader(buffer, name: name, labelColumn: labelColumn)
      return try reader.run()
    }
  }
}

private let comma = UInt8(ascii: ",")
private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")

/// Whether `b` is trimmed around values (space, tab, and the CR of CRLF).
@inline(__always)
private func isBlank(_ b: UInt8) -> Bool { b == space || b == tab || b == carriageReturn }

/// One pass over the bytes.
private struct Reader {
  let p: UnsafeBufferPointer<UInt8>
  let end: Int
  let name: String
  let labelColumn: LabelColumn
  var values: [Double] = []
  var labels: [Int] = []
  var number = NumberParser()

  init(_ p: UnsafeBufferPointer<UInt8>, name: String, labelColumn: LabelColumn) {
    self.p = p
    self.end = p.count
    self.name = name
    self.labelColumn = labelColumn
  }

  mutating func run() throws(DatasetError) -> CSVParser.Table {
    defer { number.release() }
    var pos = 0
    if end >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { pos = 3 }  // UTF-8 BOM
    var line = 0
    var expected = -1  // values per line, from the first line with data
    var firstDataLine = 0
    var firstBlank: Int? = nil
    var rows = 0
    while pos < end {
      line += 1
      let lineStart = pos
      // A blank line (only spaces, tabs, CR) is allowed only at the end.
      var q = pos
      while q < end, isBlank(p[q]) { q += 1 }
      if q == end || p[q] == newline {
        firstBlank = firstBlank ?? line
        pos = q + 1
        continue
      }
      if let blank = firstBlank { throw .blankLine(file: name, line: blank) }
      var count = 0
      var lastStart = pos
      var lastEnd = pos
      while true {
        count += 1
        if count > expected, expected >= 0 {
          // More values than the first line: count the rest for the message.
          var extra = count
          while pos < end, p[pos] != newline {
            if p[pos] == comma { extra += 1 }
            pos += 1
          }
          throw .raggedRow(
            file: name, line: line, count: extra, expected: expected, firstLine: firstDataLine)
        }
        // Leading blanks, then the number, then trailing blanks, then a delimiter.
        while pos < end, p[pos] == space || p[pos] == tab { pos += 1 }
        let start = pos
        let parsed = number.parse(p, from: pos, to: end)
        pos = parsed.stop
        while pos < end, isBlank(p[pos]) { pos += 1 }
        let atDelimiter = pos == end || p[pos] == comma || p[pos] == newline
        guard atDelimiter, let value = parsed.value else {
          // Find the whole field for the message.
          var stop = start
          while stop < end, p[stop] != comma, p[stop] != newline { stop += 1 }
          throw fieldError(line: line, value: count, from: start, to: stop)
        }
        guard value.isFinite else {
          throw .notFinite(
            file: name, line: line, value: count, text: text(from: start, to: parsed.stop))
        }
        values.append(value)
        lastStart = start
        lastEnd = parsed.stop
        if pos < end, p[pos] == comma {
          pos += 1
          continue
        }
        pos += 1  // past the newline (or end)
        break
      }
      if expected < 0 {
        expected = count
        firstDataLine = line
        if labelColumn == .last, count < 2 { throw .noFeatures(file: name) }
        // Reserve for the lines this one suggests the input has.
        let lineBytes = max(pos - lineStart, 1)
        let estimate = (end - lineStart) / lineBytes + 1
        values.reserveCapacity(min(estimate, 1 << 26) * expected + expected)
        if labelColumn == .last { labels.reserveCapacity(min(estimate, 1 << 26)) }
      } else if count != expected {
        throw .raggedRow(
          file: name, line: line, count: count, expected: expected, firstLine: firstDataLine)
      }
      if labelColumn == .last {
        let v = values.removeLast()
        guard let label = exactInteger(v) else {
          throw .labelNotInteger(
            file: name, line: line, value: count, text: text(from: lastStart, to: lastEnd))
        }
        labels.append(label)
      }
      rows += 1
    }
    guard rows > 0 else { throw .empty(file: name) }
    let columns = labelColumn == .last ? expected - 1 : expected
    return CSVParser.Table(
      rows: rows, columns: columns, values: values, labels: labelColumn == .last ? labels : nil)
  }

  /// The error for the field `[from, to)` that did not parse as a number.
  func fieldError(line: Int, value: Int, from: Int, to: Int) -> DatasetError {
    var a = from
    var b = to
    while a < b, isBlank(p[a]) { a += 1 }
    while b > a, isBlank(p[b - 1]) { b -= 1 }
    if a == b { return .emptyValue(file: name, line: line, value: value) }
    // NaN and infinities, in the spellings strtod and numpy accept.
    var word = String(decoding: UnsafeBufferPointer(rebasing: p[a..<b]), as: UTF8.self).lowercased()
    if word.hasPrefix("+") || word.hasPrefix("-") { word.removeFirst() }
    if ["nan", "inf", "infinity"].contains(word) {
      return .notFinite(file: name, line: line, value: value, text: text(from: a, to: b))
    }
    return .notANumber(file: name, line: line, value: value, text: text(from: a, to: b))
  }

  /// The bytes `[from, to)` for a message: printable ASCII as is, other bytes as `\xNN`,
  /// at most 40 characters.
  func text(from: Int, to: Int) -> String {
    var s = ""
    for i in from..<min(to, from + 40) {
      let b = p[i]
      if b >= 0x20 && b < 0x7F {
        s.unicodeScalars.append(Unicode.Scalar(b))
      } else {
        let hex = String(b, radix: 16, uppercase: true)
        s += "\\x" + (hex.count == 1 ? "0" : "") + hex
      }
    }
    return to - from > 40 ? s + "…" : s
  }
}

/// Decimal text to `Double`, correctly rounded.
///
/// Syntax: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`. Values
/// with at most 19 significant digits whose mantissa is below 2⁵³ and whose
/// decimal exponent is within ±22 are converted exactly by one multiplication
/// or division by an exact power of ten (Clinger's fast path); all others go to
/// C's `strtod` (correctly rounded in glibc) on a NUL-terminated copy.
struct NumberParser {
  /// Scratch for `strtod`; grown as needed.
  private var scratch = UnsafeMutablePointer<CChar>.allocate(capacity: 128)
  private var scratchCapacity = 128

  /// The result of parsing at one position: the value (nil if there is no
  /// number) and the index just past the number's text.
  struct Parsed {
    var value: Double?
    var stop: Int
  }

  /// Frees the scratch buffer.
  mutating func release() {
    scratch.deallocate()
    scratchCapacity = 0
  }

  @inline(__always)
  private static func digit(_ b: UInt8) -> UInt64? {
    let d = b &- UInt8(ascii: "0")
    return d < 10 ? UInt64(d) : nil
  }

  /// Parses the longest number starting at `from`.
  mutating func parse(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Parsed {
    var i = from
    var negative = false
    if i < end, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
      negative = p[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var inexact = false
    var digits = 0
    while i < end, let d = Self.digit(p[i]) {
      digits += 1
      if significant < 19 {
        if mantissa != 0 || d != 0 {
          mantissa = mantissa &* 10 &+ d
          significant += 1
        }
      } else {
        exponent += 1
        if d != 0 { inexact = true }
      }
      i += 1
    }
    if i < end, p[i] == UInt8(ascii: ".") {
      i += 1
      while i < end, let d = Self.digit(p[i]) {
        digits += 1
        if significant < 19 {
          if mantissa != 0 || d != 0 {
            mantissa = mantissa &* 10 &+ d
            significant += 1
          }
          exponent -= 1
        } else if d != 0 {
          inexact = true
        }
        i += 1
      }
    }
    guard digits > 0 else { return Parsed(value: nil, stop: from) }
    // The exponent's value stops growing at 100000; when digits were dropped, the fast
    // path must not run: ~100000 fraction digits could bring the clipped exponent back
    // to ±22 and read `0.00…01e1000010` (infinite) as 1 (fuzzing, issue 6).
    var exponentClipped = false
    if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
      var j = i + 1
      var exponentNegative = false
      if j < end, p[j] == UInt8(ascii: "-") || p[j] == UInt8(ascii: "+") {
        exponentNegative = p[j] == UInt8(ascii: "-")
        j += 1
      }
      var e = 0
      var exponentDigits = 0
      while j < end, let d = Self.digit(p[j]) {
        if e < 100_000 { e = e * 10 + Int(d) } else { exponentClipped = true }
        exponentDigits += 1
        j += 1
      }
      // "1e" or "1e+" is not a number: stop before the "e" so the caller sees junk.
      guard exponentDigits > 0 else { return Parsed(value: nil, stop: i) }
      exponent += exponentNegative ? -e : e
      i = j
    }
    if mantissa == 0 && !inexact {
      return Parsed(value: negative ? -0.0 : 0.0, stop: i)
    }
    if !inexact, !exponentClipped, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
      let m = Double(mantissa)
      let v = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
      return Parsed(value: negative ? -v : v, stop: i)
    }
    return Parsed(value: strtodCopy(p, from: from, to: i), stop: i)
  }

  /// `strtod` on a NUL-terminated copy of `[from, to)` (already validated).
  private mutating func strtodCopy(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Double {
    let n = to - from
    if n + 1 > scratchCapacity {
      scratch.deallocate()
      scratchCapacity = max(n + 1, scratchCapacity * 2)
      scratch = UnsafeMutablePointer<CChar>.allocate(capacity: scratchCapacity)
    }
    guard let base = p.baseAddress else { return .nan }
    UnsafeMutableRawPointer(scratch).copyMemory(from: base + from, byteCount: n)
    scratch[n] = 0
    return strtod(scratch, nil)
  }
}

/// `10⁰ … 10²²`, each exactly representable as a `Double`.
private let powersOfTen: [Double] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]
