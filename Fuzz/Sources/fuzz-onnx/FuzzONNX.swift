// libFuzzer target for ONNX imports, `ONNXImport.decode(_:file:)` (hand-decoded protobuf).
import Exchange
import FuzzSupport
import ModelFormat

/// The program: libFuzzer's driver on ``fuzz(_:_:)``.
@main enum FuzzONNX {
  static func main() { runFuzzer(fuzz) }
}

/// libFuzzer's callback for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  guard let model = try? ONNXImport.decode(bytes, file: "fuzz.onnx") else { return 0 }
  checkAcceptedModel(model, "ONNX")
  // Export and import again: the same weights.
  guard let back = try? ONNXImport.decode(ONNXExport.encode(model), file: "again.onnx"), sameWeights(model, back) else {
    propertyFailure("ONNX: export of an imported model does not read back to the same weights")
  }
  return 0
}
