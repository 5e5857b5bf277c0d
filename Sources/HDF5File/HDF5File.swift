/// The element type of a floating-point dataset.
public enum HDF5FloatType: Sendable, Equatable {
  /// IEEE binary64 little-endian (`H5T_IEEE_F64LE`).
  case float64
  /// IEEE binary32 little-endian (`H5T_IEEE_F32LE`).
  case float32
}

/// A typed attribute value.
public enum HDF5Attribute: Sendable, Equatable {
  /// A scalar 64-bit integer (`H5T_STD_I64LE`).
  case int(Int64)
  /// A 1-D array of 64-bit integers.
  case ints([Int64])
  /// A scalar double (`H5T_IEEE_F64LE`).
  case double(Double)
  /// A 1-D array of doubles.
  case doubles([Double])
  /// A scalar variable-length UTF-8 string.
  case string(String)
  /// A 1-D array of variable-length UTF-8 strings.
  case strings([String])
  /// A scalar 8-bit integer (`H5T_STD_I8LE`), used for booleans.
  case int8(Int8)
  /// A 1-D array of unsigned bytes (`H5T_STD_U8LE`).
  case bytes([UInt8])
}

/// A dataset read back: dimensions outermost first, values row-major as doubles.
public struct HDF5Array: Sendable, Equatable {
  /// Dimensions, outermost first (as h5py shows them).
  public var dimensions: [Int]
  /// The element type stored in the file.
  public var type: HDF5FloatType
  /// Values in row-major order, converted to double exactly.
  public var values: [Double]
}

/// An HDF5 file, open for reading or being built in memory.
///
/// Owns the file handle (`H5Fclose` in `deinit`). A new file is built with the core
/// (in-memory) driver and handed out as bytes by ``image()``, so callers write it
/// atomically themselves. Every call holds one process-wide lock.
public final class HDF5File {
  let handle: H5Handle
  /// The path or name shown in messages.
  public let name: String

  /// Opens `path` read-only. The corresponding C function is `H5Fopen`.
  ///
  /// - Throws: ``HDF5Error`` when the file is not HDF5 or cannot be opened.
  public init(reading path: String) throws(HDF5Error) {
    name = path
    handle = try H5.openFile(path)
  }

  /// Creates an empty in-memory file (core driver, no backing store). The
  /// corresponding C functions are `H5Pset_fapl_core` and `H5Fcreate`.
  public init(inMemory name: String) throws(HDF5Error) {
    self.name = name
    handle = try H5.createMemoryFile(name)
  }

  /// The bytes of the file as it would be on disk. The corresponding C function is `H5Fget_file_image`.
  public func image() throws(HDF5Error) -> [UInt8] { try H5.image(handle, name: name) }

  /// Creates the group `path` (its parent must exist). The corresponding C function is `H5Gcreate2`.
  public func createGroup(_ path: String) throws(HDF5Error) { try H5.createGroup(handle, path) }

  /// Writes a dataset of `dimensions` (outermost first) holding `values` row-major.
  /// The corresponding C functions are `H5Dcreate2` and `H5Dwrite`.
  public func writeDataset(
    _ path: String, dimensions: [Int], values: [Double], type: HDF5FloatType
  ) throws(HDF5Error) {
    try H5.writeDataset(handle, path, dimensions: dimensions, values: values, type: type)
  }

  /// Reads a floating-point dataset. The corresponding C functions are `H5Dopen2` and `H5Dread`.
  ///
  /// - Parameter limit: refuse datasets with more elements than this.
  /// - Throws: ``HDF5Error`` when absent, not floating point, or too large.
  public func readDataset(_ path: String, limit: Int = 1 << 26) throws(HDF5Error) -> HDF5Array {
    try H5.readDataset(handle, path, limit: limit)
  }

  /// Sets attribute `name` on the object at `path` (`/` for the root). The
  /// corresponding C functions are `H5Acreate_by_name` and `H5Awrite`.
  public func setAttribute(_ name: String, _ value: HDF5Attribute, on path: String = "/") throws(HDF5Error) {
    try H5.setAttribute(handle, path, name, value)
  }

  /// The attributes of the object at `path`, in name order; strings of any kind
  /// come back as strings, integers as `Int64`, floats as `Double`. The
  /// corresponding C functions are `H5Aget_num_attrs`, `H5Aopen_by_idx` and `H5Aread`.
  public func attributes(of path: String = "/") throws(HDF5Error) -> [(name: String, value: HDF5Attribute)] {
    try H5.attributes(handle, path)
  }

  /// What `path` names: `.group`, `.dataset`, or `nil` when it does not exist.
  /// The corresponding C functions are `H5Lexists` and `H5Oget_info_by_name`.
  public func kind(of path: String) -> HDF5ObjectKind? { H5.kind(handle, path) }

  /// The member names of the group at `path`, in name order. The corresponding C function is `H5Literate`.
  ///
  /// - Parameters:
  ///   - path: the group.
  ///   - limit: the most members listed (4096 by default).
  /// - Throws: ``HDF5Error`` when the group cannot be read, or
  ///   ``HDF5Error/unexpected(object:reason:)`` when it holds more than `limit` members
  ///   (never a partial list).
  public func members(of path: String = "/", limit: Int = 4096) throws(HDF5Error) -> [String] {
    try H5.members(handle, path, limit: limit)
  }

  /// Dimensions and element type name of the dataset at `path` without reading it.
  /// The corresponding C functions are `H5Dget_space` and `H5Dget_type`.
  public func describeDataset(_ path: String) throws(HDF5Error) -> (dimensions: [Int], type: String) {
    try H5.describe(handle, path)
  }
}

extension HDF5File {
  /// The links of the group at `path`, in name order, with the kind of object each
  /// hard link points to (`nil` for soft and external links, which are not followed).
  /// The corresponding C functions are `H5Literate` and `H5Oget_info_by_name`.
  ///
  /// - Parameters:
  ///   - path: the group.
  ///   - limit: the most links read (65 536 by default).
  /// - Throws: ``HDF5Error`` when the group or one of its objects cannot be read, or
  ///   ``HDF5Error/unexpected(object:reason:)`` when it holds more than `limit` links
  ///   (never a partial list).
  public func links(of path: String = "/", limit: Int = 65_536) throws(HDF5Error) -> [HDF5Link] {
    try H5.links(handle, path, limit: limit)
  }

  /// Whether the object at `path` has an attribute `name`. The corresponding C function is `H5Aexists_by_name`.
  public func hasAttribute(_ name: String, on path: String) throws(HDF5Error) -> Bool {
    try H5.hasAttribute(handle, path, name)
  }

  /// The string attribute `name` of the object at `path` (fixed or variable length),
  /// or `nil` when there is none. The corresponding C functions are `H5Aexists_by_name`,
  /// `H5Aopen_by_name` and `H5Aread`.
  ///
  /// - Throws: ``HDF5Error`` when it cannot be read or is not one string.
  public func stringAttribute(_ name: String, of path: String) throws(HDF5Error) -> String? {
    try H5.stringAttribute(handle, path, name)
  }

  /// Reads an integer or floating-point dataset, converted by libhdf5 to `Double`:
  /// dimensions outermost first, values row-major. The corresponding C functions are
  /// `H5Dopen2` and `H5Dread`.
  ///
  /// - Parameter limit: refuse datasets with more elements than this.
  /// - Throws: ``HDF5Error`` when absent, not numeric, or too large.
  public func readNumbers(_ path: String, limit: Int = 1 << 26) throws(HDF5Error) -> (
    dimensions: [Int], values: [Double]
  ) {
    try H5.readNumbers(handle, path, limit: limit)
  }
}

/// One link of a group: its name, and for a hard link the kind of object it points to.
public struct HDF5Link: Sendable, Equatable {
  /// The link's name.
  public var name: String
  /// The kind of object a hard link points to; `nil` for a soft or external link.
  public var kind: HDF5ObjectKind?
}

/// The kind of an HDF5 object.
public enum HDF5ObjectKind: Sendable, Equatable {
  /// A group.
  case group
  /// A dataset.
  case dataset
  /// A named datatype or something else.
  case other
}
