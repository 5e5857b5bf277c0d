// libFuzzer target for the example CSV reader, `Dataset.csv(data:name:labelColumn:)`.
import Datasets
import FuzzSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The program: libFuzzer's driver on ``fuzz(_:_:)``.
@main enum FuzzCSVDataset {
  static func main() { runFuzzer(fuzz) }
}

/// libFuzzer's callback for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  for labels in [LabelColumn.none, .last] {
    guard let set = try? Dataset.csv(data: bytes, name: "fuzz.csv", labelColumn: labels) else { continue }
    compareWithReference(bytes, set, labels: labels)
  }
  return 0
}

private func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

/// Every value of an accepted file must be what glibc's `strtod` (correctly rounded)
/// makes of its text, bit for bit, and the table must have the file's shape. The
/// splitting here is independent of the reader: BOM, `\n` lines, blank lines dropped,
/// `,` fields, blanks trimmed.
private func compareWithReference(_ bytes: [UInt8], _ set: Dataset, labels: LabelColumn) {
  var body = bytes[...]
  if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
  let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).filter { !$0.allSatisfy(isBlank) }
  guard set.count == lines.count else { propertyFailure("CSV: \(set.count) rows for \(lines.count) data lines") }
  for (r, line) in lines.enumerated() {
    let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { f -> Double in
      var t = f
      while let c = t.first, isBlank(c) { t = t.dropFirst() }
      while let c = t.last, isBlank(c) { t = t.dropLast() }
      return strtod(String(decoding: t, as: UTF8.self), nil)
    }
    let features = labels == .last ? fields.dropLast() : fields[...]
    guard features.count == set.featureCount else {
      propertyFailure("CSV: line \(r + 1) has \(features.count) features, the table \(set.featureCount)")
    }
    for (c, v) in features.enumerated() where set.features[r, c].bitPattern != v.bitPattern {
      propertyFailure("CSV: row \(r + 1), column \(c + 1) read as \(set.features[r, c]), strtod gives \(v)")
    }
    if labels == .last {
      guard let label = set.labels?[r], Double(label) == fields.last! else {
        propertyFailure(
          "CSV: label of row \(r + 1) is \(String(describing: set.labels?[r])), the text says \(fields.last!)")
      }
    }
  }
}
