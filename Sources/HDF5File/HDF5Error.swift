/// A failed libhdf5 call; `description` is the one-line message a user sees.
public enum HDF5Error: Error, Equatable, CustomStringConvertible {
  /// `call` (the C function, e.g. `H5Fopen`) failed on `object`; `message` is the
  /// innermost entry of HDF5's error stack.
  case call(String, object: String, message: String)
  /// The object exists but is not what the caller asked for.
  case unexpected(object: String, reason: String)

  public var description: String {
    switch self {
    case .call(let call, let object, let message):
      message.isEmpty ? "\(call) failed for \(object)" : "\(call) failed for \(object): \(message)"
    case .unexpected(let object, let reason): "\(object): \(reason)"
    }
  }
}
