import Datasets
import Foundation
import TestSupport
import Testing

/// Inputs kept from fuzzing the examples CSV reader (issue 6, Docs/FUZZING.md).
///
/// Every file in `Fuzz/regressions/csv-dataset/` must be refused with a ``DatasetError``
/// or read, never trap; the inputs too large to keep are generated here.
@Suite struct DatasetsFuzzRegressionTests {
  @Test func everyCSVDatasetRegressionIsHandled() {
    let dir = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/regressions/csv-dataset")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
      .filter { $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
    for name in names {
      let bytes = Array((try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data())
      for labels in [LabelColumn.none, .last] {
        do {
          let set = try Dataset.csv(data: bytes, name: name, labelColumn: labels)
          #expect(set.features.storage.allSatisfy { $0.isFinite }, "\(name)")
        } catch {
          #expect(!error.description.contains("\n"), "\(name): \(error)")
        }
      }
    }
  }

  /// `0.` + 100 000 zeros + `1e1000010` is 10^900009, infinite as a double. The exponent
  /// stopped growing at 100000 (clipped to 100001), which brought it back to 0 with the
  /// fraction's digits, and the fast path read the value as 1.0.
  @Test func clippedExponentIsNotReadAsOne() {
    let text = "0." + String(repeating: "0", count: 100_000) + "1e1000010\n"
    do {
      let set = try Dataset.csv(data: Array(text.utf8), name: "big.csv")
      Issue.record("read \(set.features.storage) from an infinite value")
    } catch {
      #expect(
        error == .notFinite(file: "big.csv", line: 1, value: 1, text: "0." + String(repeating: "0", count: 38) + "…"))
    }
    // Exponents with many digits that stay in range still read exactly (strtod's value).
    let small = "0." + String(repeating: "0", count: 99_999) + "1e-0000000000100000\n"
    #expect(throws: Never.self) { _ = try Dataset.csv(data: Array(small.utf8), name: "small.csv") }
    let exact = "1" + String(repeating: "0", count: 100_000) + "e-0000000000100000\n"
    #expect((try? Dataset.csv(data: Array(exact.utf8), name: "exact.csv"))?.features.storage == [1.0])
  }
}
