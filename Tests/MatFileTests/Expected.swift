import Foundation
import MatFile
import TestSupport

/// The values `tools/make_mat_fixtures.py` writes, recomputed here from the same
/// formulas (never copied from a reader's output).
enum Expected {
  /// `Fixtures/mat/<name>`.
  static func fixture(_ name: String) -> String { Fixtures.path("mat/\(name)") }

  /// The header text the script writes into every v5 fixture.
  static let v5Header = "MATLAB 5.0 MAT-file, written by Theta tools/make_mat_fixtures.py"
  /// The header text the script writes into every v7.3 fixture.
  static let v73Header =
    "MATLAB 7.3 MAT-file, written by Theta tools/make_mat_fixtures.py, HDF5 schema 1.00 ."

  /// Small Theta1, 3x5: element k (1-based, column-major) = sin(k)/10.
  static let smallTheta1 = (1...15).map { sin(Double($0)) / 10 }
  /// Small Theta2, 2x4: element k = cos(k)/10.
  static let smallTheta2 = (1...8).map { cos(Double($0)) / 10 }

  /// The big pair: 25x401 then 10x26 values ((z >> 11) / 2^53 - 0.5) / 4 from
  /// SplitMix64 (the script's `splitmix64`) seeded with 2024, column-major; exact in binary64.
  static let bigPair: (theta1: [Double], theta2: [Double]) = {
    var rng = SplitMix64(seed: 2024)
    let values = (0..<(25 * 401 + 10 * 26)).map { _ in
      (Double(rng.next() >> 11) / 9_007_199_254_740_992 - 0.5) / 4
    }
    return (Array(values[0..<(25 * 401)]), Array(values[(25 * 401)...]))
  }()

  /// `S` (single), 2x3: element k = ((k * 2654435761) mod 2^24 - 2^23) / 2^20, exact in binary32.
  static let single: [Double] = (1...6).map { k in
    Double((k * 2_654_435_761) % 16_777_216 - 8_388_608) / 1_048_576
  }

  /// The integer matrices, written row by row as in the script's `INTEGERS`.
  static let integerRows: [(name: String, matClass: MatClass, rows: [[Double]])] = [
    ("i8", .int8, [[-128, -1, 0], [1, 42, 127]]),
    ("u8", .uint8, [[0, 1, 128], [200, 254, 255]]),
    ("i16", .int16, [[-32768, -1, 0], [1, 12345, 32767]]),
    ("u16", .uint16, [[0, 1, 40000], [54321, 65534, 65535]]),
    ("i32", .int32, [[-2_147_483_648, -1, 0], [1, 123_456_789, 2_147_483_647]]),
    ("u32", .uint32, [[0, 1, 3_000_000_000], [4_000_000_000, 4_294_967_294, 4_294_967_295]]),
    (
      "i64", .int64,
      [
        [-9_007_199_254_740_992, -9_007_199_254_740_991, 0],
        [1, 9_007_199_254_740_991, 9_007_199_254_740_992],
      ]
    ),
    (
      "u64", .uint64,
      [[0, 1, 4_294_967_296], [9_007_199_254_740_991, 9_007_199_254_740_992, 12_345_678_901_234]]
    ),
  ]

  /// A row-by-row matrix in MATLAB's column-major order.
  static func columnMajor(_ rows: [[Double]]) -> [Double] {
    guard let width = rows.first?.count else { return [] }
    return (0..<width).flatMap { c in rows.map { $0[c] } }
  }

  /// Whether two arrays hold the same doubles bit for bit.
  static func bitEqual(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
  }

  /// Whether each value is within one ulp of the expected one; used only for the
  /// sin/cos values, whose last bit could differ between C libraries.
  static func withinOneUlp(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= $1.ulp }
  }

  /// The `MatFileError` `body` throws, or `nil` (also for any other error).
  static func error<T>(_ body: () throws -> T) -> MatFileError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? MatFileError
    }
  }
}
