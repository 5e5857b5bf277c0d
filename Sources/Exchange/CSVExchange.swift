import ModelFormat
import SafeFile

/// CSV exports: `NAME.Theta1.csv` … (one row per unit, bias first) or, with
/// `--layout unrolled`, `NAME.csv` holding the seed's `nn_params` as one column;
/// both with the sidecar `NAME.meta.csv` (`key,type,value` rows). Numbers are the
/// shortest decimal text that reads back to the same double (float for float32).
public enum CSVExchange {
  /// The stem of an output or input path: `out/model.csv` → `out/model`.
  static func stem(_ path: String) -> String {
    for suffix in [".meta.csv", ".csv"] where path.lowercased().hasSuffix(suffix) {
      var s = String(path.dropLast(suffix.count))
      if suffix == ".csv", let dot = s.lastIndex(of: "."), isThetaName(s[s.index(after: dot)...]) {
        s = String(s[..<dot])
      }
      return s
    }
    return path
  }

  static func isThetaName(_ s: Substring) -> Bool {
    s.hasPrefix("Theta") && Int(s.dropFirst(5)).map { $0 >= 1 && "Theta\($0)" == s } == true
  }

  /// The files an export to `path` writes, the sidecar last.
  public static func paths(_ model: ThetaModel, path: String, layout: ExportLayout) -> [String] {
    let base = stem(path)
    let data = layout == .unrolled ? [base + ".csv"] : model.weights.map { "\(base).\($0.name).csv" }
    return data + [base + ".meta.csv"]
  }

  /// The sidecar belonging to `path` when it exists.
  public static func sidecarPath(for path: String) -> String? {
    sidecarPath(for: path, exists: SafeFile.exists)
  }

  /// The sidecar belonging to `path` when `exists` says it is there.
  static func sidecarPath(for path: String, exists: (String) -> Bool) -> String? {
    guard path.lowercased().hasSuffix(".csv") else { return nil }
    let s = stem(path) + ".meta.csv"
    return exists(s) ? s : nil
  }

  static func encode(_ model: ThetaModel, path: String, layout: ExportLayout) -> [(String, [UInt8])] {
    let names = paths(model, path: path, layout: layout)
    var files: [(String, [UInt8])] = []
    let d = model.dtype
    if layout == .unrolled {
      files.append((names[0], Array(model.unrolled.map { NumberText.format($0, dtype: d) + "\n" }.joined().utf8)))
    } else {
      for (i, w) in model.weights.enumerated() {
        var text = ""
        for r in 0..<w.rows {
          text += (0..<w.columns).map { NumberText.format(w[r, $0], dtype: d) }.joined(separator: ",") + "\n"
        }
        files.append((names[i], Array(text.utf8)))
      }
    }
    var meta = "key,type,value\n"
    meta += "theta.layout,string,\(layout == .unrolled ? "unrolled-row" : "matrices")\n"
    meta += "theta.dtype,string,\(d)\n"
    meta += "theta.format_version,string,\(FormatVersion.current)\n"
    for (key, value) in model.metadata {
      meta += "\(key),\(value.typeName),\(quote(MetadataText.text(value)))\n"
    }
    files.append((names.last!, Array(meta.utf8)))
    return files
  }

  static func quote(_ s: String) -> String {
    guard
      s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ")
    else { return s }
    return "\"" + s.replacing("\"", with: "\"\"") + "\""
  }

  /// Calls `body` with each record of CSV text (RFC 4180 quoting, `\n` or `\r\n`): its
  /// first `maxFields` fields and how many fields it has.
  ///
  /// Only the current record is kept: listing every record and field first took ~20 bytes
  /// per byte of a sidecar of commas or line ends (fuzzing, issue 6).
  static func forEachRecord(
    _ text: String, maxFields: Int, _ body: (_ fields: [String], _ count: Int) throws(ExchangeReason) -> Void
  ) throws(ExchangeReason) {
    var finished = 0  // records passed to body
    var row: [String] = []
    var count = 0
    var field = ""
    var quoted = false
    var afterQuote = false
    var chars = text.unicodeScalars.makeIterator()
    var lookahead: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
      if let c = lookahead {
        lookahead = nil
        return c
      }
      return chars.next()
    }
    func peek() -> Unicode.Scalar? {
      if lookahead == nil { lookahead = chars.next() }
      return lookahead
    }
    func endField() {
      if count < maxFields { row.append(field) }
      count += 1
      field = ""
      afterQuote = false
    }
    while let c = next() {
      if quoted {
        if c == "\"" {
          if peek() == "\"" {
            field.unicodeScalars.append("\"")
            _ = next()
          } else {
            quoted = false
            afterQuote = true
          }
        } else {
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case ",":
        endField()
      case "\n", "\r":
        if c == "\r", peek() == "\n" { _ = next() }
        endField()
        try body(row, count)
        finished += 1
        row = []
        count = 0
      case "\"":
        guard field.isEmpty, !afterQuote else { throw ExchangeReason("stray quote in row \(finished + 1)") }
        quoted = true
      default:
        guard !afterQuote else { throw ExchangeReason("text after a closing quote in row \(finished + 1)") }
        field.unicodeScalars.append(c)
      }
    }
    if quoted { throw ExchangeReason("unterminated quote") }
    if !field.isEmpty || count > 0 || afterQuote {
      endField()
      try body(row, count)
    }
  }

  /// Reads a model from a CSV export: the sidecar (when present) gives the layout,
  /// dtype and metadata; without one, `NAME.Theta1.csv` … are read as matrices.
  public static func read(path: String) throws(ExchangeError) -> ThetaModel {
    try read(path: path, exists: SafeFile.exists, load: readFile)
  }

  /// Reads a model from CSV export files already in memory (the in-memory form of
  /// ``read(path:)``, used by the fuzz targets in `Fuzz/`).
  ///
  /// - Parameters:
  ///   - files: the bytes of each file by path: the data files `NAME.Theta1.csv` … (or
  ///     `NAME.csv` for the unrolled layout) and, optionally, the sidecar `NAME.meta.csv`.
  ///   - path: the path of the export as ``read(path:)`` would be given it.
  /// - Throws: ``ExchangeError`` as ``read(path:)`` does; a file absent from `files`
  ///   is ``ExchangeError/io(_:)`` with `ENOENT`.
  public static func decode(files: [String: [UInt8]], path: String) throws(ExchangeError) -> ThetaModel {
    try read(
      path: path, exists: { files[$0] != nil },
      load: { (p: String) throws(ExchangeError) -> [UInt8] in
        guard let bytes = files[p] else { throw .io(.system(path: p, call: "open", errno: 2)) }
        return bytes
      })
  }

  /// ``read(path:)`` over any store of files: `exists` tells whether a file is there,
  /// `load` gives its bytes.
  static func read(
    path: String, exists: (String) -> Bool, load: (String) throws(ExchangeError) -> [UInt8]
  ) throws(ExchangeError) -> ThetaModel {
    let base = stem(path)
    var layout = "matrices"
    var dtype = DType.float64
    var typed: (Metadata, DType?)? = nil
    var sourceBytes: [UInt8]? = nil
    func fail(_ file: String, _ reason: String) -> ExchangeError {
      .malformed(file: file, format: .csv, reason: reason)
    }
    if let sidecar = sidecarPath(for: path, exists: exists) {
      let bytes = try load(sidecar)
      sourceBytes = bytes
      guard let text = String(validating: bytes, as: UTF8.self) else { throw fail(sidecar, "not UTF-8 text") }
      var meta = Metadata()
      var seen = Set<String>()
      var index = 0
      do {
        try forEachRecord(text, maxFields: 3) { (r: [String], n: Int) throws(ExchangeReason) in
          index += 1
          if index == 1 {
            guard n == 3, r == ["key", "type", "value"] else {
              throw ExchangeReason("first row must be key,type,value")
            }
            return
          }
          guard n == 3 else { throw ExchangeReason("row \(index) has \(n) fields, expected 3") }
          guard seen.insert(r[0]).inserted else { throw ExchangeReason("key \(r[0]) appears twice") }
          switch r[0] {
          case "theta.layout":
            guard r[2] == "matrices" || r[2] == "unrolled-row" else {
              throw ExchangeReason("theta.layout '\(r[2])' is not matrices or unrolled-row")
            }
            layout = r[2]
          case "theta.dtype":
            guard let d = DType(name: r[2]) else {
              throw ExchangeReason("theta.dtype '\(r[2])' is not float64 or float32")
            }
            dtype = d
          case "theta.format_version": break
          default:
            guard Metadata.isValidKey(r[0]) else { throw ExchangeReason("metadata key '\(r[0])' is not valid") }
            meta[r[0]] = try MetadataText.value(r[2], type: r[1], key: r[0])
          }
        }
      } catch { throw fail(sidecar, error.description) }
      guard index > 0 else { throw fail(sidecar, "first row must be key,type,value") }
      if let key = ReservedKeys.first(in: meta) { throw fail(sidecar, ReservedKeys.reason(key)) }
      typed = (meta, dtype)
    }
    var weights: [WeightMatrix] = []
    let sizes = typed?.0.ints("model.layer_sizes").map { $0.map { Int($0) } }
    if typed != nil, sizes == nil { throw fail(base + ".meta.csv", "no model.layer_sizes") }
    if layout == "unrolled-row" {
      let file = base + ".csv"
      guard let sizes, sizes.count >= 2, sizes.allSatisfy({ $0 >= 1 && $0 < 1 << 24 }) else {
        throw fail(file, "bad model.layer_sizes")
      }
      // Each term is below 2^48, but enough of them overflow Int (fuzzing, issue 6).
      var needed = 0
      var overflow = false
      for (units, inputs) in zip(sizes.dropFirst(), sizes) {
        let (term, o1) = units.multipliedReportingOverflow(by: inputs + 1)
        let (sum, o2) = needed.addingReportingOverflow(term)
        overflow = overflow || o1 || o2
        needed = sum
      }
      let bound = TableBound(values: overflow ? nil : needed, need: "layer sizes \(sizes) need \(needed)")
      let values = try numbers(file, bytes: try load(file), dtype: dtype, oneValuePerRow: true, bound: bound).values
      guard !overflow, values.count == needed else {
        throw fail(
          file,
          "\(values.count) values, layer sizes \(sizes) need \(overflow ? "more than \(Int.max)" : String(needed))")
      }
      var at = 0
      for k in 1..<sizes.count {
        let n = sizes[k] * (sizes[k - 1] + 1)
        weights.append(
          WeightMatrix(name: "Theta\(k)", rows: sizes[k], columns: sizes[k - 1] + 1, values: Array(values[at..<at + n]))
        )
        at += n
      }
    } else {
      var k = 1
      while sizes.map({ k < $0.count }) ?? exists("\(base).Theta\(k).csv") {
        let file = "\(base).Theta\(k).csv"
        var bound = TableBound()
        if let sizes {
          // The sidecar's sizes are any Int64: sizes[k - 1] + 1 overflows for Int64.max
          // (fuzzing, issue 6).
          let (columns, overflow) = sizes[k - 1].addingReportingOverflow(1)
          let shown = overflow ? "(\(sizes[k - 1]) + 1)" : String(columns)
          bound = TableBound(
            rows: sizes[k], columns: overflow ? nil : columns, need: "layer sizes need \(sizes[k])×\(shown)")
        }
        let table = try numbers(file, bytes: try load(file), dtype: dtype, bound: bound)
        guard table.rows >= 1 else { throw fail(file, "no rows") }
        let columns = table.columns
        if let sizes, table.rows != sizes[k] || columns - 1 != sizes[k - 1] {
          throw fail(file, "shape \(table.rows)×\(columns), \(bound.need)")
        }
        weights.append(WeightMatrix(name: "Theta\(k)", rows: table.rows, columns: columns, values: table.values))
        k += 1
      }
      if weights.isEmpty { throw fail(path, "no \(base).Theta1.csv and no sidecar \(base).meta.csv") }
    }
    return try Exchange.assemble(
      weights: weights, dtype: dtype, typed: typed, file: path, format: .csv, fileBytes: sourceBytes)
  }

  static func readFile(_ path: String) throws(ExchangeError) -> [UInt8] {
    do { return try SafeFile.read(path, limit: 1 << 30) } catch { throw .io(error) }
  }

  /// The numbers of a data CSV (no header, no quotes, no blank lines; lines end with
  /// `\n` or `\r\n`), row-major, every row as long as the first (one value each when
  /// `oneValuePerRow`, the unrolled layout).
  ///
  /// Values go straight into one array: a list of every line and field first took ~25
  /// bytes per byte of a file of line ends or commas (fuzzing, issue 6).
  ///
  /// Parsing stops at the first row, field or value beyond `bound`, so a file much
  /// larger than the sidecar declares is refused in the time the declared shape takes.
  static func numbers(
    _ file: String, bytes: [UInt8], dtype: DType, oneValuePerRow: Bool = false, bound: TableBound = TableBound()
  ) throws(ExchangeError) -> (values: [Double], rows: Int, columns: Int) {
    func fail(_ reason: String) -> ExchangeError { .malformed(file: file, format: .csv, reason: reason) }
    guard String(validating: bytes, as: UTF8.self) != nil else { throw fail("not UTF-8 text") }
    var values: [Double] = []
    var rows = 0
    var columns = 0
    guard !bytes.isEmpty else { return (values, 0, 0) }
    let end = bytes.last == UInt8(ascii: "\n") ? bytes.count - 1 : bytes.count  // the final line end
    var lineStart = 0
    while lineStart <= end {
      if let most = bound.rows, rows == most { throw fail("more than \(most) rows, \(bound.need)") }
      var lineEnd = lineStart
      while lineEnd < end, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      let next = lineEnd + 1
      if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
      var n = 0
      var fieldStart = lineStart
      while true {
        var fieldEnd = fieldStart
        while fieldEnd < lineEnd, bytes[fieldEnd] != UInt8(ascii: ",") { fieldEnd += 1 }
        n += 1
        let t = trimmedBlanks(String(decoding: bytes[fieldStart..<fieldEnd], as: UTF8.self))
        guard let v = NumberText.parse(Substring(t), dtype: dtype) else {
          throw fail("row \(rows + 1), column \(n): '\(t.prefix(40))' is not a number")
        }
        guard v.isFinite else { throw fail("row \(rows + 1), column \(n): \(t) is not finite") }
        if let most = bound.columns, n > most {
          throw fail("row \(rows + 1) has more than \(most) values, \(bound.need)")
        }
        if let most = bound.values, values.count >= most { throw fail("more than \(most) values, \(bound.need)") }
        values.append(v)
        if fieldEnd >= lineEnd { break }
        fieldStart = fieldEnd + 1
      }
      if oneValuePerRow, n != 1 { throw fail("an unrolled CSV has one value per row") }
      if rows == 0 {
        columns = n
      } else if n != columns {
        throw fail("row \(rows + 1) has \(n) values, row 1 has \(columns)")
      }
      rows += 1
      lineStart = next
    }
    return (values, rows, columns)
  }
}

/// The most rows, values per row and values in all that a CSV table may have, from
/// the layer sizes of the sidecar (`nil`: no bound), and what the sizes need, for messages.
struct TableBound {
  var rows: Int? = nil
  var columns: Int? = nil
  var values: Int? = nil
  var need = ""
}

/// `text` without leading and trailing blanks: spaces, tabs and the other
/// horizontal white space (Unicode `Zs`), as Foundation's `.whitespaces` trims.
/// Also the CLI's, for its option lists.
package func trimmedBlanks<S: StringProtocol>(_ text: S) -> S.SubSequence {
  let blank: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
  guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
  else { return text[text.endIndex...] }
  return text[first...last]
}
