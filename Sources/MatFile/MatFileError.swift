/// Why a MAT file or one of its variables was refused.
///
/// Every ``description`` is one line that names the file (as the caller gave its
/// path), the variable where there is one, and the problem, e.g.
/// `w.mat: variable 'Theta1' is complex; only real numeric matrices can be converted`.
public enum MatFileError: Error, Equatable, CustomStringConvertible {
  /// The file could not be opened or read (`open`/`read`/`fstat` failed; `reason` is `strerror`).
  case cannotRead(file: String, reason: String)
  /// The file has no bytes at all.
  case emptyFile(file: String)
  /// The file is neither a v4, v5/v6/v7 nor v7.3 MAT-file.
  case notMatFile(file: String, reason: String)
  /// A v5-style header carries a version this module does not read (known: 0x0100, 0x0200).
  case unsupportedVersion(file: String, version: UInt16)
  /// The file's structure is broken; `offset` is where in the file the damage was found
  /// (for data inside a compressed element, that element's offset).
  case damaged(file: String, offset: Int, problem: String)
  /// Reading would exceed a safety limit (`limit` bytes), e.g. a zlib bomb.
  case tooLarge(file: String, what: String, limit: Int)
  /// matio failed; `call` is the C function and `message` what matio logged.
  case matio(file: String, call: String, message: String)
  /// matio's view of a variable disagrees with the file's structure as checked here.
  case inconsistent(file: String, variable: String, problem: String)
  /// The file changed between the structural check and matio opening it.
  case fileChanged(file: String)
  /// No top-level variable has this name.
  case noSuchVariable(file: String, name: String)
  /// A dotted name asks for a field of something that is not a struct.
  case notAStruct(file: String, variable: String, field: String)
  /// A dotted name asks for a field of a struct array with more or fewer than one element.
  case structArray(file: String, variable: String, dimensions: [Int])
  /// The struct `variable` has no field `field`.
  case noSuchField(file: String, variable: String, field: String)
  /// The variable is a struct; one of its `fields` must be named instead.
  case isStruct(file: String, variable: String, fields: [String])
  /// The variable's class cannot be converted to a real matrix.
  case unsupportedClass(file: String, variable: String, matClass: MatClass)
  /// The variable has an imaginary part.
  case complex(file: String, variable: String)
  /// The variable has no elements.
  case empty(file: String, variable: String, dimensions: [Int])
  /// The variable has more than two non-singleton dimensions.
  case notTwoDimensional(file: String, variable: String, dimensions: [Int])
  /// An `int64`/`uint64` element beyond ±2^53 has no exact `Double`;
  /// `index` is zero-based, column-major.
  case inexactInteger(file: String, variable: String, index: Int, value: String)
  /// Reading a v7.3 (HDF5) file crashed the separate process that reads it with matio and
  /// libhdf5 (it was killed by `signal`, e.g. 11 for `SIGSEGV`): its HDF5 structure is damaged.
  case readerCrashed(file: String, signal: Int32)
  /// The separate process reading a v7.3 (HDF5) file did not finish within `seconds`
  /// and was killed: its HDF5 structure is damaged (e.g. a loop of addresses).
  case readerTimedOut(file: String, seconds: Int)
  /// The separate process reading a v7.3 (HDF5) file ended without a complete answer
  /// (`problem` says how, e.g. an exit status), so nothing it read is used.
  case readerFailed(file: String, problem: String)

  /// The one-line message for a user.
  public var description: String {
    switch self {
    case .cannotRead(let file, let reason):
      return "\(file): cannot read the file: \(reason)"
    case .emptyFile(let file):
      return "\(file): the file is empty (0 bytes), not a MAT-file"
    case .notMatFile(let file, let reason):
      return "\(file): not a MAT-file (\(reason))"
    case .unsupportedVersion(let file, let version):
      return "\(file): unsupported MAT-file version 0x\(hex4(version))"
        + " (known: 0x0100 for v5/v6/v7, 0x0200 for v7.3)"
    case .damaged(let file, _, let problem):
      return "\(file): damaged: \(problem)"
    case .tooLarge(let file, let what, let limit):
      return "\(file): refused: \(what) exceeds the limit of \(limit) bytes"
    case .matio(let file, let call, let message):
      return "\(file): matio's \(call) failed: \(message)"
    case .inconsistent(let file, let variable, let problem):
      return "\(file): variable '\(variable)': \(problem)"
    case .fileChanged(let file):
      return "\(file): the file changed while it was being opened; try again"
    case .noSuchVariable(let file, let name):
      return "\(file): no variable named '\(name)'"
    case .notAStruct(let file, let variable, let field):
      return "\(file): variable '\(variable)' is not a struct, so it has no field '\(field)'"
    case .structArray(let file, let variable, let dimensions):
      return "\(file): variable '\(variable)' \(Refusal.structArray(dimensions).reason)"
    case .noSuchField(let file, let variable, let field):
      return "\(file): struct '\(variable)' has no field '\(field)'"
    case .isStruct(let file, let variable, let fields):
      return
        "\(file): variable '\(variable)' \(Refusal.isStruct(fields, variable: variable).reason)"
    case .unsupportedClass(let file, let variable, let matClass):
      return "\(file): variable '\(variable)' \(Refusal.unsupportedClass(matClass).reason)"
    case .complex(let file, let variable):
      return "\(file): variable '\(variable)' \(Refusal.complex.reason)"
    case .empty(let file, let variable, let dimensions):
      return "\(file): variable '\(variable)' \(Refusal.empty(dimensions).reason)"
    case .notTwoDimensional(let file, let variable, let dimensions):
      return "\(file): variable '\(variable)' \(Refusal.notTwoDimensional(dimensions).reason)"
    case .inexactInteger(let file, let variable, let index, let value):
      return "\(file): variable '\(variable)' holds \(value) at element \(index + 1)"
        + " (column-major), which a double cannot represent exactly (limit ±2^53)"
    case .readerCrashed(let file, let signal):
      return "\(file): damaged: its v7.3 (HDF5) structure crashed the reader"
        + " (matio/libhdf5, \(signalName(signal)))"
    case .readerTimedOut(let file, let seconds):
      return "\(file): damaged: its v7.3 (HDF5) structure kept the reader (matio/libhdf5)"
        + " busy for more than \(seconds) s"
    case .readerFailed(let file, let problem):
      return "\(file): damaged: the v7.3 (HDF5) reader gave no answer (\(problem))"
    }
  }
}

/// Why a variable's class or shape keeps it from being converted; shared by
/// ``MatFileError`` and ``MatVariableInfo/problem`` so both say the same.
enum Refusal: Equatable {
  case isStruct([String], variable: String)
  case structArray([Int])
  case unsupportedClass(MatClass)
  case complex
  case empty([Int])
  case notTwoDimensional([Int])

  /// The predicate, to follow "variable 'x' ".
  var reason: String {
    let only = "only real numeric matrices can be converted"
    switch self {
    case .isStruct(let fields, let variable):
      if fields.isEmpty { return "is a struct without fields; \(only)" }
      let names = fields.map { "'\(variable).\($0)'" }.joined(separator: ", ")
      return "is a struct; name one of its fields: \(names)"
    case .structArray(let dimensions):
      return
        "is a \(dimensionText(dimensions)) struct array; only fields of a 1x1 struct can be read"
    case .unsupportedClass(let matClass):
      return "is \(matClass.phrase); \(only)"
    case .complex:
      return "is complex; \(only)"
    case .empty(let dimensions):
      return "is empty (\(dimensionText(dimensions))); \(only)"
    case .notTwoDimensional(let dimensions):
      return "has \(dimensions.count) dimensions (\(dimensionText(dimensions)));"
        + " only 2-D matrices can be converted"
    }
  }

  /// The error for `variable` in `file`.
  func error(file: String, variable: String) -> MatFileError {
    switch self {
    case .isStruct(let fields, _):
      return .isStruct(file: file, variable: variable, fields: fields)
    case .structArray(let dimensions):
      return .structArray(file: file, variable: variable, dimensions: dimensions)
    case .unsupportedClass(let matClass):
      return .unsupportedClass(file: file, variable: variable, matClass: matClass)
    case .complex:
      return .complex(file: file, variable: variable)
    case .empty(let dimensions):
      return .empty(file: file, variable: variable, dimensions: dimensions)
    case .notTwoDimensional(let dimensions):
      return .notTwoDimensional(file: file, variable: variable, dimensions: dimensions)
    }
  }

  /// The refusal for a variable with this class and shape, or `nil` if it converts.
  ///
  /// Order: class first, then complex, then shape.
  static func check(
    matClass: MatClass, isComplex: Bool, dimensions: [Int], fields: [String], variable: String
  ) -> Refusal? {
    if matClass == .struct {
      if dimensions.count >= 2 && dimensions.allSatisfy({ $0 == 1 }) {
        return .isStruct(fields, variable: variable)
      }
      return .structArray(dimensions)
    }
    if matClass == .empty {
      // matio reports classes it does not know (e.g. a v7.3 function handle) as empty.
      return dimensions.contains(0) ? .empty(dimensions) : .unsupportedClass(.unknown)
    }
    if !matClass.isNumeric { return .unsupportedClass(matClass) }
    if isComplex { return .complex }
    if dimensions.contains(0) || dimensions.count < 2 { return .empty(dimensions) }
    if dimensions.dropFirst(2).contains(where: { $0 != 1 }) {
      return .notTwoDimensional(dimensions)
    }
    return nil
  }
}

/// `2x3x4`, MATLAB's way of writing a size.
func dimensionText(_ dimensions: [Int]) -> String {
  dimensions.map(String.init).joined(separator: "x")
}

/// "signal 11, SIGSEGV": a signal number with its name where it is a usual one.
func signalName(_ signal: Int32) -> String {
  let names: [Int32: String] = [
    1: "SIGHUP", 2: "SIGINT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
    9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ",
    31: "SIGSYS",
  ]
  return "signal \(signal)" + (names[signal].map { ", \($0)" } ?? "")
}

/// Four hexadecimal digits, zero-padded.
func hex4(_ value: UInt16) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
