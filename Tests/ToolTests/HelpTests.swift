import Foundation
import TestSupport
import Testing

/// Runs the built `theta` (beside the test runner in `.build/<config>/`).
func runTheta(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
  let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  var binary = products.appendingPathComponent("theta")
  if !FileManager.default.fileExists(atPath: binary.path) {
    binary = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/theta")
  }
  let p = Process()
  p.executableURL = binary
  p.arguments = arguments
  let out = Pipe()
  let err = Pipe()
  p.standardOutput = out
  p.standardError = err
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite struct HelpTests {
  @Test func topLevelHelpListsCommandsAndExitCodes() throws {
    let r = try runTheta(["--help"])
    #expect(r.status == 0)
    for word in ["convert", "inspect", "verify", "predict", "Exit codes", "65", "73", "74"] {
      #expect(r.stdout.contains(word), "\(word) missing from theta --help")
    }
  }

  @Test(arguments: ["convert", "inspect", "verify", "predict"])
  func everyCommandHasHelp(_ command: String) throws {
    let r = try runTheta([command, "--help"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("USAGE: theta \(command)"))
  }

  @Test func usageErrorsExit64() throws {
    let r = try runTheta(["convert"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("Missing expected argument"))
  }

  @Test func missingFileIsAnIOErrorOnOneLine() throws {
    let r = try runTheta(["verify", "/nonexistent/model.theta"])
    #expect(r.status == 74)
    #expect(r.stderr == "theta: /nonexistent/model.theta: No such file or directory (open)\n")
  }
}
