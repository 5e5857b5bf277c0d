internal import CMatio
import FoundationEssentials
import HDF5File

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The matio calls that write a MAT file, under ``Matio/locked(_:)``.
enum MatioWrite {
  static func encode(
    _ matrices: [MatWriter.Matrix], version: MatVersion, compressed: Bool, name: String
  ) throws(MatFileError) -> [UInt8] {
    let tmp = FileManager.default.temporaryDirectory.path + "/theta-mat-\(getpid())-\(UUID().uuidString).mat"
    defer { unlink(tmp) }
    try Matio.locked { () throws(MatFileError) in
      let ft: mat_ft
      switch version {
      case .v4: ft = MAT_FT_MAT4
      case .v5: ft = MAT_FT_MAT5
      case .v73: ft = MAT_FT_MAT73
      }
      // A fixed header: matio's default one carries the creation time, which would make
      // the same model give different bytes.
      let header =
        "MATLAB \(version == .v73 ? "7.3" : "5.0") MAT-file, written by theta (Theta course network toolkit)"
      guard let mat = Mat_CreateVer(tmp, header, ft) else {
        throw .matio(file: name, call: "Mat_CreateVer", message: Matio.lastError() ?? "cannot create")
      }
      defer { Mat_Close(mat) }
      for m in matrices {
        var dims: [Int] = [m.rows, m.columns]
        var values = m.columnMajor
        let variable = values.withUnsafeMutableBytes { data in
          dims.withUnsafeMutableBufferPointer { d in
            Mat_VarCreate(
              m.name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, d.baseAddress, data.baseAddress,
              Int32(MAT_F_DONT_COPY_DATA.rawValue))
          }
        }
        guard let variable else {
          throw .matio(file: name, call: "Mat_VarCreate", message: Matio.lastError() ?? m.name)
        }
        let status = values.withUnsafeMutableBytes { _ in
          Mat_VarWrite(mat, variable, compressed && version != .v4 ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE)
        }
        Mat_VarFree(variable)
        guard status == 0 else {
          throw .matio(file: name, call: "Mat_VarWrite", message: Matio.lastError() ?? m.name)
        }
      }
    }
    guard let data = FileManager.default.contents(atPath: tmp) else {
      throw .cannotRead(file: tmp, reason: "matio's output is missing")
    }
    guard version == .v73 else { return [UInt8](data) }
    // libhdf5 stamps each object header with the time; clear those stamps so the
    // same model always gives the same bytes.
    do {
      return try HDF5File.clearingModificationTimes([UInt8](data), path: tmp)
    } catch {
      throw .matio(file: name, call: "H5Ovisit2", message: "\(error)")
    }
  }
}
