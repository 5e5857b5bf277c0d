import MatFile
import ModelFormat
import SafeFile

/// Why an export or an import failed; `description` is the one-line message a user sees.
public enum ExchangeError: Error, CustomStringConvertible {
  /// Reading or writing a file failed.
  case io(SafeFileError)
  /// The output name does not say which format to write and `--format` was not given.
  case unknownFormat(path: String)
  /// A file of an exchange format whose contents are refused.
  case malformed(file: String, format: ExchangeFormat, reason: String)
  /// An option that the chosen format does not support.
  case unsupported(format: ExchangeFormat, reason: String)
  /// The model read from (or about to be written to) a file breaks the model rules.
  case model(file: String, ModelFormatError)
  /// libhdf5 reported an error.
  case hdf5(file: String, message: String)
  /// matio reported an error.
  case mat(MatFileError)

  public var description: String {
    switch self {
    case .io(let e): e.description
    case .unknownFormat(let path):
      "\(path): cannot tell the format from the name; pass --format hdf5|csv|mat|safetensors|onnx"
    case .malformed(let file, let format, let reason): "\(file): not a valid \(format.displayName) model: \(reason)"
    case .unsupported(let format, let reason): "\(format.displayName): \(reason)"
    case .model(let file, let e): "\(file): \(e)"
    case .hdf5(let file, let message): "\(file): HDF5 error: \(message)"
    case .mat(let e): e.description
    }
  }
}
