import MatFile
import Testing

/// `MatMatrix.firstNonFinite` against the index where a test put the value.
@Suite struct NonFiniteScanTests {
  /// A `rows × columns` matrix of ordinary values (large, tiny, negative, zero).
  private func matrix(_ count: Int) -> MatMatrix {
    let values = (0..<count).map { i -> Double in
      switch i % 5 {
      case 0: 1e300
      case 1: -0.0
      case 2: 5e-324
      case 3: -Double.greatestFiniteMagnitude
      default: Double(i) * 0.25
      }
    }
    return MatMatrix(name: "X", matClass: .double, rows: 1, columns: count, columnMajor: values)
  }

  @Test func allFiniteGivesNil() {
    for count in [0, 1, 7, 8, 511, 512, 513, 5000] {
      #expect(matrix(count).firstNonFinite == nil, "count \(count)")
    }
  }

  @Test(arguments: [Double.nan, .infinity, -.infinity, -Double.nan])
  func findsTheValueAnywhere(_ bad: Double) {
    // In the first group, inside a full stretch, at a stretch's edges, in the tail.
    for (count, index) in [(1, 0), (8, 7), (512, 0), (512, 511), (1200, 513), (1200, 1023), (1200, 1024), (1200, 1199)]
    {
      var m = matrix(count)
      m.columnMajor[index] = bad
      #expect(m.firstNonFinite == index, "count \(count), index \(index)")
    }
  }

  @Test func reportsTheFirstOfSeveral() {
    var m = matrix(3000)
    m.columnMajor[2500] = .nan
    m.columnMajor[1500] = .infinity
    m.columnMajor[1501] = .nan
    #expect(m.firstNonFinite == 1500)
  }
}
