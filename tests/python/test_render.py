"""End-to-end checks of `theta render`, decoding every PNG with Pillow.

Contract under test (Docs/RENDER.md):
  theta render data DATA OUT.png [--rows R --cols C --seed S --scale K -v]
  theta render hidden MODEL.theta OUT.png [--input-shape HxW]
  theta render curve MODEL.theta OUT.png [--scale K]
  theta render predictions MODEL.theta DATA OUT.png [grid options]

Pixels are checked against the source matrices, computed here with numpy and
not with Theta's code:
  - an example's tile is row.reshape((h, w)).T (the course's column-major
    order), normalised to its own min..max and shaded like matplotlib's
    cm.binary (0 white, 1 black): gray = 255 * (1 - t), within one gray level;
  - tiles are K x K blocks of equal pixels, separated by one-pixel lines;
  - examples are numpy's RandomState(seed).randint(m), once per tile.

The binary is $THETA_BIN (default <repo>/.build/debug/theta), as in
test_cli_predict.py (THETA_ALLOW_NO_BIN=1 skips when it is absent).
"""

import os
import sys

import numpy as np
import pytest

from conftest import FIXTURES, ROOT, loadmat, ok, run_theta as run

sys.path.insert(0, os.path.join(ROOT, "tools"))
import theta_format as tf  # noqa: E402
from fixture_io import write_csv  # noqa: E402

Image = pytest.importorskip("PIL.Image", reason="Pillow is needed to decode the pictures "
                            "(pip install -r tools/requirements.txt)")

DIGITS20_MAT = os.path.join(FIXTURES, "digits20.mat")
DIGITS20_WEIGHTS = os.path.join(FIXTURES, "digits20-weights.mat")
SEPARATOR = 128
RED = (214, 39, 40)
BLUE = (31, 119, 180)


@pytest.fixture(scope="session")
def theta_bin():
    path = os.environ.get("THETA_BIN", os.path.join(ROOT, ".build", "debug", "theta"))
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        msg = "theta binary not found at %s (build it, or set THETA_BIN)" % path
        if os.environ.get("THETA_ALLOW_NO_BIN") == "1":
            pytest.skip(msg + "; THETA_ALLOW_NO_BIN=1")
        pytest.fail(msg, pytrace=False)
    return path


def refused(r, code, *words):
    """A refusal: the exit code, one line on stderr naming what is wrong."""
    assert r.returncode == code, "exit %d, expected %d\nstderr: %s" % (r.returncode, code, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1, "expected one line on stderr, got:\n%s" % r.stderr
    for w in words:
        assert w in lines[0], "%r missing from %r" % (w, lines[0])
    return lines[0]


def pixels(path):
    img = Image.open(path)
    img.load()
    return img.mode, np.asarray(img)


@pytest.fixture(scope="session")
def digits20():
    d = loadmat(DIGITS20_MAT)
    return d["X"], d["y"].ravel().astype(int)


@pytest.fixture(scope="session")
def weights():
    w = loadmat(DIGITS20_WEIGHTS)
    return w["Theta1"], w["Theta2"]


@pytest.fixture(scope="session")
def model(theta_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "digits20.theta"
    ok(run(theta_bin, "convert", DIGITS20_WEIGHTS, out))
    return out


def seed_indices(seed, m, n):
    rng = np.random.RandomState(seed)
    return [rng.randint(m) for _ in range(n)]


def binary_gray(values):
    """cm.binary of values normalised to their own range: 0 -> 255, max -> 0."""
    lo, hi = values.min(), values.max()
    t = np.zeros_like(values) if hi <= lo else (values - lo) / (hi - lo)
    return 255.0 * (1.0 - t)


def tile(img, k, cols, h, w, s, caption=0):
    r, c = divmod(k, cols)
    x0 = 1 + c * (w * s + 1)
    y0 = 1 + r * (h * s + caption + 1)
    return img[y0:y0 + h * s, x0:x0 + w * s], (x0, y0)


def check_tile(block, image, s, what):
    """block (h*s x w*s) shows image (h x w) scaled s times, within one gray level."""
    h, w = image.shape
    assert block.shape == (h * s, w * s), what
    for dy in range(s):
        for dx in range(s):
            diff = np.abs(block[dy::s, dx::s].astype(float) - binary_gray(image))
            assert diff.max() <= 1.0, "%s: off by %.1f gray levels" % (what, diff.max())


# --------------------------------------------------------------------------- data

def test_data_grid_is_the_seeds_picture(theta_bin, tmp_path, digits20):
    X, y = digits20
    out = tmp_path / "data.png"
    r = ok(run(theta_bin, "render", "data", DIGITS20_MAT, out, "--seed", 0, "--verbose"))
    mode, img = pixels(out)
    assert mode == "L" and img.shape == (411, 411)      # 10 * 40 + 11, scale 2 by default
    idx = seed_indices(0, X.shape[0], 100)
    rows = [l.split() for l in r.stdout.splitlines() if not l.startswith("#")]
    assert [int(row[1]) for row in rows] == idx
    assert [int(row[2]) for row in rows] == [int(y[i]) for i in idx]
    for k in range(100):
        block, _ = tile(img, k, 10, 20, 20, 2)
        check_tile(block, X[idx[k]].reshape((20, 20)).T, 2, "tile %d (example %d)" % (k, idx[k]))
    for line in range(0, 411, 41):                     # one-pixel separators
        assert (img[line, :] == SEPARATOR).all() and (img[:, line] == SEPARATOR).all()


def test_data_grid_options_and_determinism(theta_bin, tmp_path, digits20):
    X, _ = digits20
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    args = ["--rows", 3, "--cols", 4, "--seed", 7, "--scale", 3]
    ok(run(theta_bin, "render", "data", DIGITS20_MAT, a, *args))
    ok(run(theta_bin, "render", "data", DIGITS20_MAT, b, *args))
    assert a.read_bytes() == b.read_bytes()
    mode, img = pixels(a)
    assert img.shape == (3 * 60 + 4, 4 * 60 + 5)
    idx = seed_indices(7, X.shape[0], 12)
    for k in range(12):
        block, _ = tile(img, k, 4, 20, 20, 3)
        check_tile(block, X[idx[k]].reshape((20, 20)).T, 3, "tile %d" % k)
    c = tmp_path / "c.png"
    ok(run(theta_bin, "render", "data", DIGITS20_MAT, c, "--rows", 3, "--cols", 4, "--seed", 8, "--scale", 3))
    assert c.read_bytes() != a.read_bytes()


def test_data_range_shades_all_tiles_on_one_scale(theta_bin, tmp_path, digits20):
    X, _ = digits20
    out = tmp_path / "d.png"
    ok(run(theta_bin, "render", "data", DIGITS20_MAT, out, "--rows", 2, "--cols", 2, "--scale", 1,
           "--range", "data"))
    _, img = pixels(out)
    lo, hi = X.min(), X.max()
    for k, i in enumerate(seed_indices(0, X.shape[0], 4)):
        block, _ = tile(img, k, 2, 20, 20, 1)
        want = 255.0 * (1.0 - (X[i].reshape((20, 20)).T - lo) / (hi - lo))
        assert np.abs(block - want).max() <= 1.0


def test_csv_gives_the_same_picture_as_mat(theta_bin, tmp_path, digits20):
    X, y = digits20
    csv = tmp_path / "digits.csv"
    write_csv(str(csv), X, y)
    a, b = tmp_path / "mat.png", tmp_path / "csv.png"
    ok(run(theta_bin, "render", "data", DIGITS20_MAT, a))
    ok(run(theta_bin, "render", "data", csv, b, "--labeled"))
    assert a.read_bytes() == b.read_bytes()


def test_existing_output_needs_force(theta_bin, tmp_path):
    out = tmp_path / "x.png"
    out.write_bytes(b"keep me")
    refused(run(theta_bin, "render", "data", DIGITS20_MAT, out), 73, str(out), "--force")
    assert out.read_bytes() == b"keep me"
    ok(run(theta_bin, "render", "data", DIGITS20_MAT, out, "--force"))
    assert pixels(out)[1].shape == (411, 411)
    assert sorted(os.listdir(tmp_path)) == ["x.png"]        # no temporary files left


def test_non_square_data_needs_an_input_shape(theta_bin, tmp_path):
    csv = tmp_path / "wide.csv"
    write_csv(str(csv), np.arange(24, dtype=float).reshape(2, 12) / 23)
    out = tmp_path / "w.png"
    refused(run(theta_bin, "render", "data", csv, out), 65, str(csv), "12 values", "--input-shape")
    assert not out.exists()
    ok(run(theta_bin, "render", "data", csv, out, "--input-shape", "3x4", "--rows", 1, "--cols", 1,
           "--scale", 1, "--seed", 0))
    _, img = pixels(out)
    i = seed_indices(0, 2, 1)[0]
    row = np.arange(24, dtype=float).reshape(2, 12)[i] / 23
    assert np.abs(img[1:4, 1:5] - binary_gray(row.reshape((4, 3)).T)).max() <= 1.0


# --------------------------------------------------------------------------- hidden

def test_hidden_units_are_theta1_rows_each_on_its_own_range(theta_bin, tmp_path, model, weights):
    T1, _ = weights
    out = tmp_path / "hidden.png"
    ok(run(theta_bin, "render", "hidden", model, out))
    mode, img = pixels(out)
    assert mode == "L" and img.shape == (406, 406)      # 5 x 5 tiles at scale 4
    for u in range(25):
        block, _ = tile(img, u, 5, 20, 20, 4)
        check_tile(block, T1[u, 1:].reshape((20, 20)).T, 4, "hidden unit %d" % u)


def test_hidden_needs_input_shape_metadata(theta_bin, tmp_path, weights):
    T1, T2 = weights
    bare = tmp_path / "bare.theta"
    bare.write_bytes(tf.write(tf.make_model([T1, T2], list(range(1, 11)))))
    out = tmp_path / "h.png"
    line = refused(run(theta_bin, "render", "hidden", bare, out), 65, str(bare), "input.shape",
                   "--input-shape 20x20")
    assert line.startswith("theta: %s: " % bare)
    assert not out.exists()
    ok(run(theta_bin, "render", "hidden", bare, out, "--input-shape", "20x20"))
    _, img = pixels(out)
    block, _ = tile(img, 0, 5, 20, 20, 4)
    check_tile(block, T1[0, 1:].reshape((20, 20)).T, 4, "unit 0")


def test_hidden_row_major_order(theta_bin, tmp_path, weights):
    T1, T2 = weights
    out = tmp_path / "rm.png"
    bare = tmp_path / "bare.theta"
    bare.write_bytes(tf.write(tf.make_model([T1, T2], list(range(1, 11)))))
    ok(run(theta_bin, "render", "hidden", bare, out, "--input-shape", "10x40", "--order", "row-major",
           "--scale", 1))
    _, img = pixels(out)
    block, _ = tile(img, 7, 5, 10, 40, 1)
    check_tile(block, T1[7, 1:].reshape((10, 40)), 1, "unit 7, row-major")


# --------------------------------------------------------------------------- curve

@pytest.fixture(scope="session")
def trained(theta_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("trained") / "t.theta"
    ok(run(theta_bin, "train", DIGITS20_MAT, "-o", out, "--max-iter", 12, "--init", "numpy", "--seed", 0,
           "-q"))
    return out


def test_curve_plots_the_recorded_costs(theta_bin, tmp_path, trained):
    history = tf.read(str(trained)).value("training.cost_history")
    assert len(history) == 13
    out = tmp_path / "curve.png"
    ok(run(theta_bin, "render", "curve", trained, out))
    mode, img = pixels(out)
    assert mode == "RGB" and img.shape == (520, 800, 3)
    blue = np.all(img == BLUE, axis=2)
    cols = np.nonzero(blue.any(axis=0))[0]
    assert cols.size > 300                              # the line spans the plot
    # CG lowers J every iteration, so the line only goes down (y grows) to the right.
    mean_y = [np.nonzero(blue[:, c])[0].mean() for c in cols]
    assert all(b >= a - 2 for a, b in zip(mean_y, mean_y[1:]))
    assert mean_y[0] < mean_y[-1] - 100
    # Text (black) for the title, the tick labels and both axis labels.
    black = np.all(img == 0, axis=2)
    assert black[:40].any() and black[480:].any() and black[:, :40].any()
    again = tmp_path / "again.png"
    ok(run(theta_bin, "render", "curve", trained, again))
    assert again.read_bytes() == out.read_bytes()
    small = tmp_path / "small.png"
    ok(run(theta_bin, "render", "curve", trained, small, "--scale", 1))
    assert pixels(small)[1].shape == (260, 400, 3)


def test_curve_needs_a_training_record(theta_bin, tmp_path, model):
    out = tmp_path / "c.png"
    refused(run(theta_bin, "render", "curve", model, out), 65, str(model), "training record",
            "training.cost_history")
    assert not out.exists()


# --------------------------------------------------------------------------- predictions

def forward(T1, T2, X):
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    a2 = sig(np.hstack([np.ones((X.shape[0], 1)), X]) @ T1.T)
    a3 = sig(np.hstack([np.ones((X.shape[0], 1)), a2]) @ T2.T)
    return np.argmax(a3, axis=1) + 1


def test_predictions_mark_the_wrong_ones_red(theta_bin, tmp_path, digits20, weights):
    X, y = digits20
    T1, T2 = weights
    # Swap the output units of labels 1 and 7: those digits are now predicted wrong.
    T2s = T2.copy()
    T2s[[0, 6]] = T2s[[6, 0]]
    names = (tf.STRING_ARRAY, [str(k % 10) for k in range(1, 11)])
    shape = {"input.shape": (tf.INT_ARRAY, [20, 20]), "input.order": (tf.STRING, "column-major"),
             "model.label_names": names}
    swapped = tmp_path / "swapped.theta"
    swapped.write_bytes(tf.write(tf.make_model([T1, T2s], list(range(1, 11)), metadata=shape)))
    out = tmp_path / "p.png"
    r = ok(run(theta_bin, "render", "predictions", swapped, DIGITS20_MAT, out, "--seed", 3, "-v"))
    idx = seed_indices(3, X.shape[0], 100)
    pred = forward(T1, T2s, X[idx])
    wrong = pred != y[idx]
    assert wrong.sum() > 5
    assert "predictions: %d/100 right, %d wrong" % (100 - wrong.sum(), wrong.sum()) in r.stderr
    listed = [l.split() for l in r.stdout.splitlines() if not l.startswith("#")]
    assert [int(l[1]) for l in listed] == idx and [int(l[3]) for l in listed] == list(pred)
    mode, img = pixels(out)
    caption = 22                                         # 11 font pixels at scale 2
    assert mode == "RGB" and img.shape == (10 * (40 + caption) + 11, 411, 3)
    gray = img[..., 0]
    for k in range(100):
        block, (x0, y0) = tile(gray, k, 10, 20, 20, 2, caption)
        check_tile(block, X[idx[k]].reshape((20, 20)).T, 2, "tile %d" % k)
        strip = img[y0 + 40:y0 + 40 + caption, x0:x0 + 40]
        is_red = bool(np.all(strip == RED, axis=2).any())
        assert is_red == bool(wrong[k]), "tile %d: red %s, wrong %s" % (k, is_red, wrong[k])
        assert (strip != 255).any(), "tile %d has no label" % k


def test_predictions_refuse_data_of_the_wrong_width(theta_bin, tmp_path, model):
    csv = tmp_path / "narrow.csv"
    write_csv(str(csv), np.zeros((3, 64)))
    out = tmp_path / "p.png"
    refused(run(theta_bin, "render", "predictions", model, csv, out), 65, str(csv), "64 values", "400")
    assert not out.exists()


@pytest.mark.parametrize("command", ["render", "render data", "render hidden", "render curve",
                                     "render predictions"])
def test_help_teaches_with_examples(theta_bin, command):
    r = ok(run(theta_bin, *command.split(), "--help"))
    assert "Examples:" in r.stdout
    assert "theta render" in r.stdout
