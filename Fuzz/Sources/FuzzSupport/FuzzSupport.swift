import CFuzzerDriver
import Checksums
import ModelFormat

#if canImport(Glibc)
  import Glibc
#endif

/// Runs libFuzzer with this process's arguments on `callback` (the target's
/// `LLVMFuzzerTestOneInput`) and exits with its status.
public func runFuzzer(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
  var argc = CommandLine.argc
  var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
  exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

/// The fuzzer's input as an array (libFuzzer may pass a null pointer for size 0).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
  guard let data, size > 0 else { return [] }
  return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Reports a broken property (a reader accepted wrong numbers, or a round trip changed
/// them) and aborts, so that libFuzzer saves the input as a crash.
public func propertyFailure(_ message: String) -> Never {
  let line = Array("FUZZ PROPERTY FAILED: \(message)\n".utf8)
  _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  abort()
}

/// Whether two models hold the same weights, bit for bit, with the same shapes and dtype.
public func sameWeights(_ a: ThetaModel, _ b: ThetaModel) -> Bool {
  guard a.dtype == b.dtype, a.weights.count == b.weights.count else { return false }
  for (x, y) in zip(a.weights, b.weights) {
    guard x.name == y.name, x.rows == y.rows, x.columns == y.columns,
      x.values.map(\.bitPattern) == y.values.map(\.bitPattern)
    else { return false }
  }
  return true
}

/// Checks what every model a reader returns must satisfy: the model rules hold, it
/// encodes to a `.theta` file, and that file decodes to the same weights.
public func checkAcceptedModel(_ model: ThetaModel, _ what: String) {
  do { try model.validate() } catch { propertyFailure("\(what): accepted model fails validate(): \(error)") }
  for w in model.weights where w.values.count != w.rows * w.columns || w.values.contains(where: { !$0.isFinite }) {
    propertyFailure("\(what): \(w.name) has \(w.values.count) values for \(w.rows)×\(w.columns) or a non-finite one")
  }
  let bytes: [UInt8]
  do { bytes = try ModelFile.encode(model) } catch {
    propertyFailure("\(what): accepted model does not encode: \(error)")
  }
  do {
    let back = try ModelFile.decode(bytes).model
    guard sameWeights(model, back) else { propertyFailure("\(what): .theta round trip changed the weights") }
  } catch { propertyFailure("\(what): the encoded model does not decode: \(error)") }
}

/// `bytes` with every checksum of a `.theta` file recomputed where the structure allows:
/// each tensor's CRC-32C (when its data lies inside the file), the header CRC-32C and the
/// trailer's SHA-256. Without this the fuzzer rarely gets past the header CRC, since a
/// random mutation breaks it. Returns `nil` when there is nothing to repair.
///
/// The layout is parsed here independently of `ModelFile` (Docs/FORMAT.md §2–§4), with
/// every read bounds-checked; fields that do not parse are left as they are.
public func repairingChecksums(_ input: [UInt8]) -> [UInt8]? {
  var b = input
  let size = b.count
  guard size >= 32 + 4 + 40 else { return nil }
  func le(_ at: Int, _ n: Int) -> UInt64? {
    guard at >= 0, n <= 8, at <= size - n else { return nil }
    var v: UInt64 = 0
    for k in 0..<n { v |= UInt64(b[at + k]) << (8 * UInt64(k)) }
    return v
  }
  func put32(_ v: UInt32, at: Int) {
    for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
  }
  guard let h64 = le(24, 4), h64 >= 1, h64 <= 1 << 20 else { return nil }
  let headerEnd = 32 + Int(h64)
  guard headerEnd + 4 <= size else { return nil }
  // Walk the header to find each tensor entry's offset, length and CRC position.
  var p = 32 + 8
  var crcFields: [(at: Int, offset: UInt64, length: UInt64)] = []
  walk: do {
    guard let metadataCount = le(p, 4), metadataCount <= 65_536 else { break walk }
    p += 4
    for _ in 0..<metadataCount {
      guard let keyLength = le(p, 2) else { break walk }
      p += 2 + Int(keyLength) + 1
      guard let valueLength = le(p, 4), p + 4 + Int(valueLength) <= headerEnd else { break walk }
      p += 4 + Int(valueLength)
    }
    guard let tensorCount = le(p, 4), tensorCount <= 1_024 else { break walk }
    p += 4
    for _ in 0..<tensorCount {
      guard let nameLength = le(p, 2) else { break walk }
      p += 2 + Int(nameLength) + 1
      guard let rank = le(p, 1) else { break walk }
      p += 1 + 8 * Int(rank)
      guard let offset = le(p, 8), let length = le(p + 8, 8), p + 20 <= headerEnd else { break walk }
      crcFields.append((p + 16, offset, length))
      p += 20
    }
  }
  for f in crcFields where f.offset <= UInt64(size) && f.length <= UInt64(size) - f.offset {
    put32(CRC32C.checksum(b[Int(f.offset)..<Int(f.offset + f.length)]), at: f.at)
  }
  put32(CRC32C.checksum(b[0..<headerEnd]), at: headerEnd)
  let trailerStart = size - 40
  if trailerStart >= headerEnd + 4 {
    let digest = SHA256.hash(b[0..<trailerStart])
    for k in 0..<32 { b[trailerStart + k] = digest[k] }
  }
  return b == input ? nil : b
}
