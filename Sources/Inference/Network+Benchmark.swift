public import LinearAlgebra

/// Timings of repeated batch predictions, from ``Network/benchmarkPredict(_:repeats:warmup:)``.
public struct PredictBenchmark: Sendable {
  /// Examples per batch (rows of the input).
  public let examples: Int
  /// Seconds taken by each timed batch, in run order.
  public let samples: [Double]

  /// Number of timed batches.
  public var repeats: Int { samples.count }
  /// The median time of one batch, in seconds (mean of the middle two for an even count).
  public var medianSeconds: Double {
    let s = samples.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
  /// The fastest batch, in seconds.
  public var minimumSeconds: Double { samples.min() ?? 0 }
  /// The slowest batch, in seconds.
  public var maximumSeconds: Double { samples.max() ?? 0 }
  /// Examples per second at the median time.
  public var examplesPerSecond: Double { medianSeconds > 0 ? Double(examples) / medianSeconds : 0 }
}

extension Network {
  /// Times ``predict(_:workspace:)`` on the same batch `repeats` times after
  /// `warmup` untimed runs, with one reused ``Workspace``.
  ///
  /// Each batch is timed with the standard library's `ContinuousClock`, a
  /// monotonic clock (`clock_gettime` on Linux), from the call to the returned labels.
  ///
  /// - Parameters:
  ///   - x: the inputs, `m × n`, either layout.
  ///   - repeats: timed batches, at least 1.
  ///   - warmup: untimed batches run first (page faults, BLAS thread start-up).
  /// - Returns: the per-batch times.
  /// - Throws: ``InferenceError/inputWidth(actual:expected:)`` when `x.columns != n`.
  public func benchmarkPredict(
    _ x: Matrix, repeats: Int, warmup: Int = 3
  ) throws(InferenceError) -> PredictBenchmark {
    precondition(repeats >= 1, "benchmarkPredict: repeats must be at least 1")
    var workspace = Workspace()
    var sink = 0
    for _ in 0..<max(warmup, 0) {
      sink &+= try predict(x, workspace: &workspace).first ?? 0
    }
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(repeats)
    for _ in 0..<repeats {
      let start = clock.now
      let labels = try predict(x, workspace: &workspace)
      let elapsed = clock.now - start
      sink &+= labels.first ?? 0
      let (s, atto) = elapsed.components
      samples.append(Double(s) + Double(atto) * 1e-18)
    }
    if sink == Int.min { print(sink) }  // keeps the results alive
    return PredictBenchmark(examples: x.rows, samples: samples)
  }
}
