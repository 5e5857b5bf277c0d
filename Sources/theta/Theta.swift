import ArgumentParser
import LinearAlgebra

@main
struct Theta: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "theta",
    abstract: "Convert, inspect, verify and run the course's sigmoid networks (ex4: 400-25-10).",
    discussion: """
      A .theta file holds one network: the weight matrices Theta1 … ThetaN (bias in \
      column 0, stored row-major) with typed metadata and checksums. See Docs/FORMAT.md.

      Typical use:
        theta convert ex4weights.mat model.theta
        theta inspect model.theta
        theta predict model.theta digits.mat

      Exit codes:
        0   success
        64  usage error (bad options or arguments)
        65  bad or damaged input (a model, MAT or CSV file that is refused)
        73  output exists (pass --force) or would overwrite an input
        74  I/O error (a file cannot be read or written)
        1   check-gradients: the analytic and numerical gradients differ
        130 train: interrupted (Ctrl-C) after writing the best model so far
      """,
    version: "0.1.0",
    subcommands: [
      Convert.self, Export.self, Inspect.self, Verify.self, Predict.self, Train.self, Cost.self,
      CheckGradients.self, Render.self,
    ]
  )

  /// Stops OpenBLAS's idle pool threads (see `BLASThreads`), then runs the command.
  static func main() {
    BLASThreads.stopIdlePool()
    main(nil)
  }
}
