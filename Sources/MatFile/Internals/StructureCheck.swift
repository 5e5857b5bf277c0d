/// One top-level variable as the structural check found it.
struct LayoutEntry: Equatable {
  /// The variable's name ("" for MATLAB's unnamed subsystem data).
  var name: String
  /// Where its element (v5) or header (v4) starts in the file.
  var offset: Int
  /// Its class.
  var matClass: MatClass
  /// Its dimensions (empty for opaque objects and function handles).
  var dimensions: [Int]
  /// Whether it has an imaginary part.
  var isComplex: Bool
  /// Whether it sits in an `miCOMPRESSED` element.
  var isCompressed: Bool
  /// Field names, for structs and objects.
  var fields: [String]
}

/// What the structural check learned about a file.
struct MatLayout {
  /// The format generation, from the header (not from matio).
  var version: MatVersion
  /// The 116-byte header text, trimmed ("" for v4).
  var headerText: String
  /// Whether the v5 file is big-endian ('MI'); v4 files may mix, v7.3 is always false.
  var bigEndian: Bool
  /// The top-level variables in file order; `nil` for v7.3, whose layout is HDF5's.
  var entries: [LayoutEntry]?
}

/// The MAT-file format generation a file's first bytes announce.
enum Detected: Equatable {
  case v4
  case v5(bigEndian: Bool)
  case v73
}

/// The structural check that runs before matio sees a file.
///
/// matio 1.5.23 reads a truncated compressed variable as zeros and a bit-flipped one
/// as changed values, opens an empty file as a v4 file with no variables, and ignores
/// trailing garbage. This check walks every element first and refuses such files.
struct StructureCheck {
  /// The file name used in errors.
  let file: String
  /// The safety limits.
  let limits: MatLimits

  /// The HDF5 superblock signature, found at offset 512 in v7.3 files.
  static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

  // MARK: - Detection

  /// The version the file's first bytes announce.
  ///
  /// - Parameters:
  ///   - head: the first bytes of the file (at least 528 when the file has them).
  ///   - size: the file's size.
  /// - Throws: ``MatFileError/emptyFile(file:)`` or
  ///   ``MatFileError/unsupportedVersion(file:version:)``; a file with no v5 header is
  ///   reported as v4 and judged by ``checkV4(_:)``.
  func detect(head: [UInt8], size: Int) throws(MatFileError) -> Detected {
    if size == 0 { throw .emptyFile(file: file) }
    guard head.count >= 128 else { return .v4 }
    let indicator = (head[126], head[127])
    let bigEndian: Bool
    switch indicator {
    case (0x49, 0x4D): bigEndian = false  // "IM"
    case (0x4D, 0x49): bigEndian = true  // "MI"
    default: return .v4
    }
    let bytes = Bytes(data: head, bigEndian: bigEndian)
    guard let version = bytes.u16(124) else { return .v4 }
    let hasHDF5 = head.count >= 520 && Array(head[512..<520]) == Self.hdf5Signature
    switch version {
    case 0x0100:
      if hasHDF5 {
        throw .damaged(
          file: file, offset: 124,
          problem: "the header says version 0x0100 (v5), but an HDF5 superblock"
            + " (v7.3) sits at offset 512")
      }
      return .v5(bigEndian: bigEndian)
    case 0x0200:
      guard hasHDF5 else {
        throw .damaged(
          file: file, offset: 512,
          problem: "the header says version 0x0200 (v7.3), but no HDF5 superblock"
            + " signature is at offset 512")
      }
      return .v73
    default:
      throw .unsupportedVersion(file: file, version: version)
    }
  }

  /// The 116-byte descriptive text of a v5/v7.3 header, trimmed of spaces and NULs.
  static func headerText(_ head: [UInt8]) -> String {
    let text = String(decoding: head[0..<116], as: UTF8.self)
    let junk: Set<Character> = [" ", "\0", "\n", "\r", "\t"]
    let trimmedEnd = text.reversed().drop(while: { junk.contains($0) }).reversed()
    return String(trimmedEnd.drop(while: { junk.contains($0) }))
  }

  // MARK: - v7.3

  /// Checks a v7.3 file's MAT header and HDF5 superblock.
  ///
  /// HDF5 itself has no checksums on raw data, so what can be checked here is the
  /// superblock: a known version, sane field sizes, an end-of-file address equal to the
  /// file's size (a truncated copy, or a flipped bit there, is refused), and a base
  /// address of 512 (the MAT user block).
  ///
  /// - Parameters:
  ///   - head: at least the first 1024 bytes, or the whole file if shorter.
  ///   - size: the file's size.
  func checkV73(head: [UInt8], size: Int) throws(MatFileError) -> MatLayout {
    let sb = Bytes(data: head, bigEndian: false)
    let base = 512
    guard let superVersion = sb.unsigned(base + 8, width: 1) else {
      throw damaged(base, "the HDF5 superblock at offset 512 is cut short")
    }
    let offsetSizeAt: Int
    let eofAt: (Int) -> Int
    switch superVersion {
    case 0, 1:
      offsetSizeAt = base + 13
      let addresses = superVersion == 0 ? base + 24 : base + 28
      eofAt = { addresses + 2 * $0 }
    case 2, 3:
      offsetSizeAt = base + 9
      eofAt = { base + 12 + 2 * $0 }
    default:
      throw damaged(base, "unknown HDF5 superblock version \(superVersion) at offset 512")
    }
    guard let offsetSize = sb.unsigned(offsetSizeAt, width: 1).map(Int.init),
      [2, 4, 8, 16].contains(offsetSize)
    else {
      throw damaged(base, "the HDF5 superblock at offset 512 has an invalid address size")
    }
    let width = min(offsetSize, 8)
    guard let storedEOF = sb.unsigned(eofAt(offsetSize), width: width) else {
      throw damaged(base, "the HDF5 superblock at offset 512 is cut short")
    }
    // HDF5's own test (H5Fsuper.c): truncated when size - base + base < stored EOF.
    if storedEOF > UInt64(size) {
      throw damaged(
        size,
        "truncated: the HDF5 superblock says the file ends at byte \(storedEOF),"
          + " but it has only \(size) bytes")
    }
    // HDF5 itself tolerates a longer file, but MATLAB, h5py and HDF5 write files that end
    // exactly there; a superblock without a checksum that says otherwise has been
    // damaged, and a smaller end-of-file address moves where libhdf5 reads data.
    if storedEOF != UInt64(size) {
      throw damaged(
        eofAt(offsetSize),
        "the HDF5 superblock says the file ends at byte \(storedEOF), but it has \(size) bytes")
    }
    // The base address all HDF5 addresses count from: the superblock itself, after the
    // 512-byte MAT user block. A flipped bit here moves every read.
    let baseAt = eofAt(offsetSize) - 2 * offsetSize
    guard let baseAddress = sb.unsigned(baseAt, width: width), baseAddress == UInt64(base) else {
      throw damaged(
        baseAt,
        "the HDF5 superblock's base address is \(sb.unsigned(baseAt, width: width).map(String.init) ?? "cut short"),"
          + " but a v7.3 MAT file's HDF5 data starts at byte 512")
    }
    return MatLayout(
      version: .v73, headerText: Self.headerText(head), bigEndian: false, entries: nil)
  }

  // MARK: - v4

  /// Walks every variable of a v4 file: a 20-byte header (type code MOPT, mrows,
  /// ncols, imagf, namlen), a NUL-terminated name, then the data; the file must end
  /// exactly after the last variable.
  func checkV4(_ data: [UInt8]) throws(MatFileError) -> MatLayout {
    var entries: [LayoutEntry] = []
    var pos = 0
    while pos < data.count {
      let first = pos == 0
      func fail(_ problem: String) -> MatFileError {
        if first { return .notMatFile(file: file, reason: "no MAT v5 header, and \(problem)") }
        return .damaged(file: file, offset: pos, problem: problem)
      }
      guard data.count - pos >= 20 else {
        throw fail(
          "the v4 variable header at offset \(pos) is cut short:"
            + " \(data.count - pos) of 20 bytes")
      }
      // The type code is 0...4052 when read in the file's byte order.
      var bytes = Bytes(data: data, bigEndian: false)
      var code = Int(bytes.i32(pos) ?? -1)
      if !(0...4052).contains(code) {
        bytes = Bytes(data: data, bigEndian: true)
        code = Int(bytes.i32(pos) ?? -1)
      }
      guard (0...4052).contains(code) else {
        throw fail("the bytes at offset \(pos) are not a v4 type code")
      }
      let m = code / 1000
      let o = (code / 100) % 10
      let p = (code / 10) % 10
      let t = code % 10
      guard m == (bytes.bigEndian ? 1 : 0), o == 0, p <= 5, t <= 2 else {
        throw fail("the v4 type code \(code) at offset \(pos) is not valid IEEE data")
      }
      let rows = Int(bytes.i32(pos + 4) ?? -1)
      let columns = Int(bytes.i32(pos + 8) ?? -1)
      let imagf = Int(bytes.i32(pos + 12) ?? -1)
      let nameLength = Int(bytes.i32(pos + 16) ?? -1)
      guard rows >= 0, columns >= 0 else {
        throw fail("the v4 variable at offset \(pos) has negative dimensions \(rows)x\(columns)")
      }
      guard imagf == 0 || imagf == 1 else {
        throw fail("the v4 variable at offset \(pos) has an invalid complex flag \(imagf)")
      }
      guard nameLength >= 2, nameLength <= data.count - pos - 20 else {
        throw fail(
          "the v4 variable at offset \(pos) has a name length of \(nameLength)"
            + " with \(data.count - pos - 20) bytes left")
      }
      let nameRange = (pos + 20)..<(pos + 20 + nameLength)
      let nameBytes = data[nameRange]
      guard nameBytes.last == 0,
        nameBytes.dropLast().allSatisfy({ (0x21...0x7E).contains($0) })
      else {
        throw fail("the v4 variable at offset \(pos) has no valid NUL-terminated name")
      }
      let name = String(decoding: nameBytes.dropLast(), as: UTF8.self)
      let elementSize = [8, 4, 4, 2, 2, 1][p]
      let dataStart = nameRange.upperBound
      guard let dataBytes = checkedProduct([rows, columns, elementSize, imagf + 1]),
        dataBytes <= data.count - dataStart
      else {
        throw damaged(
          pos,
          "truncated: the v4 variable '\(name)' at offset \(pos) needs"
            + " \(rows)x\(columns) values of \(elementSize) bytes"
            + "\(imagf == 1 ? " (complex)" : ""), but only \(data.count - dataStart) bytes remain")
      }
      entries.append(
        LayoutEntry(
          name: name, offset: pos, matClass: [MatClass.double, .char, .sparse][t],
          dimensions: [rows, columns], isComplex: imagf == 1, isCompressed: false, fields: []))
      pos = dataStart + dataBytes
    }
    try checkUniqueNames(entries)
    return MatLayout(version: .v4, headerText: "", bigEndian: false, entries: entries)
  }

  // MARK: - v5

  /// Walks every top-level element of a v5 file after its 128-byte header.
  ///
  /// Each element must be `miMATRIX` or `miCOMPRESSED` and lie inside the file;
  /// compressed ones are inflated completely (zlib checks their Adler-32) and must use
  /// exactly their bytes; every matrix is checked down to its data sub-elements. After
  /// the last element only up to 7 zero bytes of padding may follow.
  func checkV5(_ data: [UInt8], bigEndian: Bool) throws(MatFileError) -> MatLayout {
    var image: [UInt8]? = nil
    return try checkV5(data, bigEndian: bigEndian, image: &image)
  }

  /// Checks a v5 file and, when it holds compressed elements, builds `image`: the same
  /// file with every compressed element replaced by its verified, inflated `miMATRIX`
  /// (padded to 8 bytes). matio then reads only bytes that passed these checks, and
  /// inflates nothing a second time.
  ///
  /// The fast path (``checkV5InPlace(_:bigEndian:)``) inflates each element once,
  /// straight into its place in the image. Whenever it meets anything unexpected it
  /// gives up, and ``checkV5Reference(_:bigEndian:image:)`` decides: every refusal, and
  /// its message, comes from the reference walk.
  func checkV5(
    _ data: [UInt8], bigEndian: Bool, image: inout [UInt8]?
  ) throws(MatFileError) -> MatLayout {
    if let checked = checkV5InPlace(data, bigEndian: bigEndian) {
      image = checked.image
      return checked.layout
    }
    return try checkV5Reference(data, bigEndian: bigEndian, image: &image)
  }

  /// The reference walk: inflates each compressed element with zlib in 64 KiB steps
  /// (``Inflate/all(_:range:limit:)``), checks it, and assembles the image from the
  /// pieces. Slower than the fast path, but it is the one that explains a refusal.
  func checkV5Reference(
    _ data: [UInt8], bigEndian: Bool, image: inout [UInt8]?
  ) throws(MatFileError) -> MatLayout {
    let bytes = Bytes(data: data, bigEndian: bigEndian)
    var entries: [LayoutEntry] = []
    var pieces: [(range: Range<Int>?, inflated: [UInt8]?)] = []
    var imageSize = 128  // the image so far, every element padded to 8
    var pos = 128
    while pos < data.count {
      let remaining = data.count - pos
      if remaining < 8 {
        if bytes.allZero(pos..<data.count) { break }
        throw damaged(pos, "\(remaining) stray bytes at offset \(pos) after the last variable")
      }
      guard let type = bytes.u32(pos), let count32 = bytes.u32(pos + 4) else {
        throw damaged(pos, "the element tag at offset \(pos) is cut short")
      }
      let count = Int(count32)
      guard type == 14 || type == 15 else {
        throw damaged(
          pos,
          "the bytes at offset \(pos) are not a variable: tag type 0x\(String(type, radix: 16)),"
            + " expected miMATRIX (14) or miCOMPRESSED (15)")
      }
      let kind = type == 14 ? "miMATRIX" : "miCOMPRESSED"
      guard count <= remaining - 8 else {
        throw damaged(
          pos,
          "truncated: the \(kind) element at offset \(pos) claims \(count) bytes,"
            + " but only \(remaining - 8) remain")
      }
      let start = pos + 8
      let end = start + count
      let entry: LayoutEntry
      if type == 14 {
        let summary = try matrix(
          bytes, start..<end, depth: 0, place: Place(element: pos, inflated: false))
        entry = summary.entry(offset: pos, compressed: false)
        pieces.append((pos..<end, nil))
        imageSize += roundUp8(end - pos) ?? 0
        guard let padded = roundUp8(end) else { throw damaged(pos, "element size overflows") }
        if padded <= data.count {
          pos = padded
        } else {
          // The last element may end unpadded; only zero padding may follow it.
          guard bytes.allZero(end..<data.count) else {
            throw damaged(
              end, "\(data.count - end) stray bytes at offset \(end) after the last variable")
          }
          pos = data.count
        }
      } else {
        let inflated: [UInt8]
        let before = imageSize
        let judge = { (head: [UInt8]) throws(MatFileError) -> InflateBound in
          try self.inflatedHead(Bytes(data: head, bigEndian: bigEndian), element: pos, imageBefore: before)
        }
        switch Inflate.all(data, range: start..<end, limit: limits.maxInflatedBytes, bound: judge) {
        case .success(let out):
          inflated = out
        case .failure(let failure):
          throw inflateError(failure, element: pos, count: count)
        }
        entry = try compressedMatrix(Bytes(data: inflated, bigEndian: bigEndian), element: pos)
        pieces.append((nil, inflated))
        imageSize += roundUp8(inflated.count) ?? 0
        pos = end
      }
      entries.append(entry)
    }
    try checkUniqueNames(entries)
    if pieces.contains(where: { $0.inflated != nil }) {
      var out = Array(data[0..<128])
      out.reserveCapacity(pieces.reduce(128) { $0 + ($1.range?.count ?? $1.inflated!.count) + 8 })
      for piece in pieces {
        if let r = piece.range { out.append(contentsOf: data[r]) } else { out.append(contentsOf: piece.inflated!) }
        while out.count % 8 != 0 { out.append(0) }
      }
      image = out
    }
    return MatLayout(
      version: .v5, headerText: Self.headerText(data), bigEndian: bigEndian, entries: entries)
  }

  // MARK: - v5 fast path

  /// One top-level element as the fast path found it.
  private enum Piece {
    /// An uncompressed `miMATRIX`: its tag and data in the file.
    case plain(Range<Int>)
    /// An `miCOMPRESSED` element at `element`: its zlib stream in the file, and the
    /// size of the `miMATRIX` it holds (tag included), from the inflated tag.
    case compressed(element: Int, stream: Range<Int>, inflated: Int)
  }

  /// The fast path of ``checkV5(_:bigEndian:image:)``, or `nil` to take the reference walk.
  ///
  /// First it walks the element tags as the reference does, checking uncompressed
  /// matrices; for a compressed element it inflates only the first 8 bytes (zlib) to
  /// learn the size of the `miMATRIX` inside. A size above the inflation limit, or
  /// beyond what deflate can expand the stream to (1032:1), is not believed. Then it
  /// allocates the image once, at its exact size, and inflates every stream straight
  /// into its place with libdeflate, which checks the Adler-32; the stream must use
  /// exactly the element's bytes and produce exactly the announced size (or that size
  /// padded to 8 with zeros). Finally each inflated matrix is checked in place. Any
  /// failure returns `nil`; nothing here throws.
  func checkV5InPlace(
    _ data: [UInt8], bigEndian: Bool
  ) -> (layout: MatLayout, image: [UInt8]?)? {
    let bytes = Bytes(data: data, bigEndian: bigEndian)
    var pieces: [Piece] = []
    var entries: [LayoutEntry?] = []
    var size = 128
    var pos = 128
    while pos < data.count {
      let remaining = data.count - pos
      if remaining < 8 {
        if bytes.allZero(pos..<data.count) { break }
        return nil
      }
      guard let type = bytes.u32(pos), let count32 = bytes.u32(pos + 4),
        type == 14 || type == 15, Int(count32) <= remaining - 8
      else { return nil }
      let start = pos + 8
      let end = start + Int(count32)
      if type == 14 {
        guard
          let summary = try? matrix(
            bytes, start..<end, depth: 0, place: Place(element: pos, inflated: false)),
          let padded = roundUp8(end), let slot = roundUp8(end - pos)
        else { return nil }
        entries.append(summary.entry(offset: pos, compressed: false))
        pieces.append(.plain(pos..<end))
        size += slot
        if padded <= data.count {
          pos = padded
        } else {
          guard bytes.allZero(end..<data.count) else { return nil }
          pos = data.count
        }
      } else {
        // The tag and array header first: a bomb is refused before anything is allocated.
        guard let head = Inflate.prefix(data, range: start..<end, count: Self.headBytes) else {
          return nil
        }
        let inner = Bytes(data: head, bigEndian: bigEndian)
        guard inner.u32(0) == 14, let claim = inner.u32(4), let slot = roundUp8(8 + Int(claim)),
          slot <= limits.maxInflatedBytes, slot <= Inflate.maximumOutput(compressed: end - start),
          (try? inflatedHead(inner, element: pos, imageBefore: size)) != nil
        else { return nil }
        entries.append(nil)
        pieces.append(.compressed(element: pos, stream: start..<end, inflated: 8 + Int(claim)))
        size += slot
        pos = end
      }
    }
    let headerText = Self.headerText(data)
    guard entries.contains(where: { $0 == nil }) else {
      let checked = entries.compactMap { $0 }
      guard (try? checkUniqueNames(checked)) != nil else { return nil }
      let layout = MatLayout(
        version: .v5, headerText: headerText, bigEndian: bigEndian, entries: checked)
      return (layout, nil)
    }

    // Inflate into place; `produced[i]` is what piece i's stream gave (0 for plain ones).
    var produced = [Int](repeating: 0, count: pieces.count)
    let parts = pieces.map { piece -> FileImage.Part in
      switch piece {
      case .plain(let range): return .copy(range)
      case .compressed(_, let stream, let inflated): return .inflate(stream, size: inflated)
      }
    }
    guard let image = FileImage.build(size: size, from: data, parts: parts, produced: &produced)
    else { return nil }

    // Check every inflated matrix where it lies in the image.
    var at = 128
    var checked: [LayoutEntry] = []
    for (i, piece) in pieces.enumerated() {
      switch piece {
      case .plain(let range):
        guard let entry = entries[i] else { return nil }
        checked.append(entry)
        at += roundUp8(range.count)!
      case .compressed(let element, _, let inflated):
        let window = Bytes(data: image, bigEndian: bigEndian, window: at..<(at + produced[i]))
        guard let entry = try? compressedMatrix(window, element: element) else { return nil }
        checked.append(entry)
        at += roundUp8(inflated)!
      }
    }
    guard (try? checkUniqueNames(checked)) != nil else { return nil }
    let layout = MatLayout(
      version: .v5, headerText: headerText, bigEndian: bigEndian, entries: checked)
    return (layout, image)
  }

  /// The error for a compressed element zlib would not inflate completely.
  private func inflateError(_ failure: InflateFailure, element: Int, count: Int) -> MatFileError {
    let at = "compressed element at offset \(element)"
    switch failure {
    case .zlib(_, let message):
      return damaged(element, "\(at) fails its zlib check (\(message))")
    case .truncated:
      return damaged(element, "\(at) ends before its zlib stream does (\(count) bytes)")
    case .trailing(let unused):
      return damaged(element, "\(at) has \(unused) bytes after the end of its zlib stream")
    case .tooLarge:
      return .tooLarge(
        file: file, what: "\(at) inflates to more data than allowed;",
        limit: limits.maxInflatedBytes)
    case .beyondClaim(let most):
      return damaged(
        element,
        "\(at) inflates to more than \(most) bytes, more than its miMATRIX tag and array"
          + " header allow")
    case .refused(let error):
      return error
    }
  }

  /// How many inflated bytes the fast path reads to judge an element's header.
  static let headBytes = 4096

  /// What the first bytes inflated from a compressed element already decide, before the
  /// rest is inflated (so a zlib bomb costs no more than its first bytes).
  ///
  /// `inner` is everything inflated so far, in the file's byte order. Refused at once:
  /// an inner tag that is not `miMATRIX`; an `miMATRIX` claiming more than the inflation
  /// limit (``MatFileError/tooLarge(file:what:limit:)``); array flags, dimensions or name
  /// that are not valid (as ``matrix(_:_:depth:place:)`` checks them); for numeric, char
  /// and logical arrays, a real part whose type or byte count does not fit the class and
  /// dimensions, or (when real) that does not end where the tag says the matrix ends.
  /// Checks needing bytes not yet inflated wait for them.
  ///
  /// The claim is also refused when, added to `imageBefore` (the image of the elements
  /// before it), it would make the image larger than ``MatLimits/maxImageBytes``: the
  /// stream may not inflate beyond its claim, so the image stays within the budget.
  ///
  /// - Returns: the most bytes the stream may inflate to: the claimed `miMATRIX` padded
  ///   to 8, and whether that is settled (the header has been read as far as it helps).
  func inflatedHead(_ inner: Bytes, element: Int, imageBefore: Int) throws(MatFileError) -> InflateBound {
    let at = "compressed element at offset \(element)"
    let place = Place(element: element, inflated: true)
    let open = InflateBound(most: limits.maxInflatedBytes, final: false)
    guard let type = inner.u32(0), let count32 = inner.u32(4) else { return open }
    guard type == 14 else {
      throw damaged(
        element, "\(at) does not hold a variable: inner tag type 0x\(String(type, radix: 16))")
    }
    let end = 8 + Int(count32)
    let padded = roundUp8(end)!
    guard padded <= limits.maxInflatedBytes else {
      throw .tooLarge(
        file: file, what: "\(at) holds an miMATRIX of \(count32) bytes, which",
        limit: limits.maxInflatedBytes)
    }
    guard imageBefore + padded <= limits.maxImageBytes else {
      throw .tooLarge(
        file: file,
        what: "the file with its variables inflated (\(imageBefore + padded) bytes with the"
          + " miMATRIX of \(count32) bytes in the \(at))",
        limit: limits.maxImageBytes)
    }
    let waiting = InflateBound(most: padded, final: false)
    let settled = InflateBound(most: padded, final: true)
    if end == 8 { return settled }  // an empty miMATRIX
    let what = "the variable at \(place.at(0))"
    let available = inner.count

    // Array flags.
    guard available >= 16 else { return waiting }
    let flagsTag = try tag(inner, at: 8, end: end, place: place)
    guard flagsTag.type == 6, flagsTag.count == 8 else {
      throw damaged(element, "\(what) does not start with 8 bytes of miUINT32 array flags")
    }
    guard let flags = inner.u32(flagsTag.data) else { return waiting }
    let classCode = Int(flags & 0xFF)
    let isComplex = flags & 0x0800 != 0
    guard (1...17).contains(classCode) else {
      throw damaged(element, "\(what) has an unknown array class \(classCode)")
    }
    if classCode >= 16 { return settled }  // function handles, objects: no header to read
    var pos = flagsTag.next

    // Dimensions.
    guard available >= pos + 8 else { return waiting }
    let dimsTag = try tag(inner, at: pos, end: end, place: place)
    guard dimsTag.type == 5, dimsTag.count % 4 == 0, dimsTag.count >= 8 else {
      throw damaged(element, "\(what) has no valid miINT32 dimensions")
    }
    guard available >= dimsTag.data + dimsTag.count else { return waiting }
    var dimensions: [Int] = []
    for i in stride(from: 0, to: dimsTag.count, by: 4) {
      dimensions.append(Int(inner.i32(dimsTag.data + i) ?? -1))
    }
    guard dimensions.allSatisfy({ $0 >= 0 }) else {
      throw damaged(element, "\(what) has negative dimensions \(dimensionText(dimensions))")
    }
    pos = dimsTag.next

    // Name.
    guard available >= pos + 8 else { return waiting }
    let nameTag = try tag(inner, at: pos, end: end, place: place)
    guard nameTag.type == 1 else {
      throw damaged(element, "\(what) has no miINT8 array name")
    }
    guard let count = checkedProduct(dimensions) else {
      throw damaged(element, "\(what) has dimensions \(dimensionText(dimensions)) that overflow")
    }
    pos = nameTag.next
    guard classCode == 4 || (6...15).contains(classCode) else { return settled }

    // Numeric, logical, char: the real part must fit the class and dimensions.
    if pos == end && count == 0 { return settled }
    guard available >= pos + 8 else { return waiting }
    let real = try tag(inner, at: pos, end: end, place: place)
    let allowed: Set<UInt32> =
      classCode == 4 ? [1, 2, 3, 4, 5, 6, 16, 17, 18] : [1, 2, 3, 4, 5, 6, 7, 9, 12, 13]
    guard allowed.contains(real.type), let size = Self.elementSize(real.type) else {
      throw damaged(element, "\(what) stores its real part as \(Self.typeName(real.type))")
    }
    if real.type != 16 {
      let needed = count.multipliedReportingOverflow(by: size)
      guard !needed.overflow, needed.partialValue == real.count else {
        throw damaged(
          element,
          "\(what) has dimensions \(dimensionText(dimensions)), which need"
            + " \(needed.overflow ? "more than \(Int.max)" : String(needed.partialValue))"
            + " bytes of \(Self.typeName(real.type)) for its real part, but it holds \(real.count)")
      }
    }
    if !isComplex && real.next != end {
      throw damaged(
        element,
        "\(what) has \(end - real.next) unexpected bytes after its last data element,"
          + " at \(place.at(real.next))")
    }
    return settled
  }

  /// Checks the inflated content of a compressed element: exactly one `miMATRIX`.
  ///
  /// - Parameter inner: the inflated bytes, in the file's byte order (the whole output
  ///   of the stream, possibly a window of the image it was inflated into).
  private func compressedMatrix(_ inner: Bytes, element: Int) throws(MatFileError) -> LayoutEntry {
    let at = "compressed element at offset \(element)"
    guard let type = inner.u32(0), let count32 = inner.u32(4) else {
      throw damaged(element, "\(at) inflates to only \(inner.count) bytes, less than a tag")
    }
    guard type == 14 else {
      throw damaged(
        element, "\(at) does not hold a variable: inner tag type 0x\(String(type, radix: 16))")
    }
    let count = Int(count32)
    let end = 8 + count
    guard end <= inner.count,
      end == inner.count
        || (roundUp8(end) == inner.count && inner.allZero(end..<inner.count))
    else {
      throw damaged(
        element,
        "\(at) inflates to \(inner.count) bytes, but its miMATRIX claims \(count) + 8")
    }
    let summary = try matrix(
      inner, 8..<end, depth: 0, place: Place(element: element, inflated: true))
    return summary.entry(offset: element, compressed: true)
  }

  // MARK: - miMATRIX contents

  /// Where a position lies, for messages.
  struct Place {
    /// The file offset of the top-level element.
    let element: Int
    /// Whether positions count in the inflated data of a compressed element.
    let inflated: Bool

    /// A position in words.
    func at(_ position: Int) -> String {
      inflated
        ? "byte \(position) of the data inflated from the compressed element at offset \(element)"
        : "offset \(position)"
    }
  }

  /// A data element's tag.
  struct Tag {
    /// The `mi*` data type.
    let type: UInt32
    /// The number of data bytes.
    let count: Int
    /// Where the data starts.
    let data: Int
    /// Where the next element starts (after padding).
    let next: Int
    /// Where the tag starts.
    let start: Int
  }

  /// What a checked `miMATRIX` holds.
  struct Summary {
    var name: String
    var classCode: Int
    var isComplex: Bool
    var isLogical: Bool
    var dimensions: [Int]
    var fields: [String]

    /// The top-level entry for this matrix.
    func entry(offset: Int, compressed: Bool) -> LayoutEntry {
      LayoutEntry(
        name: name, offset: offset, matClass: MatClass(code: classCode, logical: isLogical),
        dimensions: dimensions, isComplex: isComplex, isCompressed: compressed, fields: fields)
    }
  }

  /// Bytes per element of the numeric `mi*` storage types, and of the text types.
  static func elementSize(_ type: UInt32) -> Int? {
    switch type {
    case 1, 2: return 1  // miINT8, miUINT8
    case 3, 4: return 2  // miINT16, miUINT16
    case 5, 6, 7: return 4  // miINT32, miUINT32, miSINGLE
    case 9, 12, 13: return 8  // miDOUBLE, miINT64, miUINT64
    case 16: return 1  // miUTF8
    case 17: return 2  // miUTF16
    case 18: return 4  // miUTF32
    default: return nil
    }
  }

  /// The MAT name of an `mi*` type, for messages.
  static func typeName(_ type: UInt32) -> String {
    let names: [UInt32: String] = [
      1: "miINT8", 2: "miUINT8", 3: "miINT16", 4: "miUINT16", 5: "miINT32", 6: "miUINT32",
      7: "miSINGLE", 9: "miDOUBLE", 12: "miINT64", 13: "miUINT64", 14: "miMATRIX",
      15: "miCOMPRESSED", 16: "miUTF8", 17: "miUTF16", 18: "miUTF32",
    ]
    return names[type] ?? "type \(type)"
  }

  /// Reads the tag at `pos`, which must lie with its data inside `pos..<end`.
  ///
  /// Handles the small-element form (byte count in the upper 16 bits of the first
  /// word, data in the next 4 bytes).
  func tag(_ b: Bytes, at pos: Int, end: Int, place: Place) throws(MatFileError) -> Tag {
    guard end - pos >= 8, let first = b.u32(pos) else {
      throw damaged(
        place.element, "a data element at \(place.at(pos)) is cut short (\(end - pos) bytes left)")
    }
    if first >> 16 != 0 {
      let count = Int(first >> 16)
      guard count <= 4 else {
        throw damaged(
          place.element,
          "the small data element at \(place.at(pos)) claims \(count) bytes; at most 4 fit")
      }
      return Tag(type: first & 0xFFFF, count: count, data: pos + 4, next: pos + 8, start: pos)
    }
    guard let count32 = b.u32(pos + 4) else {
      throw damaged(place.element, "the tag at \(place.at(pos)) is cut short")
    }
    let count = Int(count32)
    let data = pos + 8
    guard count <= end - data else {
      throw damaged(
        place.element,
        "the \(Self.typeName(first)) element at \(place.at(pos)) claims \(count) bytes,"
          + " but its variable has only \(end - data) left")
    }
    let padded = roundUp8(data + count) ?? end
    return Tag(type: first, count: count, data: data, next: min(padded, end), start: pos)
  }

  /// Checks an `miMATRIX` element's contents in `range` and returns what it holds.
  ///
  /// Array flags, dimensions and name come first; then, by class: the real part (and
  /// imaginary part if complex) with exactly product(dims) × element size bytes for
  /// its storage type; sparse index arrays; the cells or struct fields, recursively to
  /// ``MatLimits/maxDepth``; for function handles and opaque objects only the
  /// bounds of their sub-elements. Nothing may follow the last sub-element.
  func matrix(
    _ b: Bytes, _ range: Range<Int>, depth: Int, place: Place
  ) throws(MatFileError) -> Summary {
    let what = "the variable at \(place.at(range.lowerBound - 8))"
    if range.isEmpty {
      // An empty miMATRIX stands for an empty array (e.g. an empty cell element).
      return Summary(
        name: "", classCode: 0, isComplex: false, isLogical: false, dimensions: [0, 0],
        fields: [])
    }
    guard depth <= limits.maxDepth else {
      throw damaged(
        place.element, "\(what) nests cells or structs deeper than \(limits.maxDepth) levels")
    }
    let end = range.upperBound
    let flagsTag = try tag(b, at: range.lowerBound, end: end, place: place)
    guard flagsTag.type == 6, flagsTag.count == 8, let flags = b.u32(flagsTag.data),
      let nzmax = b.u32(flagsTag.data + 4)
    else {
      throw damaged(place.element, "\(what) does not start with 8 bytes of miUINT32 array flags")
    }
    let classCode = Int(flags & 0xFF)
    let isComplex = flags & 0x0800 != 0
    let isLogical = flags & 0x0200 != 0
    var pos = flagsTag.next

    switch classCode {
    case 1...15:
      break
    case 16, 17:
      // Function handles and MATLAB objects: only bounds, recursing into matrices.
      var name = ""
      while pos < end {
        let t = try tag(b, at: pos, end: end, place: place)
        if t.type == 14 {
          _ = try matrix(b, t.data..<(t.data + t.count), depth: depth + 1, place: place)
        } else if t.type == 1 && name.isEmpty {
          name = b.string(t.data..<(t.data + t.count))
        }
        pos = t.next
      }
      return Summary(
        name: name, classCode: classCode, isComplex: false, isLogical: false,
        dimensions: [], fields: [])
    default:
      throw damaged(place.element, "\(what) has an unknown array class \(classCode)")
    }

    // Dimensions: miINT32, at least two, none negative.
    let dimsTag = try tag(b, at: pos, end: end, place: place)
    guard dimsTag.type == 5, dimsTag.count % 4 == 0, dimsTag.count >= 8 else {
      throw damaged(place.element, "\(what) has no valid miINT32 dimensions")
    }
    var dimensions: [Int] = []
    for i in stride(from: 0, to: dimsTag.count, by: 4) {
      dimensions.append(Int(b.i32(dimsTag.data + i) ?? -1))
    }
    guard dimensions.allSatisfy({ $0 >= 0 }) else {
      throw damaged(place.element, "\(what) has negative dimensions \(dimensionText(dimensions))")
    }
    pos = dimsTag.next

    // Name: miINT8 (small form for up to 4 characters).
    let nameTag = try tag(b, at: pos, end: end, place: place)
    guard nameTag.type == 1 else {
      throw damaged(place.element, "\(what) has no miINT8 array name")
    }
    let name = b.string(nameTag.data..<(nameTag.data + nameTag.count))
    let described =
      name.isEmpty ? what : "variable '\(name)' (at \(place.at(range.lowerBound - 8)))"
    pos = nameTag.next

    guard let count = checkedProduct(dimensions) else {
      throw damaged(
        place.element, "\(described) has dimensions \(dimensionText(dimensions)) that overflow")
    }
    var fields: [String] = []

    switch classCode {
    case 6...15, 4:
      // Numeric, logical (uint8 + flag) and char: real part, then imaginary if complex.
      let parts = isComplex ? ["real", "imaginary"] : ["real"]
      for part in parts {
        if pos == end && count == 0 && part == "real" { break }
        let t = try tag(b, at: pos, end: end, place: place)
        let allowed: Set<UInt32> =
          classCode == 4 ? [1, 2, 3, 4, 5, 6, 16, 17, 18] : [1, 2, 3, 4, 5, 6, 7, 9, 12, 13]
        guard allowed.contains(t.type), let size = Self.elementSize(t.type) else {
          throw damaged(
            place.element,
            "\(described) stores its \(part) part as \(Self.typeName(t.type)),"
              + " which class \(MatClass(code: classCode, logical: isLogical).rawValue) cannot use")
        }
        if t.type != 16 {
          let needed = count.multipliedReportingOverflow(by: size)
          guard !needed.overflow, needed.partialValue == t.count else {
            throw damaged(
              place.element,
              "\(described) has dimensions \(dimensionText(dimensions)), which need"
                + " \(needed.overflow ? "more than \(Int.max)" : String(needed.partialValue))"
                + " bytes of \(Self.typeName(t.type)) for its \(part) part, but it holds \(t.count)"
            )
          }
        }
        pos = t.next
      }
    case 5:
      // Sparse: ir (row indices), jc (column starts), pr (values), pi if complex.
      guard dimensions.count == 2 else {
        throw damaged(place.element, "\(described) is sparse with \(dimensions.count) dimensions")
      }
      let ir = try tag(b, at: pos, end: end, place: place)
      guard ir.type == 5 || ir.type == 6, ir.count % 4 == 0 else {
        throw damaged(place.element, "\(described) has no valid sparse row indices")
      }
      pos = ir.next
      let jc = try tag(b, at: pos, end: end, place: place)
      let columnsPlusOne = dimensions[1].addingReportingOverflow(1)
      guard jc.type == 5 || jc.type == 6, !columnsPlusOne.overflow,
        jc.count == columnsPlusOne.partialValue * 4
      else {
        throw damaged(place.element, "\(described) has no valid sparse column starts")
      }
      pos = jc.next
      let maxValues = max(ir.count / 4, Int(nzmax))
      for part in isComplex ? ["real", "imaginary"] : ["real"] {
        let t = try tag(b, at: pos, end: end, place: place)
        guard let size = Self.elementSize(t.type), t.type < 14, t.count % size == 0,
          t.count / size <= maxValues
        else {
          throw damaged(place.element, "\(described) has an invalid sparse \(part) part")
        }
        pos = t.next
      }
    case 1:
      // Cell: one miMATRIX per element.
      var index = 0
      while index < count {
        let t = try tag(b, at: pos, end: end, place: place)
        guard t.type == 14 else {
          throw damaged(
            place.element, "cell \(index + 1) of \(described) is not an miMATRIX element")
        }
        _ = try matrix(b, t.data..<(t.data + t.count), depth: depth + 1, place: place)
        pos = t.next
        index += 1
      }
    case 2, 3:
      // Struct (object: class name first): field name length, names, then
      // product(dims) × nfields miMATRIX elements.
      if classCode == 3 {
        let classTag = try tag(b, at: pos, end: end, place: place)
        guard classTag.type == 1 else {
          throw damaged(place.element, "\(described) has no miINT8 class name")
        }
        pos = classTag.next
      }
      let lengthTag = try tag(b, at: pos, end: end, place: place)
      guard lengthTag.type == 5, lengthTag.count == 4, let length32 = b.i32(lengthTag.data),
        length32 >= 0
      else {
        throw damaged(place.element, "\(described) has no valid field name length")
      }
      let length = Int(length32)
      pos = lengthTag.next
      let namesTag = try tag(b, at: pos, end: end, place: place)
      guard namesTag.type == 1, length > 0 ? namesTag.count % length == 0 : namesTag.count == 0
      else {
        throw damaged(place.element, "\(described) has no valid miINT8 field names")
      }
      let fieldCount = length > 0 ? namesTag.count / length : 0
      for i in 0..<fieldCount {
        let start = namesTag.data + i * length
        fields.append(b.string(start..<(start + length)))
      }
      pos = namesTag.next
      guard let values = checkedProduct([count, fieldCount]) else {
        throw damaged(place.element, "\(described) has too many struct elements")
      }
      var index = 0
      while index < values {
        let t = try tag(b, at: pos, end: end, place: place)
        guard t.type == 14 else {
          throw damaged(
            place.element,
            "field '\(fields[index % max(fieldCount, 1)])' of \(described)"
              + " is not an miMATRIX element")
        }
        _ = try matrix(b, t.data..<(t.data + t.count), depth: depth + 1, place: place)
        pos = t.next
        index += 1
      }
    default:
      break
    }

    guard pos == end else {
      throw damaged(
        place.element,
        "\(described) has \(end - pos) unexpected bytes after its last data element,"
          + " at \(place.at(pos))")
    }
    return Summary(
      name: name, classCode: classCode, isComplex: isComplex, isLogical: isLogical,
      dimensions: dimensions, fields: fields)
  }

  // MARK: - Helpers

  /// Refuses two top-level variables with the same name (matio would read the first).
  private func checkUniqueNames(_ entries: [LayoutEntry]) throws(MatFileError) {
    var seen: [String: Int] = [:]
    for entry in entries where !entry.name.isEmpty {
      if let earlier = seen[entry.name] {
        throw damaged(
          entry.offset,
          "two variables are named '\(entry.name)' (offsets \(earlier) and \(entry.offset))")
      }
      seen[entry.name] = entry.offset
    }
  }

  /// A `.damaged` error for this file.
  private func damaged(_ offset: Int, _ problem: String) -> MatFileError {
    .damaged(file: file, offset: offset, problem: problem)
  }
}
