import Glibc

/// Errors reading or writing files; `description` is the one-line message a user sees.
public enum SafeFileError: Error, Equatable, CustomStringConvertible {
  /// The output exists and replacing it was not asked for (`--force`).
  case exists(path: String)
  /// The output would overwrite one of the command's own inputs.
  case wouldOverwriteInput(path: String)
  /// A system call failed; `call` names it, `errno` is its C error code.
  case system(path: String, call: String, errno: Int32)
  /// The file is larger than a reader is willing to load.
  case tooLarge(path: String, size: Int, limit: Int)

  public var description: String {
    switch self {
    case .exists(let path):
      "\(path): already exists; pass --force to replace it"
    case .wouldOverwriteInput(let path):
      "\(path): is also an input of this command; choose another output"
    case .system(let path, let call, let code):
      "\(path): \(String(cString: strerror(code))) (\(call))"
    case .tooLarge(let path, let size, let limit):
      "\(path): \(size) bytes is more than the \(limit)-byte limit"
    }
  }
}
