import Foundation
import TestSupport
import Testing

@testable import MatFile

/// Refused classes and damaged files give the right error and never crash.
@Suite struct RefusalTests {
  /// A refused variable and the error it must give.
  struct RefusedCase: Sendable, CustomTestStringConvertible {
    let file: String
    let variable: String
    let expected: @Sendable (String) -> MatFileError
    var testDescription: String { "\(file): \(variable)" }
  }

  static let refusedCases: [RefusedCase] = {
    var cases: [RefusedCase] = []
    let common: [(String, @Sendable (String) -> MatFileError)] = [
      ("cplx", { .complex(file: $0, variable: "cplx") }),
      ("sp", { .unsupportedClass(file: $0, variable: "sp", matClass: .sparse) }),
      ("txt", { .unsupportedClass(file: $0, variable: "txt", matClass: .char) }),
      ("nothing", { .empty(file: $0, variable: "nothing", dimensions: [0, 3]) }),
    ]
    let v5Only: [(String, @Sendable (String) -> MatFileError)] = [
      ("cel", { .unsupportedClass(file: $0, variable: "cel", matClass: .cell) }),
      ("flag", { .unsupportedClass(file: $0, variable: "flag", matClass: .logical) }),
    ]
    let structArray: [(String, @Sendable (String) -> MatFileError)] = [
      ("people", { .structArray(file: $0, variable: "people", dimensions: [1, 2]) }),
      ("people.age", { .structArray(file: $0, variable: "people", dimensions: [1, 2]) }),
    ]
    for (name, e) in common {
      cases.append(.init(file: "refused_v4.mat", variable: name, expected: e))
    }
    for file in ["refused_v5.mat", "refused_v5z.mat"] {
      for (name, e) in common + v5Only + structArray {
        cases.append(.init(file: file, variable: name, expected: e))
      }
    }
    for (name, e) in common + v5Only {
      cases.append(.init(file: "refused_v73.mat", variable: name, expected: e))
    }
    return cases
  }()

  @Test(arguments: refusedCases)
  func refusedClassesNameTheVariableAndProblem(_ c: RefusedCase) throws {
    let path = Expected.fixture(c.file)
    let mat = try MatFile(path: path)
    #expect(throws: c.expected(path)) { try mat.readMatrix(named: c.variable) }
    if !c.variable.contains(".") {
      let info = mat.variables().first { $0.name == c.variable }
      #expect(info?.problem == nil, "'\(c.variable)' is readable, only refused")
      #expect(info?.refusal != nil, "listing should say why '\(c.variable)' is refused")
    }
  }

  @Test func v73ListingToleratesAnEntryMatioCannotRead() throws {
    let path = Expected.fixture("refused_v73.mat")
    let mat = try MatFile(path: path)
    let vars = mat.variables()
    #expect(Set(vars.map(\.name)).isSuperset(of: ["cplx", "sp", "txt", "cel", "flag", "nothing"]))
    let last = try #require(vars.last)
    #expect(last.name == "" && last.problem?.hasPrefix("matio skipped an entry") == true)
    #expect(vars.dropLast().allSatisfy { $0.problem == nil })
    let error = Expected.error { try mat.readMatrix(named: "dangling") }
    guard case .matio(let file, let call, _)? = error else {
      Issue.record("expected a matio error, got \(String(describing: error))")
      return
    }
    #expect(file == path && call == "Mat_VarRead")
  }

  /// A damaged or foreign file and what its refusal must say.
  struct DamagedCase: Sendable, CustomTestStringConvertible {
    let file: String
    /// The offset `.damaged` must report; `nil` for the file size.
    let offset: Int?
    let keyword: String
    var testDescription: String { file }
  }

  static let damagedCases: [DamagedCase] = [
    .init(file: "damaged_truncated_v5z.mat", offset: 128, keyword: "truncated"),
    .init(file: "damaged_bitflip_v5z.mat", offset: 128, keyword: "fails its zlib check"),
    .init(file: "damaged_nbytes_v5.mat", offset: 128, keyword: "unexpected bytes"),
    .init(file: "damaged_lyingdims_v5.mat", offset: 128, keyword: "2147483647x2147483647"),
    .init(file: "damaged_lyingdims_v5z.mat", offset: 128, keyword: "2147483647x2147483647"),
    // weights_v5.mat followed by 8 bytes of garbage: the garbage starts at size - 8.
    .init(file: "damaged_trailing_v5.mat", offset: -8, keyword: "not a variable"),
    // Theta2's header follows Theta1's: 20-byte header, "Theta1\0", 3x5 doubles.
    .init(file: "damaged_truncated_v4.mat", offset: 20 + 7 + 3 * 5 * 8, keyword: "truncated"),
    .init(file: "damaged_truncated_v73.mat", offset: nil, keyword: "truncated"),
  ]

  @Test(arguments: damagedCases)
  func damagedFilesAreRefusedBeforeMatioReadsThem(_ c: DamagedCase) throws {
    let path = Expected.fixture(c.file)
    let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    let error = Expected.error { try MatFile(path: path) }
    guard case .damaged(let file, let offset, let problem)? = error else {
      Issue.record("expected .damaged, got \(String(describing: error))")
      return
    }
    #expect(file == path)
    let expectedOffset = c.offset.map { $0 < 0 ? size + $0 : $0 } ?? size
    #expect(offset == expectedOffset)
    #expect(problem.contains(c.keyword), "\(problem)")
    #expect(error?.description.hasPrefix("\(path): damaged: ") == true)
  }

  @Test func foreignFilesAreRefused() {
    let notMat = Expected.fixture("not_a_mat.mat")
    let error = Expected.error { try MatFile(path: notMat) }
    guard case .notMatFile(let file, _)? = error else {
      Issue.record("expected .notMatFile, got \(String(describing: error))")
      return
    }
    #expect(file == notMat)
    let empty = Expected.fixture("empty.mat")
    #expect(throws: MatFileError.emptyFile(file: empty)) { try MatFile(path: empty) }
    let version = Expected.fixture("damaged_version_v5.mat")
    #expect(throws: MatFileError.unsupportedVersion(file: version, version: 0x0300)) {
      try MatFile(path: version)
    }
    let missing = Expected.fixture("no_such_file.mat")
    #expect(throws: MatFileError.cannotRead(file: missing, reason: "No such file or directory")) {
      try MatFile(path: missing)
    }
    let directory = Fixtures.path("mat")
    #expect(throws: MatFileError.cannotRead(file: directory, reason: "not a regular file")) {
      try MatFile(path: directory)
    }
  }

  @Test func inflationIsBounded() {
    let path = Expected.fixture("weights_v5z.mat")
    var limits = MatLimits.standard
    limits.maxInflatedBytes = 64  // Theta1's element inflates to 184 bytes.
    let error = Expected.error { try MatFile(path: path, limits: limits) }
    guard case .tooLarge(let file, let what, 64)? = error else {
      Issue.record("expected .tooLarge, got \(String(describing: error))")
      return
    }
    #expect(file == path && what.contains("offset 128"))
  }

  @Test func theWholeImageIsBounded() throws {
    // weights_v5z.mat: four compressed elements at offsets 128, 307, 428 and 721 whose
    // miMATRIX elements, padded to 8, take 184, 128, 384 and 256 bytes (Python's zlib),
    // so with the 128-byte header the inflated image is 1080 bytes.
    let path = Expected.fixture("weights_v5z.mat")
    var limits = MatLimits.standard
    limits.maxImageBytes = 1080
    _ = try MatFile(path: path, limits: limits)
    limits.maxImageBytes = 1079
    let error = Expected.error { try MatFile(path: path, limits: limits) }
    guard case .tooLarge(let file, let what, 1079)? = error else {
      Issue.record("expected .tooLarge, got \(String(describing: error))")
      return
    }
    #expect(file == path)
    #expect(
      what == "the file with its variables inflated (1080 bytes with the miMATRIX of 248 bytes"
        + " in the compressed element at offset 721)")
  }

  @Test func nestingIsBounded() {
    // nest.inner.w sits two levels below the top-level struct.
    let path = Expected.fixture("weights_v5.mat")
    var limits = MatLimits.standard
    limits.maxDepth = 1
    let error = Expected.error { try MatFile(path: path, limits: limits) }
    guard case .damaged(_, _, let problem)? = error else {
      Issue.record("expected .damaged, got \(String(describing: error))")
      return
    }
    #expect(problem.contains("deeper than 1 levels"))
  }

  @Test func messagesNameFileVariableAndProblem() {
    #expect(
      MatFileError.complex(file: "ex4weights.mat", variable: "Theta1").description
        == "ex4weights.mat: variable 'Theta1' is complex; only real numeric matrices can be converted"
    )
    #expect(
      MatFileError.damaged(
        file: "w.mat", offset: 1234,
        problem: "compressed element at offset 1234 fails its zlib check (incorrect data check)"
      ).description
        == "w.mat: damaged: compressed element at offset 1234 fails its zlib check (incorrect data check)"
    )
    #expect(
      MatFileError.noSuchVariable(file: "w.mat", name: "Theta3").description
        == "w.mat: no variable named 'Theta3'")
    #expect(
      MatFileError.unsupportedClass(file: "w.mat", variable: "txt", matClass: .char).description
        == "w.mat: variable 'txt' is a char array; only real numeric matrices can be converted")
    #expect(
      MatFileError.empty(file: "w.mat", variable: "e", dimensions: [0, 3]).description
        == "w.mat: variable 'e' is empty (0x3); only real numeric matrices can be converted")
    #expect(
      MatFileError.inexactInteger(file: "w.mat", variable: "n", index: 0, value: "9007199254740993")
        .description.hasPrefix("w.mat: variable 'n' holds 9007199254740993 at element 1"))
  }

  @Test func hdf5StackMessagesFoldOntoOneLine() {
    let message = """
      HDF5 error #002 in H5F__super_read()
            file : ../../../src/H5Fsuper.c:626
            major: File accessibility
            minor: File has been truncated
      """
    #expect(Matio.oneLine(message) == "HDF5 H5F__super_read(): File has been truncated")
    #expect(Matio.oneLine("Couldn't read\n  the tag") == "Couldn't read the tag")
  }
}
