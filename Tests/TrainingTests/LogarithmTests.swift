import Foundation
import TestSupport
import Testing

@testable import Training

/// The vectorised logarithm of the cross-entropy against glibc's `log`.
@Suite struct LogarithmTests {
  /// The distance in units in the last place between two positive doubles.
  static func ulps(_ a: Double, _ b: Double) -> UInt64 {
    let (x, y) = (a.bitPattern, b.bitPattern)
    return x > y ? x - y : y - x
  }

  @Test func withinOneUlpOfGlibc() {
    var g = SplitMix64(seed: 11)
    var values: [Double] = []
    for i in 0..<400_000 {
      let u = g.nextUnit()
      switch i % 5 {
      case 0: values.append(u > 0 ? u : 0.5)  // (0, 1)
      case 1: values.append(1 - u * 1e-6)  // just below 1, where log is tiny
      case 2: values.append(Foundation.exp(-745 * u))  // down to the subnormals
      case 3: values.append(Double(sign: .plus, exponent: -1074 + Int(u * 2096), significand: 1 + u))  // every binade
      default: values.append(1 + u * 1e6)  // above 1
      }
    }
    values += [1, 2, 0.5, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1.0.nextDown]
    var logs = values
    logs.withUnsafeMutableBufferPointer { Kernels.logarithm($0.baseAddress!, count: $0.count) }
    var worst: UInt64 = 0
    for (x, l) in zip(values, logs) {
      let d = Self.ulps(l, Foundation.log(x))
      worst = max(worst, d)
      if d > 1 { Issue.record("log(\(x)): \(l), glibc \(Foundation.log(x))") }
    }
    #expect(worst <= 1)
    #expect(logs[values.count - 7] == 0)  // log 1 = 0 exactly
  }
}
