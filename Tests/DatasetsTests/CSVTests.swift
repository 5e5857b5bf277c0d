import Datasets
import LinearAlgebra
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parses `text` as CSV bytes named `data.csv`.
private func parse(_ text: String, _ labelColumn: LabelColumn = .none) throws(DatasetError)
  -> Dataset
{
  try Dataset.csv(data: Array(text.utf8), name: "data.csv", labelColumn: labelColumn)
}

/// The error `text` raises, or `nil`.
private func error(_ text: String, _ labelColumn: LabelColumn = .none) -> DatasetError? {
  do {
    _ = try parse(text, labelColumn)
    return nil
  } catch {
    return error
  }
}

/// `n` comma-separated copies of `value`.
private func row(_ n: Int, _ value: String = "0.5") -> String {
  Array(repeating: value, count: n).joined(separator: ",")
}

@Suite struct CSVTests {
  @Test func tinyFixtureWithLabels() throws {
    let d = try Dataset.csv(path: Fixtures.path("tiny-data.csv"), labelColumn: .last)
    #expect(d.count == 6 && d.featureCount == 4)
    #expect(d.features.layout == .rowMajor)
    #expect(d.labels == [1, 2, 1, 2, 2, 2])
    #expect(d.features.row(4) == [0.5, -0.25, 0.75, -1.0])
    #expect(d.source == Fixtures.path("tiny-data.csv"))
    let all = try Dataset.csv(path: Fixtures.path("tiny-data.csv"))
    #expect(all.featureCount == 5 && all.labels == nil)
    #expect(all.features.column(4) == [1, 2, 1, 2, 2, 2])
  }

  @Test func shapesAndLineEnds() throws {
    for text in [
      "1,2,3\n4,5,6\n", "1,2,3\n4,5,6", "1,2,3\r\n4,5,6\r\n", "1,2,3\r\n4,5,6",
      "1,2,3\n4,5,6\n\n\n", "1,2,3\n4,5,6\n  \r\n\t\n", " 1 ,\t2, 3\n4 ,5 ,6 ",
      "\u{FEFF}1,2,3\n4,5,6\n",
    ] {
      let d = try parse(text)
      #expect(d.features == (try Matrix([[1, 2, 3], [4, 5, 6]])), "\(text.debugDescription)")
    }
    let one = try parse("7")
    #expect(one.count == 1 && one.featureCount == 1 && one.features[0, 0] == 7)
  }

  /// Values convert exactly as a correctly rounded `strtod` does, fast path or not.
  @Test(arguments: [
    "0.1", "0.2", "0.30000000000000004", "1e-05", "2.5e-07", "1e22", "1e23", "9007199254740993",
    "9007199254740993.0000000001", "2.2250738585072011e-308", "2.2250738585072014e-308",
    "5e-324", "4.9406564584124654e-324", "1.7976931348623157e+308",
    "123456789012345678901234567890",
    "0.000000000000000000000000000001", "1e-400", ".5", "5.", "+3", "-3", "1E5", "1e+05", "-0.0",
    "0.0", "00012.50", "3.14159265358979323846264338327950288", "0.99999999999999999999",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126",
    "8.98846567431158e307", "1797693134862315708145274237317043567981e269",
  ])
  func correctlyRounded(text: String) throws {
    let value = try parse(text).features[0, 0]
    let expected = strtod(text, nil)
    #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) vs \(expected)")
  }

  @Test func pointOneIsTheNearestDouble() throws {
    #expect(try parse("0.1").features[0, 0].bitPattern == 0x3FB9_9999_9999_999A)
    #expect(try parse("-0.0").features[0, 0].sign == .minus)
  }

  /// Shortest round-trip text (what Python's `repr` and Swift's `description`
  /// print) of random doubles of every magnitude reads back bit for bit.
  @Test func reprRoundTrips() throws {
    var rng = SplitMix64(seed: 2024)
    var values: [Double] = []
    while values.count < 20_000 {
      let v = Double(bitPattern: rng.next())
      if v.isFinite { values.append(v) }
    }
    for _ in 0..<5_000 { values.append(Double.random(in: 0...1, using: &rng)) }
    let columns = 25
    var text = ""
    for i in stride(from: 0, to: values.count, by: columns) {
      text += values[i..<i + columns].map { "\($0)" }.joined(separator: ",") + "\n"
    }
    let d = try parse(text)
    #expect(d.count == values.count / columns && d.featureCount == columns)
    let mismatches = zip(d.features.storage, values).filter { $0.bitPattern != $1.bitPattern }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
  }

  /// Random decimal strings (up to 25 digits, exponents −350…280) against `strtod`.
  @Test func randomDecimalsMatchStrtod() throws {
    var rng = SplitMix64(seed: 77)
    var texts: [String] = []
    for _ in 0..<20_000 {
      let digits = Int.random(in: 1...25, using: &rng)
      var s = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
      let point = Int.random(in: 0...digits, using: &rng)
      s.insert(".", at: s.index(s.startIndex, offsetBy: point))
      if s == "." { s = "0" }
      if Bool.random(using: &rng) { s += "e\(Int.random(in: -350...280, using: &rng))" }
      if Bool.random(using: &rng) { s = "-" + s }
      texts.append(s)
    }
    let d = try parse(texts.joined(separator: "\n"))
    for (value, text) in zip(d.features.storage, texts) {
      let expected = strtod(text, nil)
      if value.bitPattern != expected.bitPattern {
        Issue.record("\(text): \(value) vs \(expected)")
        return
      }
    }
  }

  @Test func raggedRows() {
    let fewer = row(400) + "\n" + row(400) + "\n" + row(399) + "\n"
    #expect(
      error(fewer) == .raggedRow(file: "data.csv", line: 3, count: 399, expected: 400, firstLine: 1)
    )
    #expect(error(fewer)?.description == "data.csv: line 3 has 399 values; line 1 has 400")
    let more = "1,2\n3,4,5,x,\n"
    #expect(error(more)?.description == "data.csv: line 2 has 5 values; line 1 has 2")
    #expect(error("1,2\n3\n")?.description == "data.csv: line 2 has 1 value; line 1 has 2")
  }

  @Test func notANumber() {
    let text = (1...4).map { _ in row(8) }.joined(separator: "\n") + "\n" + "1,2,3,4,5,6,abc,8\n"
    #expect(error(text) == .notANumber(file: "data.csv", line: 5, value: 7, text: "abc"))
    #expect(error(text)?.description == "data.csv: line 5, value 7: 'abc' is not a number")
    #expect(error("x1,x2\n1,2\n")?.description == "data.csv: line 1, value 1: 'x1' is not a number")
    #expect(error("1,2.5.5\n")?.description == "data.csv: line 1, value 2: '2.5.5' is not a number")
    #expect(error("1,1e\n")?.description == "data.csv: line 1, value 2: '1e' is not a number")
    #expect(error("1,0x10\n")?.description == "data.csv: line 1, value 2: '0x10' is not a number")
    #expect(error("1;2\n")?.description == "data.csv: line 1, value 1: '1;2' is not a number")
    #expect(error("1,- 2\n")?.description == "data.csv: line 1, value 2: '- 2' is not a number")
    #expect(error("1,\u{1}\n")?.description == "data.csv: line 1, value 2: '\\x01' is not a number")
    #expect(error("1,2 3\n")?.description == "data.csv: line 1, value 2: '2 3' is not a number")
  }

  @Test(arguments: ["nan", "NaN", "-nan", "inf", "-inf", "+Infinity", "INF", "1e999", "-1e400000"])
  func nonFiniteValuesAreRefused(text: String) {
    #expect(error("0,\(text)\n") == .notFinite(file: "data.csv", line: 1, value: 2, text: text))
    #expect(
      error("0,\(text)\n")?.description
        == "data.csv: line 1, value 2: '\(text)' is not a finite number")
  }

  @Test func emptyInput() {
    for text in ["", "\n", "\n\n\r\n", "   \n\t\n", "\u{FEFF}"] {
      #expect(error(text) == .empty(file: "data.csv"), "\(text.debugDescription)")
    }
    #expect(error("")?.description == "data.csv: no examples (the input is empty)")
  }

  @Test func emptyValuesAndBlankLines() {
    #expect(error("1,,2\n") == .emptyValue(file: "data.csv", line: 1, value: 2))
    #expect(error("1,2,\n")?.description == "data.csv: line 1, value 3 is empty")
    #expect(error(",1\n")?.description == "data.csv: line 1, value 1 is empty")
    #expect(error("1,2\n\n3,4\n") == .blankLine(file: "data.csv", line: 2))
    #expect(error("\n1,2\n")?.description == "data.csv: line 1 is blank, but more examples follow")
  }

  @Test func labelColumn() throws {
    let d = try parse("0.5,1,3\n0.25,2,10.0\n-1,3,1e0\n", .last)
    #expect(d.features == (try Matrix([[0.5, 1], [0.25, 2], [-1, 3]])))
    #expect(d.labels == [3, 10, 1])
    #expect(
      error("1,2,2.5\n", .last)
        == .labelNotInteger(file: "data.csv", line: 1, value: 3, text: "2.5"))
    #expect(
      error("1,2,3\n4,5,2.5\n", .last)?.description
        == "data.csv: line 2, value 3: label '2.5' is not an integer")
    #expect(
      error("1,2,1e300\n", .last)?.description
        == "data.csv: line 1, value 3: label '1e300' is not an integer")
    #expect(
      error("1,2,abc\n", .last)?.description == "data.csv: line 1, value 3: 'abc' is not a number")
    #expect(error("1\n2\n", .last) == .noFeatures(file: "data.csv"))
    #expect(error("", .last) == .empty(file: "data.csv"))
  }

  @Test func standardInputBytes() throws {
    let d = try Dataset.csv(data: Array("1,2\n3,4\n".utf8))
    #expect(d.source == "<stdin>" && d.count == 2)
    #expect(throws: DatasetError.notANumber(file: "<stdin>", line: 2, value: 1, text: "a")) {
      try Dataset.csv(data: Array("1,2\na,4\n".utf8))
    }
  }

  @Test func longValuesAreShortenedInMessages() {
    let junk = String(repeating: "z", count: 100)
    #expect(
      error("1,\(junk)\n")?.description
        == "data.csv: line 1, value 2: '\(String(repeating: "z", count: 40))…' is not a number")
  }

  @Test func files() throws {
    let path = try writeTemporary("1,2\n3,4\n")
    #expect(try Dataset.csv(path: path).features == (try Matrix([[1, 2], [3, 4]])))
    let bad = try writeTemporary("1,2\n3\n")
    #expect(throws: DatasetError.raggedRow(file: bad, line: 2, count: 1, expected: 2, firstLine: 1)) {
      try Dataset.csv(path: bad)
    }
    let missing = Fixtures.temporaryDirectory().appendingPathComponent("absent.csv").path
    #expect(throws: DatasetError.cannotRead(file: missing, reason: "No such file or directory")) {
      try Dataset.csv(path: missing)
    }
    let directory = Fixtures.temporaryDirectory().path
    #expect(throws: DatasetError.cannotRead(file: directory, reason: "Is a directory")) {
      try Dataset.csv(path: directory)
    }
  }

  /// A file larger than the reader's first buffer, through the path API.
  @Test func largeFile() throws {
    var rng = SplitMix64(seed: 5)
    let m = 3000
    let n = 60
    var values: [Double] = []
    var text = ""
    for _ in 0..<m {
      let r = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
      values += r
      text += r.map { "\($0)" }.joined(separator: ",") + "\r\n"
    }
    let d = try Dataset.csv(path: try writeTemporary(text))
    #expect(d.count == m && d.featureCount == n)
    #expect(d.features.storage == values)
  }
}
