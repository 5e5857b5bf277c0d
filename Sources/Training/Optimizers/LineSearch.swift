// Line searches for the strong Wolfe conditions, ported in behaviour from
// scipy.optimize (1.17): `_dcsrch.py` (MINPACK-2's dcsrch/dcstep by Moré and
// Thuente) used by `line_search_wolfe1`, and `_linesearch.py`'s
// `scalar_search_wolfe2` / `_zoom` (Nocedal and Wright, Algorithms 3.5 and 3.6)
// used as its fallback. Written anew in Swift; the branch structure, constants
// and floating-point order follow scipy so that the optimisers take the same
// steps.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Python's `max(a, b, …)`: the first argument unless a later one compares greater
/// (so a NaN after the first is ignored, a NaN first is kept).
@inline(__always)
func pyMax(_ first: Double, _ rest: Double...) -> Double {
  var m = first
  for v in rest where v > m { m = v }
  return m
}

/// Python's `min(a, b)`: `a` unless `b < a`.
@inline(__always)
func pyMin(_ a: Double, _ b: Double) -> Double { b < a ? b : a }

/// numpy's `np.sign` (0 for ±0, NaN for NaN).
@inline(__always)
func npSign(_ x: Double) -> Double {
  x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? .nan : 0))
}

/// numpy's `np.clip(x, lo, hi)` for scalars: `min(max(x, lo), hi)`, NaN kept.
@inline(__always)
func npClip(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
  if x.isNaN { return x }
  return Swift.min(Swift.max(x, lo), hi)
}

/// MINPACK-2's `dcsrch`: Moré–Thuente search for a step satisfying
/// `φ(α) ≤ φ(0) + ftol·α·φ'(0)` and `|φ'(α)| ≤ gtol·|φ'(0)|`.
struct MoreThuente {
  let ftol: Double
  let gtol: Double
  let xtol: Double
  let stpmin: Double
  let stpmax: Double

  enum Task: Equatable {
    case start, fg, convergence
    case warning(String)
    case error(String)
  }

  private var brackt = false
  private var stage = 1
  private var ginit = 0.0, gtest = 0.0, gx = 0.0, gy = 0.0
  private var finit = 0.0, fx = 0.0, fy = 0.0
  private var stx = 0.0, sty = 0.0, stmin = 0.0, stmax = 0.0
  private var width = 0.0, width1 = 0.0

  init(ftol: Double, gtol: Double, xtol: Double, stpmin: Double, stpmax: Double) {
    self.ftol = ftol
    self.gtol = gtol
    self.xtol = xtol
    self.stpmin = stpmin
    self.stpmax = stpmax
  }

  /// scipy's `DCSRCH.__call__`: at most `maxiter` trial steps from `alpha1`.
  ///
  /// - Parameter phi: `(α) → (φ(α), φ'(α))`.
  /// - Returns: the step (nil on a warning or an error), `φ` at the last trial, and the task.
  mutating func search(
    alpha1 start: Double, phi0: Double, derphi0: Double, maxiter: Int = 100,
    phi: (Double) -> (Double, Double)
  ) -> (Double?, Double, Task) {
    var alpha1 = start
    var phi1 = phi0
    var derphi1 = derphi0
    var task = Task.start
    var stp: Double? = nil
    var finished = false
    for _ in 0..<maxiter {
      let s: Double
      (s, phi1, derphi1, task) = iterate(alpha1, phi1, derphi1, task)
      if !s.isFinite {
        task = .warning("non-finite step")
        stp = nil
        finished = true
        break
      }
      stp = s
      if task == .fg {
        alpha1 = s
        (phi1, derphi1) = phi(s)
      } else {
        finished = true
        break
      }
    }
    if !finished {
      return (nil, phi1, .warning("dcsrch did not converge within max iterations"))
    }
    switch task {
    case .warning, .error: return (nil, phi1, task)
    default: return (stp, phi1, task)
    }
  }

  private mutating func iterate(_ stpIn: Double, _ f: Double, _ g: Double, _ taskIn: Task) -> (
    Double, Double, Double, Task
  ) {
    var stp = stpIn
    var task = taskIn
    let p5 = 0.5
    let p66 = 0.66
    let xtrapl = 1.1
    let xtrapu = 4.0

    if task == .start {
      if stp < stpmin { task = .error("STP .LT. STPMIN") }
      if stp > stpmax { task = .error("STP .GT. STPMAX") }
      if g >= 0 { task = .error("INITIAL G .GE. ZERO") }
      if ftol < 0 { task = .error("FTOL .LT. ZERO") }
      if gtol < 0 { task = .error("GTOL .LT. ZERO") }
      if xtol < 0 { task = .error("XTOL .LT. ZERO") }
      if stpmin < 0 { task = .error("STPMIN .LT. ZERO") }
      if stpmax < stpmin { task = .error("STPMAX .LT. STPMIN") }
      if case .error = task { return (stp, f, g, task) }
      brackt = false
      stage = 1
      finit = f
      ginit = g
      gtest = ftol * ginit
      width = stpmax - stpmin
      width1 = width / p5
      stx = 0
      fx = finit
      gx = ginit
      sty = 0
      fy = finit
      gy = ginit
      stmin = 0
      stmax = stp + xtrapu * stp
      return (stp, f, g, .fg)
    }

    let ftest = finit + stp * gtest
    if stage == 1 && f <= ftest && g >= 0 { stage = 2 }

    if brackt && (stp <= stmin || stp >= stmax) { task = .warning("ROUNDING ERRORS PREVENT PROGRESS") }
    if brackt && stmax - stmin <= xtol * stmax { task = .warning("XTOL TEST SATISFIED") }
    if stp == stpmax && f <= ftest && g <= gtest { task = .warning("STP = STPMAX") }
    if stp == stpmin && (f > ftest || g >= gtest) { task = .warning("STP = STPMIN") }
    if f <= ftest && abs(g) <= gtol * -ginit { task = .convergence }
    switch task {
    case .warning, .convergence: return (stp, f, g, task)
    default: break
    }

    if stage == 1 && f <= fx && f > ftest {
      let fm = f - stp * gtest
      var fxm = fx - stx * gtest
      var fym = fy - sty * gtest
      let gm = g - gtest
      var gxm = gx - gtest
      var gym = gy - gtest
      dcstep(&stx, &fxm, &gxm, &sty, &fym, &gym, &stp, fm, gm, &brackt, stmin, stmax)
      fx = fxm + stx * gtest
      fy = fym + sty * gtest
      gx = gxm + gtest
      gy = gym + gtest
    } else {
      dcstep(&stx, &fx, &gx, &sty, &fy, &gy, &stp, f, g, &brackt, stmin, stmax)
    }

    if brackt {
      if abs(sty - stx) >= p66 * width1 { stp = stx + p5 * (sty - stx) }
      width1 = width
      width = abs(sty - stx)
    }
    if brackt {
      stmin = pyMin(stx, sty)
      stmax = pyMax(stx, sty)
    } else {
      stmin = stp + xtrapl * (stp - stx)
      stmax = stp + xtrapu * (stp - stx)
    }
    stp = npClip(stp, stpmin, stpmax)
    if (brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= xtol * stmax) {
      stp = stx
    }
    return (stp, f, g, .fg)
  }
}

/// MINPACK-2's `dcstep`: a safeguarded cubic/quadratic/secant step that keeps an
/// interval `[stx, sty]` containing a step satisfying the Wolfe conditions.
func dcstep(
  _ stx: inout Double, _ fx: inout Double, _ dx: inout Double,
  _ sty: inout Double, _ fy: inout Double, _ dy: inout Double,
  _ stp: inout Double, _ fp: Double, _ dp: Double,
  _ brackt: inout Bool, _ stpmin: Double, _ stpmax: Double
) {
  let sgnd = npSign(dp) * npSign(dx)
  let stpf: Double
  if fp > fx {
    let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp
    let s = pyMax(abs(theta), abs(dx), abs(dp))
    var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
    if stp < stx { gamma *= -1 }
    let p = (gamma - dx) + theta
    let q = ((gamma - dx) + gamma) + dp
    let r = p / q
    let stpc = stx + r * (stp - stx)
    let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx)
    if abs(stpc - stx) <= abs(stpq - stx) {
      stpf = stpc
    } else {
      stpf = stpc + (stpq - stpc) / 2.0
    }
    brackt = true
  } else if sgnd < 0.0 {
    let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
    let s = pyMax(abs(theta), abs(dx), abs(dp))
    var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
    if stp > stx { gamma *= -1 }
    let p = (gamma - dp) + theta
    let q = ((gamma - dp) + gamma) + dx
    let r = p / q
    let stpc = stp + r * (stx - stp)
    let stpq = stp + (dp / (dp - dx)) * (stx - stp)
    stpf = abs(stpc - stp) > abs(stpq - stp) ? stpc : stpq
    brackt = true
  } else if abs(dp) < abs(dx) {
    let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
    let s = pyMax(abs(theta), abs(dx), abs(dp))
    var gamma = s * pyMax(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
    if stp > stx { gamma = -gamma }
    let p = (gamma - dp) + theta
    let q = (gamma + (dx - dp)) + gamma
    let r = p / q
    let stpc: Double
    if r < 0 && gamma != 0 {
      stpc = stp + r * (stx - stp)
    } else if stp > stx {
      stpc = stpmax
    } else {
      stpc = stpmin
    }
    let stpq = stp + (dp / (dp - dx)) * (stx - stp)
    if brackt {
      var f = abs(stpc - stp) < abs(stpq - stp) ? stpc : stpq
      if stp > stx {
        f = pyMin(stp + 0.66 * (sty - stp), f)
      } else {
        f = pyMax(stp + 0.66 * (sty - stp), f)
      }
      stpf = f
    } else {
      let f = abs(stpc - stp) > abs(stpq - stp) ? stpc : stpq
      stpf = npClip(f, stpmin, stpmax)
    }
  } else {
    if brackt {
      let theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp
      let s = pyMax(abs(theta), abs(dy), abs(dp))
      var gamma = s * ((theta / s) * (theta / s) - (dy / s) * (dp / s)).squareRoot()
      if stp > sty { gamma = -gamma }
      let p = (gamma - dp) + theta
      let q = ((gamma - dp) + gamma) + dy
      let r = p / q
      stpf = stp + r * (sty - stp)
    } else if stp > stx {
      stpf = stpmax
    } else {
      stpf = stpmin
    }
  }

  if fp > fx {
    sty = stp
    fy = fp
    dy = dp
  } else {
    if sgnd < 0 {
      sty = stx
      fy = fx
      dy = dx
    }
    stx = stp
    fx = fp
    dx = dp
  }
  stp = stpf
}

/// A step accepted by a line search.
struct LineSearchStep {
  /// The step length α.
  var alpha: Double
  /// `f(x + α·p)`.
  var f: Double
  /// `f(x)`.
  var f0: Double
}

/// scipy's `line_search_wolfe1`: Moré–Thuente along `p` from `x`.
///
/// The first trial step is `min(1, 1.01·2·(f₀ − f₋₁)/φ'(0))` (1 if that is
/// negative or there is no previous value), scipy's guess that the decrease
/// will match the last one. The gradient at the accepted step is
/// `cache.gradient(alpha:)`.
func lineSearchWolfe1(
  _ cache: EvaluationCache, x: [Double], p: [Double], g: [Double], f0: Double, fPrevious: Double?,
  c1: Double, c2: Double, amax: Double, amin: Double, xtol: Double = 1e-14
) -> LineSearchStep? {
  let derphi0 = dot(g, p)
  var alpha1 = 1.0
  if let old = fPrevious, derphi0 != 0 {
    alpha1 = pyMin(1.0, 1.01 * 2 * (f0 - old) / derphi0)
    if alpha1 < 0 { alpha1 = 1.0 }
  }
  cache.beginLine(at: x, direction: p)
  var search = MoreThuente(ftol: c1, gtol: c2, xtol: xtol, stpmin: amin, stpmax: amax)
  let (stp, phi1, _) = search.search(alpha1: alpha1, phi0: f0, derphi0: derphi0) { s in cache.phi(s) }
  guard let alpha = stp else { return nil }
  return LineSearchStep(alpha: alpha, f: phi1, f0: f0)
}

/// scipy's `line_search_wolfe2` (`scalar_search_wolfe2` with `_zoom`), with an
/// extra acceptance condition `(α, f(x + αp), ∇f(x + αp)) → Bool` checked on
/// steps that meet the strong Wolfe conditions.
func lineSearchWolfe2(
  _ cache: EvaluationCache, x: [Double], p: [Double], g: [Double], f0 phi0: Double, fPrevious: Double?,
  c1: Double, c2: Double, amax: Double?, maxiter: Int = 10,
  extraCondition: ((Double, Double, [Double]) -> Bool)?
) -> LineSearchStep? {
  cache.beginLine(at: x, direction: p)
  func phi(_ a: Double) -> Double { cache.phi(a).0 }
  func derphi(_ a: Double) -> Double { cache.phi(a).1 }
  let derphi0 = dot(g, p)
  func extra(_ a: Double, _ phiA: Double) -> Bool {
    guard let condition = extraCondition else { return true }
    return condition(a, phiA, cache.gradient(alpha: a))
  }

  var alpha0 = 0.0
  var alpha1 = 1.0
  if let old = fPrevious, derphi0 != 0 {
    alpha1 = pyMin(1.0, 1.01 * 2 * (phi0 - old) / derphi0)
  }
  if alpha1 < 0 { alpha1 = 1.0 }
  if let amax { alpha1 = pyMin(alpha1, amax) }
  var phiA1 = phi(alpha1)
  var phiA0 = phi0
  var derphiA0 = derphi0

  for i in 0..<maxiter {
    if alpha1 == 0 { return nil }
    if let amax, alpha0 > amax { return nil }
    let notFirst = i > 0
    if phiA1 > phi0 + c1 * alpha1 * derphi0 || (phiA1 >= phiA0 && notFirst) {
      let (a, f) = zoom(alpha0, alpha1, phiA0, phiA1, derphiA0, phi, derphi, phi0, derphi0, c1, c2, extra)
      return a.map { LineSearchStep(alpha: $0, f: f, f0: phi0) }
    }
    let derphiA1 = derphi(alpha1)
    if abs(derphiA1) <= -c2 * derphi0, extra(alpha1, phiA1) {
      return LineSearchStep(alpha: alpha1, f: phiA1, f0: phi0)
    }
    if derphiA1 >= 0 {
      let (a, f) = zoom(alpha1, alpha0, phiA1, phiA0, derphiA1, phi, derphi, phi0, derphi0, c1, c2, extra)
      return a.map { LineSearchStep(alpha: $0, f: f, f0: phi0) }
    }
    var alpha2 = 2 * alpha1
    if let amax { alpha2 = pyMin(alpha2, amax) }
    alpha0 = alpha1
    alpha1 = alpha2
    phiA0 = phiA1
    phiA1 = phi(alpha1)
    derphiA0 = derphiA1
  }
  // scipy returns the last trial step (and warns that the search did not converge).
  return LineSearchStep(alpha: alpha1, f: phiA1, f0: phi0)
}

/// scipy's `_cubicmin`: the minimiser of the cubic `A(x−a)³ + B(x−a)² + C(x−a) + D`
/// through `(a, fa)` with slope `fpa`, `(b, fb)` and `(c, fc)`, or nil where
/// scipy's floating-point checks (`np.errstate(... 'raise')`) would give up.
func cubicMin(
  _ a: Double, _ fa: Double, _ fpa: Double, _ b: Double, _ fb: Double, _ c: Double, _ fc: Double
) -> Double? {
  let slope = fpa  // C
  let db = b - a
  let dc = c - a
  let denom = (db * dc) * (db * dc) * (db - dc)
  let v0 = fb - fa - slope * db
  let v1 = fc - fa - slope * dc
  var cubic = dc * dc * v0 + -(db * db) * v1  // A
  var square = -(dc * dc * dc) * v0 + db * db * db * v1  // B
  guard denom != 0, cubic.isFinite, square.isFinite else { return nil }
  cubic /= denom
  square /= denom
  let radical = square * square - 3 * cubic * slope
  guard radical >= 0, cubic != 0, cubic.isFinite, square.isFinite else { return nil }
  let xmin = a + (-square + radical.squareRoot()) / (3 * cubic)
  return xmin.isFinite ? xmin : nil
}

/// scipy's `_quadmin`: the minimiser of the parabola `B(x−a)² + C(x−a) + D` through
/// `(a, fa)` with slope `fpa` and `(b, fb)`.
func quadMin(_ a: Double, _ fa: Double, _ fpa: Double, _ b: Double, _ fb: Double) -> Double? {
  let value = fa  // D
  let slope = fpa  // C
  let db = b - a * 1.0
  guard db * db != 0 else { return nil }
  let square = (fb - value - slope * db) / (db * db)  // B
  guard square != 0, square.isFinite else { return nil }
  let xmin = a - slope / (2.0 * square)
  return xmin.isFinite ? xmin : nil
}

/// scipy's `_zoom` (Nocedal and Wright, Algorithm 3.6).
func zoom(
  _ aLoIn: Double, _ aHiIn: Double, _ phiLoIn: Double, _ phiHiIn: Double, _ derphiLoIn: Double,
  _ phi: (Double) -> Double, _ derphi: (Double) -> Double, _ phi0: Double, _ derphi0: Double,
  _ c1: Double, _ c2: Double, _ extra: (Double, Double) -> Bool
) -> (Double?, Double) {
  var (aLo, aHi, phiLo, phiHi, derphiLo) = (aLoIn, aHiIn, phiLoIn, phiHiIn, derphiLoIn)
  let maxiter = 10
  var i = 0
  let delta1 = 0.2
  let delta2 = 0.1
  var phiRec = phi0
  var aRec = 0.0
  while true {
    let dalpha = aHi - aLo
    let (a, b) = dalpha < 0 ? (aHi, aLo) : (aLo, aHi)
    // Cubic interpolation, else quadratic, else bisection (scipy's order and checks).
    func usable(_ v: Double?, _ margin: Double) -> Double? {
      guard let v, !(v > b - margin), !(v < a + margin) else { return nil }
      return v
    }
    var aj: Double? = nil
    if i > 0 {
      aj = usable(cubicMin(aLo, phiLo, derphiLo, aHi, phiHi, aRec, phiRec), delta1 * dalpha)
    }
    if aj == nil {
      aj = usable(quadMin(aLo, phiLo, derphiLo, aHi, phiHi), delta2 * dalpha)
    }
    let alphaJ = aj ?? aLo + 0.5 * dalpha
    let phiAj = phi(alphaJ)
    if phiAj > phi0 + c1 * alphaJ * derphi0 || phiAj >= phiLo {
      phiRec = phiHi
      aRec = aHi
      aHi = alphaJ
      phiHi = phiAj
    } else {
      let derphiAj = derphi(alphaJ)
      if abs(derphiAj) <= -c2 * derphi0 && extra(alphaJ, phiAj) {
        return (alphaJ, phiAj)
      }
      if derphiAj * (aHi - aLo) >= 0 {
        phiRec = phiHi
        aRec = aHi
        aHi = aLo
        phiHi = phiLo
      } else {
        phiRec = phiLo
        aRec = aLo
      }
      aLo = alphaJ
      phiLo = phiAj
      derphiLo = derphiAj
    }
    i += 1
    if i > maxiter { return (nil, .nan) }
  }
}
