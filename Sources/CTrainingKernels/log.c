#include "CTrainingKernels.h"
#include <stdint.h>
#include <string.h>

/* Every operation as written, rounded on its own, so that every clone gives the same
   bits: no fused multiply-adds. */
#pragma STDC FP_CONTRACT OFF

/* fdlibm's __ieee754_log (e_log.c), made branch-free so that it vectorises:
   x = 2^k·(1 + f) with √2/2 ≤ 1 + f < √2, s = f/(2 + f), and
   log(1 + f) = f − s·(f − R) or f − (hfsq − s·(hfsq + R)) with hfsq = f²/2 and
   R(s²) the degree-14 minimax polynomial Lg1…Lg7 (fdlibm picks the form by the
   mantissa; both are kept and one selected), log x = k·ln2_hi − ((… − k·ln2_lo) − f).
   fdlibm's error bound is below 1 ulp. Subnormal inputs are first scaled by 2^54. */
__attribute__((target_clones("avx512f", "avx2", "default")))
void theta_log(double *restrict p, long count) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
               Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
               Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
               Lg7 = 1.479819860511658591e-01;
#pragma clang loop vectorize(enable) interleave(enable)
  for (long i = 0; i < count; i++) {
    double x = p[i];
    int64_t subnormal = x < 0x1p-1022;
    x = subnormal ? x * 0x1p54 : x;
    int64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int64_t hx = bits >> 32;
    int64_t k = (hx >> 20) - 1023 - (subnormal ? 54 : 0);
    hx &= 0x000fffff;
    int64_t j = (hx + 0x95f64) & 0x100000; /* 0x100000 when the mantissa is ≥ √2 */
    bits = ((hx | (j ^ 0x3ff00000)) << 32) | (bits & 0xffffffff); /* x or x/2 */
    k += j >> 20;
    double y;
    memcpy(&y, &bits, sizeof y);
    double f = y - 1.0;
    double dk = (double)k;
    double s = f / (2.0 + f);
    double z = s * s;
    double w = z * z;
    double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    double R = t2 + t1;
    double hfsq = 0.5 * f * f;
    int64_t form = ((hx - 0x6147a) | (0x6b851 - hx)) > 0;
    double wide = dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
    double narrow = dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
    p[i] = form ? wide : narrow;
  }
}
