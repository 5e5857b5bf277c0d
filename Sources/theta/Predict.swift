import ArgumentParser
import Datasets
import FoundationEssentials
import Inference
import LinearAlgebra
import ModelFormat
import SafeFile

extension Theta {
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Predict labels for examples with a .theta model.",
      discussion: """
        INPUT is a MAT file (examples in variable X, one per row; true labels in y when \
        present), a CSV file (one example per row, no header) or - for CSV on standard \
        input. Labels are written one per line; --proba writes CSV rows \
        label,p1,…,pK with every probability printed so that it reads back exactly. \
        When true labels are present, the accuracy is printed to standard error, e.g. \
        "accuracy: 97.52% (4876/5000)".

        The prediction of a row is the label of its most probable output unit (the \
        first on ties): the seed's argmax(A3) + 1.

        Examples:
          theta predict model.theta digits20.mat
          theta predict model.theta examples.csv --proba --output proba.csv
          cat examples.csv | theta predict model.theta -
        """)

    @Argument(help: "The .theta model.")
    var model: String

    @Argument(help: "The examples: a .mat file, a .csv file, or - for CSV on standard input.")
    var input: String

    @Option(name: .customLong("x"), help: ArgumentHelp("The MAT variable holding the examples.", valueName: "name"))
    var xName: String = "X"

    @Option(
      name: .customLong("y"),
      help: ArgumentHelp("The MAT variable holding the true labels (default y, when present).", valueName: "name"))
    var yName: String?

    @Flag(help: "The CSV's last column holds the true label of each row.")
    var labeled = false

    @Flag(help: "Write label,p1,…,pK per row instead of the label alone.")
    var proba = false

    @Option(
      name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the --output file if it exists.")
    var force = false

    @Option(
      help: ArgumentHelp(
        "Also time the batch prediction N times and print the median to standard error.", valueName: "N"))
    var benchmark: Int?

    func validate() throws {
      if let n = benchmark, n < 1 { throw ValidationError("--benchmark must be at least 1.") }
      if force, output == nil { throw ValidationError("--force goes with --output.") }
    }

    func run() throws {
      try reportingErrors {
        if let output {
          try SafeFile.checkOutput(output, inputs: [model, input], force: force)
        }
        let network = try Network(try ModelFile.read(path: model))
        let data = try loadExamples(
          input, x: xName, y: yName ?? "y", requireY: yName != nil, csvLabels: labeled,
          layout: Network.preferredInputLayout)
        guard data.features.columns == network.inputSize else {
          throw PredictError.width(
            input: input, features: data.features.columns, model: model, expected: network.inputSize)
        }
        var workspace = Network.Workspace()
        let text: String
        let labels: [Int]
        if proba {
          let p = try network.probabilities(data.features)
          labels = network.labels(forProbabilities: p)
          text = probabilityCSV(labels: labels, p)
        } else {
          labels = try network.predict(data.features, workspace: &workspace)
          text = labels.map(String.init).joined(separator: "\n") + (labels.isEmpty ? "" : "\n")
        }
        if let output {
          try SafeFile.write(Array(text.utf8), to: output, overwrite: force)
        } else {
          SafeFile.writeStandardOutput(text)
        }
        if let truth = data.labels {
          let correct = zip(labels, truth).filter { $0 == $1 }.count
          let percent = labels.isEmpty ? 0 : 100 * Double(correct) / Double(labels.count)
          SafeFile.writeStandardError(formatted("accuracy: %.2f%% (%ld/%ld)\n", percent, correct, labels.count))
        }
        if let n = benchmark {
          let b = try network.benchmarkPredict(data.features, repeats: n)
          SafeFile.writeStandardError(
            formatted(
              "benchmark: predict median %.3f ms over %ld runs (%ld rows)\n",
              b.medianSeconds * 1000, n, data.features.rows
            ))
        }
      }
    }

    private func probabilityCSV(labels: [Int], _ p: Matrix) -> String {
      var out = ""
      out.reserveCapacity(p.rows * (p.columns * 22 + 4))
      for i in 0..<p.rows {
        out += String(labels[i])
        for j in 0..<p.columns {
          out += ","
          out += "\(p[i, j])"
        }
        out += "\n"
      }
      return out
    }
  }
}

/// Errors of `theta predict` that involve both the model and the examples.
enum PredictError: Error, CustomStringConvertible {
  case width(input: String, features: Int, model: String, expected: Int)

  var description: String {
    switch self {
    case .width(let input, let features, let model, let expected):
      "\(input): examples have \(features) values per row, but \(model) expects \(expected) inputs"
    }
  }
}
