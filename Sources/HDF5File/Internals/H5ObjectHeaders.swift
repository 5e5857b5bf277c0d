internal import CHDF5

/// Where the object headers of a file are, as libhdf5 reports them.
struct H5HeaderMap {
  /// The file offset where HDF5 addresses start: the user block's size (512 in a MAT 7.3 file).
  var base: Int
  /// Every object's header: its address (relative to `base`) and header version.
  var headers: [(address: Int, version: Int)]
}

extension H5 {
  /// Visits every object reachable from the root group (`H5Ovisit2` with
  /// `H5O_INFO_BASIC | H5O_INFO_HDR`) and reads the user block size
  /// (`H5Pget_userblock` of `H5Fget_create_plist`).
  static func headerMap(_ file: H5Handle, name: String) throws(HDF5Error) -> H5HeaderMap {
    try locked { () throws(HDF5Error) in
      let fcpl = try owned(H5Fget_create_plist(file.id), "H5Fget_create_plist", name, close: H5Pclose)
      var userblock: hsize_t = 0
      try check(H5Pget_userblock(fcpl.id, &userblock), "H5Pget_userblock", name)
      final class Box { var headers: [(address: Int, version: Int)] = [] }
      let box = Box()
      let visit: H5O_iterate_t = { _, _, info, data in
        guard let info, let data else { return -1 }
        let box = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
        box.headers.append((Int(info.pointee.addr), Int(info.pointee.hdr.version)))
        return 0
      }
      try check(
        H5Ovisit2(
          file.id, H5_INDEX_NAME, H5_ITER_INC, visit, Unmanaged.passUnretained(box).toOpaque(),
          UInt32(H5O_INFO_BASIC | H5O_INFO_HDR)),
        "H5Ovisit2", name)
      return H5HeaderMap(base: Int(userblock), headers: box.headers)
    }
  }
}
