extension HDF5File {
  /// For a dataset stored contiguously, the bytes stored for it, the bytes its
  /// dimensions and element type need, and the file offset of its data (`nil` when none
  /// is allocated); `nil` for compact and chunked datasets. A file whose two sizes differ,
  /// or whose datasets' data overlap, is damaged (HDF5's earliest format has no
  /// checksums, so a flipped bit in a dataspace or layout message is otherwise read as
  /// written). The corresponding C functions are `H5Dget_create_plist`, `H5Pget_layout`,
  /// `H5Dget_storage_size`, `H5Dget_offset`, `H5Dget_space` and `H5Tget_size`.
  ///
  /// - Throws: ``HDF5Error`` when the dataset cannot be opened or described.
  public func contiguousStorage(of path: String) throws(HDF5Error) -> (stored: Int, needed: Int, offset: Int?)? {
    try H5.contiguousStorage(handle, path)
  }
}

extension HDF5File {
  /// Whether the dataset at `path` stores one of HDF5's standard numeric types exactly
  /// (IEEE binary32/binary64, or 8- to 64-bit signed or unsigned integers, either byte
  /// order), as MATLAB, h5py and matio write them. A flipped bit in a datatype message
  /// (HDF5's earliest format has no checksums) gives a type libhdf5 still converts, to
  /// other values. The corresponding C functions are `H5Dget_type` and `H5Tequal`.
  ///
  /// - Throws: ``HDF5Error`` when the dataset cannot be opened.
  public func hasStandardNumericType(_ path: String) throws(HDF5Error) -> Bool {
    try H5.hasStandardNumericType(handle, path)
  }
}
