#ifndef C_THETA_TRAINING_KERNELS_H
#define C_THETA_TRAINING_KERNELS_H
/* Training's element-wise kernels, in C so that the compiler can build one copy per
   vector width (AVX-512, AVX2, baseline SSE2) and pick one at load time for the CPU it
   runs on; Swift code cannot select CPU features per function. Imported by Training only. */

/* p[i] = log(p[i]) for 0 < p[i] < infinity (normal or subnormal), within 1 ulp of the
   correctly rounded logarithm: fdlibm's e_log.c without its branches. Other inputs
   (zero, negative, infinite, NaN) give unspecified values: the caller excludes them. */
void theta_log(double *p, long count);
#endif
