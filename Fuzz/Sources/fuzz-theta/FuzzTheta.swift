// libFuzzer target for the `.theta` reader, `ModelFile.decode` (Docs/FORMAT.md).
import FuzzSupport
import ModelFormat

/// The program: libFuzzer's driver on ``fuzz(_:_:)``.
@main enum FuzzTheta {
  static func main() { runFuzzer(fuzz) }
}

/// One input: decoded as given, then again with its checksums repaired so that
/// mutations reach the header, directory, layout and model checks behind the CRCs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  check(bytes)
  if let repaired = repairingChecksums(bytes) { check(repaired) }
  return 0
}

/// A file the reader accepts must hold a valid model; a plain 1.0 file (alignment 64,
/// no flags, no extension bytes, no extra tensors) must be exactly what the writer
/// writes for that model, since the format has one encoding per model.
func check(_ bytes: [UInt8]) {
  let decoded: DecodedModel
  do { decoded = try ModelFile.decode(bytes) } catch { return }
  checkAcceptedModel(decoded.model, ".theta")
  if decoded.version == .current, decoded.alignment == ModelFile.alignment, decoded.optionalFlags == 0,
    decoded.extensionBytes == 0, decoded.model.extraTensors.isEmpty
  {
    guard (try? ModelFile.encode(decoded.model)) == bytes else {
      propertyFailure(".theta: a plain 1.0 file was accepted but the writer encodes its model differently")
    }
  }
}
