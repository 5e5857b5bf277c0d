/* Runs Theta's C kernels (Sources/CKernels, Sources/CTrainingKernels) on fixed
   pseudo-random inputs, saturated outputs included, and prints an FNV-1a hash of
   every result's bits. tests/python/test_kernel_builds.py compiles this file
   with the kernels for the baseline x86-64, AVX2 and AVX-512 instruction sets
   (the three builds the loader picks from) and checks that the hashes agree. */
#pragma STDC FP_CONTRACT OFF
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CKernels.h"
#include "CTrainingKernels.h"

static unsigned long long state = 88172645463325252ULL;
static double uniform(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (double)(state >> 11) * 0x1.0p-53;
}

static unsigned long long hash = 1469598103934665603ULL;
static void mix(double v) {
  unsigned long long bits;
  memcpy(&bits, &v, sizeof bits);
  hash = (hash ^ bits) * 1099511628211ULL;
}

int main(void) {
  enum { K = 257, O = 10, N = K * O };
  static double a[N], z[N], b[N], scratch[N], out[N], sums[O];
  static long targets[K];
  for (int round = 0; round < 200; round++) {
    for (long i = 0; i < N; i++) {
      z[i] = 60 * uniform() - 30;
      a[i] = 1 / (1 + exp(-z[i]));
      b[i] = 2 * uniform() - 1;
    }
    z[0] = 40, a[0] = 1, z[1] = -800, a[1] = 0, z[2] = -710; /* the softplus cases */
    for (long i = 0; i < K; i++) targets[i] = (long)(uniform() * O) % O;
    double sum = 0.25, compensation = 0;
    theta_cross_entropy(a, z, K, O, targets, scratch, &sum, &compensation);
    mix(sum), mix(compensation);
    mix(theta_dot(a, b, N - round % 7));
    memset(sums, 0, sizeof sums);
    theta_add_column_sums(b, K, O, sums);
    for (int j = 0; j < O; j++) mix(sums[j]);
    mix(theta_store_columns_and_dot(b, K, O, out, a, K));
    for (long i = 0; i < N; i++) mix(out[i]);
    theta_axpy(a, 0.37, b, out, N);
    for (long i = 0; i < N; i++) mix(out[i]);
    for (long i = 0; i < N; i++) scratch[i] = uniform() * 100 + (round % 2 ? 1e-310 : 1e-3);
    theta_log(scratch, N);
    for (long i = 0; i < N; i++) mix(scratch[i]);
    memcpy(out, z, sizeof out);
    out[3] = 900, out[4] = -900, out[5] = NAN;
    theta_sigmoid(out, N);
    for (long i = 0; i < N; i++) mix(out[i]);
  }
  printf("%016llx\n", hash);
  return 0;
}
