import ArgumentParser
import ModelFormat

extension Theta {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a .theta file completely: structure, every checksum and the model rules.",
      discussion: """
        Exits 0 and prints a one-line summary when the file is sound; otherwise prints \
        the first problem found and exits 65. Checks, in order: magic, version, flags, \
        header CRC-32C, limits, file length (truncation), layout and padding, each \
        tensor's CRC-32C, the trailer's SHA-256, then the model rules (shapes chain, \
        finite weights, labels).
        """)

    @Argument(help: "The .theta file to check.")
    var file: String

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    func run() throws {
      let decoded = try reportingErrors { try ModelFile.inspect(path: file) }
      if !quiet {
        let sizes = decoded.model.layerSizes.map(String.init).joined(separator: "-")
        print(
          "\(file): OK (format \(decoded.version), \(sizes), \(decoded.tensors.count) tensors, sha256 \(decoded.sha256))"
        )
      }
    }
  }
}
