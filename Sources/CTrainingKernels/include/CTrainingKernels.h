#ifndef C_THETA_TRAINING_KERNELS_H
#define C_THETA_TRAINING_KERNELS_H
/* Training's element-wise kernels, in C so that the compiler can build one copy per
   vector width (AVX-512, AVX2, baseline SSE2) and pick one at load time for the CPU it
   runs on; Swift code cannot select CPU features per function. Every copy gives the same
   bits: no fused multiply-adds, and sums in a fixed order. Imported by Training only. */

/* p[i] = log(p[i]) for 0 < p[i] < infinity (normal or subnormal), within 1 ulp of the
   correctly rounded logarithm: fdlibm's e_log.c without its branches. Other inputs
   (zero, negative, infinite, NaN) give unspecified values: the caller excludes them. */
void theta_log(double *p, long count);

/* out[i] = x[i] + alpha·y[i] for i < count. */
void theta_axpy(const double *x, double alpha, const double *y, double *out, long count);

/* Σ a[i]·b[i] for i < count, in four interleaved partial sums s_l (over i ≡ l mod 4,
   in order), returned as ((s0 + s1) + (s2 + s3)) + the sum of the last count mod 4 products. */
double theta_dot(const double *a, const double *b, long count);

/* sums[j] += Σ_i d[i + j·rows] for j < columns (d column-major rows × columns), each
   column summed as theta_dot sums. */
void theta_add_column_sums(const double *d, long rows, long columns, double *sums);

/* Copies the column-major rows × columns block d into the column-major matrix at out
   (leading dimension ld: column j to out[j·ld …]), and returns
   Σ_j Σ_i d[i + j·rows]·other[i + j·ld], each column as theta_dot, the columns added in order. */
double theta_store_columns_and_dot(const double *d, long rows, long columns, double *out,
                                   const double *other, long ld);

/* Adds the cross-entropy terms of a block of outputs a = σ(z) (column-major rows × outputs)
   to the compensated sum (*sum, *compensation): −log a where targets[i] == j, −log(1 − a)
   elsewhere; where that logarithm's argument is 0 (a saturated to 0 or 1) or, for a lit
   unit, z < −700, the exact softplus of ∓z instead. The terms go into four interleaved
   Neumaier sums (over the element index mod 4), then added to *sum in order. scratch holds
   rows × outputs values. */
void theta_cross_entropy(const double *a, const double *z, long rows, long outputs, const long *targets,
                         double *scratch, double *sum, double *compensation);
#endif
