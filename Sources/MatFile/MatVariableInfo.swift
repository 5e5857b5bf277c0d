/// What a MAT-file says about one top-level variable, without reading its data.
///
/// Built from matio's `Mat_VarReadInfo`/`Mat_VarReadNextInfo` and, for v4 and v5
/// files, from this module's own walk of the file's structure.
public struct MatVariableInfo: Sendable, Equatable {
  /// The variable's name.
  public var name: String
  /// Its MATLAB class.
  public var matClass: MatClass
  /// Its dimensions, MATLAB order (rows first); at least two.
  public var dimensions: [Int]
  /// Whether it has an imaginary part (`MAT_F_COMPLEX`).
  public var isComplex: Bool
  /// Whether it is stored in a zlib-compressed element (v7 `miCOMPRESSED`).
  public var isCompressed: Bool
  /// `nil` when matio reads the variable's header; otherwise why the entry is
  /// unreadable (matio fails on it, or reads it differently from the file's structure).
  public var problem: String?
  /// `nil` when ``MatFile/readMatrix(named:)`` can convert the variable; otherwise why
  /// not, as a predicate, e.g. "is complex; only real numeric matrices can be converted".
  public var refusal: String?

  /// Creates a description of one variable.
  public init(
    name: String, matClass: MatClass, dimensions: [Int], isComplex: Bool,
    isCompressed: Bool, problem: String?, refusal: String? = nil
  ) {
    self.name = name
    self.matClass = matClass
    self.dimensions = dimensions
    self.isComplex = isComplex
    self.isCompressed = isCompressed
    self.problem = problem
    self.refusal = refusal
  }
}
