#!/usr/bin/env python3
"""Benchmark training on digits5000 (5000x400, 400-25-10, lambda = 1), one run, ratios.

  (a) one cost+gradient evaluation at the seed initialisation:
      numpy vectorised (tools/seed_reference.nnCostFunctionVectorized, the seed's
      cost() plus its gradient with the per-example loop replaced by products)
      against `theta cost MODEL DATA --lambda 1 --benchmark N` (in-process median,
      parsed from stderr `benchmark: cost+gradient median X ms over N runs (M rows)`)
  (b) 50 iterations of CG from the seed initialisation:
      scipy.optimize.minimize(method='CG', maxiter=50) with numpy's vectorised
      cost and gradient, and with the seed's own code (per-example gradient loop),
      against `theta train DATA --init numpy --seed 0 --max-iter 50` (the training
      time it prints, which excludes reading the data, as the Python timings do;
      the whole process is timed too). Each run of the seed's code (seconds)
      is compared with the median of three theta runs made right after it.

Theta and Python are timed in alternating rounds (the machine is shared and
its speed drifts); the ratios printed are medians of the per-round ratios.
Before each timed part the script pauses 0.3 s (bench_predict.settle), so that
numpy's OpenBLAS threads, which spin for a while after a run, do not take a
core from what follows.
Compare ratios, not absolute times (REFERENCE.md's anchors: 13.0 ms, 1.82 s,
12.2 s).
Targets (issue 3): evaluation >= 4x numpy, training >= 5x scipy+numpy and
>= 30x the seed's code.

Usage: bench_train.py [--theta .build/release/theta] [--eval-runs 100] [--rounds 5]
                      [--train-runs 5] [--seed-runs 1] [--no-seed]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.optimize as op

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_reference as seed  # noqa: E402
from make_digits import build_digits20, build_digits5000, check_digits5000, save_xy  # noqa: E402
from bench_predict import blas_info, median_time, settle  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVAL_RE = re.compile(r"benchmark: cost\+gradient median ([0-9.]+) ms over (\d+) runs \((\d+) rows\)")
TRAIN_RE = re.compile(r"with cg: (\d+) iterations, (\d+) evaluations, ([0-9.]+) s\s+J = ([0-9.eE+-]+)")
SIZES = (400, 25, 10)
LAMBDA = 1.0


def scipy_cg(X, y, jac):
    x0 = seed.initial_params(*SIZES)
    return op.minimize(fun=seed.cost, x0=x0, args=SIZES + (X, y, LAMBDA),
                       method='CG', jac=jac, options={"maxiter": 50})


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("%s failed (%d):\n%s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--theta", default=os.path.join(REPO, ".build", "release", "theta"))
    ap.add_argument("--eval-runs", type=int, default=100, help="timed evaluations (each side, over all rounds)")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of evaluation timing")
    ap.add_argument("--train-runs", type=int, default=5,
                    help="timed 50-iteration trainings, theta and scipy+numpy alternating")
    ap.add_argument("--seed-runs", type=int, default=1, help="timed trainings with the seed's loop code")
    ap.add_argument("--no-seed", action="store_true", help="skip the seed's slow per-example code")
    args = ap.parse_args(argv)
    if not os.path.isfile(args.theta):
        raise SystemExit("theta binary not found at %s (build with `swift build -c release`, or pass --theta)"
                         % args.theta)

    X20, y20 = build_digits20()
    X, y = build_digits5000(X20, y20)
    check_digits5000(X, y)
    print("bench_train: digits5000 %dx%d, %s, lambda %g, seed initialisation"
          % (X.shape + ("-".join(map(str, SIZES)), LAMBDA)))
    print("  nproc=%d  numpy %s  BLAS: %s" % (os.cpu_count(), np.__version__, blas_info()))
    rows = []
    with tempfile.TemporaryDirectory(prefix="theta-bench-train-") as tmp:
        data = os.path.join(tmp, "digits5000.mat")
        save_xy(data, X, y)
        init_model = os.path.join(tmp, "init.theta")
        out_model = os.path.join(tmp, "trained.theta")
        # The seed initialisation as a model: 0 iterations from --init numpy --seed 0.
        run([args.theta, "train", data, "-o", init_model, "--init", "numpy", "--seed", "0",
             "--max-iter", "0", "--quiet", "--force"])

        # (a) one evaluation, in alternating rounds so that both sides see the same machine
        p0 = seed.initial_params(*SIZES)
        J_np = seed.cost(p0, *SIZES, X, y, LAMBDA)
        per_round = max(args.eval_runs // args.rounds, 5)
        t_np, t_th, J_theta = [], [], None
        for _ in range(args.rounds):
            settle()
            t_np.append(median_time(lambda: seed.nnCostFunctionVectorized(p0, *SIZES, X, y, LAMBDA),
                                    per_round, 3) / 1e3)  # bench_predict's median_time is in ms
            settle()
            r = run([args.theta, "cost", init_model, data, "--lambda", str(LAMBDA),
                     "--benchmark", str(per_round)])
            m = EVAL_RE.search(r.stderr)
            if not m:
                raise SystemExit("no benchmark line in theta cost's stderr:\n" + r.stderr)
            t_th.append(float(m.group(1)) / 1e3)
            J_theta = float(r.stdout.strip())
        t_eval_np, t_eval_theta = float(np.median(t_np)), float(np.median(t_th))
        eval_ratio = float(np.median(np.array(t_np) / np.array(t_th)))
        rows.append(("eval: numpy vectorised cost+gradient", t_eval_np, "J %.15g" % J_np))
        rows.append(("eval: theta cost --benchmark (in-process)", t_eval_theta,
                     "J %.15g (diff %.1e)" % (J_theta, J_theta - J_np)))

        # (b) 50 iterations of CG, theta and scipy+numpy alternating
        cmd = [args.theta, "train", data, "-o", out_model, "--init", "numpy", "--seed", "0",
               "--max-iter", "50", "--lambda", str(LAMBDA), "--force"]
        run(cmd)  # warmup
        scipy_cg(X, y, seed.gradientVectorized)

        def theta_train():
            settle()
            t = time.perf_counter()
            r = run(cmd)
            wall = time.perf_counter() - t
            m = TRAIN_RE.search(r.stderr)
            if not m:
                raise SystemExit("no summary in theta train's stderr:\n" + r.stderr)
            return float(m.group(3)), wall, m

        t_sc, t_in, t_proc, info, res = [], [], [], None, None
        for _ in range(args.train_runs):
            settle()
            t = time.perf_counter()
            res = scipy_cg(X, y, seed.gradientVectorized)
            t_sc.append(time.perf_counter() - t)
            a, b, info = theta_train()
            t_in.append(a)
            t_proc.append(b)
        t_scipy, t_theta, t_theta_proc = (float(np.median(v)) for v in (t_sc, t_in, t_proc))
        scipy_ratio = float(np.median(np.array(t_sc) / np.array(t_in)))
        rows.append(("train: scipy CG + numpy vectorised", t_scipy,
                     "J %.15g, %d evaluations, %d iterations" % (res.fun, res.nfev, res.nit)))
        t_seed = seed_ratio = None
        if not args.no_seed:
            ts, ratios = [], []
            for _ in range(max(args.seed_runs, 1)):
                settle()
                t = time.perf_counter()
                res_s = scipy_cg(X, y, seed.gradient)
                ts.append(time.perf_counter() - t)
                # The seed's one long run against the median of three of theta's right
                # after it: a single 0.2 s run varies by a quarter here.
                ratios.append(ts[-1] / float(np.median([theta_train()[0] for _ in range(3)])))
            t_seed, seed_ratio = float(np.median(ts)), float(np.median(ratios))
            rows.append(("train: seed's code (per-example loop)", t_seed,
                         "J %.15g, %d evaluations" % (res_s.fun, res_s.nfev)))
        J_t = float(info.group(4))
        rows.append(("train: theta train (training time it prints)", t_theta,
                     "J %.15g (diff %.1e), %s evaluations, %s iterations"
                     % (J_t, J_t - res.fun, info.group(2), info.group(1))))
        rows.append(("train: theta train, whole process", t_theta_proc, "reads the .mat, writes the model"))

    print()
    print("| %-46s | %12s | %s" % ("what (digits5000)", "median", "notes"))
    print("|%s|%s|%s" % ("-" * 48, "-" * 14, "-" * 50))
    for name, t, note in rows:
        shown = "%.3f ms" % (t * 1e3) if t < 1 else "%.3f s" % t
        print("| %-46s | %12s | %s" % (name, shown, note))
    print()
    print("ratios (>1 means theta is faster; median of the per-round ratios; targets in brackets):")
    print("  eval:  numpy / theta                  = %6.2f  [>= 4]" % eval_ratio)
    print("  train: scipy+numpy / theta            = %6.2f  [>= 5]" % scipy_ratio)
    print("  train: scipy+numpy / theta process    = %6.2f" % (t_scipy / t_theta_proc))
    if t_seed:
        print("  train: seed's code / theta            = %6.2f  [>= 30]" % seed_ratio)
        print("  train: seed's code / theta process    = %6.2f" % (t_seed / t_theta_proc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
