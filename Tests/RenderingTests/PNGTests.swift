import Foundation
import PNGImage
import SafeFile
import TestSupport
import Testing

@Suite struct PNGTests {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  func sample(_ format: Raster.PixelFormat) throws -> Raster {
    let (w, h) = (7, 5)
    let pixels = (0..<(w * h * format.channels)).map { UInt8(($0 * 37) % 256) }
    return try Raster(width: w, height: h, format: format, pixels: pixels)
  }

  @Test(arguments: Raster.PixelFormat.allCases)
  func encodeThenDecodeGivesThePixelsBack(_ format: Raster.PixelFormat) throws {
    let raster = try sample(format)
    let bytes = try PNG.encode(raster)
    #expect(Array(bytes.prefix(8)) == Self.signature)
    #expect(try PNG.decode(bytes) == raster)
  }

  @Test(arguments: Raster.PixelFormat.allCases)
  func encodingIsDeterministic(_ format: Raster.PixelFormat) throws {
    let raster = try sample(format)
    #expect(try PNG.encode(raster) == PNG.encode(raster))
  }

  @Test func pixelSubscriptReadsRowByRowFromTheTopLeft() throws {
    let r = try Raster(width: 2, height: 2, format: .rgb, pixels: Array(0..<12))
    #expect(Array(r[1, 0]) == [3, 4, 5])
    #expect(Array(r[0, 1]) == [6, 7, 8])
  }

  @Test func rasterRefusesWrongSizes() {
    #expect(throws: PNGError.badSize(width: 0, height: 3)) {
      try Raster(width: 0, height: 3, format: .gray, pixels: [])
    }
    #expect(throws: PNGError.pixelCount(expected: 6, actual: 5)) {
      try Raster(width: 2, height: 3, format: .gray, pixels: [UInt8](repeating: 0, count: 5))
    }
  }

  @Test func decodeRefusesBytesThatAreNotPNG() {
    do {
      _ = try PNG.decode(Array("not a png file at all".utf8))
      Issue.record("decoded garbage")
    } catch {
      guard case .libpng(let call, let message) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(call == "png_image_begin_read_from_memory")
      #expect(!message.isEmpty)
      #expect(!error.description.contains("\n"))
    }
  }

  @Test func writeIsAtomicAndReplacesOnlyWhenAsked() throws {
    let dir = Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("a.png").path
    let gray = try sample(.gray)
    let rgb = try sample(.rgb)
    try PNG.write(gray, to: path, overwrite: false)
    #expect(try PNG.read(path: path) == gray)
    #expect(throws: PNGError.io(.exists(path: path))) {
      try PNG.write(rgb, to: path, overwrite: false)
    }
    #expect(try PNG.read(path: path) == gray)
    try PNG.write(rgb, to: path, overwrite: true)
    #expect(try PNG.read(path: path) == rgb)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.png"])
  }

  @Test func writeIntoAMissingDirectoryFailsWithoutLeavingAFile() throws {
    let path = "/nonexistent-theta-dir/a.png"
    let raster = try sample(.gray)
    do {
      try PNG.write(raster, to: path, overwrite: false)
      Issue.record("wrote into a missing directory")
    } catch {
      guard case .io(.system(let p, _, _)) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(p == path)
    }
  }
}
