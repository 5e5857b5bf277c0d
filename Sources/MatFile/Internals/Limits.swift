/// Safety limits for reading untrusted MAT files.
struct MatLimits: Sendable {
  /// The most bytes one `miCOMPRESSED` element may inflate to (1 GiB).
  var maxInflatedBytes = 1 << 30
  /// The largest v4/v5 file read into memory for the structural check (2 GiB).
  var maxFileBytes = 1 << 31
  /// The largest image of a v5 file with its compressed elements inflated (2 GiB): the
  /// file matio reads, so one budget over all elements, each of which may also be up to
  /// ``maxInflatedBytes``.
  var maxImageBytes = 1 << 31
  /// The most values one top-level v7.3 matrix may claim (2^26: 512 MiB as doubles),
  /// checked from its dataspace before matio allocates for it: a dataspace need not be
  /// backed by data, so a file of a few kilobytes can claim gigabytes.
  var maxV73Values = 1 << 26
  /// How deep cells and structs may nest inside one variable.
  var maxDepth = 32
  /// How long the process reading a v7.3 file (``ReaderProcess``) may take per call.
  var readerTimeoutSeconds = 10
  /// How much address space the v7.3 reader process may add to what it inherits (8 GiB:
  /// a backstop against allocations a damaged dataspace drives, with room for reading
  /// a large matrix, which the child holds about four times).
  var readerMemoryBytes = 1 << 33

  /// The limits `MatFile(path:)` uses.
  static let standard = MatLimits()
}
