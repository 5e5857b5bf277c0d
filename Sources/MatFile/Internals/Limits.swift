/// Safety limits for reading untrusted MAT files.
struct MatLimits: Sendable {
  /// The most bytes one `miCOMPRESSED` element may inflate to (1 GiB).
  var maxInflatedBytes = 1 << 30
  /// The largest v4/v5 file read into memory for the structural check (2 GiB).
  var maxFileBytes = 1 << 31
  /// How deep cells and structs may nest inside one variable.
  var maxDepth = 32

  /// The limits `MatFile(path:)` uses.
  static let standard = MatLimits()
}
