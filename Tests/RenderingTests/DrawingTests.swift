import PNGImage
import Rendering
import Testing

@Suite struct ColormapTests {
  @Test func binaryIsWhiteAtZeroAndBlackAtOne() {
    #expect(Colormap.binary.grayLevel(0) == 255)
    #expect(Colormap.binary.grayLevel(1) == 0)
    #expect(Colormap.binary.grayLevel(0.5) == 127)
    #expect(Colormap.binary.grayLevel(-3) == 255)
    #expect(Colormap.binary.grayLevel(7) == 0)
    #expect(Colormap.binary.grayLevel(.nan) == 255)
  }

  @Test func binaryFollowsMatplotlibsLookupTable() {
    // Entry i of the 256-entry table covers [i/256, (i+1)/256) and is gray 255 − i.
    for i in 0..<256 {
      let middle = (Double(i) + 0.5) / 256
      #expect(Colormap.binary.grayLevel(middle) == UInt8(255 - i))
      #expect(Colormap.binary.grayLevel(Double(i) / 256) == UInt8(255 - i))
    }
  }

  @Test func tileRangeSpansTheTilesOwnMinimumAndMaximum() {
    #expect(ToneRange.tile.normalise([2, 4, 3]) == [0, 1, 0.5])
    #expect(ToneRange.tile.normalise([5, 5]) == [0, 0])
    #expect(ToneRange.fixed(low: 0, high: 10).normalise([5, 20]) == [0.5, 2])
  }
}

@Suite struct ImageShapeTests {
  @Test(arguments: [("20x20", 20, 20), ("4X8", 4, 8), ("1x400", 1, 400)])
  func parsesHeightByWidth(_ text: String, _ h: Int, _ w: Int) throws {
    let shape = try #require(ImageShape(parsing: text))
    #expect(shape.height == h && shape.width == w && shape.order == .columnMajor)
  }

  @Test(arguments: ["20", "0x20", "20x", "axb", "20x20x1", "-2x-2"])
  func refusesOtherText(_ text: String) {
    #expect(ImageShape(parsing: text) == nil)
  }

  @Test func columnMajorIsTheSeedsReshapeTransposed() {
    // row.reshape((20, 20)).T: pixel (r, c) is value c·20 + r.
    let course = ImageShape(height: 20, width: 20)
    #expect(course.valueIndex(row: 0, column: 1) == 20)
    #expect(course.valueIndex(row: 3, column: 2) == 43)
    let rowMajor = ImageShape(height: 20, width: 20, order: .rowMajor)
    #expect(rowMajor.valueIndex(row: 3, column: 2) == 62)
  }

  @Test func squareShapesOnlyForSquareCounts() {
    #expect(ImageShape.square(pixels: 400) == ImageShape(height: 20, width: 20))
    #expect(ImageShape.square(pixels: 401) == nil)
  }

  @Test func tileReshapesValuesInTheGivenOrder() {
    // Values 0…5 as 2×3, column-major: rows [0 2 4] and [1 3 5].
    let values: [Double] = [0, 1, 2, 3, 4, 5]
    let tile = Tile(values: values, shape: ImageShape(height: 2, width: 3), range: .fixed(low: 0, high: 5))
    let expected = [0, 2, 4, 1, 3, 5].map { Colormap.binary.grayLevel(Double($0) / 5) }
    #expect(tile.levels == expected)
    let rowTile = Tile(
      values: values, shape: ImageShape(height: 2, width: 3, order: .rowMajor), range: .fixed(low: 0, high: 5))
    #expect(rowTile.levels == values.map { Colormap.binary.grayLevel($0 / 5) })
  }
}

@Suite struct GridLayoutTests {
  @Test(arguments: [(10, 2, 411), (5, 4, 406), (1, 20, 402), (40, 1, 841)])
  func defaultScaleMakesAtLeast400PixelsWide(_ columns: Int, _ scale: Int, _ width: Int) throws {
    let layout = try GridLayout(rows: 3, columns: columns, tileHeight: 20, tileWidth: 20)
    #expect(layout.scale == scale)
    #expect(layout.width == width)
    #expect(layout.height == 3 * 20 * scale + 4)
  }

  @Test func tilesGoRowByRowWithOnePixelSeparators() throws {
    let layout = try GridLayout(rows: 2, columns: 3, tileHeight: 2, tileWidth: 4, scale: 5)
    #expect(layout.origin(ofTile: 0) == (1, 1))
    #expect(layout.origin(ofTile: 2) == (43, 1))
    #expect(layout.origin(ofTile: 3) == (1, 12))
  }

  @Test(arguments: [(25, 5, 5), (10, 3, 4), (1, 1, 1), (26, 5, 6), (16, 4, 4)])
  func gridIsCloseToSquare(_ n: Int, _ rows: Int, _ columns: Int) {
    #expect(Pictures.squareGrid(n) == (rows, columns))
  }

  @Test func refusesEmptyAndHugeGrids() {
    #expect(throws: RenderingError.badGrid(rows: 0, columns: 3, scale: 1)) {
      try GridLayout(rows: 0, columns: 3, tileHeight: 2, tileWidth: 2, scale: 1)
    }
    #expect(throws: RenderingError.tooLarge(width: 41_001, height: 41_001)) {
      try GridLayout(rows: 1000, columns: 1000, tileHeight: 20, tileWidth: 20, scale: 2)
    }
  }
}

@Suite struct BitmapFontTests {
  @Test func everyGlyphIsFiveByEight() {
    let all = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + BitmapFont.punctuation
    for ch in all {
      #expect(BitmapFont.contains(ch), "no glyph for \(ch)")
      let rows = BitmapFont.glyph(ch)
      #expect(rows.count == BitmapFont.glyphHeight)
      #expect(rows.allSatisfy { $0 < 32 })
      #expect(rows.contains { $0 != 0 }, "\(ch) is blank")
    }
  }

  @Test func glyphsAreDistinct() {
    let all = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + BitmapFont.punctuation
    var seen: [[UInt8]: Character] = [:]
    for ch in all where ch != "−" {  // the minus sign draws as the hyphen
      if let other = seen[BitmapFont.glyph(ch)] { Issue.record("\(ch) looks like \(other)") }
      seen[BitmapFont.glyph(ch)] = ch
    }
  }

  @Test func textIsDrawnWhereItsGlyphsSay() throws {
    var canvas = try Canvas(width: 20, height: 10)
    canvas.text("1", x: 2, y: 1, color: .black)
    let one = BitmapFont.glyph("1")
    for gy in 0..<8 {
      for gx in 0..<5 {
        let ink = one[gy] & (1 << (4 - gx)) != 0
        #expect(canvas[2 + gx, 1 + gy] == (ink ? Color.black : Color.white))
      }
    }
    #expect(BitmapFont.width(of: "10") == 11)
    #expect(BitmapFont.width(of: "10", scale: 2) == 22)
  }

  @Test func unknownCharactersDrawAsABox() {
    #expect(!BitmapFont.contains("€"))
    #expect(BitmapFont.glyph("€")[0] == 0b11111)
  }
}

@Suite struct NumberTextTests {
  @Test(arguments: [
    (0.25, 1, "0.3"), (-0.04, 1, "0.0"), (1234.5, 0, "1235"), (0.05, 2, "0.05"), (-1.5, 1, "-1.5"),
    (2, 0, "2"), (0.000123, 5, "0.00012"),
  ])
  func fixedDecimals(_ value: Double, _ decimals: Int, _ text: String) {
    #expect(NumberText.fixed(value, decimals: decimals) == text)
  }

  @Test func significantDigits() {
    #expect(NumberText.significant(0.3834931723112092, digits: 5) == "0.38349")
    #expect(NumberText.significant(1, digits: 4) == "1")
    #expect(NumberText.significant(6.875, digits: 2) == "6.9")
    #expect(NumberText.significant(0, digits: 3) == "0")
  }

  @Test func ticksAreNiceNumbersCoveringTheData() {
    let t = Ticks(low: 0.3835, high: 6.87)
    #expect(t.values == [0, 2, 4, 6, 8])
    #expect(t.labels == ["0", "2", "4", "6", "8"])
    let fine = Ticks(low: 0.31, high: 0.47)
    #expect(fine.labels == ["0.30", "0.35", "0.40", "0.45", "0.50"])
    let flat = Ticks(low: 2, high: 2)
    #expect(flat.low < 2 && flat.high > 2)
    let iterations = Ticks(low: 0, high: 3, minimumStep: 1)
    #expect(iterations.values == [0, 1, 2, 3])
  }
}
