import ArgumentParser
import Datasets
import FoundationEssentials
import ModelFormat
import SafeFile
import Training

extension Theta {
  struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the seed's regularised cost J of a model on labelled examples.",
      discussion: """
        J = (1/m) Σ Σ [−y log h − (1 − y) log(1 − h)] + (λ/2m) Σ θ² (bias weights \
        excluded), with y the one-hot labels (label k lights the output labelled k, \
        model.labels). It is printed alone on standard output with every digit \
        (the seed prints 0.2876291651613189 for the course weights and data at λ = 0); \
        outputs that saturate to exactly 0 or 1 give the exact finite value where the \
        seed's formula gives inf or nan.

        DATA is a MAT file (X and y), a CSV file with the label as the last column, or - \
        for such CSV on standard input.

        Examples:
          theta cost model.theta digits20.mat
          theta cost model.theta digits20.mat --lambda 1
          theta cost model.theta digits5000.mat --benchmark 50
        """)

    @Argument(help: "The .theta model.")
    var model: String

    @Argument(help: "The labelled examples: a .mat file, a .csv file, or - for CSV on standard input.")
    var data: String

    @Option(help: ArgumentHelp("The regularisation strength λ.", valueName: "L"))
    var lambda: Double = 0

    @Option(name: .customLong("x"), help: ArgumentHelp("The MAT variable holding the examples.", valueName: "name"))
    var xName: String = "X"

    @Option(name: .customLong("y"), help: ArgumentHelp("The MAT variable holding the labels.", valueName: "name"))
    var yName: String = "y"

    @Flag(
      name: .shortAndLong, help: "Also print λ, the number of examples and the training accuracy to standard error.")
    var verbose = false

    @Option(
      help: ArgumentHelp(
        "Also time N evaluations of the cost with its gradient and print the median to standard error.",
        valueName: "N"))
    var benchmark: Int?

    func validate() throws {
      guard lambda >= 0, lambda.isFinite else { throw ValidationError("--lambda must be a number ≥ 0.") }
      if let n = benchmark, n < 1 { throw ValidationError("--benchmark must be at least 1.") }
    }

    func run() throws {
      try reportingErrors {
        let theta = try ModelFile.read(path: model)
        let (layout, parameters) = try NetworkLayout.of(theta)
        let dataset = try loadExamples(data, x: xName, y: yName, requireY: true, csvLabels: true)
        guard let labels = dataset.labels else { throw TrainingError.badOption("\(data) has no labels") }
        let targets = try CostFunction.targets(labels: labels, outputLabels: theta.labels)
        let cost = try CostFunction(layout: layout, features: dataset.features, targets: targets, lambda: lambda)
        let j = cost.cost(parameters)
        print(j)
        if verbose {
          let accuracy = cost.accuracy(parameters)
          SafeFile.writeStandardError(
            formatted(
              "λ = %g, %ld examples, training accuracy %.2f%% (%ld/%ld)\n", lambda, labels.count,
              accuracy * 100, Int((accuracy * Double(labels.count)).rounded()), labels.count
            ))
        }
        if let n = benchmark {
          var gradient: [Double] = []
          for _ in 0..<3 { _ = cost.costAndGradient(parameters, gradient: &gradient) }
          var samples: [Double] = []
          for _ in 0..<n {
            let start = ContinuousClock.now
            _ = cost.costAndGradient(parameters, gradient: &gradient)
            samples.append(seconds(ContinuousClock.now - start))
          }
          samples.sort()
          let median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2
          SafeFile.writeStandardError(
            formatted(
              "benchmark: cost+gradient median %.3f ms over %ld runs (%ld rows)\n", median * 1000, n,
              labels.count
            ))
        }
      }
    }
  }
}
