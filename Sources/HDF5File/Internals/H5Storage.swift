internal import CHDF5

extension H5 {
  /// For a dataset stored contiguously (`H5Pget_layout` of `H5Dget_create_plist` is
  /// `H5D_CONTIGUOUS`): the bytes stored for it (`H5Dget_storage_size`), the bytes its
  /// dataspace and type need (product of the dimensions × `H5Tget_size`) and the file
  /// offset of its data (`H5Dget_offset`; `nil` when not allocated); `nil` for compact
  /// and chunked datasets, whose stored size says nothing about their shape.
  static func contiguousStorage(
    _ file: H5Handle, _ path: String
  ) throws(HDF5Error) -> (stored: Int, needed: Int, offset: Int?)? {
    try locked { () throws(HDF5Error) -> (stored: Int, needed: Int, offset: Int?)? in
      let ds = try owned(H5Dopen2(file.id, path, CHDF5_default()), "H5Dopen2", path, close: H5Dclose)
      let plist = try owned(H5Dget_create_plist(ds.id), "H5Dget_create_plist", path, close: H5Pclose)
      guard H5Pget_layout(plist.id) == H5D_CONTIGUOUS else { return nil }
      let s = try owned(H5Dget_space(ds.id), "H5Dget_space", path, close: H5Sclose)
      let t = try owned(H5Dget_type(ds.id), "H5Dget_type", path, close: H5Tclose)
      var needed = H5Tget_size(t.id)
      guard needed > 0 else { throw .call("H5Tget_size", object: path, message: stackMessage()) }
      for d in try dims(of: s.id, path) {
        let (p, overflow) = needed.multipliedReportingOverflow(by: d)
        guard !overflow else { throw .unexpected(object: path, reason: "its size overflows") }
        needed = p
      }
      let stored = H5Dget_storage_size(ds.id)
      guard stored <= UInt64(Int.max) else { throw .unexpected(object: path, reason: "its storage size overflows") }
      let offset = H5Dget_offset(ds.id)
      _ = H5Eclear2(CHDF5_errorDefault())  // HADDR_UNDEF (not allocated) is no failure here
      return (Int(stored), needed, offset < UInt64(Int.max) ? Int(offset) : nil)
    }
  }
}

extension H5 {
  /// Whether the dataset's element type is exactly one of HDF5's standard numeric types
  /// (`H5T_IEEE_F32`/`F64`, `H5T_STD_I8…I64`/`U8…U64`, either byte order), property by
  /// property as MATLAB, h5py and matio write them: for integers the size (1, 2, 4, 8),
  /// precision (all bits), offset 0 and zero padding (`H5Tget_size`, `H5Tget_precision`,
  /// `H5Tget_offset`, `H5Tget_pad`); for floats also the sign, exponent and mantissa
  /// fields, the exponent bias, the implied mantissa bit and zero internal padding
  /// (`H5Tget_fields`, `H5Tget_ebias`, `H5Tget_norm`, `H5Tget_inpad`).
  static func hasStandardNumericType(_ file: H5Handle, _ path: String) throws(HDF5Error) -> Bool {
    try locked { () throws(HDF5Error) -> Bool in
      let ds = try owned(H5Dopen2(file.id, path, CHDF5_default()), "H5Dopen2", path, close: H5Dclose)
      let t = try owned(H5Dget_type(ds.id), "H5Dget_type", path, close: H5Tclose)
      let id = t.id
      let size = H5Tget_size(id)
      let order = H5Tget_order(id)
      var lsb = H5T_PAD_ERROR
      var msb = H5T_PAD_ERROR
      guard order == H5T_ORDER_LE || order == H5T_ORDER_BE, H5Tget_precision(id) == size * 8,
        H5Tget_offset(id) == 0, H5Tget_pad(id, &lsb, &msb) >= 0, lsb == H5T_PAD_ZERO,
        msb == H5T_PAD_ZERO
      else {
        _ = H5Eclear2(CHDF5_errorDefault())
        return false
      }
      switch H5Tget_class(id) {
      case H5T_INTEGER:
        return [1, 2, 4, 8].contains(size)
      case H5T_FLOAT:
        let expected: (spos: Int, epos: Int, esize: Int, msize: Int, bias: Int)
        switch size {
        case 8: expected = (63, 52, 11, 52, 1023)
        case 4: expected = (31, 23, 8, 23, 127)
        default: return false
        }
        var spos = 0
        var epos = 0
        var esize = 0
        var mpos = 0
        var msize = 0
        guard H5Tget_fields(id, &spos, &epos, &esize, &mpos, &msize) >= 0 else {
          _ = H5Eclear2(CHDF5_errorDefault())
          return false
        }
        return (spos, epos, esize, mpos, msize)
          == (expected.spos, expected.epos, expected.esize, 0, expected.msize)
          && H5Tget_ebias(id) == expected.bias && H5Tget_norm(id) == H5T_NORM_IMPLIED
          && H5Tget_inpad(id) == H5T_PAD_ZERO
      default:
        return false
      }
    }
  }
}
