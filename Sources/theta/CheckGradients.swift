import ArgumentParser
import FoundationEssentials
import Training

extension Theta {
  struct CheckGradients: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check-gradients",
      abstract: "Check backpropagation against central differences, as the seed and the course do.",
      discussion: """
        Both checks use a 3-5-3 network and 5 examples and compare the gradient by \
        backpropagation with (J(θ + εeᵢ) − J(θ − εeᵢ)) / 2ε, ε = 1e-4, printing the \
        first values of each as numpy prints them and the relative difference \
        ‖a − n‖ / ‖a + n‖, which must be below 1e-9 (exit status 1 otherwise).

        seed: the seed post's checkNNGradients. Both Θ come from a fresh numpy \
        RandomState(0) each (ε = 0.12), then X = rand(5, 3) and y = randint(3) from \
        another: labels 1 0 0 1 2, label 0 lighting the last output (numpy's index −1).

        course: the course's checkNNGradients. debugInitializeWeights (sin(1…n)/10) \
        for both Θ and X, y = 1 + mod(1…5, 3).

        Without --lambda each check runs with λ = 0 and λ = 3, as in the seed post.
        """)

    @Option(help: ArgumentHelp("Run the checks with this λ only.", valueName: "L"))
    var lambda: Double?

    @Option(help: ArgumentHelp("Run one check only: seed or course.", valueName: "seed|course"))
    var variant: String?

    func validate() throws {
      if let v = variant, GradientCheck.Variant(rawValue: v) == nil {
        throw ValidationError("--variant must be seed or course.")
      }
      if let l = lambda, !(l >= 0 && l.isFinite) { throw ValidationError("--lambda must be a number ≥ 0.") }
    }

    func run() throws {
      let variants: [GradientCheck.Variant] =
        variant.flatMap { GradientCheck.Variant(rawValue: $0) }.map { [$0] } ?? GradientCheck.Variant.allCases
      let lambdas: [Double] = lambda.map { [$0] } ?? [0, 3]
      var failed = false
      try reportingErrors {
        var first = true
        for v in variants {
          for l in lambdas {
            let r = try GradientCheck.run(v, lambda: l)
            if !first { print("") }
            first = false
            print(Self.report(r))
            failed = failed || !r.passed
          }
        }
      }
      if failed { throw ExitCode(1) }
    }

    static func report(_ r: GradientCheckResult) -> String {
      let count = r.variant == .seed ? 5 : 3
      let labels = r.labels.map(String.init).joined(separator: " ")
      let head =
        r.variant == .seed
        ? "seed check (checkNNGradients), λ = \(format(r.lambda)): 3-5-3 network, 5 examples, "
          + "numpy RandomState(0), labels \(labels) (label 0 lights the last output)"
        : "course check (checkNNGradients), λ = \(format(r.lambda)): 3-5-3 network, 5 examples, "
          + "debugInitializeWeights, labels \(labels)"
      // Each array as the seed's print(grad[:5]) shows it.
      let analytic = NumpyFormat.array(r.analytic.prefix(count))
      let numerical = NumpyFormat.array(r.numerical.prefix(count))
      return [
        head,
        "  J          \(r.cost)",
        "  analytic   \(analytic)",
        "  numerical  \(numerical)",
        "  relative difference \(formatted("%.3g", r.relativeDifference)) "
          + (r.passed ? "< 1e-9: OK" : "≥ 1e-9: FAILED"),
      ].joined(separator: "\n")
    }

    private static func format(_ v: Double) -> String {
      v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }
  }
}
