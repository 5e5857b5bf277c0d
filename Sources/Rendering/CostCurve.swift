extension Pictures {
  /// The width of the cost plot before scaling: 400 units.
  public static let curveWidth = 400
  /// The height of the cost plot before scaling: 260 units.
  public static let curveHeight = 260

  /// The cost per iteration of a training record as a line plot: iterations
  /// on the x axis (`iteration`), J on the y axis (`cost J`), tick values at
  /// nice numbers with light grid lines, and the record in the title.
  ///
  /// The plot is laid out in `400 × 260` units; `scale` pixels per unit (text
  /// in the ``BitmapFont`` at one font pixel per unit). Point `i` is J after
  /// iteration `i` (0 is the start); NaN or infinite costs are left out,
  /// breaking the line, and a point with no finite neighbour is a small square.
  ///
  /// - Parameters:
  ///   - record: the training record.
  ///   - scale: pixels per unit, at least 1 (2 gives 800 × 520 pixels).
  /// - Returns: the picture.
  /// - Throws: ``RenderingError/noFiniteCost(count:)``, ``RenderingError/badGrid(rows:columns:scale:)``
  ///   for a scale below 1, ``RenderingError/tooLarge(width:height:)``.
  public static func costCurve(_ record: TrainingRecord, scale: Int = 2) throws(RenderingError) -> Canvas {
    guard scale >= 1 else { throw .badGrid(rows: 1, columns: 1, scale: scale) }
    guard scale <= Canvas.maximumSide / curveWidth else {
      throw .tooLarge(
        width: curveWidth * min(scale, Canvas.maximumSide), height: curveHeight * min(scale, Canvas.maximumSide))
    }
    let history = record.costHistory
    let finite = history.filter(\.isFinite)
    guard let jMin = finite.min(), let jMax = finite.max() else {
      throw .noFiniteCost(count: history.count)
    }
    let s = scale
    var canvas = try Canvas(width: curveWidth * s, height: curveHeight * s, background: .white)
    let yTicks = Ticks(low: jMin, high: jMax, count: 6)
    let xTicks = Ticks(low: 0, high: Double(max(history.count - 1, 1)), count: 6, minimumStep: 1)
    let yLabels = yTicks.labels
    let xLabels = xTicks.labels
    let glyph = BitmapFont.glyphHeight
    let labelWidth = yLabels.map { BitmapFont.width(of: $0) }.max() ?? 0

    // Layout, in units.
    let left = 6 + glyph + 6 + labelWidth + 5
    let right = curveWidth - 14
    let top = 24
    let bottom = curveHeight - 34
    func px(_ x: Double) -> Int {
      Int((Double(left * s) + (x - xTicks.low) / (xTicks.high - xTicks.low) * Double((right - left) * s)).rounded())
    }
    func py(_ y: Double) -> Int {
      Int((Double(bottom * s) - (y - yTicks.low) / (yTicks.high - yTicks.low) * Double((bottom - top) * s)).rounded())
    }
    let thin = max(1, s / 2)

    // Title.
    let title = record.title
    let titleWidth = BitmapFont.width(of: title)
    canvas.text(title, x: max(6, (curveWidth - titleWidth) / 2) * s, y: 7 * s, scale: s, color: .black)

    // Grid lines, ticks and tick labels.
    for (value, label) in zip(yTicks.values, yLabels) {
      let y = py(value)
      canvas.fill(x: left * s, y: y - thin / 2, width: (right - left) * s, height: thin, color: .grid)
      canvas.fill(x: (left - 3) * s, y: y - thin / 2, width: 3 * s, height: thin, color: .black)
      let w = BitmapFont.width(of: label)
      canvas.text(label, x: (left - 5 - w) * s, y: y - 3 * s, scale: s, color: .black)
    }
    for (value, label) in zip(xTicks.values, xLabels) {
      let x = px(value)
      canvas.fill(x: x - thin / 2, y: top * s, width: thin, height: (bottom - top) * s, color: .grid)
      canvas.fill(x: x - thin / 2, y: bottom * s, width: thin, height: 3 * s, color: .black)
      let w = BitmapFont.width(of: label)
      canvas.text(label, x: x - w * s / 2, y: (bottom + 6) * s, scale: s, color: .black)
    }

    // The frame.
    canvas.fill(x: left * s, y: top * s, width: (right - left) * s + thin, height: thin, color: .black)
    canvas.fill(x: left * s, y: bottom * s, width: (right - left) * s + thin, height: thin, color: .black)
    canvas.fill(x: left * s, y: top * s, width: thin, height: (bottom - top) * s + thin, color: .black)
    canvas.fill(x: right * s, y: top * s, width: thin, height: (bottom - top) * s + thin, color: .black)

    // Axis labels.
    let xName = "iteration"
    canvas.text(
      xName, x: (left + right - BitmapFont.width(of: xName)) / 2 * s, y: (bottom + 19) * s, scale: s,
      color: .black)
    let yName = "cost J"
    canvas.text(
      yName, x: 6 * s, y: ((top + bottom + BitmapFont.width(of: yName)) / 2) * s, scale: s,
      color: .black, vertical: true)

    // The curve.
    var previous: (Int, Int)?
    for (i, j) in history.enumerated() {
      guard j.isFinite else {
        previous = nil
        continue
      }
      let point = (px(Double(i)), py(j))
      if let p = previous {
        canvas.line(from: p.0, p.1, to: point.0, point.1, thickness: s, color: .blue)
      } else if i + 1 == history.count || !history[i + 1].isFinite {
        // A point with no finite neighbour to join: a small square.
        canvas.fill(x: point.0 - s, y: point.1 - s, width: 2 * s + 1, height: 2 * s + 1, color: .blue)
      }
      previous = point
    }
    return canvas
  }
}
