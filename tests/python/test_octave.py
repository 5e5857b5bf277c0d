"""MAT exports in Octave: `load model.mat; p = predict(Theta1, Theta2, X)` works.

For each MAT version theta writes (4, 5, 7.3) and each source model (the bundled
digits20 weights, and the course's ex4weights.mat when ../shared is present), Octave
loads the export, runs the course's predict.m (tests/octave) on the bundled digits20
data, and saves what it loaded and predicted to a v6 MAT file. scipy then checks that
Octave's Theta1/Theta2 equal the source weights bit for bit and that Octave's labels
equal `theta predict`'s.

Octave is installed by tools/install-deps.sh (apt `octave`); without it these tests
fail rather than skip, since a MAT export that Octave was never shown is unproven.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from conftest import EX4WEIGHTS, FIXTURES, ROOT, run_theta as run

OCTAVE_CODE = os.path.join(ROOT, "tests", "octave")
DIGITS20 = os.path.join(FIXTURES, "digits20.mat")


def octave():
    exe = shutil.which("octave-cli")
    if exe is None:
        pytest.fail("octave-cli is not installed: run tools/install-deps.sh (apt package octave)")
    return exe


@pytest.fixture(scope="module", params=["digits20-weights", "ex4"])
def weights(request):
    if request.param == "ex4":
        if not os.path.exists(EX4WEIGHTS):
            sys.stderr.write("\n*** SKIPPED Octave check of ex4 exports: %s absent ***\n" % EX4WEIGHTS)
            pytest.skip("ex4weights.mat absent")
        return EX4WEIGHTS
    return os.path.join(FIXTURES, "digits20-weights.mat")


@pytest.mark.parametrize("version", ["4", "5", "7.3"])
def test_octave_loads_and_predicts(theta, weights, version, tmp_path):
    model = tmp_path / "model.theta"
    exported = tmp_path / "model.mat"
    labels = tmp_path / "labels.txt"
    for args in (["convert", weights, model],
                 ["export", model, exported, "--mat-version", version],
                 ["predict", model, DIGITS20, "--output", labels]):
        r = run(theta, *args)
        assert r.returncode == 0, r.stderr
    result = tmp_path / "octave.mat"
    script = ("addpath('%s'); load('%s'); load('%s'); p = predict(Theta1, Theta2, X); "
              "save('-v6', '%s', 'p', 'Theta1', 'Theta2');"
              % (OCTAVE_CODE, exported, DIGITS20, result))
    r = subprocess.run([octave(), "--no-gui", "--norc", "--quiet", "--eval", script],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = scipy.io.loadmat(result)
    source = scipy.io.loadmat(weights)
    for name in ("Theta1", "Theta2"):
        a, b = got[name], source[name].astype(np.float64)
        assert a.dtype == np.float64 and a.shape == b.shape, (name, a.shape, b.shape)
        assert np.array_equal(a.view(np.uint64), b.view(np.uint64)), name
    ours = np.array([int(line) for line in labels.read_text().split()])
    assert np.array_equal(got["p"].ravel().astype(int), ours)
