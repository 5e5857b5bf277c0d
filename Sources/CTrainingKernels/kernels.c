#include "CTrainingKernels.h"
#include <math.h>
#include <string.h>

/* Every operation as written, rounded on its own, so that every clone gives the same
   bits: no fused multiply-adds, and sums in the order written (four interleaved partial
   sums where a loop keeps four). */
#pragma STDC FP_CONTRACT OFF

__attribute__((target_clones("avx512f", "avx2", "default")))
void theta_axpy(const double *restrict x, double alpha, const double *restrict y, double *restrict out,
                long count) {
  for (long i = 0; i < count; i++) out[i] = x[i] + alpha * y[i];
}

/* Σ a[i]·b[i], four interleaved partial sums s_l (over i ≡ l mod 4, in order), returned
   as ((s0 + s1) + (s2 + s3)) + the sum of the last count mod 4 products. Inlined into
   every clone of its callers. */
static inline double dot4(const double *restrict a, const double *restrict b, long count) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  long i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  double tail = 0;
  for (; i < count; i++) tail += a[i] * b[i];
  return ((s0 + s1) + (s2 + s3)) + tail;
}

__attribute__((target_clones("avx512f", "avx2", "default")))
double theta_dot(const double *restrict a, const double *restrict b, long count) {
  return dot4(a, b, count);
}

/* Σ p[i], four interleaved partial sums, as theta_dot. */
static inline double sum4(const double *restrict p, long count) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  long i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
  }
  double tail = 0;
  for (; i < count; i++) tail += p[i];
  return ((s0 + s1) + (s2 + s3)) + tail;
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void theta_add_column_sums(const double *restrict d, long rows, long columns, double *restrict sums) {
  for (long j = 0; j < columns; j++) sums[j] += sum4(d + j * rows, rows);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
double theta_store_columns_and_dot(const double *restrict d, long rows, long columns, double *restrict out,
                                   const double *restrict other, long ld) {
  double s = 0;
  for (long j = 0; j < columns; j++) {
    memcpy(out + j * ld, d + j * rows, (size_t)rows * sizeof *d);
    s += dot4(d + j * rows, other + j * ld, rows);
  }
  return s;
}

/* log(1 + e^t) without overflow: max(t, 0) + log1p(e^(−|t|)). */
static double softplus(double t) { return fmax(t, 0.0) + log1p(exp(-fabs(t))); }

/* One step of Neumaier's compensated sum. */
static inline void neumaier(double *sum, double *compensation, double term) {
  double s = *sum, t = s + term;
  *compensation += fabs(s) >= fabs(term) ? (s - t) + term : (term - t) + s;
  *sum = t;
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void theta_cross_entropy(const double *restrict a, const double *restrict z, long rows, long outputs,
                         const long *restrict targets, double *restrict scratch, double *sum,
                         double *compensation) {
  long count = rows * outputs;
  long special = 0;
  for (long j = 0; j < outputs; j++) {
    for (long i = 0; i < rows; i++) {
      long idx = i + j * rows;
      double v = a[idx];
      int lit = targets[i] == j;
      double argument = lit ? v : 1.0 - v;
      int exact = lit ? (v > 0 && z[idx] > -700) : (v < 1);
      special += !exact;
      scratch[idx] = exact ? argument : 1.0;
    }
  }
  theta_log(scratch, count);
  if (special) {
    for (long j = 0; j < outputs; j++) {
      for (long i = 0; i < rows; i++) {
        long idx = i + j * rows;
        double v = a[idx];
        if (targets[i] == j) {
          if (!(v > 0 && z[idx] > -700)) scratch[idx] = -softplus(-z[idx]);
        } else if (!(v < 1)) {
          scratch[idx] = -softplus(z[idx]);
        }
      }
    }
  }
  /* Four compensated sums of the terms −scratch[idx], then added in order. */
  double s[4] = {0, 0, 0, 0}, c[4] = {0, 0, 0, 0};
  long idx = 0;
  for (; idx + 4 <= count; idx += 4)
    for (int l = 0; l < 4; l++) neumaier(&s[l], &c[l], -scratch[idx + l]);
  for (; idx < count; idx++) neumaier(&s[0], &c[0], -scratch[idx]);
  for (int l = 0; l < 4; l++) neumaier(sum, compensation, s[l]);
  *compensation += (c[0] + c[1]) + (c[2] + c[3]);
}
