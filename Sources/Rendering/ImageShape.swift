public import ModelFormat

/// How the values of one example are laid out as pixels.
public enum PixelOrder: String, Equatable, Sendable, CaseIterable {
  /// Value `c·height + r` is the pixel at row `r`, column `c`: the course data,
  /// and the seed's `row.reshape((20, 20)).T`.
  case columnMajor = "column-major"
  /// Value `r·width + c` is the pixel at row `r`, column `c` (numpy's `reshape`).
  case rowMajor = "row-major"
}

/// An example's values seen as a `height × width` picture.
public struct ImageShape: Equatable, Sendable, CustomStringConvertible {
  /// Rows of pixels.
  public var height: Int
  /// Pixels per row.
  public var width: Int
  /// Which value is which pixel.
  public var order: PixelOrder

  /// A shape; the course's is `ImageShape(height: 20, width: 20)` in column-major order.
  ///
  /// - Parameters:
  ///   - height: rows of pixels, at least 1.
  ///   - width: pixels per row, at least 1.
  ///   - order: column-major (the course) by default.
  public init(height: Int, width: Int, order: PixelOrder = .columnMajor) {
    precondition(height >= 1 && width >= 1, "ImageShape: \(height)x\(width) needs sides of at least 1")
    self.height = height
    self.width = width
    self.order = order
  }

  /// Parses `HxW` (also `HXW`), e.g. `20x20`; `nil` unless both sides are whole numbers ≥ 1.
  ///
  /// - Parameters:
  ///   - text: the option's value.
  ///   - order: the pixel order to attach.
  public init?(parsing text: String, order: PixelOrder = .columnMajor) {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h >= 1, w >= 1,
      h <= 65_535, w <= 65_535
    else { return nil }
    self.init(height: h, width: w, order: order)
  }

  /// The shape a model declares: metadata `input.shape` (`[height, width]`) and
  /// `input.order` (column-major when absent); `nil` without `input.shape`.
  ///
  /// - Parameter model: the model.
  public init?(model: ThetaModel) {
    guard let s = model.inputShape, s.count == 2, s[0] >= 1, s[1] >= 1 else { return nil }
    let order = model.metadata.string("input.order").flatMap(PixelOrder.init(rawValue:)) ?? .columnMajor
    self.init(height: s[0], width: s[1], order: order)
  }

  /// The square shape `n × n` for `n²` values in column-major order, else `nil`.
  ///
  /// - Parameter pixels: values per example.
  public static func square(pixels: Int) -> ImageShape? {
    guard pixels >= 1 else { return nil }
    let n = Int(Double(pixels).squareRoot().rounded())
    return n * n == pixels ? ImageShape(height: n, width: n) : nil
  }

  /// A `--input-shape` value to suggest for `pixels` values: `20x20` for 400,
  /// else `HxW`.
  static func suggestion(forPixels pixels: Int) -> String {
    square(pixels: pixels).map { "\($0.height)x\($0.width)" } ?? "HxW (height x width = \(pixels))"
  }

  /// `height × width`.
  public var pixelCount: Int { height * width }

  /// The index in an example's values of the pixel at `row`, `column`.
  ///
  /// - Parameters:
  ///   - row: 0-based, from the top.
  ///   - column: 0-based, from the left.
  public func valueIndex(row: Int, column: Int) -> Int {
    order == .columnMajor ? column * height + row : row * width + column
  }

  /// `HxW, order`, e.g. `20x20, column-major`.
  public var description: String { "\(height)x\(width), \(order.rawValue)" }
}
