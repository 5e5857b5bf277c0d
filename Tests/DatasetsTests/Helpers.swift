import Foundation
import TestSupport

/// One variable of a MAT v4 file: `rows × columns`, values column-major.
struct V4Variable {
  enum Storage: Int32 {
    case double = 0
    case int32 = 2
  }

  var name: String
  var rows: Int
  var columns: Int
  var columnMajor: [Double]
  var storage: Storage = .double
}

/// Writes a little-endian MAT v4 file (the simple pre-1996 format: per variable a
/// 20-byte header `type, mrows, ncols, imagf, namlen`, the NUL-terminated name,
/// then the real part column-major) and returns its path.
func writeMatV4(_ variables: [V4Variable], name: String = "data.mat") throws -> String {
  var bytes: [UInt8] = []
  func int32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
  for v in variables {
    precondition(v.columnMajor.count == v.rows * v.columns)
    // MOPT: M = 0 (IEEE little-endian), O = 0, P = storage, T = 0 (full numeric).
    int32(v.storage.rawValue * 10)
    int32(Int32(v.rows))
    int32(Int32(v.columns))
    int32(0)
    int32(Int32(v.name.utf8.count + 1))
    bytes += Array(v.name.utf8) + [0]
    for x in v.columnMajor {
      switch v.storage {
      case .double: withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 }
      case .int32: int32(Int32(x))
      }
    }
  }
  let url = Fixtures.temporaryDirectory().appendingPathComponent(name)
  try Data(bytes).write(to: url)
  return url.path
}

/// Writes `text` to a fresh temporary file and returns its path.
func writeTemporary(_ text: String, name: String = "data.csv") throws -> String {
  let url = Fixtures.temporaryDirectory().appendingPathComponent(name)
  try Data(text.utf8).write(to: url)
  return url.path
}
