#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Prints numbers as numpy prints an array (`print(grad[:5])` in the seed), so
/// that Theta's output can be compared with the seed's text digit for digit.
///
/// numpy's defaults (`precision=8`, `floatmode='maxprec'`): each value with the
/// fewest digits that identify it, at most 8 after the point, trailing zeros
/// dropped (`1.` keeps its point); scientific notation when the smallest
/// non-zero magnitude is below 1e-4, or the largest is 1e8 or more, or their
/// ratio exceeds 1000; every value padded to the same width on both sides of the
/// point (with spaces, or with zeros in the mantissas of scientific notation);
/// one space between values. Lines are not wrapped.
public enum NumpyFormat {
  /// `[a b c]` as numpy prints a 1-D float64 array.
  public static func array(_ values: some Collection<Double>) -> String {
    "[" + elements(Array(values)).joined(separator: " ") + "]"
  }

  /// The padded elements of ``array(_:)``, without brackets or separators.
  public static func elements(_ values: [Double]) -> [String] {
    let finite = values.filter { $0.isFinite && $0 != 0 }.map(abs)
    let maxValue = finite.max() ?? 0
    let minValue = finite.min() ?? 0
    let scientific = !finite.isEmpty && (maxValue >= 1e8 || minValue < 1e-4 || maxValue / minValue > 1e3)
    if scientific {
      // Mantissa and exponent, mantissa trimmed of trailing zeros.
      let parts: [(String, String)] = values.map { v in
        guard v.isFinite else { return (special(v), "") }
        let s = printed(v, "%.8e")
        let pieces = s.split(separator: "e", maxSplits: 1)
        return (trimZeros(String(pieces[0])), String(pieces[1]))
      }
      let intWidth = parts.map { $0.0.split(separator: ".", omittingEmptySubsequences: false)[0].count }.max() ?? 0
      let fracWidth = parts.map { fraction($0.0).count }.max() ?? 0
      let expDigits = max(2, parts.map { $0.1.isEmpty ? 0 : $0.1.count - 1 }.max() ?? 2)
      return parts.map { mantissa, exponent in
        if exponent.isEmpty {
          return String(repeating: " ", count: max(0, intWidth + fracWidth + 3 + expDigits - mantissa.count)) + mantissa
        }
        let intPart = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0]
        let sign = exponent.first.map(String.init) ?? "+"
        let digits = String(exponent.dropFirst())
        return String(repeating: " ", count: intWidth - intPart.count) + mantissa
          + String(repeating: "0", count: fracWidth - fraction(mantissa).count)
          + "e" + sign + String(repeating: "0", count: max(0, expDigits - digits.count)) + digits
      }
    }
    let texts = values.map { v in v.isFinite ? trimZeros(printed(v, "%.8f")) : special(v) }
    let intWidth = texts.map { $0.split(separator: ".", omittingEmptySubsequences: false)[0].count }.max() ?? 0
    let fracWidth = texts.map { fraction($0).count }.max() ?? 0
    return texts.map { t in
      let intPart = t.split(separator: ".", omittingEmptySubsequences: false)[0]
      if !t.contains(".") {  // nan, inf: right-aligned in the whole width
        return String(repeating: " ", count: max(0, intWidth + 1 + fracWidth - t.count)) + t
      }
      return String(repeating: " ", count: intWidth - intPart.count) + t
        + String(repeating: " ", count: fracWidth - fraction(t).count)
    }
  }

  private static func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = Substring(s)
    while t.hasSuffix("0") { t = t.dropLast() }
    return String(t)
  }

  private static func fraction(_ s: String) -> Substring {
    guard let dot = s.firstIndex(of: ".") else { return "" }
    return s[s.index(after: dot)...]
  }

  private static func special(_ v: Double) -> String {
    v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf")
  }

  /// `v` as C's `printf` prints it with `format` (one `double` conversion, such as
  /// `%.8e`); the corresponding C function is `snprintf`, as numpy's own float printing
  /// falls back to. At most 400 characters (`%.8f` of the largest double is 320).
  private static func printed(_ v: Double, _ format: String) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
      guard let base = buffer.baseAddress else { return "" }
      _ = withVaList([v]) { vsnprintf(base, buffer.count, format, $0) }
      return String(cString: base)
    }
  }
}
