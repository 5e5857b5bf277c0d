#!/usr/bin/env python3
"""Train 400-25-10 on digits20 exactly as the seed post does, and write fixtures.

Seed algorithm: lambda = 1, seed initialisation (randInitializeWeights with a
fresh RandomState(0) per matrix), scipy.optimize.minimize(method='CG',
jac=gradient, options={'maxiter': 50}). The only change is the gradient: the
vectorised one (seed_reference.gradientVectorized) instead of the per-example
loop, for speed (--loop uses the seed's loop gradient).

Writes (unless --no-write):
  Fixtures/digits20-weights.mat  Theta1 25x401, Theta2 10x26 (MAT v5, compressed)
  Fixtures/tiny-weights.mat      4-3-2 network, Theta1 3x5, Theta2 2x4 (see tiny_network)
  Fixtures/tiny-data.csv         6 rows: 4 features, label (1..2) last
  Fixtures/tiny-data.mat         the same as X 6x4, y 6x1 (doubles)
"""

import argparse
import os
import sys

import numpy as np
import scipy.optimize as op

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_reference as seed  # noqa: E402
from fixture_io import savemat_fixed, write_csv  # noqa: E402
from make_digits import build_digits20, check_digits20  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(REPO, "Fixtures")

REF_J = 0.3834931723112515
REF_NFEV = 96
REF_ACC = 99.39


def train(X, y, lam=1.0, maxiter=50, loop=False):
    input_layer_size, hidden_layer_size, num_labels = 400, 25, 10
    x0 = seed.initial_params(input_layer_size, hidden_layer_size, num_labels)
    jac = seed.gradient if loop else seed.gradientVectorized
    res = op.minimize(fun=seed.cost, x0=x0,
                      args=(input_layer_size, hidden_layer_size, num_labels, X, y, lam),
                      method='CG', jac=jac, options={"maxiter": maxiter})
    Theta1, Theta2 = seed.reshape_params(res.x, input_layer_size, hidden_layer_size, num_labels)
    return res, Theta1, Theta2


def tiny_network():
    """4-3-2 network with simple, exactly representable (multiples of 1/4),
    deliberately asymmetric weights, so a transposed or mis-ordered read is
    caught; 6 examples whose labels the network gets right except row 4
    (true 2, predicted 1): predictions 1 2 1 2 1 2, accuracy 5/6 = 83.33 %."""
    Theta1 = np.array([[0.5, 1.0, -1.5, 2.0, -0.25],
                       [-1.0, 0.75, 2.5, -2.0, 1.25],
                       [0.25, -2.5, 0.5, 1.5, -1.75]])       # 3x5
    Theta2 = np.array([[-0.5, 2.0, -3.0, 1.5],
                       [1.0, -2.5, 2.25, -1.25]])            # 2x4
    X = np.array([[1.0, 0.0, 0.0, 0.0],
                  [0.0, 1.0, 0.0, 0.0],
                  [0.0, 0.0, 1.0, 0.0],
                  [0.0, 0.0, 0.0, 1.0],
                  [0.5, -0.25, 0.75, -1.0],
                  [-0.5, 0.25, -0.75, 1.0]])                 # 6x4
    y = np.array([1, 2, 1, 2, 2, 2])
    return Theta1, Theta2, X, y


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-write", action="store_true", help="train and report only")
    ap.add_argument("--loop", action="store_true", help="use the seed's per-example loop gradient")
    ap.add_argument("--out", default=os.path.join(FIX, "digits20-weights.mat"))
    args = ap.parse_args(argv)

    X, y = build_digits20()
    check_digits20(X, y)
    res, Theta1, Theta2 = train(X, y, loop=args.loop)
    acc = np.mean(seed.predict(Theta1, Theta2, X) == y) * 100
    J = float(res.fun)
    print("digits20 CG(maxiter=50), lambda=1, %s gradient:" % ("loop" if args.loop else "vectorised"))
    print("  J           = %r  (ref %r, diff %.3g)" % (J, REF_J, J - REF_J))
    print("  evaluations = %d  (ref %d); nit %d; jac evals %d" % (res.nfev, REF_NFEV, res.nit, res.njev))
    print("  accuracy    = %.2f %%  (ref %.2f %%), %d/%d"
          % (acc, REF_ACC, int(np.sum(seed.predict(Theta1, Theta2, X) == y)), len(y)))
    print("  message     = %s" % res.message)
    if abs(J - REF_J) > 1e-9 or res.nfev != REF_NFEV or round(acc, 2) != REF_ACC:
        print("WARNING: result differs from REFERENCE.md beyond rounding", file=sys.stderr)

    if args.no_write:
        return 0

    savemat_fixed(args.out, {"Theta1": Theta1, "Theta2": Theta2})
    print("wrote %s (%d bytes), Theta1 sum %r, Theta2 sum %r"
          % (args.out, os.path.getsize(args.out), float(Theta1.sum()), float(Theta2.sum())))

    T1, T2, tx, ty = tiny_network()
    p = os.path.join(FIX, "tiny-weights.mat")
    savemat_fixed(p, {"Theta1": T1, "Theta2": T2})
    print("wrote %s (%d bytes)" % (p, os.path.getsize(p)))
    p = os.path.join(FIX, "tiny-data.mat")
    savemat_fixed(p, {"X": tx, "y": ty.astype(np.float64).reshape(-1, 1)})
    print("wrote %s (%d bytes)" % (p, os.path.getsize(p)))
    p = os.path.join(FIX, "tiny-data.csv")
    write_csv(p, tx, ty)
    print("wrote %s (%d bytes)" % (p, os.path.getsize(p)))
    A3 = seed.predict_proba(T1, T2, tx)
    print("tiny: predict %s (true %s), J(lambda=0) %r"
          % (" ".join(map(str, seed.predict(T1, T2, tx))), " ".join(map(str, ty)),
             float(seed.cost(seed.unroll(T1, T2), 4, 3, 2, tx, ty, 0))))
    for i in range(A3.shape[0]):
        print("  row %d proba %s" % (i, ",".join(repr(float(v)) for v in A3[i])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
