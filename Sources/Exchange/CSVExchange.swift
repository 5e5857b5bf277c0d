import Foundation
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
    guard path.lowercased().hasSuffix(".csv") else { return nil }
    let s = stem(path) + ".meta.csv"
    return SafeFile.exists(s) ? s : nil
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
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ")
    else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Splits CSV text into records of fields (RFC 4180 quoting, `\n` or `\r\n`).
  static func records(_ text: String) throws(ExchangeReason) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var afterQuote = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            field.unicodeScalars.append("\"")
            chars.removeFirst()
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
        row.append(field)
        field = ""
        afterQuote = false
      case "\n", "\r":
        if c == "\r", chars.first == "\n" { chars.removeFirst() }
        row.append(field)
        rows.append(row)
        row = []
        field = ""
        afterQuote = false
      case "\"":
        guard field.isEmpty, !afterQuote else { throw ExchangeReason("stray quote in row \(rows.count + 1)") }
        quoted = true
      default:
        guard !afterQuote else { throw ExchangeReason("text after a closing quote in row \(rows.count + 1)") }
        field.unicodeScalars.append(c)
      }
    }
    if quoted { throw ExchangeReason("unterminated quote") }
    if !field.isEmpty || !row.isEmpty || afterQuote {
      row.append(field)
      rows.append(row)
    }
    return rows
  }

  /// Reads a model from a CSV export: the sidecar (when present) gives the layout,
  /// dtype and metadata; without one, `NAME.Theta1.csv` … are read as matrices.
  public static func read(path: String) throws(ExchangeError) -> ThetaModel {
    let base = stem(path)
    var layout = "matrices"
    var dtype = DType.float64
    var typed: (Metadata, DType?)? = nil
    var sourceBytes: [UInt8]? = nil
    func fail(_ file: String, _ reason: String) -> ExchangeError { .malformed(file: file, format: .csv, reason: reason) }
    if let sidecar = sidecarPath(for: path) {
      let bytes = try readFile(sidecar)
      sourceBytes = bytes
      guard let text = String(validating: bytes, as: UTF8.self) else { throw fail(sidecar, "not UTF-8 text") }
      let rows: [[String]]
      do { rows = try records(text) } catch { throw fail(sidecar, error.description) }
      guard rows.first == ["key", "type", "value"] else { throw fail(sidecar, "first row must be key,type,value") }
      var meta = Metadata()
      var seen = Set<String>()
      for (i, r) in rows.dropFirst().enumerated() {
        guard r.count == 3 else { throw fail(sidecar, "row \(i + 2) has \(r.count) fields, expected 3") }
        guard seen.insert(r[0]).inserted else { throw fail(sidecar, "key \(r[0]) appears twice") }
        switch r[0] {
        case "theta.layout":
          guard r[2] == "matrices" || r[2] == "unrolled-row" else { throw fail(sidecar, "theta.layout '\(r[2])' is not matrices or unrolled-row") }
          layout = r[2]
        case "theta.dtype":
          guard let d = DType(name: r[2]) else { throw fail(sidecar, "theta.dtype '\(r[2])' is not float64 or float32") }
          dtype = d
        case "theta.format_version": break
        default:
          guard Metadata.isValidKey(r[0]) else { throw fail(sidecar, "metadata key '\(r[0])' is not valid") }
          do { meta[r[0]] = try MetadataText.value(r[2], type: r[1], key: r[0]) } catch { throw fail(sidecar, error.description) }
        }
      }
      typed = (meta, dtype)
    }
    var weights: [WeightMatrix] = []
    let sizes = typed?.0.ints("model.layer_sizes").map { $0.map { Int($0) } }
    if typed != nil, sizes == nil { throw fail(base + ".meta.csv", "no model.layer_sizes") }
    if layout == "unrolled-row" {
      let file = base + ".csv"
      guard let sizes, sizes.count >= 2, sizes.allSatisfy({ $0 >= 1 && $0 < 1 << 24 }) else { throw fail(file, "bad model.layer_sizes") }
      let rows = try numbers(file, dtype: dtype)
      guard rows.allSatisfy({ $0.count == 1 }) else { throw fail(file, "an unrolled CSV has one value per row") }
      let values = rows.map { $0[0] }
      let needed = zip(sizes.dropFirst(), sizes).reduce(0) { $0 + $1.0 * ($1.1 + 1) }
      guard values.count == needed else { throw fail(file, "\(values.count) values, layer sizes \(sizes) need \(needed)") }
      var at = 0
      for k in 1..<sizes.count {
        let n = sizes[k] * (sizes[k - 1] + 1)
        weights.append(WeightMatrix(name: "Theta\(k)", rows: sizes[k], columns: sizes[k - 1] + 1, values: Array(values[at..<at + n])))
        at += n
      }
    } else {
      var k = 1
      while sizes.map({ k < $0.count }) ?? SafeFile.exists("\(base).Theta\(k).csv") {
        let file = "\(base).Theta\(k).csv"
        let rows = try numbers(file, dtype: dtype)
        guard let columns = rows.first?.count, columns >= 1 else { throw fail(file, "no rows") }
        if let bad = rows.firstIndex(where: { $0.count != columns }) {
          throw fail(file, "row \(bad + 1) has \(rows[bad].count) values, row 1 has \(columns)")
        }
        if let sizes, [rows.count, columns] != [sizes[k], sizes[k - 1] + 1] {
          throw fail(file, "shape \(rows.count)×\(columns), layer sizes need \(sizes[k])×\(sizes[k - 1] + 1)")
        }
        weights.append(WeightMatrix(name: "Theta\(k)", rows: rows.count, columns: columns, values: rows.flatMap { $0 }))
        k += 1
      }
      if weights.isEmpty { throw fail(path, "no \(base).Theta1.csv and no sidecar \(base).meta.csv") }
    }
    return try Exchange.assemble(weights: weights, dtype: dtype, typed: typed, file: path, format: .csv, fileBytes: sourceBytes)
  }

  static func readFile(_ path: String) throws(ExchangeError) -> [UInt8] {
    do { return try SafeFile.read(path, limit: 1 << 30) } catch { throw .io(error) }
  }

  /// The numeric rows of a data CSV (no header, no quotes, no blank lines).
  static func numbers(_ file: String, dtype: DType) throws(ExchangeError) -> [[Double]] {
    let bytes = try readFile(file)
    guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed(file: file, format: .csv, reason: "not UTF-8 text") }
    var rows: [[Double]] = []
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    for (i, rawLine) in lines.enumerated() {
      let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
      var row: [Double] = []
      for (j, field) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
        let t = field.trimmingCharacters(in: .whitespaces)
        guard let v = NumberText.parse(Substring(t), dtype: dtype) else {
          throw .malformed(file: file, format: .csv, reason: "row \(i + 1), column \(j + 1): '\(t.prefix(40))' is not a number")
        }
        guard v.isFinite else {
          throw .malformed(file: file, format: .csv, reason: "row \(i + 1), column \(j + 1): \(t) is not finite")
        }
        row.append(v)
      }
      rows.append(row)
    }
    return rows
  }
}
