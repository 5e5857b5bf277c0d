import Datasets
import LinearAlgebra
import MatFile
import TestSupport
import Testing

@Suite struct MATTests {
  @Test func digits20() throws {
    let d = try Dataset.mat(path: Fixtures.path("digits20.mat"))
    #expect(d.count == 1797 && d.featureCount == 400)
    #expect(d.features.layout == .columnMajor)
    let sum = d.features.storage.reduce(0, +)
    #expect(abs(sum - 238372.34002770085) <= 1e-9 * 238372.34002770085)
    let labels = try #require(d.labels)
    #expect(labels.count == 1797)
    let counts = (1...10).map { k in labels.filter { $0 == k }.count }
    #expect(counts == [182, 177, 183, 181, 182, 181, 179, 174, 180, 178])
    #expect(d.features.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
  }

  /// Asked for row-major examples, a MAT file gives the same examples and labels, laid
  /// out row by row: the CSV copy's layout, value for value.
  @Test func rowMajorLayout() throws {
    let columns = try Dataset.mat(path: Fixtures.path("digits20.mat"))
    let rows = try Dataset.mat(path: Fixtures.path("digits20.mat"), layout: .rowMajor)
    #expect(rows.features.layout == .rowMajor)
    #expect(rows.features == columns.features && rows.labels == columns.labels)
    #expect(rows.features.storage == columns.features.rowMajorValues)
    let tiny = try Dataset.mat(path: Fixtures.path("tiny-data.mat"), requireY: true, layout: .rowMajor)
    let csv = try Dataset.csv(path: Fixtures.path("tiny-data.csv"), labelColumn: .last)
    #expect(tiny.features.storage == csv.features.storage && tiny.features.layout == csv.features.layout)
  }

  /// The MAT and CSV copies of the tiny data agree exactly.
  @Test func tinyMatEqualsTinyCSV() throws {
    let mat = try Dataset.mat(path: Fixtures.path("tiny-data.mat"), requireY: true)
    let csv = try Dataset.csv(path: Fixtures.path("tiny-data.csv"), labelColumn: .last)
    #expect(mat.features == csv.features)
    #expect(mat.labels == [1, 2, 1, 2, 2, 2] && mat.labels == csv.labels)
    let unlabeled = try Dataset.mat(path: Fixtures.path("tiny-data.mat"), y: nil)
    #expect(unlabeled.labels == nil && unlabeled.features == mat.features)
  }

  @Test func labelsAbsent() throws {
    let path = Fixtures.path("tiny-weights.mat")
    let d = try Dataset.mat(path: path, x: "Theta1")
    #expect(d.labels == nil && d.count == 3 && d.featureCount == 5)
    #expect(d.features.row(0) == [0.5, 1, -1.5, 2, -0.25])
    #expect(throws: DatasetError.missingLabels(file: path, variable: "y")) {
      try Dataset.mat(path: path, x: "Theta1", requireY: true)
    }
    #expect(
      DatasetError.missingLabels(file: "w.mat", variable: "y").description
        == "w.mat: no variable 'y' holds the labels")
  }

  @Test func labelCountMustMatchRows() throws {
    let path = try writeMatV4(
      [
        V4Variable(name: "X", rows: 3, columns: 2, columnMajor: [1, 2, 3, 4, 5, 6]),
        V4Variable(name: "y", rows: 2, columns: 1, columnMajor: [1, 2]),
      ], name: "digits.mat")
    let expected = DatasetError.labelCount(
      file: path, variable: "y", labels: 2, examples: "X", rows: 3)
    #expect(throws: expected) { try Dataset.mat(path: path) }
    #expect(expected.description == "\(path): variable 'y' has 2 labels but 'X' has 3 rows")
    #expect(
      DatasetError.labelCount(
        file: "digits.mat", variable: "y", labels: 1796, examples: "X", rows: 1797
      )
      .description == "digits.mat: variable 'y' has 1796 labels but 'X' has 1797 rows")
  }

  @Test func labelsMustBeIntegers() throws {
    let path = try writeMatV4([
      V4Variable(name: "X", rows: 3, columns: 1, columnMajor: [1, 2, 3]),
      V4Variable(name: "y", rows: 3, columns: 1, columnMajor: [1, 2.5, 3]),
    ])
    let expected = DatasetError.matLabelNotInteger(file: path, variable: "y", index: 1, value: 2.5)
    #expect(throws: expected) { try Dataset.mat(path: path) }
    #expect(expected.description == "\(path): variable 'y' holds 2.5, not an integer label")
  }

  @Test func labelsMayBeARowVectorOrIntegers() throws {
    let path = try writeMatV4([
      V4Variable(name: "X", rows: 3, columns: 2, columnMajor: [1, 2, 3, 4, 5, 6]),
      V4Variable(name: "y", rows: 1, columns: 3, columnMajor: [10, 1, 2]),
      V4Variable(name: "labels", rows: 3, columns: 1, columnMajor: [7, -1, 0], storage: .int32),
      V4Variable(name: "grid", rows: 3, columns: 2, columnMajor: [1, 2, 3, 4, 5, 6]),
    ])
    let d = try Dataset.mat(path: path)
    #expect(d.labels == [10, 1, 2])
    #expect(d.features == (try Matrix([[1, 4], [2, 5], [3, 6]])))
    #expect(try Dataset.mat(path: path, y: "labels").labels == [7, -1, 0])
    #expect(throws: DatasetError.labelsNotVector(file: path, variable: "grid", rows: 3, columns: 2)) {
      try Dataset.mat(path: path, y: "grid")
    }
  }

  @Test func examplesMustBeFinite() throws {
    let path = try writeMatV4([
      V4Variable(name: "X", rows: 2, columns: 2, columnMajor: [1, 2, 3, .nan])
    ])
    #expect(throws: DatasetError.self) { try Dataset.mat(path: path) }
    do {
      _ = try Dataset.mat(path: path)
    } catch {
      #expect(
        error.description
          == "\(path): variable 'X' holds nan at row 2, column 2; examples must be finite numbers")
    }
  }

  /// MatFile's refusals come through with its message.
  @Test func matFileErrorsAreWrapped() throws {
    let classes = Fixtures.path("mat/classes_v5.mat")
    let s = try Dataset.mat(path: classes, x: "S", y: nil)
    #expect(s.count == 2 && s.featureCount == 3)
    #expect(
      throws: DatasetError.labelCount(
        file: classes, variable: "specials", labels: 5, examples: "S", rows: 2)
    ) {
      try Dataset.mat(path: classes, x: "S", y: "specials")
    }
    for (path, x) in [
      (Fixtures.path("mat/refused_v5.mat"), "txt"), (Fixtures.path("mat/not_a_mat.mat"), "X"),
      (classes, "absent"),
      (Fixtures.temporaryDirectory().appendingPathComponent("none.mat").path, "X"),
    ] {
      do {
        _ = try Dataset.mat(path: path, x: x)
        Issue.record("\(path) \(x) was accepted")
      } catch {
        guard case .mat(let inner) = error else {
          Issue.record("\(error) is not a MatFile error")
          continue
        }
        #expect(error.description == inner.description)
        #expect(error.description.contains(path))
      }
    }
  }
}
