import MatFile
import ModelFormat
import SafeFile

/// MAT exports through matio: `Theta1`, `Theta2`, … as `double` matrices in the
/// course's layout (`load model.mat; p = predict(Theta1, Theta2, X)` in Octave).
/// MAT files hold no metadata; `theta convert` reads them back with the MAT converter.
public enum MATExchange {
  /// The MAT file bytes for `model`: version `4`, `5` (zlib-compressed) or `7.3`.
  public static func encode(_ model: ThetaModel, version: String, name: String) throws(ExchangeError) -> [UInt8] {
    let v: MatVersion
    switch version {
    case "4": v = .v4
    case "5": v = .v5
    case "7.3": v = .v73
    default: throw .unsupported(format: .mat, reason: "--mat-version must be 4, 5 or 7.3")
    }
    let matrices = model.weights.map { w in
      var cm = [Double](repeating: 0, count: w.values.count)
      for r in 0..<w.rows { for c in 0..<w.columns { cm[c * w.rows + r] = w[r, c] } }
      if model.dtype == .float32 { cm = cm.map { Double(Float($0)) } }
      return MatWriter.Matrix(name: w.name, rows: w.rows, columns: w.columns, columnMajor: cm)
    }
    do { return try MatWriter.encode(matrices, version: v, compressed: true, name: name) } catch { throw .mat(error) }
  }

  static func write(_ model: ThetaModel, to path: String, version: String, overwrite: Bool) throws(ExchangeError) {
    let bytes = try encode(model, version: version, name: path)
    do { try SafeFile.write(bytes, to: path, overwrite: overwrite) } catch { throw .io(error) }
  }
}
