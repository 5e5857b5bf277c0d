import MatFile
import ModelFormat

/// How an unrolled parameter vector is laid out.
public enum UnrolledOrder: String, Sendable, CaseIterable {
  /// The seed's `nn_params = hstack(Theta1.ravel(), Theta2.ravel())`: each matrix row-major.
  case row
  /// Octave's `[Theta1(:); Theta2(:)]`: each matrix column-major.
  case column
}

/// What to read from a course weights file and what to record in the model.
public struct ConversionOptions: Sendable {
  /// Matrices to read, in order (`Theta1`, `model.Theta2`, …); empty finds `Theta1` … `ThetaN`.
  public var variables: [String] = []
  /// Read one unrolled parameter vector of this name instead of matrices.
  public var unrolled: String? = nil
  /// Layer sizes for an unrolled vector (`[400, 25, 10]`).
  public var layers: [Int]? = nil
  /// Layout of an unrolled vector.
  public var order: UnrolledOrder = .row
  /// Storage type of the written model.
  public var dtype: DType = .float64
  /// The label of each output unit; default `1 … K`.
  public var labels: [Int]? = nil
  /// The input image shape; default `[20, 20]` when there are 400 inputs (the course's images).
  public var inputShape: [Int]? = nil
  /// Free `user.*` key/values.
  public var userMetadata: [(key: String, value: String)] = []

  /// Default options: find `Theta1` … `ThetaN`, float64, course labels.
  public init() {}
}

/// Converts course weight files (`ex4weights.mat`, any MAT version) into Theta models.
public enum MatConverter {
  /// The tool name and version recorded as `provenance.tool`.
  public static let tool = "theta 0.1.0"

  /// Reads the weights from the MAT file at `path` and builds a checked model.
  ///
  /// Matrices are found by name (`Theta1` … `ThetaN`, or `options.variables`), or
  /// sliced from one unrolled vector; their shapes must chain (columns of
  /// Theta(l+1) = rows of Theta(l) + 1) and every value must be finite. MAT files
  /// store matrices column-major; the model stores them row-major.
  ///
  /// - Throws: ``ConversionError`` naming the file, the variable and the problem.
  public static func convert(path: String, options: ConversionOptions = ConversionOptions())
    throws(ConversionError) -> ThetaModel
  {
    let mat: MatFile
    do { mat = try MatFile(path: path, digest: true) } catch { throw .mat(error) }
    let name = path

    var weights: [WeightMatrix] = []
    var variables: [String] = []
    let layout: String
    if let vector = options.unrolled {
      guard let layers = options.layers else { throw .needsLayers(file: name, variable: vector) }
      weights = try unroll(mat, file: name, variable: vector, layers: layers, order: options.order)
      variables = [vector]
      layout = options.order == .row ? "unrolled-row" : "unrolled-column"
    } else {
      variables = options.variables.isEmpty ? try findThetas(mat, file: name) : options.variables
      for (i, v) in variables.enumerated() {
        let m: MatMatrix
        do { m = try mat.readMatrix(named: v) } catch { throw .mat(error) }
        try checkFinite(m.columnMajor, rows: m.rows, file: name, variable: v, columnMajor: true)
        weights.append(
          WeightMatrix(
            name: "Theta\(i + 1)", rows: m.rows, columns: m.columns,
            values: transposeToRowMajor(m.columnMajor, rows: m.rows, columns: m.columns)))
      }
      for i in 1..<max(weights.count, 1) where weights[i].columns != weights[i - 1].rows + 1 {
        throw .shapesDoNotChain(
          file: name, previous: variables[i - 1], previousShape: (weights[i - 1].rows, weights[i - 1].columns),
          variable: variables[i], shape: (weights[i].rows, weights[i].columns))
      }
      if let bad = weights.firstIndex(where: { $0.columns < 2 }) {
        throw .tooFewColumns(file: name, variable: variables[bad])
      }
      layout = "matrices"
    }

    var meta = Metadata()
    let inputs = weights[0].columns - 1
    let outputs = weights.last!.rows
    meta["provenance.tool"] = .string(tool)
    meta["provenance.source_file"] = .string(baseName(path))
    guard let digest = mat.sha256 else { preconditionFailure("MatFile(digest: true) returned no digest") }
    meta["provenance.source_sha256"] = .string(digest)
    meta["provenance.source_format"] = .string("mat")
    meta["provenance.mat_version"] = .string(mat.version.rawValue)
    let infos = mat.variables()
    let topNames = Set(variables.map { String($0.split(separator: ".").first ?? "") })
    meta["provenance.mat_compressed"] = .bool(
      infos.contains { topNames.contains($0.name) && $0.isCompressed })
    meta["provenance.variables"] = .stringArray(variables)
    meta["provenance.layout"] = .string(layout)
    let labels = options.labels ?? Array(1...outputs)
    guard labels.count == outputs else {
      throw .labelCount(file: name, labels: labels.count, outputs: outputs)
    }
    if options.labels == nil, outputs == 10 {
      meta["model.label_names"] = .stringArray((1...10).map { $0 == 10 ? "0" : String($0) })
    }
    if let shape = options.inputShape ?? (inputs == 400 ? [20, 20] : nil) {
      guard shape.reduce(1, *) == inputs else {
        throw .inputShape(file: name, shape: shape, inputs: inputs)
      }
      meta["input.shape"] = .intArray(shape.map { Int64($0) })
      meta["input.order"] = .string("column-major")
    }
    for (key, value) in options.userMetadata {
      let full = "user." + key
      guard Metadata.isValidKey(full) else { throw .badUserKey(key) }
      meta[full] = .string(value)
    }
    let model = ThetaModel(weights: weights, labels: labels, dtype: options.dtype, metadata: meta)
    do { try model.validate() } catch { throw .model(file: name, error) }
    return model
  }

  /// The names `Theta1` … `ThetaN` present in the file, which must run from 1 without gaps.
  static func findThetas(_ mat: MatFile, file: String) throws(ConversionError) -> [String] {
    var numbers: [Int] = []
    for info in mat.variables() {
      guard info.name.hasPrefix("Theta"), let n = Int(info.name.dropFirst(5)), n >= 1,
        "Theta\(n)" == info.name
      else { continue }
      numbers.append(n)
    }
    numbers.sort()
    guard !numbers.isEmpty else { throw .noThetas(file: file) }
    guard numbers == Array(1...numbers.count) else {
      let missing = (1...numbers.last!).first { !numbers.contains($0) }!
      throw .missingTheta(file: file, name: "Theta\(missing)")
    }
    return numbers.map { "Theta\($0)" }
  }

  static func unroll(
    _ mat: MatFile, file: String, variable: String, layers: [Int], order: UnrolledOrder
  ) throws(ConversionError) -> [WeightMatrix] {
    guard layers.count >= 2, layers.allSatisfy({ $0 >= 1 }) else { throw .badLayers(layers) }
    let m: MatMatrix
    do { m = try mat.readMatrix(named: variable) } catch { throw .mat(error) }
    guard m.rows == 1 || m.columns == 1 else {
      throw .notAVector(file: file, variable: variable, rows: m.rows, columns: m.columns)
    }
    let needed = zip(layers.dropFirst(), layers).reduce(0) { $0 + $1.0 * ($1.1 + 1) }
    guard m.columnMajor.count == needed else {
      throw .vectorLength(file: file, variable: variable, count: m.columnMajor.count, layers: layers, needed: needed)
    }
    try checkFinite(m.columnMajor, rows: m.rows, file: file, variable: variable, columnMajor: true)
    var out: [WeightMatrix] = []
    var start = 0
    for k in 1..<layers.count {
      let rows = layers[k]
      let cols = layers[k - 1] + 1
      let slice = Array(m.columnMajor[start..<start + rows * cols])
      let values = order == .row ? slice : transposeToRowMajor(slice, rows: rows, columns: cols)
      out.append(WeightMatrix(name: "Theta\(k)", rows: rows, columns: cols, values: values))
      start += rows * cols
    }
    return out
  }

  static func checkFinite(
    _ values: [Double], rows: Int, file: String, variable: String, columnMajor: Bool
  ) throws(ConversionError) {
    guard let bad = values.firstIndex(where: { !$0.isFinite }) else { return }
    throw .nonFinite(file: file, variable: variable, row: bad % rows + 1, column: bad / rows + 1, value: values[bad])
  }

  /// Row-major copy of a column-major `rows × columns` matrix.
  static func transposeToRowMajor(_ cm: [Double], rows: Int, columns: Int) -> [Double] {
    var out = [Double](repeating: 0, count: cm.count)
    for j in 0..<columns {
      for i in 0..<rows { out[i * columns + j] = cm[j * rows + i] }
    }
    return out
  }

  static func baseName(_ path: String) -> String {
    path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
  }
}
