#ifndef C_THETA_KERNELS_H
#define C_THETA_KERNELS_H
/* Theta's own element-wise kernels, in C so that the compiler can build one copy per
   vector width (AVX-512, AVX2, baseline SSE2) and pick one at load time for the CPU it
   runs on; Swift code cannot select CPU features per function. */

/// p[i] = 1 / (1 + e^(-p[i])) for i < count, by Inference's `fastSigmoid` method,
/// bit for bit (no fused multiply-adds): see Sources/Inference/Internals/SigmoidKernel.swift.
void theta_sigmoid(double *p, long count);
#endif
