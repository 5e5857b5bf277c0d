import Foundation
import ModelFormat
import TestSupport
import Testing

/// A 4-3-2 network whose weights are sin(i + 1) / 10 over each matrix's row-major index.
func tinyModel(dtype: DType = .float64) -> ThetaModel {
  func matrix(_ name: String, _ r: Int, _ c: Int) -> WeightMatrix {
    WeightMatrix(name: name, rows: r, columns: c, values: (0..<r * c).map { sin(Double($0 + 1)) / 10 })
  }
  var meta = Metadata()
  meta["user.note"] = .string("unit test")
  meta["input.shape"] = .intArray([2, 2])
  meta["input.order"] = .string("column-major")
  return ThetaModel(weights: [matrix("Theta1", 3, 5), matrix("Theta2", 2, 4)], dtype: dtype, metadata: meta)
}

@Suite struct ModelFileRoundTripTests {
  @Test(arguments: DType.allCases) func roundTrips(_ dtype: DType) throws {
    let model = tinyModel(dtype: dtype)
    let bytes = try ModelFile.encode(model)
    let back = try ModelFile.decode(bytes).model
    #expect(back.layerSizes == [4, 3, 2])
    #expect(back.labels == [1, 2])
    #expect(back.metadata == model.metadata)
    for (a, b) in zip(back.weights, model.weights) {
      let expected = dtype == .float64 ? b.values : b.values.map { Double(Float($0)) }
      #expect(a.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
    #expect(try ModelFile.encode(back) == bytes)
  }

  @Test func encodingIsDeterministic() throws {
    #expect(try ModelFile.encode(tinyModel()) == ModelFile.encode(tinyModel()))
  }

  @Test func tensorsAreAlignedAndConcatenateToTheUnrolledVector() throws {
    let bytes = try ModelFile.encode(tinyModel())
    let decoded = try ModelFile.decode(bytes)
    #expect(decoded.tensors.allSatisfy { $0.offset % 64 == 0 })
    var unrolled: [Double] = []
    for t in decoded.tensors {
      for i in 0..<(t.length / 8) {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[t.offset + 8 * i + k]) << (8 * UInt64(k)) }
        unrolled.append(Double(bitPattern: v))
      }
    }
    #expect(unrolled == tinyModel().unrolled)
    #expect(Array(bytes.suffix(8)) == Array("ENDTHT\r\n".utf8))
  }
}

@Suite struct ModelFileDamageTests {
  static let good: [UInt8] = (try? ModelFile.encode(tinyModel())) ?? []

  @Test func everyTruncationIsDetected() {
    for length in 0..<Self.good.count {
      #expect(throws: ModelFormatError.self, "length \(length)") {
        _ = try ModelFile.decode(Array(Self.good[0..<length]))
      }
    }
  }

  @Test func everyHeaderBitFlipIsDetected() throws {
    let headerEnd = try ModelFile.decode(Self.good).tensors[0].offset
    for byte in 0..<headerEnd {
      for bit in 0..<8 {
        var bad = Self.good
        bad[byte] ^= UInt8(1 << bit)
        #expect(throws: ModelFormatError.self, "byte \(byte) bit \(bit)") {
          _ = try ModelFile.decode(bad)
        }
      }
    }
  }

  @Test func everyDataAndTrailerBitFlipIsDetected() throws {
    let start = try ModelFile.decode(Self.good).tensors[0].offset
    for byte in start..<Self.good.count {
      for bit in 0..<8 {
        var bad = Self.good
        bad[byte] ^= UInt8(1 << bit)
        #expect(throws: ModelFormatError.self, "byte \(byte) bit \(bit)") {
          _ = try ModelFile.decode(bad)
        }
      }
    }
  }

  @Test func trailingBytesAreRefused() {
    #expect(throws: ModelFormatError.self) { _ = try ModelFile.decode(Self.good + [0]) }
  }

  @Test func futureMajorVersionSaysWhichVersionItReads() {
    var bad = Self.good
    bad[8] = 2
    bad[9] = 0
    #expect {
      _ = try ModelFile.decode(bad)
    } throws: { e in
      (e as? ModelFormatError)?.description
        == "format version 2.0 is newer than this reader, which reads 1.x"
    }
  }

  @Test func wrongMagicSaysSo() {
    var bad = Self.good
    bad[1] = UInt8(ascii: "X")
    #expect(throws: ModelFormatError.notAThetaFile) { _ = try ModelFile.decode(bad) }
    #expect(throws: ModelFormatError.notAThetaFile) {
      _ = try ModelFile.decode(Array("MATLAB 5.0 MAT-file, Platform: GLNXA64".utf8))
    }
  }
}

@Suite struct ModelValidationTests {
  @Test func refusesNonFiniteWeights() {
    var m = tinyModel()
    m.weights[1].values[5] = .nan
    #expect(throws: ModelFormatError.self) { _ = try ModelFile.encode(m) }
  }

  @Test func refusesShapesThatDoNotChain() {
    let m = ThetaModel(weights: [
      WeightMatrix(name: "Theta1", rows: 3, columns: 5, values: Array(repeating: 0.1, count: 15)),
      WeightMatrix(name: "Theta2", rows: 2, columns: 3, values: Array(repeating: 0.1, count: 6)),
    ])
    #expect(throws: ModelFormatError.self) { try m.validate() }
  }

  @Test func refusesBadLabelsAndInputShape() {
    var m = tinyModel()
    m.metadata["model.labels"] = .intArray([1, 2, 3])
    #expect(throws: ModelFormatError.self) { try m.validate() }
    m = tinyModel()
    m.metadata["input.shape"] = .intArray([3, 3])
    #expect(throws: ModelFormatError.self) { try m.validate() }
  }
}
