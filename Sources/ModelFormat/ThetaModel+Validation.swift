extension ThetaModel {
  /// Checks the model rules of `Docs/FORMAT.md` §7: required metadata with the
  /// right types and values, weights `Theta1` … `ThetaN` whose shapes chain with
  /// `model.layer_sizes`, finite values, one label per output unit, and valid keys.
  ///
  /// - Throws: ``ModelFormatError`` describing the first broken rule.
  public func validate() throws(ModelFormatError) {
    for (key, value) in metadata {
      guard Metadata.isValidKey(key) else { throw .badKey(key) }
      switch value {
      case .string(let s):
        guard !s.utf8.contains(0), s.utf8.count <= ModelFile.Limits.stringLength else {
          throw .badMetadataValue(key: key, reason: "text must be under 1 MiB and hold no NUL")
        }
      case .stringArray(let a):
        guard a.allSatisfy({ !$0.utf8.contains(0) }) else {
          throw .badMetadataValue(key: key, reason: "text must hold no NUL")
        }
      default: break
      }
    }
    try expectString("model.architecture", "fc-sigmoid")
    try expectString("model.activation", "sigmoid")
    try expectString("model.bias", "column0")
    guard let sizesValue = metadata["model.layer_sizes"] else { throw .missingKey("model.layer_sizes") }
    guard case .intArray(let sizes) = sizesValue else {
      throw .wrongType(key: "model.layer_sizes", expected: "int[]", actual: sizesValue.typeName)
    }
    try Self.checkLayerSizes(sizes)
    guard weights.count == sizes.count - 1 else {
      throw .badValue(
        key: "model.layer_sizes",
        reason: "\(sizes.count) layers need \(sizes.count - 1) weight matrices, the model has \(weights.count)")
    }
    for (i, w) in weights.enumerated() {
      let name = "Theta\(i + 1)"
      guard w.name == name else { throw .missingTensor(name) }
      let expected = [Int(sizes[i + 1]), Int(sizes[i]) + 1]
      guard [w.rows, w.columns] == expected else {
        throw .shapeMismatch(tensor: name, expected: expected, actual: [w.rows, w.columns])
      }
      if let bad = w.values.firstIndex(where: { !$0.isFinite }) {
        throw .nonFinite(tensor: name, row: bad / w.columns, column: bad % w.columns, value: w.values[bad])
      }
      if dtype == .float32, let bad = w.values.firstIndex(where: { !Float($0).isFinite }) {
        throw .badValue(
          key: "dtype", reason: "\(name) holds \(w.values[bad]), which float32 cannot represent")
      }
    }
    guard let labelsValue = metadata["model.labels"] else { throw .missingKey("model.labels") }
    guard case .intArray(let labels) = labelsValue else {
      throw .wrongType(key: "model.labels", expected: "int[]", actual: labelsValue.typeName)
    }
    guard labels.count == Int(sizes.last!) else {
      throw .badValue(
        key: "model.labels", reason: "\(labels.count) labels for \(sizes.last!) output units")
    }
    guard Set(labels).count == labels.count else {
      throw .badValue(key: "model.labels", reason: "labels must be distinct")
    }
    if let names = metadata["model.label_names"] {
      guard case .stringArray(let a) = names else {
        throw .wrongType(key: "model.label_names", expected: "string[]", actual: names.typeName)
      }
      guard a.count == labels.count else {
        throw .badValue(key: "model.label_names", reason: "\(a.count) names for \(labels.count) labels")
      }
    }
    if let shape = metadata["input.shape"] {
      guard case .intArray(let s) = shape else {
        throw .wrongType(key: "input.shape", expected: "int[]", actual: shape.typeName)
      }
      let product = s.reduce(Int64(1)) { $0 &* $1 }
      guard s.count == 2, s.allSatisfy({ $0 >= 1 && $0 <= Int64(Int32.max) }), product == sizes[0] else {
        throw .badValue(
          key: "input.shape",
          reason: "\(s.map(String.init).joined(separator: "x")) does not hold \(sizes[0]) inputs")
      }
    }
    if let order = metadata["input.order"] {
      guard case .string(let o) = order, o == "column-major" || o == "row-major" else {
        throw .badValue(key: "input.order", reason: "must be the string column-major or row-major")
      }
    }
  }

  private func expectString(_ key: String, _ expected: String) throws(ModelFormatError) {
    guard let v = metadata[key] else { throw .missingKey(key) }
    guard case .string(let s) = v else { throw .wrongType(key: key, expected: "string", actual: v.typeName) }
    guard s == expected else {
      throw .badValue(key: key, reason: "'\(s)' is not supported; this reader knows '\(expected)'")
    }
  }
}

extension ThetaModel {
  /// Refuses `model.layer_sizes` with fewer than 2 sizes or a size outside 1 … 2³¹ − 1
  /// (FORMAT.md §7.1), for the reader and for ``validate()``.
  static func checkLayerSizes(_ sizes: [Int64]) throws(ModelFormatError) {
    guard sizes.count >= 2, sizes.allSatisfy({ $0 >= 1 && $0 <= Int64(Int32.max) }) else {
      throw .badValue(key: "model.layer_sizes", reason: "needs at least 2 sizes, each 1 to 2147483647")
    }
  }
}
