"""End-to-end checks of the `theta` command against the seed's numpy code.

Contract under test:
  theta convert IN.mat OUT.theta [--force]
  theta predict MODEL.theta INPUT [--proba] [--output FILE] [--x NAME] [--y NAME]
    INPUT: .mat (X, and y if present), .csv (one example per row, no header),
           or '-' (CSV on stdin).
    stdout (or FILE): one label per line; with --proba CSV rows `label,p1,...,pK`.
    stderr, when true labels are present: `accuracy: 97.52% (4876/5000)`.

The binary is $THETA_BIN (default <repo>/.build/debug/theta). If it is absent
the tests FAIL, unless THETA_ALLOW_NO_BIN=1, in which case they are skipped.
"""

import os
import re

import numpy as np
import pytest

from conftest import EX4_DIGITS20_ACCURACY, FIXTURES, ROOT, loadmat, ok, require_ex4, run_theta as run

import seed_reference as seed
from fixture_io import savemat_fixed, write_csv

DIGITS20_MAT = os.path.join(FIXTURES, "digits20.mat")
ACCURACY_RE = re.compile(r"^accuracy: (\d+\.\d\d)% \((\d+)/(\d+)\)$", re.M)


@pytest.fixture(scope="session")
def theta_bin():
    path = os.environ.get("THETA_BIN", os.path.join(ROOT, ".build", "debug", "theta"))
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        msg = "theta binary not found at %s (build it, or set THETA_BIN)" % path
        if os.environ.get("THETA_ALLOW_NO_BIN") == "1":
            pytest.skip(msg + "; THETA_ALLOW_NO_BIN=1")
        pytest.fail(msg, pytrace=False)
    return path


def parse_labels(text):
    lines = text.splitlines()
    assert all(re.fullmatch(r"\d+", l) for l in lines), lines[:5]
    return np.array([int(l) for l in lines])


def parse_proba(text):
    rows = [l.split(",") for l in text.splitlines()]
    labels = np.array([int(r[0]) for r in rows])
    P = np.array([[float(v) for v in r[1:]] for r in rows])
    return labels, P


def accuracy_line(stderr):
    m = ACCURACY_RE.findall(stderr)
    assert len(m) == 1, "expected one accuracy line in stderr, got:\n%s" % stderr
    pct, hit, total = m[0]
    return pct, int(hit), int(total)


@pytest.fixture(scope="session")
def digits20_data():
    d = loadmat(DIGITS20_MAT)
    return d["X"], d["y"].ravel().astype(int)


MODELS = {
    "digits20-weights": lambda: os.path.join(FIXTURES, "digits20-weights.mat"),
    "ex4weights": require_ex4,
}
EXPECTED_ACCURACY = {"digits20-weights": ("99.39", 1786, 1797),
                     "ex4weights": (EX4_DIGITS20_ACCURACY, 717, 1797)}


@pytest.fixture(scope="module", params=sorted(MODELS))
def model(request, theta_bin, tmp_path_factory):
    """(name, .mat path, .theta path, Theta1, Theta2) for each weights file."""
    name = request.param
    mat = MODELS[name]()
    out = tmp_path_factory.mktemp("model") / (name + ".theta")
    ok(run(theta_bin, "convert", mat, out))
    assert out.is_file() and out.stat().st_size > 0
    w = loadmat(mat)
    return name, mat, out, w["Theta1"], w["Theta2"]


@pytest.fixture(scope="module")
def digits20_csv(tmp_path_factory, digits20_data):
    X, _ = digits20_data
    p = tmp_path_factory.mktemp("csv") / "digits20.csv"
    write_csv(str(p), X)
    return p


def test_predict_proba_matches_numpy(theta_bin, model, digits20_data):
    name, _, theta_model, T1, T2 = model
    X, y = digits20_data
    r = ok(run(theta_bin, "predict", theta_model, DIGITS20_MAT, "--proba"))
    labels, P = parse_proba(r.stdout)
    assert labels.shape == (1797,)
    assert np.array_equal(labels, seed.predict(T1, T2, X)), \
        "labels differ from the seed's predict in %d rows" % int(np.sum(labels != seed.predict(T1, T2, X)))
    ref = seed.predict_proba(T1, T2, X)
    assert P.shape == ref.shape == (1797, 10)
    err = np.max(np.abs(P - ref))
    assert err <= 1e-12, "max |p - numpy| = %g" % err
    assert accuracy_line(r.stderr) == EXPECTED_ACCURACY[name]


def test_predict_labels_and_accuracy(theta_bin, model, digits20_data):
    name, _, theta_model, T1, T2 = model
    X, _ = digits20_data
    r = ok(run(theta_bin, "predict", theta_model, DIGITS20_MAT))
    assert np.array_equal(parse_labels(r.stdout), seed.predict(T1, T2, X))
    pct, hit, total = accuracy_line(r.stderr)
    assert (pct, hit, total) == EXPECTED_ACCURACY[name]


def test_predict_output_file(theta_bin, model, tmp_path):
    _, _, theta_model, _, _ = model
    direct = ok(run(theta_bin, "predict", theta_model, DIGITS20_MAT)).stdout
    out = tmp_path / "labels.txt"
    r = ok(run(theta_bin, "predict", theta_model, DIGITS20_MAT, "--output", out))
    assert out.read_text() == direct
    assert r.stdout.strip() == ""


def test_csv_input_same_labels_as_mat(theta_bin, model, digits20_csv):
    _, _, theta_model, _, _ = model
    from_mat = parse_labels(ok(run(theta_bin, "predict", theta_model, DIGITS20_MAT)).stdout)
    r = ok(run(theta_bin, "predict", theta_model, digits20_csv))
    assert np.array_equal(parse_labels(r.stdout), from_mat)
    assert "accuracy:" not in r.stderr          # a 400-column CSV carries no labels


def test_stdin_input(theta_bin, model, digits20_csv):
    _, _, theta_model, _, _ = model
    from_file = ok(run(theta_bin, "predict", theta_model, digits20_csv, "--proba")).stdout
    r = ok(run(theta_bin, "predict", theta_model, "-", "--proba", stdin=digits20_csv.read_text()))
    assert r.stdout == from_file


def test_csv_width_mismatch_fails_cleanly(theta_bin, model, digits20_data, tmp_path):
    _, _, theta_model, _, _ = model
    X, _ = digits20_data
    bad = tmp_path / "bad399.csv"
    write_csv(str(bad), X[:7, :399])
    out = tmp_path / "never.txt"
    r = run(theta_bin, "predict", theta_model, bad, "--output", out)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].strip(), "want a one-line error, got:\n%s" % r.stderr
    assert not out.exists(), "output file written despite the error"
    assert r.stdout == ""


def test_mat_width_mismatch_fails_cleanly(theta_bin, model, digits20_data, tmp_path):
    _, _, theta_model, _, _ = model
    X, y = digits20_data
    bad = tmp_path / "bad399.mat"
    savemat_fixed(str(bad), {"X": X[:7, :399], "y": y[:7].astype(float).reshape(-1, 1)})
    out = tmp_path / "never.txt"
    r = run(theta_bin, "predict", theta_model, bad, "--output", out)
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()


@pytest.mark.parametrize("bad_value, shown", [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
@pytest.mark.parametrize("row, column, decoy", [
    (0, 0, (1796, 399)),
    (1796, 399, None),
    (1234, 17, (1796, 399)),
    # The decoy comes first row by row, later column by column; theta reads X row by
    # row for prediction, in stretches of whole columns (4 MiB: 291 columns of 1797 rows here).
    (1500, 2, (3, 40)),     # both in the first stretch
    (1500, 2, (3, 300)),    # the decoy in a later stretch
    (10, 350, (0, 399)),    # neither in the first stretch
])
def test_mat_non_finite_example_is_refused(theta_bin, model, digits20_data, tmp_path,
                                           bad_value, shown, row, column, decoy):
    """A NaN or infinity anywhere in X is refused, naming its 1-based row and column
    (the first one in MATLAB's column-major order), with no output file."""
    _, _, theta_model, _, _ = model
    X, y = digits20_data
    X = X.copy()
    X[row, column] = bad_value
    if decoy is not None:
        X[decoy] = np.nan  # later in column-major order: not the one reported
    bad = tmp_path / "nonfinite.mat"
    savemat_fixed(str(bad), {"X": X, "y": y.astype(float).reshape(-1, 1)})
    out = tmp_path / "never.txt"
    r = run(theta_bin, "predict", theta_model, bad, "--output", out)
    assert r.returncode == 65, r.stderr
    assert r.stderr.strip() == ("theta: %s: variable 'X' holds %s at row %d, column %d; examples must be finite numbers"
                                % (bad, shown, row + 1, column + 1)), r.stderr
    assert not out.exists()


def test_stdin_width_mismatch_fails(theta_bin, model, digits20_data):
    _, _, theta_model, _, _ = model
    X, _ = digits20_data
    text = "\n".join(",".join(repr(float(v)) for v in row) for row in X[:3, :399]) + "\n"
    r = run(theta_bin, "predict", theta_model, "-", stdin=text)
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stdout == ""


# --- the tiny 4-3-2 fixture: exact, hand-checkable values ---------------------

@pytest.fixture(scope="module")
def tiny_model(theta_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny") / "tiny.theta"
    ok(run(theta_bin, "convert", os.path.join(FIXTURES, "tiny-weights.mat"), out))
    return out


def test_tiny_predict(theta_bin, tiny_model):
    w = loadmat(os.path.join(FIXTURES, "tiny-weights.mat"))
    d = loadmat(os.path.join(FIXTURES, "tiny-data.mat"))
    r = ok(run(theta_bin, "predict", tiny_model, os.path.join(FIXTURES, "tiny-data.mat"), "--proba"))
    labels, P = parse_proba(r.stdout)
    assert labels.tolist() == [1, 2, 1, 2, 1, 2]
    assert np.max(np.abs(P - seed.predict_proba(w["Theta1"], w["Theta2"], d["X"]))) <= 1e-12
    assert accuracy_line(r.stderr) == ("83.33", 5, 6)


def test_x_y_variable_names(theta_bin, tiny_model, tmp_path):
    d = loadmat(os.path.join(FIXTURES, "tiny-data.mat"))
    p = tmp_path / "renamed.mat"
    savemat_fixed(str(p), {"features": d["X"], "truth": d["y"]})
    r = ok(run(theta_bin, "predict", tiny_model, p, "--x", "features", "--y", "truth"))
    assert parse_labels(r.stdout).tolist() == [1, 2, 1, 2, 1, 2]
    assert accuracy_line(r.stderr) == ("83.33", 5, 6)
    # without --x the default variable X is absent: must fail, not predict nothing
    r = run(theta_bin, "predict", tiny_model, p)
    assert r.returncode != 0 and r.stdout == ""


def test_convert_refuses_overwrite_without_force(theta_bin, tmp_path):
    """Assumes `--force` means: without it an existing OUT is left untouched."""
    src = os.path.join(FIXTURES, "tiny-weights.mat")
    out = tmp_path / "m.theta"
    out.write_bytes(b"precious")
    r = run(theta_bin, "convert", src, out)
    assert r.returncode != 0
    assert out.read_bytes() == b"precious"
    ok(run(theta_bin, "convert", src, out, "--force"))
    assert out.read_bytes() != b"precious"


def _double_stored_as(bo, name, values, mi_type, dtype):
    """A miMATRIX element of class double whose data is stored in a smaller type, as
    MATLAB saves whole-number doubles (matio converts them back to double)."""
    import struct
    import make_mat_fixtures as mf  # tools/ is on sys.path (conftest)
    body = mf.sub_element(bo, mf.MI_UINT32, struct.pack(bo + "II", mf.MX_DOUBLE, 0))
    body += mf.sub_element(bo, mf.MI_INT32, struct.pack(bo + "ii", *values.shape))
    body += mf.sub_element(bo, mf.MI_INT8, name.encode("ascii"))
    body += mf.sub_element(bo, mi_type, values.astype(np.dtype(dtype).newbyteorder(bo)).tobytes(order="F"))
    return struct.pack(bo + "II", mf.MI_MATRIX, len(body)) + body


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("storage", ["uint8", "int16"])
def test_mat_doubles_stored_in_smaller_types(theta_bin, model, digits20_data, tmp_path, storage, compress):
    """X of class double stored as uint8 or int16 (MATLAB's compact storage of whole
    numbers) predicts exactly as the same values stored as doubles: theta reads X row
    by row in stretches of columns, and each stretch starts at its own offset in the
    smaller type."""
    import make_mat_fixtures as mf
    _, _, theta_model, T1, T2 = model
    X, y = digits20_data
    Xi = np.round(X * 16) - (8 if storage == "int16" else 0)
    mi_type = mf.MI_UINT8 if storage == "uint8" else mf.MI_INT16
    bo = "<"
    elements = [_double_stored_as(bo, "X", Xi, mi_type, storage),
                _double_stored_as(bo, "y", y.astype(float).reshape(-1, 1), mf.MI_UINT8, "uint8")]
    if compress:
        elements = [mf.compressed(bo, e) for e in elements]
    compact = tmp_path / "compact.mat"
    compact.write_bytes(mf.v5_header(bo) + b"".join(elements))
    plain = tmp_path / "plain.mat"
    savemat_fixed(str(plain), {"X": Xi, "y": y.astype(float).reshape(-1, 1)})
    assert np.array_equal(loadmat(str(compact))["X"], Xi)  # scipy reads the hand-made file alike
    outputs = []
    for path in (compact, plain):
        r = run(theta_bin, "predict", theta_model, path, "--proba")
        assert r.returncode == 0, r.stderr
        outputs.append((r.stdout, r.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[0][1].startswith("accuracy: ")
    labels, P = parse_proba(outputs[0][0])
    assert np.array_equal(labels, seed.predict(T1, T2, Xi))
    assert np.max(np.abs(P - seed.predict_proba(T1, T2, Xi))) <= 1e-12
