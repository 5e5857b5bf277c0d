import Foundation
import HDF5File
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

  /// Bit flips matio and libhdf5 both read as written (a wrong model before issue 6):
  /// the superblock's base and end-of-file addresses, a dataset's dimension, element type,
  /// data address or dataspace message. Fixtures/bad/v73-wrong-*, from make_bad_mats.py.
  @Test(arguments: [
    "v73-wrong-00536-0.mat", "v73-wrong-00552-4.mat", "v73-wrong-01344-0.mat",
    "v73-wrong-01384-0.mat", "v73-wrong-01388-0.mat", "v73-wrong-01400-0.mat", "v73-wrong-01434-0.mat",
    "v73-wrong-01929-0.mat", "v73-wrong-01952-0.mat", "v73-wrong-02034-0.mat",
  ])
  func aFlipBothLibrariesAgreeOnIsRefused(_ name: String) {
    let path = Fixtures.path("bad/\(name)")
    let error = Expected.error { () throws -> [MatMatrix] in
      let mat = try MatFile(path: path)
      return try ["Theta1", "Theta2"].map { try mat.readMatrix(named: $0) }
    }
    switch error {
    case .damaged(let file, _, _)?, .inconsistent(let file, _, _)?:
      #expect(file == path)
    default:
      Issue.record("\(name): expected .damaged or .inconsistent, got \(String(describing: error))")
    }
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
    let path = Expected.fixture("weights_v73.mat")
    let mat = try MatFile(path: path)
    // The cross-check itself, in this process (a clean fixture cannot crash libhdf5).
    let check = try HDF5CrossCheck(path: path, file: path)
    let good = try mat.readMatrix(named: "Theta1")
    var changed = good.columnMajor
    changed[0] += 1
    #expect(throws: MatFileError.self) {
      try check.checkValues(
        path: ["Theta1"], variable: "Theta1", matClass: .double, dimensions: [good.rows, good.columns],
        values: changed)
    }
    #expect(throws: MatFileError.self) {
      try check.checkValues(
        path: ["Theta1"], variable: "Theta1", matClass: .double, dimensions: [good.columns, good.rows],
        values: good.columnMajor)
    }
  }
}

/// `HDF5File.links` and `members` refuse a group larger than their limit instead of
/// returning part of it (the v7.3 cross-check compares every root link with matio's
/// listing, so a partial list would let a variable go unchecked).
@Suite struct HDF5ListingLimitTests {
  // weights_v73.mat's root group: Theta1, Theta2, model and nest
  // (tools/make_mat_fixtures.py, v73_weights).
  let path = Fixtures.path("mat/weights_v73.mat")

  @Test func linksUpToTheLimitAreRead() throws {
    let file = try HDF5File(reading: path)
    #expect(try file.links(of: "/", limit: 4).map(\.name) == ["Theta1", "Theta2", "model", "nest"])
    #expect(try file.members(of: "/", limit: 4) == ["Theta1", "Theta2", "model", "nest"])
  }

  @Test func oneLinkMoreIsRefused() throws {
    let file = try HDF5File(reading: path)
    #expect(
      throws: HDF5Error.unexpected(object: "/", reason: "the group holds more than 3 links, the most Theta reads")
    ) { try file.links(of: "/", limit: 3) }
    #expect(
      throws: HDF5Error.unexpected(object: "/", reason: "the group holds more than 3 members, the most Theta lists")
    ) { try file.members(of: "/", limit: 3) }
  }
}
