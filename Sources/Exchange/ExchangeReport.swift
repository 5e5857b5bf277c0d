import SafeFile

/// What `theta inspect` shows of an HDF5 or safetensors file (also its JSON schema).
public struct ExchangeReport: Encodable, Sendable {
  /// One tensor (safetensors) or dataset (HDF5).
  public struct Tensor: Encodable, Sendable {
    /// Tensor name or dataset path.
    public var name: String
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// `F64`, `F32`, … (safetensors) or `float64`, `int64`, … (HDF5).
    public var dtype: String
  }
  /// One metadata entry (`__metadata__` or an HDF5 attribute).
  public struct Entry: Encodable, Sendable {
    /// Key (HDF5: `path@attribute`).
    public var key: String
    /// Value as text.
    public var value: String
  }
  /// `safetensors` or `hdf5`.
  public var kind: String
  /// The path inspected.
  public var file: String
  /// Tensors or datasets, in file order.
  public var tensors: [Tensor]
  /// Metadata entries.
  public var metadata: [Entry]

  /// The text `inspect` prints.
  public var text: String {
    var lines = [
      "\(file): \(kind == "hdf5" ? "HDF5" : "safetensors") file, \(tensors.count) \(kind == "hdf5" ? "datasets" : "tensors")",
      "",
    ]
    let width = max(8, (tensors.map(\.name.count).max() ?? 0) + 2)
    lines.append("  " + padded("name", to: width) + "shape        dtype")
    for t in tensors {
      lines.append(
        "  " + padded(t.name, to: width)
          + padded(t.shape.map(String.init).joined(separator: "×"), to: 12) + " "
          + t.dtype)
    }
    if !metadata.isEmpty {
      lines.append("")
      lines.append("  metadata")
      let w = (metadata.map(\.key.count).max() ?? 0) + 2
      for e in metadata {
        let v = e.value.count > 120 ? String(e.value.prefix(117)) + "…" : e.value
        lines.append("    " + padded(e.key, to: w) + v)
      }
    }
    return lines.joined(separator: "\n")
  }
}

extension Exchange {
  /// Lists the tensors (safetensors) or datasets (HDF5) of a file with shapes,
  /// dtypes and metadata, without requiring it to hold a Theta model.
  ///
  /// - Throws: ``ExchangeError`` when the file is not a readable HDF5 or safetensors file.
  public static func inspect(path: String) throws(ExchangeError) -> ExchangeReport {
    switch detectFormat(path: path) {
    case .safetensors:
      let bytes: [UInt8]
      do { bytes = try SafeFile.read(path) } catch { throw .io(error) }
      let h: Safetensors.Header
      do { h = try Safetensors.header(bytes) } catch {
        throw .malformed(file: path, format: .safetensors, reason: error.description)
      }
      return ExchangeReport(
        kind: "safetensors", file: path,
        tensors: h.tensors.map { .init(name: $0.name, shape: $0.shape, dtype: $0.dtype) },
        metadata: h.metadata.map { .init(key: $0.key, value: $0.value) })
    case .hdf5: return try HDF5Exchange.inspect(path: path)
    default: throw .unknownFormat(path: path)
    }
  }
}

/// `text` cut or padded with spaces to `width` characters, as Foundation's
/// `padding(toLength:withPad:startingAt:)` with a space. Also the CLI's, for its tables.
package func padded(_ text: String, to width: Int) -> String {
  text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
}
