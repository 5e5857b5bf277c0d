import Foundation

/// Locates the repository's test fixtures and the shared course data.
///
/// `Bundle.module` cannot reach the top-level `Fixtures/` folder, so paths are
/// found from this file's location, as swift-crypto's Wycheproof tests do.
public enum Fixtures {
  /// The repository root (the folder holding `Package.swift`).
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TestSupport
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// The path of `Fixtures/<relative>`.
  public static func path(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
  }

  /// The path of `../shared/data/<name>` beside the checkout, or `nil` when it is absent.
  ///
  /// A test that needs it must say loudly that it skips: use ``requireShared(_:)``.
  public static func shared(_ name: String) -> String? {
    let url = repositoryRoot.deletingLastPathComponent()
      .appendingPathComponent("shared/data").appendingPathComponent(name)
    return FileManager.default.fileExists(atPath: url.path) ? url.path : nil
  }

  /// The course weights `../shared/data/ex4weights.mat`, or `nil` with a loud
  /// message on stderr naming the test that skips.
  public static func courseWeights(for test: String = #function) -> String? {
    if let p = shared("ex4weights.mat") { return p }
    FileHandle.standardError.write(
      Data("SKIPPED \(test): ../shared/data/ex4weights.mat is absent\n".utf8))
    return nil
  }

  /// A fresh empty temporary directory, unique to the caller.
  public static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("theta-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
