"""Shared pytest setup for the Python-side checks of Theta.

Run with:  .venv/bin/python -m pytest tests/python
Environment:
  THETA_BIN            theta binary for test_cli_predict.py
                       (default <repo>/.build/debug/theta)
  THETA_ALLOW_NO_BIN=1 skip (instead of fail) the CLI tests when it is absent
  THETA_EX4WEIGHTS     course weights (default <repo>/../shared/data/ex4weights.mat)
"""

import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tools")
FIXTURES = os.path.join(ROOT, "Fixtures")
sys.path.insert(0, TOOLS)

EX4WEIGHTS = os.environ.get("THETA_EX4WEIGHTS",
                            os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "ex4weights.mat")))
EX4_MISSING_MSG = ("ex4weights.mat not found at %s: the course-weights checks were SKIPPED "
                   "(set THETA_EX4WEIGHTS or provide ../shared/data/ex4weights.mat)" % EX4WEIGHTS)

# Numbers from /work/shared/REFERENCE.md.
DIGITS20_SUM = 238372.34002770085
DIGITS20_COUNTS = [182, 177, 183, 181, 182, 181, 179, 174, 180, 178]
DIGITS5000_SUM = 663340.8628808864
EX4_DIGITS20_ACCURACY = "39.90"
EX4_DIGITS20_J0 = 4.406600403766152
EX4_DIGITS20_J1 = 4.674103725773956

_ex4_skip_reported = []


def derive_digits20():
    """The REFERENCE.md digits20 recipe, written out again independently of
    tools/make_digits.py."""
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits
    d = load_digits()
    rows = []
    for img in d.images / 16:
        z = np.clip(zoom(img, 2.5, order=1), 0.0, 1.0)
        rows.append(z.T.reshape(400))          # column-major like the course data
    X = np.array(rows, dtype=np.float64)
    y = d.target.copy()
    y[y == 0] = 10
    return X, y.astype(np.int64)


@pytest.fixture(scope="session")
def digits20():
    return derive_digits20()


@pytest.fixture(scope="session")
def root():
    return ROOT


def loadmat(path):
    import scipy.io
    return scipy.io.loadmat(path)


def require_ex4():
    """Skip loudly when the course weights are absent."""
    if not os.path.exists(EX4WEIGHTS):
        if not _ex4_skip_reported:
            _ex4_skip_reported.append(True)
        sys.stderr.write("\n*** SKIPPED: " + EX4_MISSING_MSG + " ***\n")
        pytest.skip(EX4_MISSING_MSG)
    return EX4WEIGHTS


def pytest_terminal_summary(terminalreporter):
    if _ex4_skip_reported or not os.path.exists(EX4WEIGHTS):
        terminalreporter.write_sep("!", "SKIPPED course-weights checks", red=True, bold=True)
        terminalreporter.write_line(EX4_MISSING_MSG, red=True, bold=True)


THETA_BIN = os.environ.get("THETA_BIN", os.path.join(ROOT, ".build", "debug", "theta"))


@pytest.fixture(scope="session")
def theta():
    """Path of the theta binary; the tests fail (not skip) when it is absent."""
    if not os.path.exists(THETA_BIN):
        if os.environ.get("THETA_ALLOW_NO_BIN") == "1":
            pytest.skip(f"theta binary {THETA_BIN} absent (THETA_ALLOW_NO_BIN=1)")
        pytest.fail(f"theta binary {THETA_BIN} not found: build it (make test does) or set THETA_BIN")
    return THETA_BIN


# Seconds any one `theta` command may take in the tests.
TIMEOUT = 300


def run_theta(theta, *args, stdin=None):
    """Runs `theta ARGS…` and returns the completed process (text output)."""
    return subprocess.run([theta, *map(str, args)], capture_output=True, text=True, input=stdin,
                          timeout=TIMEOUT)


def ok(r):
    """`r` (a completed `theta` process), after checking that it succeeded."""
    assert r.returncode == 0, "exit %d\nstderr: %s" % (r.returncode, r.stderr)
    return r
