"""Checks of the committed fixtures against an independent rebuild and REFERENCE.md."""

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import (DIGITS20_COUNTS, DIGITS20_SUM, DIGITS5000_SUM, EX4_DIGITS20_J0,
                      EX4_DIGITS20_J1, FIXTURES, ROOT, TOOLS, loadmat, require_ex4)

import seed_reference as seed

PY = sys.executable


# --- digits20 -------------------------------------------------------------

def test_digits20_sum_and_counts(digits20):
    X, y = digits20
    assert X.shape == (1797, 400)
    assert float(X.sum()) == DIGITS20_SUM, repr(float(X.sum()))
    assert np.bincount(y, minlength=11)[1:].tolist() == DIGITS20_COUNTS
    assert X.min() == 0.0 and X.max() == 1.0


def test_committed_digits20_equals_fresh_derivation(digits20):
    X, y = digits20
    d = loadmat(os.path.join(FIXTURES, "digits20.mat"))
    assert d["X"].dtype == np.float64 and d["X"].shape == (1797, 400)
    assert d["y"].dtype == np.float64 and d["y"].shape == (1797, 1)
    assert np.array_equal(d["X"], X)                 # bit-for-bit values
    assert np.array_equal(d["y"].ravel(), y.astype(np.float64))
    # The REFERENCE sum is numpy's (pairwise) sum over the row-major array.
    assert float(np.ascontiguousarray(d["X"]).sum()) == DIGITS20_SUM


def test_committed_digits20_bytes_equal_script_output(tmp_path):
    out = tmp_path / "digits20.mat"
    subprocess.run([PY, os.path.join(TOOLS, "make_digits.py"), "--out", str(out)],
                   check=True, capture_output=True)
    with open(os.path.join(FIXTURES, "digits20.mat"), "rb") as f:
        committed = f.read()
    assert out.read_bytes() == committed, \
        "Fixtures/digits20.mat differs from a fresh build (tool versions? see tools/requirements.txt)"
    assert committed[:19] == b"MATLAB 5.0 MAT-file"
    assert len(committed) < 2 * 1024 * 1024


def test_digits5000_via_script(tmp_path, digits20):
    out = tmp_path / "digits5000.mat"
    csv = tmp_path / "digits5000.csv"
    r = subprocess.run([PY, os.path.join(TOOLS, "make_digits.py"), "--skip-digits20",
                        "--digits5000", str(out), "--csv", str(csv), "--csv-source", "digits5000",
                        "--csv-labels"], check=True, capture_output=True, text=True)
    assert repr(DIGITS5000_SUM) in r.stdout
    d = loadmat(str(out))
    X5, y5 = np.ascontiguousarray(d["X"]), d["y"].ravel()
    assert X5.shape == (5000, 400) and d["y"].shape == (5000, 1)
    assert float(X5.sum()) == DIGITS5000_SUM, repr(float(X5.sum()))
    assert y5[:500].tolist() == [10.0] * 500 and y5[500:1000].tolist() == [1.0] * 500
    assert np.bincount(y5.astype(int), minlength=11)[1:].tolist() == [500] * 10
    # first rows of each label are the digits20 rows unshifted, in file order
    X, y = digits20
    assert np.array_equal(X5[:178], X[y == 10])
    assert np.array_equal(X5[500:500 + 182], X[y == 1])
    # CSV is repr-exact
    c = np.loadtxt(str(csv), delimiter=",")
    assert np.array_equal(c[:, :400], X5) and np.array_equal(c[:, 400], y5)


# --- weights -----------------------------------------------------------------

def test_digits20_weights_fixture(digits20):
    X, y = digits20
    w = loadmat(os.path.join(FIXTURES, "digits20-weights.mat"))
    T1, T2 = w["Theta1"], w["Theta2"]
    assert T1.shape == (25, 401) and T1.dtype == np.float64
    assert T2.shape == (10, 26) and T2.dtype == np.float64
    acc = np.mean(seed.predict(T1, T2, X) == y) * 100
    assert acc >= 99.0, acc
    assert round(acc, 2) == 99.39
    J = seed.cost(seed.unroll(T1, T2), 400, 25, 10, X, y, 1)
    assert abs(J - 0.3834931723112515) < 1e-12, repr(J)


def test_tiny_fixtures():
    w = loadmat(os.path.join(FIXTURES, "tiny-weights.mat"))
    T1, T2 = w["Theta1"], w["Theta2"]
    assert T1.shape == (3, 5) and T2.shape == (2, 4)
    d = loadmat(os.path.join(FIXTURES, "tiny-data.mat"))
    assert d["X"].shape == (6, 4) and d["y"].shape == (6, 1)
    c = np.loadtxt(os.path.join(FIXTURES, "tiny-data.csv"), delimiter=",")
    assert np.array_equal(c[:, :4], d["X"]) and np.array_equal(c[:, 4], d["y"].ravel())
    assert seed.predict(T1, T2, d["X"]).tolist() == [1, 2, 1, 2, 1, 2]
    assert d["y"].ravel().tolist() == [1, 2, 1, 2, 2, 2]


def test_fixture_scripts_are_deterministic(tmp_path):
    """Two savemat_fixed writes of the same data give identical bytes (no date)."""
    from fixture_io import savemat_fixed
    a, b = tmp_path / "a.mat", tmp_path / "b.mat"
    data = {"Theta1": np.arange(15.0).reshape(3, 5)}
    savemat_fixed(str(a), data)
    savemat_fixed(str(b), data)
    assert a.read_bytes() == b.read_bytes()


# --- seed reference numbers ---------------------------------------------------

@pytest.mark.parametrize("lam,J_ref,g_ref", [
    (0, 2.117060154072396, [0.0114253, 0.00554851, 0.00865516, 0.0062458, 0.00759429]),
    (3, 2.1624722121993045, [0.0114253, 0.03653578, 0.02345308, 0.01270898, 0.00759429]),
])
def test_seed_gradient_check(lam, J_ref, g_ref):
    grad, num_grad, rel = seed.checkNNGradients(lam)
    assert np.allclose(grad[:5], g_ref, atol=5e-9)
    p = seed.unroll(seed.randInitializeWeights(3, 5), seed.randInitializeWeights(5, 3))
    rng = np.random.RandomState(0)
    X, y = rng.rand(5, 3), rng.randint(3, size=5)
    assert y.tolist() == [1, 0, 0, 1, 2]
    assert seed.cost(p, 3, 5, 3, X, y, lam) == J_ref
    gv = seed.gradientVectorized(p, 3, 5, 3, X, y, lam)
    assert np.max(np.abs(gv - grad)) < 1e-15


def test_course_debug_gradient():
    T1, T2 = seed.debugInitializeWeights(5, 3), seed.debugInitializeWeights(3, 5)
    X = seed.debugInitializeWeights(5, 2)
    y = 1 + np.arange(1, 6) % 3
    p = seed.unroll(T1, T2)
    J0, g = seed.nnCostFunction(p, 3, 5, 3, X, y, 0)
    assert abs(J0 - 2.100950569902465) < 1e-14
    assert np.allclose(g[:3], [-9.27825236e-03, -3.04978914e-06, -1.75060082e-04], rtol=1e-8)
    assert abs(seed.cost(p, 3, 5, 3, X, y, 3) - 2.146359815024358) < 1e-14


def test_seed_initialisation():
    p = seed.initial_params(400, 25, 10)
    assert p.size == 10285
    assert float(p.sum()) == -8.860572614818569
    assert np.allclose(p[:5], [0.01171524, 0.05164545, 0.02466321, 0.01077196, -0.01832285], atol=5e-9)


def test_ex4weights_on_digits20(digits20):
    path = require_ex4()
    X, y = digits20
    w = loadmat(path)
    T1, T2 = w["Theta1"], w["Theta2"]
    p = seed.unroll(T1, T2)
    assert float(p.sum()) == -90.84079992118393
    assert abs(seed.cost(p, 400, 25, 10, X, y, 0) - EX4_DIGITS20_J0) < 1e-12
    assert abs(seed.cost(p, 400, 25, 10, X, y, 1) - EX4_DIGITS20_J1) < 1e-12
    assert int(np.sum(seed.predict(T1, T2, X) == y)) == 717          # 39.90 %
