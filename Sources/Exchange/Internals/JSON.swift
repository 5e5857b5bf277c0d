/// A parsed JSON value. Objects keep their members in order, duplicates included,
/// so readers can refuse repeated names (safetensors headers).
enum JSON: Equatable {
  case object([(String, JSON)])
  case array([JSON])
  case string(String)
  /// The number's text as written.
  case number(String)
  case bool(Bool)
  case null

  static func == (a: JSON, b: JSON) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.array(let x), .array(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    default: false
    }
  }

  /// The string payload, or `nil`.
  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// A non-negative integer payload that fits `Int`, or `nil`.
  var intValue: Int? {
    if case .number(let t) = self, !t.isEmpty, t.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return Int(t) }
    return nil
  }

  /// The most values (objects, arrays, strings, numbers, literals) one document may hold.
  static let valueLimit = 1 << 20

  /// Parses `bytes` as one JSON value followed only by whitespace.
  static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONError) -> JSON {
    var p = JSONParser(bytes: Array(bytes))
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    guard p.i == p.bytes.count else { throw JSONError(message: "unexpected bytes after the JSON value at \(p.i)") }
    return v
  }

  /// `s` as a JSON string literal.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(u)
      }
    }
    return out + "\""
  }
}

/// A JSON syntax error.
struct JSONError: Error {
  var message: String
}

private struct JSONParser {
  let bytes: [UInt8]
  var i = 0
  /// Values left to parse: each costs tens of bytes in memory for as little as two bytes
  /// of text, so a 10 MB safetensors header of `[1,1,…]` took over 200 MB (fuzzing,
  /// issue 6). No JSON Theta writes comes near the limit.
  var valuesLeft = JSON.valueLimit

  mutating func skipSpace() {
    while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
  }

  mutating func value(depth: Int) throws(JSONError) -> JSON {
    guard depth < 64 else { throw JSONError(message: "nested too deeply") }
    guard valuesLeft > 0 else { throw JSONError(message: "more than \(JSON.valueLimit) values") }
    valuesLeft -= 1
    guard i < bytes.count else { throw JSONError(message: "unexpected end of JSON") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var members: [(String, JSON)] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
          throw JSONError(message: "expected a member name at \(i)")
        }
        let key = try string()
        skipSpace()
        try expect(UInt8(ascii: ":"))
        skipSpace()
        members.append((key, try value(depth: depth + 1)))
        skipSpace()
        if try endOrComma(UInt8(ascii: "}")) { return .object(members) }
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JSON] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(items)
      }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        if try endOrComma(UInt8(ascii: "]")) { return .array(items) }
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default:
      let start = i
      while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
      guard i > start, Self.isNumber(bytes[start..<i]), let text = String(validating: bytes[start..<i], as: UTF8.self),
        let v = Double(text)
      else { throw JSONError(message: "unexpected character at \(start)") }
      // 1e999 is JSON but no double; as infinity it would not survive an export (fuzzing, issue 6).
      guard v.isFinite else { throw JSONError(message: "number \(text.prefix(40)) at \(start) is out of range") }
      return .number(text)
    }
  }

  /// Whether `t` is a JSON number (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  /// No `+1`, `01`, `.5` or `1.` (which `Double` would take), as other readers refuse them.
  static func isNumber(_ t: ArraySlice<UInt8>) -> Bool {
    var i = t.startIndex
    func digits() -> Int {
      let s = i
      while i < t.endIndex, t[i] >= 0x30, t[i] <= 0x39 { i += 1 }
      return i - s
    }
    if i < t.endIndex, t[i] == UInt8(ascii: "-") { i += 1 }
    let intStart = i
    let n = digits()
    guard n >= 1, n == 1 || t[intStart] != UInt8(ascii: "0") else { return false }
    if i < t.endIndex, t[i] == UInt8(ascii: ".") {
      i += 1
      guard digits() >= 1 else { return false }
    }
    if i < t.endIndex, t[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      if i < t.endIndex, t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") { i += 1 }
      guard digits() >= 1 else { return false }
    }
    return i == t.endIndex
  }

  mutating func endOrComma(_ close: UInt8) throws(JSONError) -> Bool {
    guard i < bytes.count else { throw JSONError(message: "unexpected end of JSON") }
    if bytes[i] == close {
      i += 1
      return true
    }
    try expect(UInt8(ascii: ","))
    return false
  }

  mutating func expect(_ b: UInt8) throws(JSONError) {
    guard i < bytes.count, bytes[i] == b else {
      throw JSONError(message: "expected '\(Character(Unicode.Scalar(b)))' at \(i)")
    }
    i += 1
  }

  mutating func literal(_ word: String) throws(JSONError) {
    let w = Array(word.utf8)
    guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
      throw JSONError(message: "unexpected character at \(i)")
    }
    i += w.count
  }

  mutating func string() throws(JSONError) -> String {
    i += 1  // opening quote
    var out: [UInt8] = []
    while true {
      guard i < bytes.count else { throw JSONError(message: "unterminated string") }
      let b = bytes[i]
      i += 1
      if b == UInt8(ascii: "\"") { break }
      if b < 0x20 { throw JSONError(message: "control character in a string at \(i - 1)") }
      if b != UInt8(ascii: "\\") {
        out.append(b)
        continue
      }
      guard i < bytes.count else { throw JSONError(message: "unterminated string") }
      let e = bytes[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
          guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
            throw JSONError(message: "lone surrogate in a string")
          }
          i += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw JSONError(message: "bad surrogate pair") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw JSONError(message: "bad \\u escape") }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
      default: throw JSONError(message: "bad escape at \(i - 1)")
      }
    }
    guard let s = String(validating: out, as: UTF8.self) else { throw JSONError(message: "string is not UTF-8") }
    return s
  }

  mutating func hex4() throws(JSONError) -> UInt32 {
    // Four hex digits exactly: UInt32(_:radix:) alone would also take "+fff".
    guard i + 4 <= bytes.count,
      bytes[i..<i + 4].allSatisfy({
        UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 || UInt8(ascii: "a")...UInt8(ascii: "f") ~= $0 | 0x20
      }),
      let text = String(validating: bytes[i..<i + 4], as: UTF8.self),
      let v = UInt32(text, radix: 16)
    else { throw JSONError(message: "bad \\u escape") }
    i += 4
    return v
  }
}
