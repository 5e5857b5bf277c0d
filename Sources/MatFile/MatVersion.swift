/// The MAT-file format generations this module reads (matio's `enum mat_ft`).
public enum MatVersion: String, Sendable {
  /// Level 4 MAT-files (MATLAB 4): flat 20-byte variable headers (`MAT_FT_MAT4`).
  case v4 = "4"
  /// Level 5 MAT-files: MATLAB 5, 6 and 7, where 7 adds zlib-compressed elements
  /// (`MAT_FT_MAT5`).
  case v5 = "5"
  /// MATLAB 7.3 MAT-files: HDF5 behind a 512-byte user block holding the MAT header
  /// (`MAT_FT_MAT73`).
  case v73 = "7.3"
}
