import Exchange
import Foundation
import HDF5File
import ModelFormat
import TestSupport
import Testing

@Suite struct HDF5ExchangeTests {
  @Test(arguments: [ExportLayout.matrices, .keras], [DType.float64, .float32])
  func roundTripsToTheSameModel(_ layout: ExportLayout, _ dtype: DType) throws {
    let path = scratch() + "/m.h5"
    let model = sampleModel(dtype: dtype)
    var options = ExportOptions(format: .hdf5)
    options.layout = layout
    try Exchange.export(model, to: path, options: options)
    let back = try Exchange.importModel(path: path)
    #expect(try ModelFile.encode(back) == ModelFile.encode(model))
  }

  @Test func datasetsHaveCourseOrientation() throws {
    let path = scratch() + "/m.h5"
    try Exchange.export(sampleModel(), to: path, options: ExportOptions(format: .hdf5))
    let f = try HDF5File(reading: path)
    let t1 = try f.readDataset("/Theta1")
    #expect(t1.dimensions == [3, 5] && t1.type == .float64)
    #expect(t1.values == sampleModel().weights[0].values)
    let report = try Exchange.inspect(path: path)
    #expect(report.tensors.map(\.name) == ["/Theta1", "/Theta2"])
  }

  @Test func refusesANonHDF5File() throws {
    let path = scratch() + "/bad.h5"
    FileManager.default.createFile(
      atPath: path, contents: Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2]))
    #expect(throws: ExchangeError.self) { try Exchange.importModel(path: path) }
  }
}

@Suite struct ONNXExchangeTests {
  @Test(arguments: [DType.float64, .float32])
  func roundTripsToTheSameModel(_ dtype: DType) throws {
    let path = scratch() + "/m.onnx"
    let model = sampleModel(dtype: dtype)
    try Exchange.export(model, to: path, options: ExportOptions(format: .onnx))
    let back = try Exchange.importModel(path: path)
    #expect(try ModelFile.encode(back) == ModelFile.encode(model))
  }

  @Test func refusesTruncatedProtobuf() throws {
    let path = scratch() + "/m.onnx"
    try Exchange.export(sampleModel(), to: path, options: ExportOptions(format: .onnx))
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
    #expect(throws: ExchangeError.self) { try Exchange.importModel(path: path) }
  }
}

@Suite struct ExportRulesTests {
  @Test func refusesToReplaceWithoutOverwrite() throws {
    let path = scratch() + "/m.safetensors"
    FileManager.default.createFile(atPath: path, contents: Data("keep".utf8))
    #expect(throws: ExchangeError.self) {
      try Exchange.export(sampleModel(), to: path, options: ExportOptions(format: .safetensors))
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
  }

  @Test(arguments: ["4", "5", "7.3"])
  func writesMATVersions(_ version: String) throws {
    let path = scratch() + "/m.mat"
    var options = ExportOptions(format: .mat)
    options.matVersion = version
    try Exchange.export(sampleModel(), to: path, options: options)
    #expect(FileManager.default.fileExists(atPath: path))
  }

  @Test func formatsFromNames() {
    #expect(ExchangeFormat(path: "a/b.H5") == .hdf5)
    #expect(ExchangeFormat(path: "m.safetensors") == .safetensors)
    #expect(ExchangeFormat(path: "dir.x/m") == nil)
  }
}
