import Exchange
import Foundation
import ModelFormat
import TestSupport
import Testing

/// A 4-3-2 model with awkward doubles (shortest text, subnormal, negative zero).
func sampleModel(dtype: DType = .float64) -> ThetaModel {
  var v1: [Double] = (0..<15).map { Double($0) * 0.1 - 0.7 }
  v1[3] = 1e-310
  v1[4] = -0.0
  v1[5] = 1.0 / 3.0
  let v2: [Double] = (0..<8).map { Double($0) * -0.37 + 0.01 }
  var meta = Metadata()
  meta["user.note"] = .string("a, \"quoted\"\nnote")
  meta["training.lambda"] = .float(0.1)
  meta["training.flag"] = .bool(true)
  meta["training.count"] = .int(-42)
  meta["training.curve"] = .floatArray([1.5, 1e-7])
  meta["training.blob"] = .bytes([0, 255, 16])
  var m = ThetaModel(
    weights: [
      WeightMatrix(name: "Theta1", rows: 3, columns: 5, values: v1),
      WeightMatrix(name: "Theta2", rows: 2, columns: 4, values: v2),
    ], dtype: dtype, metadata: meta)
  if dtype == .float32 {
    for i in m.weights.indices { m.weights[i].values = m.weights[i].values.map { Double(Float($0)) } }
  }
  return m
}

func scratch() -> String { Fixtures.temporaryDirectory().path }

@Suite struct SafetensorsTests {
  @Test(arguments: [DType.float64, .float32])
  func roundTripsToTheSameModel(_ dtype: DType) throws {
    let dir = scratch()
    let model = sampleModel(dtype: dtype)
    try Exchange.export(model, to: dir + "/m.safetensors", options: ExportOptions(format: .safetensors))
    let back = try Exchange.importModel(path: dir + "/m.safetensors")
    #expect(try ModelFile.encode(back) == ModelFile.encode(model))
  }

  func refuses(_ bytes: [UInt8], _ fragment: String) {
    let path = scratch() + "/bad.safetensors"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    do {
      _ = try Exchange.importModel(path: path)
      Issue.record("accepted a bad file (\(fragment))")
    } catch {
      #expect("\(error)".contains(fragment), "\(error)")
      #expect(!"\(error)".contains("\n"))
    }
  }

  func file(_ header: String, data: Int) -> [UInt8] {
    var h = Array(header.utf8)
    while h.count % 8 != 0 { h.append(0x20) }
    var out: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) }
    out += h
    out += [UInt8](repeating: 0, count: data)
    return out
  }

  @Test func refusesDuplicateNames() {
    refuses(
      file(
        #"{"Theta1":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]},"Theta1":{"dtype":"F64","shape":[1,2],"data_offsets":[16,32]}}"#,
        data: 32),
      "duplicate name")
  }

  @Test func refusesOverlappingOffsets() {
    refuses(
      file(
        #"{"Theta1":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]},"Theta2":{"dtype":"F64","shape":[1,1],"data_offsets":[8,16]}}"#,
        data: 16),
      "overlaps")
  }

  @Test func refusesTruncationWrongDTypeAndShapes() {
    let header = #"{"Theta1":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}}"#
    refuses(file(header, data: 8), "truncated")
    refuses(Array(file(header, data: 16).prefix(12)), "truncated")
    refuses(file(#"{"Theta1":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]}}"#, data: 16), "only F64 and F32")
    refuses(file(#"{"Theta1":{"dtype":"F64","shape":[1,3],"data_offsets":[0,16]}}"#, data: 16), "needs 24 bytes")
    refuses(file(#"{"W":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}}"#, data: 16), "no tensor Theta1")
    refuses([1, 2, 3], "shorter than")
  }

  @Test func refusesNaN() {
    var bytes = file(#"{"Theta1":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}}"#, data: 16)
    let nan = Double.nan.bitPattern
    for i in 0..<8 { bytes[bytes.count - 8 + i] = UInt8(truncatingIfNeeded: nan >> (8 * UInt64(i))) }
    refuses(bytes, "must be finite")
  }
}

@Suite struct CSVTests {
  @Test(arguments: [ExportLayout.matrices, .unrolled], [DType.float64, .float32])
  func roundTripsBitForBit(_ layout: ExportLayout, _ dtype: DType) throws {
    let dir = scratch()
    let model = sampleModel(dtype: dtype)
    var options = ExportOptions(format: .csv)
    options.layout = layout
    let written = try Exchange.export(model, to: dir + "/m.csv", options: options)
    #expect(written.last == dir + "/m.meta.csv")
    let back = try Exchange.importModel(path: written[0])
    #expect(try ModelFile.encode(back) == ModelFile.encode(model))
  }

  @Test func refusesBadNumbersAndShapes() throws {
    let dir = scratch()
    try Exchange.export(sampleModel(), to: dir + "/m.csv", options: ExportOptions(format: .csv))
    let t1 = dir + "/m.Theta1.csv"
    let good = try String(contentsOfFile: t1, encoding: .utf8)
    try good.replacingOccurrences(of: "-0.7,", with: "nan,").write(toFile: t1, atomically: true, encoding: .utf8)
    #expect(throws: ExchangeError.self) { try Exchange.importModel(path: t1) }
    // A row too many is refused at that row; a row too few once the table is read.
    try (good + "1,2,3,4,5\n").write(toFile: t1, atomically: true, encoding: .utf8)
    do {
      _ = try Exchange.importModel(path: t1)
      Issue.record("accepted a wrong shape")
    } catch { #expect("\(error)".contains("more than 3 rows, layer sizes need 3×5")) }
    let firstTwo = good.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n"
    try firstTwo.write(toFile: t1, atomically: true, encoding: .utf8)
    do {
      _ = try Exchange.importModel(path: t1)
      Issue.record("accepted a wrong shape")
    } catch { #expect("\(error)".contains("shape 2×5, layer sizes need 3×5")) }
  }
}
