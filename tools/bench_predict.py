#!/usr/bin/env python3
"""Benchmark batch prediction on digits5000 (5000x400, 400-25-10), one run, ratios.

  (a) numpy: the seed's predict(), on X as the seed gets it (scipy.io.loadmat of the
      same digits5000.mat theta reads: Fortran order), and on a C-ordered copy
  (b) onnxruntime (--threads, default 2): Gemm(transB=1)+Sigmoid per layer,
      float64 and float32, ArgMax in numpy (as in (a))
  (c) theta in-process: `theta predict MODEL.theta DATA.mat --benchmark N`,
      parsed from stderr `benchmark: predict median X.XXX ms over N runs (5000 rows)`
  (d) whole process: `theta predict MODEL.theta digits5000.mat` vs a
      `python -c` doing the same with scipy.io + numpy (median of --process-runs)

(a)-(c) run in alternating rounds (--rounds, default 5), since the machine is shared
and its speed drifts; each timing is a median after warmup, and the in-process
ratios printed are medians of the per-round ratios. Compare ratios, not absolute times.

Usage: bench_predict.py [--model Fixtures/digits20-weights.mat]
                        [--theta .build/release/theta] [--no-theta]
"""

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_reference as seed  # noqa: E402
from make_digits import build_digits20, build_digits5000, check_digits5000, save_xy  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_RE = re.compile(r"benchmark: predict median ([0-9.]+) ms over (\d+) runs \((\d+) rows\)")

PY_PREDICT = r"""
import sys
import numpy as np
import scipy.io
w = scipy.io.loadmat(sys.argv[1])
d = scipy.io.loadmat(sys.argv[2])
Theta1, Theta2, X = w["Theta1"], w["Theta2"], d["X"]
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
X = np.hstack((np.ones((X.shape[0], 1)), X))
A2 = sigmoid(np.dot(X, Theta1.T))
A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
A3 = sigmoid(np.dot(A2, Theta2.T))
pred = np.argmax(A3, axis=1) + 1
sys.stdout.write("\n".join(map(str, pred.tolist())) + "\n")
"""


def settle():
    """Lets numpy's OpenBLAS threads and onnxruntime's intra-op threads, which spin
    for a while after a run, go idle, so that they do not steal a core from what
    is timed next."""
    gc.collect()
    time.sleep(0.3)


def median_time(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1e3


def onnx_model(Theta1, Theta2, dtype):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    elem = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT
    inits = [numpy_helper.from_array(np.ascontiguousarray(Theta1[:, 1:], dtype=dtype), "W1"),
             numpy_helper.from_array(np.ascontiguousarray(Theta1[:, 0], dtype=dtype), "B1"),
             numpy_helper.from_array(np.ascontiguousarray(Theta2[:, 1:], dtype=dtype), "W2"),
             numpy_helper.from_array(np.ascontiguousarray(Theta2[:, 0], dtype=dtype), "B2")]
    nodes = [helper.make_node("Gemm", ["X", "W1", "B1"], ["Z2"], transB=1),
             helper.make_node("Sigmoid", ["Z2"], ["A2"]),
             helper.make_node("Gemm", ["A2", "W2", "B2"], ["Z3"], transB=1),
             helper.make_node("Sigmoid", ["Z3"], ["P"])]
    graph = helper.make_graph(
        nodes, "theta_predict",
        [helper.make_tensor_value_info("X", elem, ["N", Theta1.shape[1] - 1])],
        [helper.make_tensor_value_info("P", elem, ["N", Theta2.shape[0]])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def ort_session(model_bytes, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def run_proc(cmd, runs, warmup=1):
    out = None
    for _ in range(warmup):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.strip()))
        out = r.stdout
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        ts.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.strip()))
        out = r.stdout
    return float(np.median(ts)) * 1e3, out


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return "; ".join("%s %s (%s, %d threads)" % (i.get("internal_api"), i.get("version"),
                                                      i.get("architecture"), i.get("num_threads"))
                         for i in threadpool_info())
    except Exception as e:  # pragma: no cover
        return "unknown (%s)" % e


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(REPO, "Fixtures", "digits20-weights.mat"))
    ap.add_argument("--theta", default=os.path.join(REPO, ".build", "release", "theta"))
    ap.add_argument("--no-theta", action="store_true", help="only numpy and onnxruntime")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of numpy, onnxruntime, theta")
    ap.add_argument("--repeats", type=int, default=100, help="in-process timing repeats per round")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--benchmark-runs", type=int, default=100, help="N for theta --benchmark, per round")
    ap.add_argument("--process-runs", type=int, default=9)
    ap.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    args = ap.parse_args(argv)

    import scipy.io
    w = scipy.io.loadmat(args.model)
    Theta1, Theta2 = np.ascontiguousarray(w["Theta1"]), np.ascontiguousarray(w["Theta2"])
    X20, y20 = build_digits20()
    X, y = build_digits5000(X20, y20)
    check_digits5000(X, y)

    print("bench_predict: digits5000 %dx%d, model %s (%dx%d, %dx%d)"
          % (X.shape + (os.path.relpath(args.model), ) + Theta1.shape + Theta2.shape))
    print("  OPENBLAS_CORETYPE=%r  nproc=%d  numpy %s  BLAS: %s"
          % (os.environ.get("OPENBLAS_CORETYPE"), os.cpu_count(), np.__version__, blas_info()))

    ref_labels = seed.predict(Theta1, Theta2, X)
    ref_P = seed.predict_proba(Theta1, Theta2, X)
    print("  numpy predict accuracy on digits5000: %.2f %%" % (np.mean(ref_labels == y) * 100))
    rows = []

    theta_ok = False
    t_theta = t_theta_proc = t_py_proc = None
    if not args.no_theta:
        if not os.path.isfile(args.theta):
            print("\n*** theta binary not found at %s: theta rows NOT RUN "
                  "(build with `swift build -c release`, or pass --theta / --no-theta) ***\n"
                  % args.theta, file=sys.stderr)
        else:
            theta_ok = True

    import onnxruntime
    sessions, inputs, notes = {}, {}, {}
    for dtype, tag in ((np.float64, "float64"), (np.float32, "float32")):
        sess = ort_session(onnx_model(Theta1, Theta2, dtype), args.threads)
        Xd = np.ascontiguousarray(X, dtype=dtype)
        P = sess.run(["P"], {"X": Xd})[0]
        agree = int(np.sum(np.argmax(P, axis=1) + 1 == ref_labels))
        notes[tag] = "max|dP| %.1e, labels agree %d/%d" % (np.max(np.abs(P - ref_P)), agree, len(X))
        sessions[tag], inputs[tag] = sess, Xd

    with tempfile.TemporaryDirectory(prefix="theta-bench-") as tmp:
        data = os.path.join(tmp, "digits5000.mat")
        save_xy(data, X, y)
        model = os.path.join(tmp, "model.theta")
        if theta_ok:
            r = subprocess.run([args.theta, "convert", args.model, model], capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit("theta convert failed (%d): %s" % (r.returncode, r.stderr.strip()))
        # (a), (b), (c) in alternating rounds: the machine is shared and its speed drifts,
        # so each round times every contender back to back and the ratios are the
        # medians of the per-round ratios.
        # The seed loads X with scipy.io.loadmat, which returns MATLAB's column-major
        # (Fortran-ordered) array: the numpy baseline is its predict on exactly that.
        XF = scipy.io.loadmat(data)["X"]
        assert XF.flags["F_CONTIGUOUS"] and np.array_equal(XF, X), "loadmat X differs"
        per_round = {"numpy": [], "numpyC": [], "float64": [], "float32": [], "theta": []}
        theta_note = ""
        for _ in range(args.rounds):
            per_round["numpy"].append(median_time(lambda: seed.predict(Theta1, Theta2, XF),
                                                  args.repeats, args.warmup))
            settle()
            per_round["numpyC"].append(median_time(lambda: seed.predict(Theta1, Theta2, X),
                                                   args.repeats, args.warmup))
            settle()
            for tag in ("float64", "float32"):
                sess, Xd = sessions[tag], inputs[tag]
                per_round[tag].append(median_time(
                    lambda: np.argmax(sess.run(["P"], {"X": Xd})[0], axis=1) + 1, args.repeats, args.warmup))
                settle()
            if theta_ok:
                r = subprocess.run([args.theta, "predict", model, data, "--benchmark", str(args.benchmark_runs)],
                                   capture_output=True, text=True)
                m = BENCH_RE.search(r.stderr)
                if r.returncode != 0 or not m:
                    raise SystemExit("theta --benchmark: exit %d, no benchmark line in stderr:\n%s"
                                     % (r.returncode, r.stderr))
                per_round["theta"].append(float(m.group(1)))
                theta_labels = np.array([int(l) for l in r.stdout.split()]) if r.stdout.strip() else None
                theta_note = "%s runs × %d rounds, %s rows" % (m.group(2), args.rounds, m.group(3))
                if theta_labels is not None:
                    theta_note += ", labels agree %d/%d" % (int(np.sum(theta_labels == ref_labels)), len(X))
        del sessions, inputs
        settle()
        t_np = float(np.median(per_round["numpy"]))
        rows.append(("numpy seed predict, X from loadmat (F order)", t_np, "the seed's own setting"))
        rows.append(("numpy seed predict, X C-ordered", float(np.median(per_round["numpyC"])), ""))
        t_ort = {}
        for tag in ("float64", "float32"):
            t_ort[tag] = float(np.median(per_round[tag]))
            rows.append(("onnxruntime %s, %d threads, %s" % (onnxruntime.__version__, args.threads, tag),
                         t_ort[tag], notes[tag]))
        ratios = {}
        if theta_ok:
            t_theta = float(np.median(per_round["theta"]))
            rows.append(("theta predict --benchmark (in-process)", t_theta, theta_note))
            for tag in ("numpy", "numpyC", "float64", "float32"):
                ratios[tag] = float(np.median([a / b for a, b in zip(per_round[tag], per_round["theta"])]))
            # (d) whole process
            t_theta_proc, out = run_proc([args.theta, "predict", model, data], args.process_runs)
            agree = int(np.sum(np.array([int(l) for l in out.split()]) == ref_labels))
            rows.append(("process: theta predict model.theta data.mat", t_theta_proc,
                         "labels agree %d/%d" % (agree, len(X))))
        t_py_proc, out = run_proc([sys.executable, "-c", PY_PREDICT, args.model, data], args.process_runs)
        agree = int(np.sum(np.array([int(l) for l in out.split()]) == ref_labels))
        rows.append(("process: python -c (scipy.io + numpy)", t_py_proc,
                     "labels agree %d/%d" % (agree, len(X))))

    print()
    print("| %-44s | %10s | %s" % ("what (5000 rows)", "median ms", "notes"))
    print("|%s|%s|%s" % ("-" * 46, "-" * 12, "-" * 40))
    for name, t, note in rows:
        print("| %-44s | %10.3f | %s" % (name, t, note))
    print()
    if t_theta:
        print("ratios (>1 means theta is faster; in-process ones are medians of %d per-round ratios):"
              % args.rounds)
        print("  numpy / theta               = %.2f  [>= 3]  (X from loadmat, as the seed)" % ratios["numpy"])
        print("  numpy C-order X / theta     = %.2f" % ratios["numpyC"])
        print("  ort float64 / theta         = %.2f  [> 1]" % ratios["float64"])
        print("  ort float32 / theta         = %.2f" % ratios["float32"])
        print("  python-process / theta-proc = %.2f  [>= 5]" % (t_py_proc / t_theta_proc))
    else:
        print("ratios: theta not run; ort float64 / numpy = %.2f, ort float32 / numpy = %.2f"
              % (t_ort["float64"] / t_np, t_ort["float32"] / t_np))
    return 0 if (theta_ok or args.no_theta) else 1


if __name__ == "__main__":
    sys.exit(main())
