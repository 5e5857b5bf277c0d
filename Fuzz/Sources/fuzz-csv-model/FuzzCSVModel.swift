// libFuzzer target for CSV model imports, `CSVExchange.decode(files:path:)`.
import Exchange
import FuzzSupport
import ModelFormat

/// The input is split at NUL bytes into the files of an export `m`: part 0 is the
/// sidecar `m.meta.csv` (absent when part 0 is empty), part 1 is both `m.csv` (the
/// unrolled layout) and `m.Theta1.csv`, part K is `m.ThetaK.csv`.

/// The program: libFuzzer's driver on ``fuzz(_:_:)``.
@main enum FuzzCSVModel {
  static func main() { runFuzzer(fuzz) }
}

/// libFuzzer's callback for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let parts = fuzzInput(data, size).split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
  var files: [String: [UInt8]] = [:]
  if let sidecar = parts.first, !sidecar.isEmpty { files["m.meta.csv"] = sidecar }
  for (k, part) in parts.enumerated().dropFirst() {
    if k == 1 { files["m.csv"] = part }
    files["m.Theta\(k).csv"] = part
  }
  // The import reads the same files whichever of them it is named by (m.csv or
  // m.Theta1.csv: the layout comes from the sidecar), so one call covers both.
  if let model = try? CSVExchange.decode(files: files, path: "m.csv") {
    checkAcceptedModel(model, "CSV model")
  }
  return 0
}
