import Foundation
import ModelFormat
import TestSupport
import Testing

/// Inputs kept from fuzzing the `.theta` reader (issue 6, Docs/FUZZING.md): every file
/// in `Fuzz/regressions/theta/` must be refused with a ``ModelFormatError`` or decode to
/// a model that passes `validate()` — never trap.
@Suite struct ModelFormatFuzzRegressionTests {
  @Test func everyThetaRegressionIsHandled() {
    let dir = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/regressions/theta")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
      .filter { $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
    for name in names {
      let bytes = Array((try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data())
      do {
        let model = try ModelFile.decode(bytes).model
        #expect(throws: Never.self, "\(name)") { try model.validate() }
      } catch {
        #expect(!error.description.contains("\n"), "\(name): \(error)")
      }
    }
  }

  /// The golden files stay as they were: the good ones decode, the bad ones are refused.
  @Test func goldenSeedsBehave() throws {
    for name in ["tiny-f64.theta", "tiny-f32.theta"] {
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/v1/" + name))))
      #expect(try ModelFile.encode(ModelFile.decode(bytes).model) == bytes, "\(name)")
    }
  }
}
