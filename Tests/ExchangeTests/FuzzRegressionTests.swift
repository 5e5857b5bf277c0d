import Exchange
import Foundation
import ModelFormat
import TestSupport
import Testing

/// Inputs that crashed or misled an importer under fuzzing (issue 6, Docs/FUZZING.md).
/// Each must now be refused with an ``ExchangeError`` — never a trap.
///
/// Every file in `Fuzz/regressions/{csv-model,safetensors,onnx}/` (a fuzzer's crash
/// input, kept as it was found) is also read here, so a crash copied there becomes a
/// test without more code.
@Suite struct FuzzRegressionTests {
  /// `Fuzz/regressions/<target>/`, every file but the README, sorted.
  static func regressionFiles(_ target: String) -> [URL] {
    let dir = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/regressions/\(target)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0 != "README.md" && !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
  }

  /// fuzz-csv-model's reading of one input: NUL-separated files, the sidecar first.
  static func csvFiles(_ input: [UInt8]) -> [String: [UInt8]] {
    let parts = input.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
    var files: [String: [UInt8]] = [:]
    if let sidecar = parts.first, !sidecar.isEmpty { files["m.meta.csv"] = sidecar }
    for (k, part) in parts.enumerated().dropFirst() {
      if k == 1 { files["m.csv"] = part }
      files["m.Theta\(k).csv"] = part
    }
    return files
  }

  /// Reading `read` either throws an ExchangeError or gives a model that passes `validate()`.
  func survives(_ what: String, _ read: () throws(ExchangeError) -> ThetaModel) {
    do {
      let model = try read()
      #expect(throws: Never.self, "\(what)") { try model.validate() }
    } catch {
      #expect(!error.description.contains("\n"), "\(what): \(error)")
    }
  }

  @Test func everyCSVModelRegressionIsHandled() {
    for url in Self.regressionFiles("csv-model") {
      let files = Self.csvFiles(Array((try? Data(contentsOf: url)) ?? Data()))
      for path in ["m.csv", "m.Theta1.csv"] {
        survives(url.lastPathComponent) { () throws(ExchangeError) in try CSVExchange.decode(files: files, path: path) }
      }
    }
  }

  @Test func everySafetensorsRegressionIsHandled() {
    for url in Self.regressionFiles("safetensors") {
      let bytes = Array((try? Data(contentsOf: url)) ?? Data())
      survives(url.lastPathComponent) { () throws(ExchangeError) in try Safetensors.decode(bytes, file: "r.safetensors")
      }
    }
  }

  @Test func everyONNXRegressionIsHandled() {
    for url in Self.regressionFiles("onnx") {
      let bytes = Array((try? Data(contentsOf: url)) ?? Data())
      survives(url.lastPathComponent) { () throws(ExchangeError) in try ONNXImport.decode(bytes, file: "r.onnx") }
    }
  }

  func refusal(_ read: () throws(ExchangeError) -> ThetaModel) -> String? {
    do {
      _ = try read()
      return nil
    } catch {
      return error.description
    }
  }

  /// A sidecar whose `model.layer_sizes` holds Int64.max trapped on `sizes[k - 1] + 1`
  /// (Fuzz/regressions/csv-model/layer-size-int64-max).
  @Test func csvLayerSizeInt64MaxIsRefused() throws {
    let sidecar = "key,type,value\nmodel.layer_sizes,int[],\"[9223372036854775807,1]\"\n"
    let files = ["m.meta.csv": Array(sidecar.utf8), "m.Theta1.csv": Array("1\n".utf8)]
    let message = try #require(
      refusal { () throws(ExchangeError) in try CSVExchange.decode(files: files, path: "m.csv") })
    #expect(message.contains("layer sizes need 1×(9223372036854775807 + 1)"), "\(message)")
  }

  /// An unrolled export whose 40 000 layer sizes of 2^24 − 1 overflowed the count of
  /// values they need (generated here: 360 KB).
  @Test func csvUnrolledSizesOverflowIsRefused() throws {
    let sizes = Array(repeating: "16777215", count: 40_000).joined(separator: ",")
    let sidecar = "key,type,value\ntheta.layout,string,unrolled-row\nmodel.layer_sizes,int[],\"[\(sizes)]\"\n"
    let files = ["m.meta.csv": Array(sidecar.utf8), "m.csv": Array("1\n".utf8)]
    let message = try #require(
      refusal { () throws(ExchangeError) in try CSVExchange.decode(files: files, path: "m.csv") })
    #expect(message.contains("need more than \(Int.max)"), "\(message)")
    #expect(!message.contains("\n"))
  }

  /// `theta.types` naming a reserved entry (here `theta.dtype`) as a model key: the model
  /// read, but its export held the key twice and was refused by Theta itself. The test
  /// renames an 11-character user key to `theta.dtype` inside `theta.types` only, so no
  /// length in the file changes.
  @Test func reservedKeyInThetaTypesIsRefused() throws {
    var model = sampleModel()
    model.metadata["user.abcdef"] = .string("x")
    func renamed(_ bytes: [UInt8], _ from: String, _ to: String) -> [UInt8] {
      let (f, t) = (Array(from.utf8), Array(to.utf8))
      var out = bytes
      var i = 0
      while i + f.count <= out.count {
        if Array(out[i..<i + f.count]) == f { out.replaceSubrange(i..<i + f.count, with: t) }
        i += 1
      }
      return out
    }
    let st = renamed(Safetensors.encode(model), "\\\"user.abcdef\\\"", "\\\"theta.dtype\\\"")
    let stMessage = try #require(
      refusal { () throws(ExchangeError) in try Safetensors.decode(st, file: "m.safetensors") })
    #expect(stMessage.contains("metadata key 'theta.dtype' is reserved"), "\(stMessage)")
    let onnx = renamed(ONNXExport.encode(model), "\"user.abcdef\"", "\"theta.dtype\"")
    let onnxMessage = try #require(refusal { () throws(ExchangeError) in try ONNXImport.decode(onnx, file: "m.onnx") })
    #expect(onnxMessage.contains("metadata key 'theta.dtype' is reserved"), "\(onnxMessage)")
    // Unchanged, the same model reads back.
    #expect(
      try ModelFile.encode(Safetensors.decode(Safetensors.encode(model), file: "m.safetensors"))
        == ModelFile.encode(model))
    #expect(
      try ModelFile.encode(ONNXImport.decode(ONNXExport.encode(model), file: "m.onnx")) == ModelFile.encode(model))
  }

  /// A CSV sidecar giving `theta.types` as a model key: exported again to safetensors or
  /// ONNX, the key would appear twice.
  @Test func csvSidecarReservedKeyIsRefused() throws {
    let dir = scratch()
    try Exchange.export(sampleModel(), to: dir + "/m.csv", options: ExportOptions(format: .csv))
    var files: [String: [UInt8]] = [:]
    for name in ["m.meta.csv", "m.Theta1.csv", "m.Theta2.csv"] {
      files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
    }
    files["m.meta.csv"]! += Array("theta.types,string,{}\n".utf8)
    let message = try #require(
      refusal { () throws(ExchangeError) in try CSVExchange.decode(files: files, path: "m.csv") })
    #expect(message.contains("metadata key 'theta.types' is reserved"), "\(message)")
  }

  /// A safetensors tensor entry with a field twice (`dtype` F32, then F64): refused, not
  /// read with whichever came last.
  @Test func safetensorsRepeatedTensorFieldIsRefused() throws {
    var h = Array(#"{"Theta1":{"dtype":"F32","dtype":"F64","shape":[1,2],"data_offsets":[0,16]}}"#.utf8)
    while h.count % 8 != 0 { h.append(0x20) }
    var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) }
    bytes += h + [UInt8](repeating: 0, count: 16)
    let message = try #require(
      refusal { () throws(ExchangeError) in try Safetensors.decode(bytes, file: "m.safetensors") })
    #expect(message.contains("has the field 'dtype' twice"), "\(message)")
  }

  /// `float[]` metadata `[1e999]` read as infinity, which the model's export then wrote
  /// as `inf` and Theta refused; JSON numbers outside the grammar (`01`, `+1`, `.5`)
  /// were taken too. Both are refused now.
  @Test func jsonNumbersOutOfRangeOrGrammarAreRefused() throws {
    func withCurve(_ text: String) -> [UInt8] {
      let bytes = Safetensors.encode(sampleModel())
      let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
      var header = String(decoding: bytes[8..<8 + n], as: UTF8.self)
        .replacingOccurrences(of: "\"[1.5,1e-07]\"", with: "\"\(text)\"")
      while header.hasSuffix(" ") { header.removeLast() }
      var h = Array(header.utf8)
      while h.count % 8 != 0 { h.append(0x20) }
      return (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + bytes[(8 + n)...]
    }
    #expect(throws: Never.self) { try Safetensors.decode(withCurve("[1.5,1e-07]"), file: "m.safetensors") }
    for bad in ["[1e999,1e-07]", "[01.5,1e-07]", "[+1.5,1e-07]", "[.5,1e-07]", "[1.,1e-07]"] {
      let message = try #require(
        refusal { () throws(ExchangeError) in try Safetensors.decode(withCurve(bad), file: "m.safetensors") })
      #expect(message.contains("training.curve") && message.contains("is not a valid float[]"), "\(bad): \(message)")
    }
    // In the header itself: an offset written 016 is not JSON.
    var h = Array(#"{"Theta1":{"dtype":"F64","shape":[1,2],"data_offsets":[0,016]}}"#.utf8)
    while h.count % 8 != 0 { h.append(0x20) }
    let file = (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + [UInt8](repeating: 0, count: 16)
    let message = try #require(
      refusal { () throws(ExchangeError) in try Safetensors.decode(file, file: "m.safetensors") })
    #expect(message.contains("header is not JSON"), "\(message)")
  }

  /// ONNX `metadata_props` with a key twice: refused (as by onnx.checker), where the
  /// untyped reader kept both.
  @Test func onnxRepeatedMetadataPropIsRefused() throws {
    let model = sampleModel()
    var prop: [UInt8] = [0x0A, 9] + Array("user.note".utf8) + [0x12, 1, UInt8(ascii: "x")]
    prop = [0x72, UInt8(prop.count)] + prop
    let message = try #require(
      refusal { () throws(ExchangeError) in try ONNXImport.decode(ONNXExport.encode(model) + prop, file: "m.onnx") })
    #expect(message.contains("metadata_props key 'user.note' appears twice"), "\(message)")
  }

  /// Two million unknown 2-byte fields after a valid export: the reader visits fields
  /// instead of listing them (a list took ~30 bytes per field, so a large file of tiny
  /// fields exhausted memory), and the model reads as before.
  @Test func onnxManyTinyFieldsAreVisited() throws {
    let model = sampleModel()
    var bytes = ONNXExport.encode(model)
    bytes.reserveCapacity(bytes.count + 4_000_000)
    for _ in 0..<2_000_000 { bytes += [0x78, 0x00] }  // field 15, varint 0
    #expect(try ModelFile.encode(ONNXImport.decode(bytes, file: "m.onnx")) == ModelFile.encode(model))
  }

  /// A safetensors header of 10 MB holding a shape of five million entries: refused at
  /// the JSON value limit (2^20) instead of taking over 200 MB to parse.
  @Test func safetensorsHeaderWithTooManyValuesIsRefused() throws {
    var h = Array(#"{"a":{"dtype":"F64","shape":["#.utf8)
    h.reserveCapacity(10_000_100)
    for k in 0..<5_000_000 { h += k == 0 ? [UInt8(ascii: "1")] : [UInt8(ascii: ","), UInt8(ascii: "1")] }
    h += Array(#"],"data_offsets":[0,8]}}"#.utf8)
    while h.count % 8 != 0 { h.append(0x20) }
    let file = (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + [UInt8](repeating: 0, count: 8)
    let message = try #require(
      refusal { () throws(ExchangeError) in try Safetensors.decode(file, file: "m.safetensors") })
    #expect(message.contains("header is not JSON: more than 1048576 values"), "\(message)")
  }

  /// CSV files of 10 MB of line ends or commas: refused at the first empty value, without
  /// listing every line and field first (which took over 250 MB).
  @Test func csvOfLineEndsOrCommasIsRefusedAtOnce() throws {
    let newlines = [UInt8](repeating: UInt8(ascii: "\n"), count: 10_000_000)
    let commas = [UInt8](repeating: UInt8(ascii: ","), count: 10_000_000) + [UInt8(ascii: "\n")]
    for (name, data) in [("newlines", newlines), ("commas", commas)] {
      let message = try #require(
        refusal { () throws(ExchangeError) in
          try CSVExchange.decode(files: ["m.Theta1.csv": data], path: "m.Theta1.csv")
        })
      #expect(message.contains("row 1, column 1: '' is not a number"), "\(name): \(message)")
    }
    let sidecar = Array("key,type,value\n".utf8) + commas
    let message = try #require(
      refusal { () throws(ExchangeError) in
        try CSVExchange.decode(files: ["m.meta.csv": sidecar, "m.Theta1.csv": Array("1\n".utf8)], path: "m.csv")
      })
    #expect(message.contains("row 2 has 10000001 fields, expected 3"), "\(message)")
  }

  /// Data files with CRLF line ends read like LF ones (a Swift `Character` holds `\r\n`
  /// whole, so splitting the text at "\n" never split them before).
  @Test func csvDataFilesWithCRLFRead() throws {
    let dir = scratch()
    let model = sampleModel()
    try Exchange.export(model, to: dir + "/m.csv", options: ExportOptions(format: .csv))
    var files: [String: [UInt8]] = [:]
    for name in ["m.meta.csv", "m.Theta1.csv", "m.Theta2.csv"] {
      let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
      files[name] = Array((name.hasPrefix("m.Theta") ? text.replacingOccurrences(of: "\n", with: "\r\n") : text).utf8)
    }
    #expect(try ModelFile.encode(CSVExchange.decode(files: files, path: "m.csv")) == ModelFile.encode(model))
  }

  /// The in-memory readers are the path readers: the same file gives the same model.
  @Test func inMemoryReadersMatchPathReaders() throws {
    let dir = scratch()
    let model = sampleModel()
    try Exchange.export(model, to: dir + "/m.safetensors", options: ExportOptions(format: .safetensors))
    try Exchange.export(model, to: dir + "/m.onnx", options: ExportOptions(format: .onnx))
    try Exchange.export(model, to: dir + "/m.csv", options: ExportOptions(format: .csv))
    let st = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/m.safetensors")))
    let onnx = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/m.onnx")))
    var files: [String: [UInt8]] = [:]
    for name in ["m.meta.csv", "m.Theta1.csv", "m.Theta2.csv"] {
      files[dir + "/" + name] = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
    }
    let expected = try ModelFile.encode(model)
    #expect(try ModelFile.encode(Safetensors.decode(st, file: dir + "/m.safetensors")) == expected)
    #expect(try ModelFile.encode(ONNXImport.decode(onnx, file: dir + "/m.onnx")) == expected)
    #expect(try ModelFile.encode(CSVExchange.decode(files: files, path: dir + "/m.csv")) == expected)
    #expect(try ModelFile.encode(CSVExchange.read(path: dir + "/m.csv")) == expected)
  }
}
