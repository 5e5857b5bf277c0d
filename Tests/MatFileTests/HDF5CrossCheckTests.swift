import Foundation
import TestSupport
import Testing

@testable import MatFile

/// v7.3 files are cross-checked with libhdf5: a damaged last `Theta` that matio skips
/// silently is refused, and clean files still read.
@Suite struct HDF5CrossCheckTests {
  @Test(arguments: [
    "v73-flip-ohdr-Theta2-000-0.mat", "v73-flip-ohdr-Theta2-018-1.mat",
    "v73-flip-ohdr-Theta2-024-7.mat", "v73-flip-ohdr-Theta2-073-4.mat",
    "v73-flip-ohdr-Theta2-104-4.mat", "v73-flip-ohdr-Theta2-115-4.mat",
  ])
  func aSkippedVariableIsRefused(_ name: String) {
    let path = Fixtures.path("bad/\(name)")
    let error = Expected.error { try MatFile(path: path) }
    guard case .damaged(let file, _, let problem)? = error else {
      Issue.record("expected .damaged, got \(String(describing: error))")
      return
    }
    #expect(file == path)
    #expect(problem.contains("Theta2"), "\(problem)")
    #expect(error?.description.contains("\n") == false)
  }

  @Test func cleanFilesPassTheCrossCheck() throws {
    let weights = try MatFile(path: Expected.fixture("weights_v73.mat"))
    for name in ["Theta1", "Theta2", "model.Theta1", "nest.inner.w"] {
      _ = try weights.readMatrix(named: name)
    }
    let classes = try MatFile(path: Expected.fixture("classes_v73.mat"))
    for v in classes.variables() where v.refusal == nil && v.problem == nil {
      _ = try? classes.readMatrix(named: v.name)
    }
    #expect(try MatFile(path: Expected.fixture("refused_v73.mat")).variables().count >= 6)
  }

  @Test func matioAndLibhdf5ValuesAreCompared() throws {
    let mat = try MatFile(path: Expected.fixture("weights_v73.mat"))
    let check = try #require(mat.hdf5)
    let good = try mat.readMatrix(named: "Theta1")
    var changed = good.columnMajor
    changed[0] += 1
    #expect(throws: MatFileError.self) {
      try check.checkValues(
        path: ["Theta1"], variable: "Theta1", dimensions: [good.rows, good.columns],
        values: changed)
    }
    #expect(throws: MatFileError.self) {
      try check.checkValues(
        path: ["Theta1"], variable: "Theta1", dimensions: [good.columns, good.rows],
        values: good.columnMajor)
    }
  }
}
