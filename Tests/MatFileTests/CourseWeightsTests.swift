import Foundation
import MatFile
import TestSupport
import Testing

/// The course's real `ex4weights.mat`, read by path from `../shared/data/`.
@Suite struct CourseWeightsTests {
  @Test func readsThetaMatricesWithTheReferenceValues() throws {
    guard let path = Fixtures.courseWeights() else { return }
    let mat = try MatFile(path: path)
    #expect(mat.version == .v5)
    #expect(
      mat.headerText
        == "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Tue Oct 18 14:57:02 2011")
    let t1 = try mat.readMatrix(named: "Theta1")
    let t2 = try mat.readMatrix(named: "Theta2")
    #expect(t1.rows == 25 && t1.columns == 401 && t1.matClass == .double)
    #expect(t2.rows == 10 && t2.columns == 26 && t2.matClass == .double)

    // Unrolled as the seed does: Theta1 row-major, then Theta2 row-major.
    let unrolled = t1.rowMajor + t2.rowMajor
    #expect(unrolled.count == 10285)
    let sum = unrolled.reduce(0, +)
    #expect(abs(sum - -90.84079992118393) <= 1e-9, "sum \(sum)")
    // The reference prints 9 significant digits, so a 1e-12 relative check is not
    // possible; each value must print exactly as the reference does, which bounds the
    // relative error by half a unit in the 9th digit.
    let firstFive = [
      "-2.25623899e-02", "-1.05624163e-08", "2.19414684e-09", "-6.92223359e-06", "8.88278871e-05",
    ]
    #expect(unrolled.prefix(5).map { String(format: "%.8e", $0) } == firstFive)
    for (got, want) in zip(unrolled.prefix(5), firstFive.compactMap(Double.init)) {
      #expect(abs(got - want) <= 5e-9 * abs(want), "\(got) vs \(want)")
    }
    let vars = mat.variables()
    #expect(vars.map(\.name) == ["Theta1", "Theta2"])
    #expect(vars.allSatisfy { $0.isCompressed && $0.problem == nil && $0.refusal == nil })
  }

  @Test func damagedCopiesAreRefused() throws {
    guard let path = Fixtures.courseWeights() else { return }
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    // The first element is miCOMPRESSED at offset 128; its byte count follows its type.
    let firstCount = (0..<4).reduce(0) { $0 | Int(original[132 + $1]) << (8 * $1) }
    let second = 128 + 8 + firstCount
    #expect(second < original.count)

    let directory = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
      let url = directory.appendingPathComponent(name)
      try Data(bytes).write(to: url)
      return url.path
    }
    func flipped(_ offset: Int) -> [UInt8] {
      var b = original
      b[offset] ^= 0x04
      return b
    }
    let cases: [(name: String, bytes: [UInt8], offset: Int, keyword: String)] = [
      (
        "truncated-in-theta1.mat", Array(original[0..<(128 + 8 + firstCount / 2)]), 128, "truncated"
      ),
      ("truncated-in-theta2.mat", Array(original.dropLast(100)), second, "truncated"),
      ("bitflip-in-theta1.mat", flipped(128 + 8 + firstCount / 2), 128, "zlib"),
      ("bitflip-in-theta2.mat", flipped(second + 8 + 1000), second, "zlib"),
    ]
    for c in cases {
      let copy = try write(c.name, c.bytes)
      do {
        let mat = try MatFile(path: copy)
        Issue.record("\(c.name) was accepted: \(mat.variables())")
      } catch {
        guard case .damaged(let file, let offset, let problem) = error else {
          Issue.record("\(c.name): expected .damaged, got \(error)")
          continue
        }
        #expect(file == copy)
        #expect(offset == c.offset, "\(c.name): \(problem)")
        #expect(problem.contains(c.keyword), "\(c.name): \(problem)")
      }
    }
  }
}
