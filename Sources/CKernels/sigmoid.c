#include "CKernels.h"
#include <stdint.h>
#include <string.h>

/* Every operation as written, rounded on its own: the results must equal the Swift
   reference `fastSigmoid` bit for bit, whichever clone runs. */
#pragma STDC FP_CONTRACT OFF

/* The method of Inference's fastSigmoid (fdlibm's exp merged with the sigmoid's
   division); the comments there give the error analysis. One clone per vector width,
   chosen once by the dynamic loader (an ifunc). */
__attribute__((target_clones("avx512f", "avx2", "default")))
void theta_sigmoid(double *restrict p, long count) {
  const double shifter = 0x1.8p52;
#pragma clang loop vectorize(enable) interleave(enable)
  for (long i = 0; i < count; i++) {
    double x = -p[i];
    x = x > 709 ? 709 : x; /* comparisons that keep NaN */
    x = x < -708 ? -708 : x;
    double kShifted = x * 1.4426950408889634 + shifter;
    double k = kShifted - shifter;
    double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
    double r2 = r * r;
    double c = r - r2 * (1.66666666666666019037e-01 +
                         r2 * (-2.77777777770155933842e-03 +
                               r2 * (6.61375632143793436117e-05 +
                                     r2 * (-1.65339022054652515390e-06 + r2 * 4.13813679705723846039e-08))));
    double d = 2 - c;
    double n = d + 2 * r;
    int64_t bits;
    memcpy(&bits, &kShifted, sizeof bits);
    bits = (int64_t)((uint64_t)(bits + 1023) << 52);
    double twoToK;
    memcpy(&twoToK, &bits, sizeof twoToK);
    p[i] = d / (d + twoToK * n);
  }
}
