// libFuzzer target for safetensors imports, `Safetensors.decode(_:file:)`.
import Exchange
import FuzzSupport
import ModelFormat

/// The program: libFuzzer's driver on ``fuzz(_:_:)``.
@main enum FuzzSafetensors {
  static func main() { runFuzzer(fuzz) }
}

/// libFuzzer's callback for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzInput(data, size)
  guard let model = try? Safetensors.decode(bytes, file: "fuzz.safetensors") else { return 0 }
  checkAcceptedModel(model, "safetensors")
  // The weights must be the file's bytes: ThetaK's data, little-endian, row-major.
  guard let header = try? Safetensors.header(bytes) else { propertyFailure("safetensors: model read, header refused") }
  for w in model.weights {
    guard let t = header.tensors.first(where: { $0.name == w.name }), t.shape == [w.rows, w.columns] else {
      propertyFailure("safetensors: \(w.name) is not in the header with its shape")
    }
    let size = model.dtype.size
    for (i, v) in w.values.enumerated() {
      var bits: UInt64 = 0
      for k in 0..<size { bits |= UInt64(bytes[header.dataStart + t.begin + i * size + k]) << (8 * UInt64(k)) }
      let expected = size == 8 ? Double(bitPattern: bits) : Double(Float(bitPattern: UInt32(bits)))
      guard expected.bitPattern == v.bitPattern else {
        propertyFailure("safetensors: \(w.name)[\(i)] is \(v), the file holds \(expected)")
      }
    }
  }
  // Export and import again: the same weights.
  guard let back = try? Safetensors.decode(Safetensors.encode(model), file: "again.safetensors"),
    sameWeights(model, back)
  else { propertyFailure("safetensors: export of an imported model does not read back to the same weights") }
  return 0
}
