/// Making an HDF5 file written by another library byte-deterministic.
///
/// libhdf5 stores an object modification time in every object header it creates
/// unless the creator turns that off (`H5Pset_obj_track_times`); matio does not, so
/// two otherwise identical MAT 7.3 files differ in those bytes. ``clearingModificationTimes(_:name:)``
/// sets them to zero, the value an untracked object never has but which every
/// reader accepts (h5dump, h5py and matio ignore it).
extension HDF5File {
  /// The bytes of the HDF5 file at `path` with every object's modification time
  /// set to 0 (1970-01-01), so the same content always gives the same bytes.
  ///
  /// The objects are found with libhdf5 (`H5Ovisit2`); each version-1 object
  /// header is then walked in the bytes: its messages (type, size, flags) and
  /// continuation blocks (message 0x0010), and the seconds of every modification
  /// time message (0x0012, version 1) and the text of every old-style one (0x000E)
  /// are zeroed. Version-1 headers carry no checksum, so nothing else changes.
  ///
  /// - Parameters:
  ///   - path: the HDF5 file (with or without a user block).
  ///   - bytes: the file's bytes, as read from `path`.
  /// - Returns: `bytes` with the times cleared.
  /// - Throws: ``HDF5Error`` when libhdf5 cannot list the objects, or when a header
  ///   is not a version-1 header laid out as the HDF5 specification says (then the
  ///   file is left to the caller to refuse rather than written with stray times).
  public static func clearingModificationTimes(
    _ bytes: [UInt8], path: String
  ) throws(HDF5Error) -> [UInt8] {
    let file = try H5.openFile(path)
    let map = try H5.headerMap(file, name: path)
    var walker = HeaderWalker(bytes: bytes, base: map.base, name: path)
    for header in map.headers {
      guard header.version == 1 else {
        throw .unexpected(
          object: path, reason: "object header version \(header.version) at \(header.address) is not version 1")
      }
      try walker.clearTimes(header: header.address)
    }
    return walker.bytes
  }
}

/// Walks version-1 object headers in a byte image (HDF5 specification, section IV.A.1.a).
private struct HeaderWalker {
  var bytes: [UInt8]
  let base: Int
  let name: String

  func read(_ offset: Int, _ count: Int) throws(HDF5Error) -> UInt64 {
    guard offset >= 0, count <= 8, offset + count <= bytes.count else {
      throw .unexpected(object: name, reason: "object header runs past the end of the file at \(offset)")
    }
    var v: UInt64 = 0
    for i in (0..<count).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
    return v
  }

  /// Zeroes the modification times in the header at `address` and its continuations.
  mutating func clearTimes(header address: Int) throws(HDF5Error) {
    let start = base + address
    guard try read(start, 1) == 1 else {
      throw .unexpected(object: name, reason: "no version-1 object header at \(address)")
    }
    let messageCount = Int(try read(start + 2, 2))
    let size = Int(try read(start + 8, 4))
    // The prefix is 12 bytes, padded to 16 so the messages are 8-byte aligned.
    var blocks: [(Int, Int)] = [(start + 16, size)]
    var seen = 0
    while let (blockStart, blockSize) = blocks.first, seen < messageCount {
      blocks.removeFirst()
      var p = blockStart
      let end = blockStart + blockSize
      while p + 8 <= end, seen < messageCount {
        let type = Int(try read(p, 2))
        let length = Int(try read(p + 2, 2))
        let data = p + 8
        guard data + length <= end else {
          throw .unexpected(object: name, reason: "object header message at \(p) overruns its block")
        }
        switch type {
        case 0x0010:  // continuation: offset and length of the next block
          let offset = Int(try read(data, 8))
          let count = Int(try read(data + 8, 8))
          blocks.append((base + offset, count))
        case 0x0012:  // modification time: version 1, 3 reserved bytes, 32-bit seconds
          guard try read(data, 1) == 1, length >= 8 else {
            throw .unexpected(object: name, reason: "modification time message at \(p) is not version 1")
          }
          for i in 4..<8 { bytes[data + i] = 0 }
        case 0x000E:  // old modification time: "YYYYMMDDhhmmss" in ASCII
          for i in 0..<min(14, length) { bytes[data + i] = UInt8(ascii: "0") }
        default:
          break
        }
        seen += 1
        p = data + length
      }
    }
  }
}
