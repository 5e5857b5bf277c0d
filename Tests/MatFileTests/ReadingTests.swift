import Foundation
import Testing

@testable import MatFile

/// Every readable fixture reads to the values the fixture script's formulas give.
@Suite struct ReadingTests {
  /// A weights fixture and the version its header announces.
  struct WeightsCase: Sendable, CustomTestStringConvertible {
    let file: String
    let version: MatVersion
    let compressed: Bool
    var testDescription: String { file }
  }

  static let weightsCases: [WeightsCase] = [
    .init(file: "weights_v4.mat", version: .v4, compressed: false),
    .init(file: "weights_v5.mat", version: .v5, compressed: false),
    .init(file: "weights_v5z.mat", version: .v5, compressed: true),
    .init(file: "weights_v5_be.mat", version: .v5, compressed: false),
    .init(file: "weights_v5z_be.mat", version: .v5, compressed: true),
    .init(file: "weights_v73.mat", version: .v73, compressed: false),
  ]

  @Test(arguments: weightsCases)
  func smallPairReadsInEveryVersion(_ c: WeightsCase) throws {
    let mat = try MatFile(path: Expected.fixture(c.file))
    #expect(mat.version == c.version)
    switch c.version {
    case .v4: #expect(mat.headerText == "")
    case .v5: #expect(mat.headerText == Expected.v5Header)
    case .v73: #expect(mat.headerText == Expected.v73Header)
    }
    let t1 = try mat.readMatrix(named: "Theta1")
    #expect(t1.name == "Theta1" && t1.matClass == .double)
    #expect(t1.rows == 3 && t1.columns == 5)
    #expect(Expected.withinOneUlp(t1.columnMajor, Expected.smallTheta1))
    #expect(t1[2, 4] == t1.columnMajor[14])
    let t2 = try mat.readMatrix(named: "Theta2")
    #expect(t2.rows == 2 && t2.columns == 4)
    #expect(Expected.withinOneUlp(t2.columnMajor, Expected.smallTheta2))
    // Row-major unrolling: row 0 of Theta2 is elements 1, 3, 5, 7 (1-based, column-major).
    #expect(
      Expected.withinOneUlp(
        Array(t2.rowMajor.prefix(4)), [1, 3, 5, 7].map { cos(Double($0)) / 10 }))

    let listed = mat.variables().filter { $0.name.hasPrefix("Theta") }
    #expect(listed.map(\.name) == ["Theta1", "Theta2"])
    #expect(listed.map(\.dimensions) == [[3, 5], [2, 4]])
    #expect(listed.allSatisfy { $0.matClass == .double && !$0.isComplex })
    #expect(listed.allSatisfy { $0.problem == nil && $0.refusal == nil })
    #expect(listed.allSatisfy { $0.isCompressed == c.compressed })
  }

  @Test(arguments: ["weights_v5.mat", "weights_v5z.mat", "weights_v73.mat"])
  func structFieldsReadByDottedName(_ file: String) throws {
    let path = Expected.fixture(file)
    let mat = try MatFile(path: path)
    let t1 = try mat.readMatrix(named: "model.Theta1")
    #expect(t1.name == "model.Theta1" && t1.rows == 3 && t1.columns == 5)
    #expect(Expected.withinOneUlp(t1.columnMajor, Expected.smallTheta1))
    let t2 = try mat.readMatrix(named: "model.Theta2")
    #expect(Expected.withinOneUlp(t2.columnMajor, Expected.smallTheta2))
    let w = try mat.readMatrix(named: "nest.inner.w")
    #expect(w.rows == 2 && w.columns == 4)
    #expect(Expected.withinOneUlp(w.columnMajor, Expected.smallTheta2))

    #expect(mat.contains("model") && mat.contains("model.Theta1") && mat.contains("nest.inner.w"))
    #expect(!mat.contains("model.Theta3") && !mat.contains("Theta3") && !mat.contains("model."))

    #expect(
      throws: MatFileError.isStruct(file: path, variable: "model", fields: ["Theta1", "Theta2"])
    ) {
      try mat.readMatrix(named: "model")
    }
    #expect(throws: MatFileError.isStruct(file: path, variable: "nest.inner", fields: ["w"])) {
      try mat.readMatrix(named: "nest.inner")
    }
    #expect(throws: MatFileError.noSuchField(file: path, variable: "model", field: "Theta3")) {
      try mat.readMatrix(named: "model.Theta3")
    }
    #expect(throws: MatFileError.notAStruct(file: path, variable: "Theta1", field: "x")) {
      try mat.readMatrix(named: "Theta1.x")
    }
    #expect(throws: MatFileError.noSuchVariable(file: path, name: "Theta3")) {
      try mat.readMatrix(named: "Theta3")
    }
    #expect(throws: MatFileError.noSuchVariable(file: path, name: "model..Theta1")) {
      try mat.readMatrix(named: "model..Theta1")
    }
  }

  @Test func bigPairIsBitExact() throws {
    let mat = try MatFile(path: Expected.fixture("big_v5z.mat"))
    let t1 = try mat.readMatrix(named: "Theta1")
    let t2 = try mat.readMatrix(named: "Theta2")
    #expect(t1.rows == 25 && t1.columns == 401 && t2.rows == 10 && t2.columns == 26)
    #expect(Expected.bitEqual(t1.columnMajor, Expected.bigPair.theta1))
    #expect(Expected.bitEqual(t2.columnMajor, Expected.bigPair.theta2))
  }

  @Test(arguments: ["classes_v5.mat", "classes_v5z.mat", "classes_v73.mat"])
  func singleAndIntegerClassesConvertExactly(_ file: String) throws {
    let path = Expected.fixture(file)
    let mat = try MatFile(path: path)
    let s = try mat.readMatrix(named: "S")
    #expect(s.matClass == .single && s.rows == 2 && s.columns == 3)
    #expect(Expected.bitEqual(s.columnMajor, Expected.single))
    for (name, matClass, rows) in Expected.integerRows {
      let m = try mat.readMatrix(named: name)
      #expect(m.matClass == matClass, "\(name)")
      #expect(m.rows == 2 && m.columns == 3, "\(name)")
      #expect(Expected.bitEqual(m.columnMajor, Expected.columnMajor(rows)), "\(name)")
    }
    #expect(
      throws: MatFileError.inexactInteger(
        file: path, variable: "i64_big", index: 0, value: "9007199254740993")
    ) { try mat.readMatrix(named: "i64_big") }
    #expect(
      throws: MatFileError.inexactInteger(
        file: path, variable: "u64_big", index: 0, value: "18446744073709551615")
    ) { try mat.readMatrix(named: "u64_big") }
    try expectSpecials(mat)
  }

  @Test func v4StorageTypesReadAsDouble() throws {
    // A v4 file has no integer classes, only storage types; matio reads them as double.
    let mat = try MatFile(path: Expected.fixture("classes_v4.mat"))
    #expect(mat.version == .v4)
    let s = try mat.readMatrix(named: "S")
    #expect(s.matClass == .double && Expected.bitEqual(s.columnMajor, Expected.single))
    for (name, _, rows) in Expected.integerRows where ["i32", "i16", "u16", "u8"].contains(name) {
      let m = try mat.readMatrix(named: name)
      #expect(m.matClass == .double, "\(name)")
      #expect(Expected.bitEqual(m.columnMajor, Expected.columnMajor(rows)), "\(name)")
    }
    try expectSpecials(mat)
  }

  /// `specials` (1x5 double) passes NaN, ±Inf, −0 and the smallest subnormal through.
  private func expectSpecials(_ mat: MatFile) throws {
    let x = try mat.readMatrix(named: "specials")
    #expect(x.rows == 1 && x.columns == 5)
    #expect(x.columnMajor[0].isNaN)
    #expect(x.columnMajor[1] == .infinity && x.columnMajor[2] == -.infinity)
    #expect(x.columnMajor[3] == 0 && x.columnMajor[3].sign == .minus)
    #expect(x.columnMajor[4] == Double.leastNonzeroMagnitude)
  }

  @Test func listingIsInFileOrderWithProblems() throws {
    let mat = try MatFile(path: Expected.fixture("weights_v5z.mat"))
    let vars = mat.variables()
    #expect(vars.map(\.name) == ["Theta1", "Theta2", "model", "nest"])
    #expect(vars.allSatisfy { $0.isCompressed })
    #expect(vars[2].matClass == .struct && vars[2].dimensions == [1, 1])
    #expect(vars[2].problem == nil)
    #expect(
      vars[2].refusal == "is a struct; name one of its fields: 'model.Theta1', 'model.Theta2'")
  }

  @Test(arguments: ["mixed_v5.mat", "mixed_v5z.mat"])
  func unreadableEntriesAreListedNotFatal(_ file: String) throws {
    let path = Expected.fixture(file)
    let mat = try MatFile(path: path)
    let vars = mat.variables()
    #expect(vars.map(\.name) == ["A", "obj", "B"])
    #expect(vars[1].matClass == .opaque)
    #expect(vars[1].problem?.hasPrefix("matio cannot read its header") == true)
    #expect(
      vars[1].refusal == "is an opaque MATLAB object; only real numeric matrices can be converted")
    #expect(vars[0].problem == nil && vars[2].problem == nil)
    #expect(vars[0].refusal == nil && vars[2].refusal == nil)
    #expect(Expected.withinOneUlp(try mat.readMatrix(named: "A").columnMajor, Expected.smallTheta1))
    #expect(Expected.withinOneUlp(try mat.readMatrix(named: "B").columnMajor, Expected.smallTheta2))
    #expect(throws: MatFileError.unsupportedClass(file: path, variable: "obj", matClass: .opaque)) {
      try mat.readMatrix(named: "obj")
    }
    // matio 1.5.23 names this element "MCOS" (its class's type system); the file does not.
    #expect(throws: MatFileError.noSuchVariable(file: path, name: "MCOS")) {
      try mat.readMatrix(named: "MCOS")
    }
  }

  @Test func filesOpenConcurrently() async throws {
    let names = ["weights_v5z.mat", "weights_v73.mat", "weights_v4.mat", "big_v5z.mat"]
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for i in 0..<16 {
        let path = Expected.fixture(names[i % names.count])
        group.addTask {
          let mat = try MatFile(path: path)
          let t = try mat.readMatrix(named: "Theta2")
          _ = mat.variables()
          return t.columnMajor.count == (path.hasSuffix("big_v5z.mat") ? 260 : 8)
        }
      }
      for try await ok in group { #expect(ok) }
    }
  }
}
