import CKernels
import Dispatch
import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The kernel of ``applySigmoid(_:)``: ``fastSigmoid(_:)`` over the storage,
/// split over the cores with `DispatchQueue.concurrentPerform` when the matrix
/// is large (at least 32 768 elements, at least 16 384 per thread).
func sigmoidInPlace(_ a: inout Matrix) {
  a.withUnsafeMutableStorage { buffer in
    guard let base = buffer.baseAddress else { return }
    let count = buffer.count
    let chunks = count >= 32_768 ? min(Parallelism.workers, count / 16_384) : 1
    if chunks <= 1 {
      sigmoidKernel(base, count: count)
      return
    }
    nonisolated(unsafe) let shared = base
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      // Chunk boundaries on multiples of 8 elements keep the vector loops whole.
      let lo = (count * c / chunks) & ~7
      let hi = c == chunks - 1 ? count : (count * (c + 1) / chunks) & ~7
      sigmoidKernel(shared + lo, count: hi - lo)
    }
  }
}

/// `p[i] = σ(p[i])` for `i < count`: ``fastSigmoid(_:)`` bit for bit, through
/// `theta_sigmoid` (CKernels), which the dynamic loader picks in an AVX-512, AVX2 or
/// baseline build for the CPU it runs on (Swift code is compiled for the baseline only).
func sigmoidKernel(_ p: UnsafeMutablePointer<Double>, count: Int) {
  theta_sigmoid(p, count)
}

/// `σ(z) = 1 / (1 + e^(−z))` with no call and no branch, so loops over it vectorise.
///
/// Within 2.2 ulp of `1 / (1 + exp(-z))` with glibc `exp` for `z ≥ −705`
/// (absolute difference at most 2.3e−16 everywhere); `NaN` propagates.
///
/// Method (the `exp` of fdlibm, merged with the sigmoid's division): with
/// `x = −z` clamped to `[−708, 709]` (which moves σ by less than 2e−308),
/// `x = k·ln2 + r`, `k = round(x/ln2)` by the 1.5·2⁵² shifter trick,
/// `|r| ≤ ln2/2` by Cody–Waite (`ln2` split in two); fdlibm's
/// `c = r − r²·(P1 + r²·(P2 + … + r²·P5))` gives `e^r = 1 + r + r·c/(2 − c)
/// = N/D` with `N = 2 − c + 2r`, `D = 2 − c` (approximation error below
/// 2⁻⁵⁹), hence `σ = D / (D + 2^k·N)`: one division in all. `2^k` is built in
/// the exponent bits of `k + 1023`.
@inline(__always)
func fastSigmoid(_ z: Double) -> Double {
  var x = -z
  x = x > 709 ? 709 : x  // comparisons that keep NaN
  x = x < -708 ? -708 : x
  let shifter = 0x1.8p52
  let kShifted = x * 1.442_695_040_888_963_4 + shifter  // log2(e)
  let k = kShifted - shifter
  let r = (x - k * 6.931_471_803_691_238_164_90e-01) - k * 1.908_214_929_270_587_700_02e-10
  let r2 = r * r
  let c =
    r - r2
    * (1.666_666_666_666_660_190_37e-01 + r2
      * (-2.777_777_777_701_559_338_42e-03 + r2
        * (6.613_756_321_437_934_361_17e-05 + r2
          * (-1.653_390_220_546_525_153_90e-06 + r2 * 4.138_136_797_057_238_460_39e-08))))
  let d = 2 - c
  let n = d + 2 * r
  // The low bits of kShifted hold k (two's complement); shift k + 1023 into the exponent.
  let twoToK = Double(bitPattern: (kShifted.bitPattern &+ 1023) << 52)
  return d / (d + twoToK * n)
}

/// How many threads the element-wise kernels use.
enum Parallelism {
  /// The online processors, at least 1.
  static let workers: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
