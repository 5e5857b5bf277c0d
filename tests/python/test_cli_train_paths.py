"""`theta cost` and `theta train` against the seed's numpy/scipy code, for a
network whose cost function runs its blocks on Theta's threads (400-25-10)
and for one with a wide hidden layer (400-200-10), whose blocks are too large
for that and whose products go to OpenBLAS's own threads, which `theta` stops
at start-up and OpenBLAS must start again on demand.
"""

import re

import pytest
import scipy.optimize as op

import seed_reference as seed
from conftest import ok, run_theta as run
from test_cli_predict import DIGITS20_MAT, digits20_data  # noqa: F401 (digits20_data is a fixture)

SUMMARY_RE = re.compile(r"with cg: (\d+) iterations, (\d+) evaluations, [0-9.]+ s\s+J = ([0-9.eE+-]+)")


@pytest.mark.parametrize("hidden", [25, 200])
def test_cost_and_three_cg_iterations_match_scipy(theta, tmp_path, digits20_data, hidden):
    X, y = digits20_data
    sizes = (400, hidden, 10)
    # The seed initialisation, scored by `theta cost` and by the seed's own cost.
    init = tmp_path / "init.theta"
    ok(run(theta, "train", DIGITS20_MAT, "-o", init, "--hidden", hidden, "--init", "numpy", "--seed", 0,
           "--max-iter", 0))
    J_theta = float(ok(run(theta, "cost", init, DIGITS20_MAT, "--lambda", 1)).stdout)
    x0 = seed.initial_params(*sizes)
    J_seed = seed.cost(x0, *sizes, X, y, 1)
    assert abs(J_theta - J_seed) <= 1e-12 * J_seed, (J_theta, J_seed)

    # Three CG iterations: the same iterations, evaluations and cost as scipy's.
    out = tmp_path / "trained.theta"
    r = ok(run(theta, "train", DIGITS20_MAT, "-o", out, "--hidden", hidden, "--init", "numpy", "--seed", 0,
               "--max-iter", 3, "--lambda", 1))
    m = SUMMARY_RE.search(r.stderr)
    assert m, r.stderr
    res = op.minimize(fun=seed.cost, x0=x0, args=sizes + (X, y, 1), method="CG",
                      jac=seed.gradientVectorized, options={"maxiter": 3})
    assert int(m.group(1)) == res.nit == 3
    assert int(m.group(2)) == res.nfev, (m.group(2), res.nfev)
    assert abs(float(m.group(3)) - res.fun) <= 1e-10 * res.fun, (m.group(3), res.fun)


@pytest.mark.parametrize("source", ["mat", "csv"])
def test_train_records_the_sha256_of_the_data_it_read(theta, tmp_path, source):
    """`training.data_sha256` and `provenance.source_sha256` are the SHA-256 of the data
    file's bytes (hashlib's), from the same read as the examples."""
    import hashlib
    import os
    import sys
    from conftest import FIXTURES, ROOT
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import theta_format as tf
    data = os.path.join(FIXTURES, "tiny-data.mat" if source == "mat" else "tiny-data.csv")
    out = tmp_path / "m.theta"
    ok(run(theta, "train", data, "-o", out, "--hidden", 3, "--max-iter", 0, "--quiet"))
    meta = {k: v for k, (t, v) in tf.read(out.read_bytes(), name=str(out)).metadata.items()}
    want = hashlib.sha256(open(data, "rb").read()).hexdigest()
    assert meta["training.data_sha256"] == want
    assert meta["provenance.source_sha256"] == want
    assert meta["provenance.source_format"] == source
