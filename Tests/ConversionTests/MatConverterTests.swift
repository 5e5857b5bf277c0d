import Conversion
import Foundation
import ModelFormat
import TestSupport
import Testing

@Suite struct MatConverterTests {
  /// REFERENCE.md: the seed's nn_params of ex4weights.mat.
  @Test func courseWeightsConvertToTheSeedsUnrolledVector() throws {
    guard let path = Fixtures.courseWeights() else { return }
    let model = try MatConverter.convert(path: path)
    #expect(model.layerSizes == [400, 25, 10])
    let p = model.unrolled
    #expect(p.count == 10285)
    #expect(abs(p.reduce(0, +) - -90.84079992118393) < 1e-9)
    let first = [-2.25623899e-02, -1.05624163e-08, 2.19414684e-09, -6.92223359e-06, 8.88278871e-05]
    for (a, b) in zip(p.prefix(5), first) { #expect(String(format: "%.8e", a) == String(format: "%.8e", b)) }
    #expect(
      model.metadata.string("provenance.source_sha256")
        == "7eb93f42e50219a15de2378c7f8e4ecdd71005fc19e0e519cd52d5ce4d74e1f5")
    #expect(model.inputShape == [20, 20])
  }

  /// REFERENCE.md: Octave's column-major unrolling starts -0.02256239 -0.09838113 0.11615605 …
  @Test func courseWeightsTransposeFromColumnMajor() throws {
    guard let path = Fixtures.courseWeights() else { return }
    let t1 = try MatConverter.convert(path: path).weights[0]
    let octave = [-0.02256239, -0.09838113, 0.11615605, -0.2396933, -0.73162538]
    for (i, v) in octave.enumerated() { #expect(abs(t1[i, 0] - v) < 5e-9) }
  }

  /// The small fixtures hold Theta1[i, j] = sin(k)/10 with k = 1 + i + 3j (column-major
  /// index + 1) for the 3×5 matrix (tools/make_mat_fixtures.py); check a few by formula.
  @Test(arguments: ["weights_v4.mat", "weights_v5.mat", "weights_v5z.mat", "weights_v73.mat"])
  func everyMatVersionGivesTheSameModel(_ name: String) throws {
    let reference = try MatConverter.convert(path: Fixtures.path("mat/weights_v5.mat"))
    let model = try MatConverter.convert(path: Fixtures.path("mat/" + name))
    #expect(model.weights == reference.weights)
    #expect(model.layerSizes == [4, 3, 2])
  }

  @Test func optionsAreRecorded() throws {
    var options = ConversionOptions()
    options.variables = ["model.Theta1", "model.Theta2"]
    options.labels = [7, 9]
    options.inputShape = [2, 2]
    options.userMetadata = [("owner", "me")]
    options.dtype = .float32
    let m = try MatConverter.convert(path: Fixtures.path("mat/weights_v5.mat"), options: options)
    #expect(m.labels == [7, 9])
    #expect(m.inputShape == [2, 2])
    #expect(m.metadata.string("user.owner") == "me")
    #expect(m.metadata["provenance.variables"] == .stringArray(["model.Theta1", "model.Theta2"]))
    #expect(m.dtype == .float32)
  }

  @Test func wrongLabelCountAndShapeAreRefused() {
    var options = ConversionOptions()
    options.labels = [1, 2, 3]
    #expect(throws: ConversionError.self) {
      _ = try MatConverter.convert(path: Fixtures.path("mat/weights_v5.mat"), options: options)
    }
    options = ConversionOptions()
    options.inputShape = [3, 3]
    #expect(throws: ConversionError.self) {
      _ = try MatConverter.convert(path: Fixtures.path("mat/weights_v5.mat"), options: options)
    }
    options = ConversionOptions()
    options.variables = ["Theta2", "Theta1"]
    #expect(throws: ConversionError.self) {
      _ = try MatConverter.convert(path: Fixtures.path("mat/weights_v5.mat"), options: options)
    }
  }
}
