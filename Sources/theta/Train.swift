import ArgumentParser
import Checksums
import Conversion
import Datasets
import Dispatch
import FoundationEssentials
import LinearAlgebra
import ModelFormat
import SafeFile
import Synchronization
import Training

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Theta {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Train a sigmoid network as the seed does (backpropagation, conjugate gradient) and write a .theta model.",
      discussion: """
        DATA is a MAT file with the examples in X and the labels in y (see --x, --y), a \
        CSV file with the label as the last column, or - for such CSV on standard input. \
        Labels are 1…K: label k lights output k (the course's 10 is the digit 0).

        The cost is the seed's regularised cross-entropy; the gradient comes from \
        vectorised backpropagation. CG is scipy's minimize(method='CG') (Polak–Ribière+, \
        strong-Wolfe line search, gtol 1e-5 on the largest gradient component), \
        iterations counted as scipy counts them; L-BFGS is the alternative. The model \
        records the training in training.* metadata (Docs/TRAINING.md).

        On a terminal a progress line shows the iteration, cost, evaluations and time; \
        elsewhere --verbose prints one line per iteration. Ctrl-C stops after the current \
        iteration and writes the best model so far (exit status 130); a second Ctrl-C \
        quits at once.

        Examples:
          theta train digits20.mat -o model.theta --init numpy --seed 0
          theta train data.csv -o model.theta --hidden 50 --optimizer lbfgs
          theta train digits20.mat -o deep.theta --layers 400,50,25,10 --max-iter 200
        """)

    @Argument(help: "The training data: a .mat file, a .csv file, or - for CSV on standard input.")
    var data: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The .theta file to write.", valueName: "file"))
    var output: String

    @Option(name: .customLong("x"), help: ArgumentHelp("The MAT variable holding the examples.", valueName: "name"))
    var xName: String = "X"

    @Option(name: .customLong("y"), help: ArgumentHelp("The MAT variable holding the labels.", valueName: "name"))
    var yName: String = "y"

    @Option(help: ArgumentHelp("Hidden layer sizes, e.g. 25 or 50,25.", valueName: "sizes"))
    var hidden: String = "25"

    @Option(
      help: ArgumentHelp(
        "All layer sizes, input first, e.g. 400,25,10 (instead of --hidden).", valueName: "sizes"))
    var layers: String?

    @Option(help: ArgumentHelp("The regularisation strength λ.", valueName: "L"))
    var lambda: Double = 1

    @Option(name: .customLong("max-iter"), help: ArgumentHelp("Stop after this many iterations.", valueName: "N"))
    var maxIterations: Int = 50

    @Option(
      name: .customLong("max-evals"), help: ArgumentHelp("Also stop after this many evaluations.", valueName: "N"))
    var maxEvaluations: Int?

    @Option(help: ArgumentHelp("Stop when no gradient component exceeds this.", valueName: "tol"))
    var gtol: Double = 1e-5

    @Option(help: ArgumentHelp("The optimiser: cg (as the seed) or lbfgs.", valueName: "cg|lbfgs"))
    var optimizer: String = "cg"

    @Option(
      help: ArgumentHelp(
        "Initial weights: theta (Theta's SplitMix64 generator) or numpy (the seed's RandomState, fresh per matrix).",
        valueName: "theta|numpy"))
    var `init`: String = "theta"

    @Option(help: ArgumentHelp("The generator's seed.", valueName: "N"))
    var seed: UInt64 = 0

    @Option(
      help: ArgumentHelp(
        "Half-width ε of the initial U(−ε, ε): a number, or auto for √6/√(L_in + L_out) per matrix.",
        valueName: "ε|auto"))
    var epsilon: String = "0.12"

    @Option(
      name: .customLong("input-shape"),
      help: ArgumentHelp(
        "The input as an image, HxW, in the course's column-major pixel order (default 20x20 for 400 inputs).",
        valueName: "HxW"))
    var inputShape: String?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print one line per iteration (a terminal gets a live progress line anyway).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
      guard OptimizerKind(rawValue: optimizer) != nil else { throw ValidationError("--optimizer must be cg or lbfgs.") }
      guard ["theta", "numpy"].contains(`init`) else { throw ValidationError("--init must be theta or numpy.") }
      if `init` == "numpy", seed > UInt64(UInt32.max) {
        throw ValidationError("--seed must be at most 4294967295 with --init numpy (numpy's limit).")
      }
      guard lambda >= 0, lambda.isFinite else { throw ValidationError("--lambda must be a number ≥ 0.") }
      guard maxIterations >= 0 else { throw ValidationError("--max-iter must be at least 0.") }
      if let n = maxEvaluations, n < 1 { throw ValidationError("--max-evals must be at least 1.") }
      guard gtol >= 0 else { throw ValidationError("--gtol must be ≥ 0.") }
      if epsilon != "auto" {
        guard let e = Double(epsilon), e > 0, e.isFinite else {
          throw ValidationError("--epsilon must be a positive number or auto.")
        }
      }
      if verbose, quiet { throw ValidationError("Use either --verbose or --quiet.") }
    }

    func run() throws {
      var options = TrainingOptions()
      options.lambda = lambda
      options.optimizer = OptimizerKind(rawValue: optimizer) ?? .cg
      options.criteria = StoppingCriteria(
        maxIterations: maxIterations, maxEvaluations: maxEvaluations, gradientTolerance: gtol)
      options.initialization = `init` == "numpy" ? .numpy(seed: UInt32(seed)) : .theta(seed: seed)
      options.epsilon = epsilon == "auto" ? .auto : .fixed(Double(epsilon) ?? 0.12)
      let shape = try inputShape.map(parseInputShape)
      let layerOption = try layers.map { try parseList($0, option: "--layers") }
      let hiddenSizes = try parseList(hidden, option: "--hidden")

      let outcome: Outcome = try reportingErrors {
        try SafeFile.checkOutput(output, inputs: data == "-" ? [] : [data], force: force)
        let (dataset, digest) = try loadData()
        guard let labels = dataset.labels else {
          throw TrainingError.badOption("\(data) has no labels")
        }
        let sizes = try layerSizes(
          features: dataset.features.columns, labels: labels, explicit: layerOption, hidden: hiddenSizes)
        let layout = try NetworkLayout(layerSizes: sizes)
        let targets = try CostFunction.targets(labels: labels, outputLabels: Array(1...layout.outputs))

        let progress = Progress(total: maxIterations, mode: progressMode())
        Interrupt.install()
        let start = ContinuousClock.now
        let result = try Trainer.train(layout: layout, features: dataset.features, targets: targets, options: options) {
          progress.update($0)
          return !Interrupt.requested
        }
        let elapsed = ContinuousClock.now - start
        progress.finish()
        Interrupt.uninstall()

        var meta = result.record(dataFile: dataName, dataSHA256: digest)
        meta["provenance.tool"] = .string(MatConverter.tool)
        meta["provenance.source_file"] = .string(dataName)
        meta["provenance.source_sha256"] = .string(digest)
        meta["provenance.source_format"] = .string(isCSV ? "csv" : "mat")
        if layout.outputs == 10 {
          meta["model.label_names"] = .stringArray((1...10).map { $0 == 10 ? "0" : String($0) })
        }
        if let s = shape ?? (layout.inputs == 400 ? [20, 20] : nil) {
          guard s[0] * s[1] == layout.inputs else {
            throw ValidationError("--input-shape \(s[0])x\(s[1]) does not make \(layout.inputs) inputs.")
          }
          meta["input.shape"] = .intArray(s.map { Int64($0) })
          meta["input.order"] = .string("column-major")
        }
        let model = result.model(metadata: meta)
        try ModelFile.write(model, to: output, overwrite: force)
        return Outcome(result: result, layout: layout, seconds: seconds(elapsed), examples: labels.count)
      }

      let r = outcome.result.optimization
      if !quiet {
        let sizes = outcome.layout.layerSizes.map(String.init).joined(separator: "-")
        let correct = Int((outcome.result.accuracy * Double(outcome.examples)).rounded())
        let lines = [
          "trained \(sizes) on \(dataName) with \(optimizer): \(r.iterations) iterations, \(r.evaluations) evaluations, "
            + formatted("%.3f s", outcome.seconds),
          "  J = \(r.cost), training accuracy "
            + formatted("%.2f%% (%ld/%ld)", outcome.result.accuracy * 100, correct, outcome.examples),
          r.stopReason == .interrupted
            ? "  interrupted: wrote the best model so far to \(output)"
            : "  \(r.stopReason.message); wrote \(output)",
        ]
        SafeFile.writeStandardError(lines.joined(separator: "\n") + "\n")
      } else if r.stopReason == .interrupted {
        warn("interrupted: wrote the best model so far to \(output)")
      }
      if r.stopReason == .interrupted { throw ExitCode(130) }
    }

    private struct Outcome {
      var result: TrainingResult
      var layout: NetworkLayout
      var seconds: Double
      var examples: Int
    }

    private var isCSV: Bool {
      data == "-" || data.lowercased().hasSuffix(".csv") || data.lowercased().hasSuffix(".txt")
    }

    private var dataName: String {
      data == "-" ? "<stdin>" : URL(fileURLWithPath: data).lastPathComponent
    }

    /// The examples and the SHA-256 of the bytes they were read from (one read of the file).
    private func loadData() throws -> (Dataset, digest: String) {
      if data == "-" || isCSV {
        let bytes = data == "-" ? try SafeFile.readStandardInput() : try SafeFile.read(data)
        let name = data == "-" ? "<stdin>" : data
        return (try Dataset.csv(data: bytes, name: name, labelColumn: .last), SHA256.hexDigest(bytes))
      }
      let dataset = try Dataset.mat(path: data, x: xName, y: yName, requireY: true, digest: true)
      guard let digest = dataset.sourceSHA256 else {
        preconditionFailure("Dataset.mat(digest: true) returned no digest")
      }
      return (dataset, digest)
    }

    /// `--layers`, or `[n] + hidden + [K]` with `K` the largest label.
    private func layerSizes(features n: Int, labels: [Int], explicit: [Int]?, hidden: [Int]) throws -> [Int] {
      if let explicit { return explicit }  // the cost function checks it against the data
      guard let k = labels.max(), k >= 1 else {
        throw TrainingError.badOption("the labels must be whole numbers 1…K (the course's 10 for the digit 0)")
      }
      return [n] + hidden + [k]
    }

    private func progressMode() -> Progress.Mode {
      if quiet { return .silent }
      if isatty(STDERR_FILENO) != 0 { return .terminal }
      return verbose ? .lines : .silent
    }
  }
}

/// Seconds in a `Duration`.
func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// The progress display of `theta train`.
final class Progress {
  enum Mode { case silent, terminal, lines }

  private let total: Int
  private let mode: Mode
  private let start = ContinuousClock.now
  private var shown = false

  init(total: Int, mode: Mode) {
    self.total = total
    self.mode = mode
  }

  func update(_ r: IterationReport) {
    let text =
      "iteration \(r.iteration)/\(total)  cost \(formatted("%.6f", r.cost))  evaluations \(r.evaluations)  "
      + formatted("elapsed %.1f s", seconds(ContinuousClock.now - start))
    switch mode {
    case .silent: return
    case .terminal:
      SafeFile.writeStandardError("\r\u{1B}[K" + text)
      shown = true
    case .lines:
      SafeFile.writeStandardError(text + "\n")
    }
  }

  func finish() {
    if shown { SafeFile.writeStandardError("\n") }
  }
}

/// Ctrl-C during training: the first asks the optimiser to stop after the
/// current iteration; the second ends the process at once (status 130).
///
/// SIGINT is ignored and delivered through a `DispatchSource` instead, whose
/// handler runs on a dispatch queue while the main thread trains.
enum Interrupt {
  /// Ctrl-C presses since ``install()``, counted on the signal handler's queue.
  private static let count = Atomic<Int>(0)
  /// The signal source; set and cancelled on the main thread only.
  nonisolated(unsafe) private static var source: (any DispatchSourceSignal)?

  /// Whether Ctrl-C was pressed since ``install()``.
  static var requested: Bool { count.load(ordering: .sequentiallyConsistent) > 0 }

  static func install() {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
      let presses = count.add(1, ordering: .sequentiallyConsistent).newValue
      let newline = isatty(STDERR_FILENO) != 0 ? "\n" : ""  // end a progress line
      if presses > 1 {
        SafeFile.writeStandardError(newline + "theta: interrupted twice: stopping now, no model written\n")
        exit(130)
      }
      SafeFile.writeStandardError(
        newline + "theta: interrupted: stopping after this iteration (Ctrl-C again to quit)\n")
    }
    source.resume()
    count.store(0, ordering: .sequentiallyConsistent)
    Self.source = source
  }

  static func uninstall() {
    source?.cancel()
    source = nil
    signal(SIGINT, SIG_DFL)
  }
}
