"""`theta convert` checked by tools other than Theta.

Every model the Swift `theta convert` writes is read back by the independent
reference implementation of Docs/FORMAT.md (tools/theta_format.py), which must
accept it and re-write it byte for byte; its weights must equal, bit for bit,
what scipy.io.loadmat (v4/v5) or h5py (v7.3) reads from the source file.
Damaged and unsuitable MAT files must be refused with one line on stderr, a
non-zero exit and no output file.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from conftest import FIXTURES, ROOT, require_ex4, run_theta as run

sys.path.insert(0, os.path.join(ROOT, "tools"))
import theta_format as tf  # noqa: E402

MAT = Path(FIXTURES) / "mat"


def source_matrices(path, names):
    """The named matrices as scipy (v4/v5) or h5py (v7.3) read them."""
    with open(path, "rb") as f:
        head = f.read(128)
    if head[124:128] in (b"\x00\x02IM", b"\x02\x00MI"):  # v7.3: HDF5 with a MAT userblock
        import h5py
        with h5py.File(path, "r") as h:
            return [np.asarray(h[n]).T.astype(np.float64) for n in names]
    d = scipy.io.loadmat(path)
    out = []
    for n in names:
        parts = n.split(".")
        v = d[parts[0]]
        for p in parts[1:]:
            v = v[0, 0][p]
        out.append(np.asarray(v, dtype=np.float64))
    return out


def check_model(path, expected, dtype="f64"):
    data = Path(path).read_bytes()
    m = tf.read(data, name=str(path))
    assert m.version == (1, 0)
    assert tf.write(m) == data, "reference writer gives different bytes"
    thetas = [t for t in m.tensors if t.name.startswith("Theta")]
    assert len(thetas) == len(expected)
    for t, e in zip(thetas, expected):
        assert t.dtype == dtype
        want = e if dtype == "f64" else e.astype(np.float32).astype(np.float64)
        got = np.asarray(t.data, dtype=np.float64).reshape(t.dims)
        assert got.shape == want.shape
        assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), f"{t.name} differs"
    return m


@pytest.mark.parametrize("name", ["weights_v4.mat", "weights_v5.mat", "weights_v5z.mat", "weights_v73.mat",
                                  "weights_v5_be.mat", "weights_v5z_be.mat", "big_v5z.mat"])
def test_every_mat_version_converts_bit_for_bit(theta, tmp_path, name):
    out = tmp_path / (name + ".theta")
    r = run(theta, "convert", MAT / name, out)
    assert r.returncode == 0, r.stderr
    expected = source_matrices(MAT / name, ["Theta1", "Theta2"])
    m = check_model(out, expected)
    meta = {k: v for k, (t, v) in m.metadata.items()}
    assert meta["provenance.source_file"] == name
    assert meta["provenance.variables"] == ["Theta1", "Theta2"]
    import hashlib
    assert meta["provenance.source_sha256"] == hashlib.sha256((MAT / name).read_bytes()).hexdigest()


def test_large_v73_is_hashed_in_pieces(theta, tmp_path):
    """A v7.3 file is hashed by streaming it in 1 MiB pieces (its matrices are read in a
    child process): a 2.3 MB one still gets the SHA-256 of all its bytes, and its values."""
    import hashlib
    import make_mat_fixtures as mf
    rng = np.random.default_rng(73)
    t1, t2 = rng.standard_normal((700, 401)), rng.standard_normal((10, 701))

    def build(f):
        mf.h5_matrix(f, "Theta1", t1, "double")
        mf.h5_matrix(f, "Theta2", t2, "double")

    src = tmp_path / "large_v73.mat"
    src.write_bytes(mf.write_v73(build))
    assert src.stat().st_size > 2 * 2**20
    out = tmp_path / "large.theta"
    r = run(theta, "convert", src, out)
    assert r.returncode == 0, r.stderr
    m = check_model(out, [t1, t2])
    meta = {k: v for k, (t, v) in m.metadata.items()}
    assert meta["provenance.source_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert meta["provenance.mat_version"] == "7.3"


def test_struct_fields_by_var(theta, tmp_path):
    out = tmp_path / "s.theta"
    r = run(theta, "convert", MAT / "weights_v5.mat", out, "--var", "model.Theta1", "--var", "model.Theta2")
    assert r.returncode == 0, r.stderr
    check_model(out, source_matrices(MAT / "weights_v5.mat", ["model.Theta1", "model.Theta2"]))


def test_float32_is_opt_in(theta, tmp_path):
    out = tmp_path / "f32.theta"
    r = run(theta, "convert", Path(FIXTURES) / "digits20-weights.mat", out, "--dtype", "float32")
    assert r.returncode == 0, r.stderr
    check_model(out, source_matrices(Path(FIXTURES) / "digits20-weights.mat", ["Theta1", "Theta2"]), dtype="f32")


@pytest.mark.parametrize("order", ["row", "column"])
def test_unrolled_vectors(theta, tmp_path, order):
    src = Path(FIXTURES) / "digits20-weights.mat"
    t1, t2 = source_matrices(src, ["Theta1", "Theta2"])
    if order == "row":   # the seed's nn_params = hstack(Theta1.ravel(), Theta2.ravel())
        vec = np.hstack((t1.ravel(), t2.ravel()))
    else:                # Octave's [Theta1(:); Theta2(:)]
        vec = np.concatenate((t1.ravel(order="F"), t2.ravel(order="F")))
    mat = tmp_path / "params.mat"
    scipy.io.savemat(mat, {"nn_params": vec.reshape(-1, 1)})
    out = tmp_path / "u.theta"
    r = run(theta, "convert", mat, out, "--unrolled", "nn_params", "--layers", "400,25,10", "--order", order)
    assert r.returncode == 0, r.stderr
    check_model(out, [t1, t2])


def test_course_weights_convert_bit_for_bit(theta, tmp_path):
    ex4 = require_ex4()
    out = tmp_path / "ex4.theta"
    r = run(theta, "convert", ex4, out)
    assert r.returncode == 0, r.stderr
    t1, t2 = source_matrices(ex4, ["Theta1", "Theta2"])
    m = check_model(out, [t1, t2])
    flat = np.concatenate([np.asarray(t.data, dtype=np.float64).ravel() for t in m.tensors])
    # REFERENCE.md: the seed's nn_params, 10285 values.
    assert flat.size == 10285
    assert np.isclose(flat.sum(), -90.84079992118393, rtol=0, atol=1e-9)
    assert np.allclose(flat[:5], [-2.25623899e-02, -1.05624163e-08, 2.19414684e-09,
                                  -6.92223359e-06, 8.88278871e-05], rtol=1e-8, atol=0)


def test_same_input_same_bytes(theta, tmp_path):
    a, b = tmp_path / "a.theta", tmp_path / "b.theta"
    src = Path(FIXTURES) / "digits20-weights.mat"
    assert run(theta, "convert", src, a, "--meta", "owner=me").returncode == 0
    assert run(theta, "convert", src, b, "--meta", "owner=me").returncode == 0
    assert a.read_bytes() == b.read_bytes()


REFUSED = [
    ("damaged_truncated_v5z.mat", "damaged"),
    ("damaged_bitflip_v5z.mat", "damaged"),
    ("damaged_nbytes_v5.mat", "damaged"),
    ("damaged_lyingdims_v5.mat", "damaged"),
    ("damaged_truncated_v4.mat", ""),
    ("damaged_truncated_v73.mat", ""),
    ("not_a_mat.mat", ""),
    ("empty.mat", ""),
]


@pytest.mark.parametrize("name,word", REFUSED)
def test_damaged_files_are_refused_without_output(theta, tmp_path, name, word):
    out = tmp_path / "out.theta"
    r = run(theta, "convert", MAT / name, out)
    assert r.returncode == 65, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and word in lines[0], r.stderr
    assert "Fatal error" not in r.stderr and "Stack" not in r.stderr
    assert not out.exists()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("var,word", [("c", "complex"), ("sp", "sparse"), ("s", "char"), ("cel", "cell"),
                                      ("logi", "logical"), ("e", "empty")])
def test_unsuitable_classes_are_refused(theta, tmp_path, var, word):
    mat = tmp_path / "bad.mat"
    values = {"c": np.array([[1 + 2j, 3]]), "sp": scipy.sparse.csc_matrix(np.eye(3)),
              "s": "hello", "cel": np.array([[1, "a"]], dtype=object),
              "logi": np.array([[True, False]]), "e": np.zeros((0, 0))}
    scipy.io.savemat(mat, {var: values[var]})
    out = tmp_path / "out.theta"
    r = run(theta, "convert", mat, out, "--var", var)
    assert r.returncode == 65, r.stderr
    line = r.stderr.strip()
    assert "\n" not in line and f"'{var}'" in line and word in line, line
    assert not out.exists()


def test_nan_and_shape_errors_name_the_variable(theta, tmp_path):
    mat = tmp_path / "w.mat"
    t1 = np.ones((3, 5))
    t2 = np.ones((2, 4))
    t2[1, 2] = np.nan
    scipy.io.savemat(mat, {"Theta1": t1, "Theta2": t2})
    r = run(theta, "convert", mat, tmp_path / "o.theta")
    assert r.returncode == 65 and "'Theta2'" in r.stderr and "nan" in r.stderr.lower(), r.stderr
    scipy.io.savemat(mat, {"Theta1": t1, "Theta2": np.ones((2, 5))})
    r = run(theta, "convert", mat, tmp_path / "o.theta")
    assert r.returncode == 65 and "'Theta2'" in r.stderr and "4 columns" in r.stderr, r.stderr
    assert not (tmp_path / "o.theta").exists()


def test_existing_output_needs_force_and_inputs_are_never_overwritten(theta, tmp_path):
    src = Path(FIXTURES) / "tiny-weights.mat"
    out = tmp_path / "m.theta"
    out.write_bytes(b"old")
    r = run(theta, "convert", src, out)
    assert r.returncode == 73 and "--force" in r.stderr
    assert out.read_bytes() == b"old"
    assert run(theta, "convert", src, out, "--force").returncode == 0
    tf.read(out.read_bytes())
    copy = tmp_path / "in.mat"
    copy.write_bytes(src.read_bytes())
    r = run(theta, "convert", copy, copy, "--force")
    assert r.returncode == 73 and copy.read_bytes() == src.read_bytes()


def test_verify_and_inspect(theta, tmp_path):
    out = tmp_path / "m.theta"
    assert run(theta, "convert", Path(FIXTURES) / "digits20-weights.mat", out).returncode == 0
    r = run(theta, "verify", out)
    assert r.returncode == 0 and "OK" in r.stdout
    r = run(theta, "inspect", out, "--json")
    import json
    j = json.loads(r.stdout)
    assert j["layerSizes"] == [400, 25, 10] and j["parameters"] == 10285
    t1 = source_matrices(Path(FIXTURES) / "digits20-weights.mat", ["Theta1"])[0]
    m1 = j["matrices"][0]
    assert np.isclose(m1["min"], t1.min()) and np.isclose(m1["max"], t1.max())
    assert np.isclose(m1["l2norm"], np.linalg.norm(t1)) and np.isclose(m1["mean"], t1.mean())
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x10
    bad = tmp_path / "bad.theta"
    bad.write_bytes(bytes(data))
    r = run(theta, "verify", bad)
    assert r.returncode == 65 and "damaged" in r.stderr and r.stderr.count("\n") == 1
    r = run(theta, "inspect", MAT / "refused_v5.mat", "--json")
    assert r.returncode == 0, r.stderr
    names = {v["name"]: v for v in json.loads(r.stdout)["variables"]}
    assert names and all("class" in v for v in names.values())
