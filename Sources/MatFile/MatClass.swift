/// The MATLAB class of a MAT-file variable, named as MATLAB names it.
///
/// The numeric cases mirror matio's `enum matio_classes` (`MAT_C_DOUBLE` …
/// `MAT_C_UINT64`); ``logical`` is matio's logical flag (`MAT_F_LOGICAL`) on a
/// `uint8` array, and ``sparse`` is `MAT_C_SPARSE`, which MATLAB itself reports as
/// a sparse `double` or `logical`.
public enum MatClass: String, Sendable, CaseIterable {
  /// IEEE binary64 (`MAT_C_DOUBLE`).
  case double
  /// IEEE binary32 (`MAT_C_SINGLE`).
  case single
  /// Signed 8-bit integers (`MAT_C_INT8`).
  case int8
  /// Unsigned 8-bit integers (`MAT_C_UINT8`).
  case uint8
  /// Signed 16-bit integers (`MAT_C_INT16`).
  case int16
  /// Unsigned 16-bit integers (`MAT_C_UINT16`).
  case uint16
  /// Signed 32-bit integers (`MAT_C_INT32`).
  case int32
  /// Unsigned 32-bit integers (`MAT_C_UINT32`).
  case uint32
  /// Signed 64-bit integers (`MAT_C_INT64`).
  case int64
  /// Unsigned 64-bit integers (`MAT_C_UINT64`).
  case uint64
  /// Character arrays (`MAT_C_CHAR`).
  case char
  /// Logical arrays (`MAT_F_LOGICAL` on `MAT_C_UINT8`).
  case logical
  /// Cell arrays (`MAT_C_CELL`).
  case cell
  /// Structures and struct arrays (`MAT_C_STRUCT`).
  case `struct`
  /// Sparse matrices (`MAT_C_SPARSE`).
  case sparse
  /// Function handles (`MAT_C_FUNCTION`).
  case function = "function_handle"
  /// Old-style class objects (`MAT_C_OBJECT`).
  case object
  /// MATLAB (MCOS) objects such as `string` or `table` (`MAT_C_OPAQUE`).
  case opaque
  /// An array matio classes as empty (`MAT_C_EMPTY`).
  case empty
  /// A class code this module does not know.
  case unknown

  /// Whether the class is one of the ten real numeric classes `readMatrix` converts.
  public var isNumeric: Bool {
    switch self {
    case .double, .single, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64:
      return true
    default:
      return false
    }
  }

  /// The class for a MAT v5 array-flags class code (identical to matio's `MAT_C_*` values).
  ///
  /// - Parameters:
  ///   - code: `mxCLASS` code 0…17 from the array flags, or matio's `class_type`.
  ///   - logical: whether the logical flag (`MAT_F_LOGICAL`, 0x0200) is set.
  init(code: Int, logical: Bool) {
    if logical && code != 5 {
      self = .logical
      return
    }
    switch code {
    case 0: self = .empty
    case 1: self = .cell
    case 2: self = .struct
    case 3: self = .object
    case 4: self = .char
    case 5: self = .sparse
    case 6: self = .double
    case 7: self = .single
    case 8: self = .int8
    case 9: self = .uint8
    case 10: self = .int16
    case 11: self = .uint16
    case 12: self = .int32
    case 13: self = .uint32
    case 14: self = .int64
    case 15: self = .uint64
    case 16: self = .function
    case 17: self = .opaque
    default: self = .unknown
    }
  }

  /// How the class reads in a sentence: "a char array", "complex" is not a class.
  var phrase: String {
    switch self {
    case .char: return "a char array"
    case .logical: return "a logical array"
    case .cell: return "a cell array"
    case .struct: return "a struct"
    case .sparse: return "a sparse matrix"
    case .function: return "a function handle"
    case .object: return "an object"
    case .opaque: return "an opaque MATLAB object"
    case .empty: return "empty"
    case .unknown: return "of an unknown class"
    default: return "a \(rawValue) matrix"
    }
  }
}
