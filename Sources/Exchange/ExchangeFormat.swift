/// The formats `theta export` writes and `theta convert` reads back.
public enum ExchangeFormat: String, Sendable, CaseIterable, CustomStringConvertible {
  /// HDF5 (`.h5`, `.hdf5`), through libhdf5.
  case hdf5
  /// Comma-separated text (`.csv`), one file per matrix or one unrolled column, plus a sidecar.
  case csv
  /// MAT (`.mat`) v4, v5 or v7.3, through matio.
  case mat
  /// safetensors (`.safetensors`), written and read in Swift.
  case safetensors
  /// ONNX (`.onnx`), a hand-encoded protobuf.
  case onnx
  /// The native `.theta` format (only as an import source).
  case theta

  /// The name shown in messages.
  public var displayName: String {
    switch self {
    case .hdf5: "HDF5"
    case .csv: "CSV"
    case .mat: "MAT"
    case .safetensors: "safetensors"
    case .onnx: "ONNX"
    case .theta: "Theta"
    }
  }

  /// The `--format` value.
  public var description: String { rawValue }

  /// The format named on the command line (`hdf5`/`h5`, `csv`, `mat`, `safetensors`/`st`, `onnx`).
  public init?(name: String) {
    switch name.lowercased() {
    case "hdf5", "h5": self = .hdf5
    case "csv": self = .csv
    case "mat": self = .mat
    case "safetensors", "st": self = .safetensors
    case "onnx": self = .onnx
    case "theta": self = .theta
    default: return nil
    }
  }

  /// The format a file name's extension names, or `nil`.
  public init?(path: String) {
    let lower = path.lowercased()
    guard let dot = lower.lastIndex(of: "."), !lower[dot...].contains("/") else { return nil }
    switch lower[lower.index(after: dot)...] {
    case "h5", "hdf5", "he5", "keras": self = .hdf5
    case "csv": self = .csv
    case "mat": self = .mat
    case "safetensors": self = .safetensors
    case "onnx": self = .onnx
    case "theta": self = .theta
    default: return nil
    }
  }

  /// The format recognised from a file's first bytes, or `nil` (CSV and ONNX have no magic).
  public init?(magic bytes: some Collection<UInt8>) {
    let head = Array(bytes.prefix(1032))
    let hdf5: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    if head.starts(with: [0x89, 0x54, 0x48, 0x54, 0x0D, 0x0A, 0x1A, 0x0A]) {
      self = .theta
    } else if head.starts(with: hdf5) {
      self = .hdf5
    } else if head.count >= 128, head[0..<6].elementsEqual("MATLAB".utf8) {
      self = .mat  // v5 / v7.3 header text (v7.3 is HDF5 at 512, still MAT)
    } else if head.count >= 9, head[8] == UInt8(ascii: "{"), head[0..<8].reversed().prefix(4).allSatisfy({ $0 == 0 }) {
      self = .safetensors
    } else {
      return nil
    }
  }
}
