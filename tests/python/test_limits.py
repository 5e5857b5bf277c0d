"""Every limit the readers enforce, tested at the boundary (issue 6; Docs/LIMITS.md).

For each limit: an input exactly AT the limit is accepted, or gets past the limit to
the next check (a different, documented refusal); an input just OVER it is refused
with the documented one-line message (`theta: …` on stderr), the documented exit code
(65 bad input, 74 for a file larger than a reader loads) and no output file (nor a
temporary). Inputs are built here, in Python: `.theta` files with the independent
writer tools/theta_format.py (its low-level `encode` writes over-limit files the
Swift writer refuses), MAT files with scipy.io or raw bytes, HDF5 with h5py,
safetensors and ONNX as raw bytes, CSV as text.

How the large limits are reached without their size (Docs/LIMITS.md, "How each limit
is tested"):
  * file-size limits: sparse files (`truncate`), which cost no disk; a reader refuses
    them from `fstat` before reading (format sniffing reads only the first 1032 bytes).
  * size fields: lying headers (safetensors header length, tensor dims, ONNX dims,
    HDF5 dataspaces without allocated storage), refused before anything is allocated.
  * the 1 GiB MAT inflation limit: zlib streams of zeros built from one repeated
    deflate block (a few ms, ~1 MB) behind a valid miMATRIX header; the header's
    claim is judged first, so the refusal takes milliseconds.
Tests that read 1 GiB or more into memory AT a file-size limit run only with
THETA_LIMITS_HEAVY=1.

THETA_BIN names the binary (default <repo>/.build/debug/theta).
"""

import os
import re
import struct
import zlib

import numpy as np
import pytest
import scipy.io

from conftest import FIXTURES, run_theta

import theta_format as tf  # tools/ is on sys.path (conftest)

HEAVY = os.environ.get("THETA_LIMITS_HEAVY") == "1"
heavy = pytest.mark.skipif(not HEAVY, reason="reads ≥ 1 GiB into memory; set THETA_LIMITS_HEAVY=1")
# Heavy and slow enough that the debug build passes the v7.3 reader's 10 s timeout.
RELEASE = os.path.basename(os.path.dirname(os.environ.get("THETA_BIN", ""))) == "release"
heavy_release = pytest.mark.skipif(
    not (HEAVY and RELEASE),
    reason="reads 512 MiB in the v7.3 reader, past its 10 s timeout with a debug build; "
           "set THETA_LIMITS_HEAVY=1 and THETA_BIN=.build/release/theta")

GiB = 1 << 30
TINY_MODEL = os.path.join(FIXTURES, "models", "v1", "tiny-f64.theta")  # 4-3-2, labels 1, 2
TINY_DATA = os.path.join(FIXTURES, "tiny-data.mat")                    # X 6×4, y 6×1
V73_WEIGHTS = os.path.join(FIXTURES, "mat", "weights_v73.mat")


# --------------------------------------------------------------------------
# Outcomes

def _lines(cp):
    return cp.stderr.splitlines()


def _no_outputs(outdir, *paths):
    for p in paths:
        assert not os.path.exists(p), "%s was written" % p
    if outdir is not None:
        assert os.listdir(outdir) == [], "left behind: %s" % os.listdir(outdir)


def refused(cp, message, *outputs, outdir=None, code=65):
    """One stderr line `theta: MESSAGE` (a str, or a compiled regex for the part after
    `theta: `), exit `code`, not killed by a signal, no output file."""
    assert cp.returncode == code, "exit %s, stderr %r" % (cp.returncode, cp.stderr)
    lines = _lines(cp)
    assert len(lines) == 1, cp.stderr
    assert lines[0].startswith("theta: "), lines[0]
    text = lines[0][len("theta: "):]
    if isinstance(message, re.Pattern):
        assert message.fullmatch(text), text
    else:
        assert text == message
    _no_outputs(outdir, *outputs)


def accepted(cp, *outputs):
    assert cp.returncode == 0, "exit %s, stderr %r" % (cp.returncode, cp.stderr)
    for p in outputs:
        assert os.path.getsize(p) > 0, "%s not written" % p


def sparse(path, size):
    """A file of `size` bytes that holds no data blocks (reads as zeros)."""
    with open(path, "wb") as f:
        f.truncate(size)
    return str(path)


def sparse_with_head(path, head, size):
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)
    return str(path)


@pytest.fixture
def out(tmp_path):
    """An empty directory for outputs; tests check it stays empty on refusal."""
    d = tmp_path / "out"
    d.mkdir()
    return d


# --------------------------------------------------------------------------
# .theta files (tools/theta_format.py writes them; `encode` takes any counts)

def _required(labels=(1, 2), sizes=(4, 3, 2)):
    return {
        "model.activation": (tf.STRING, "sigmoid"),
        "model.architecture": (tf.STRING, "fc-sigmoid"),
        "model.bias": (tf.STRING, "column0"),
        "model.labels": (tf.INT_ARRAY, list(labels)),
        "model.layer_sizes": (tf.INT_ARRAY, list(sizes)),
    }


def _thetas():
    rng = np.random.default_rng(6)
    return [tf.RawTensor("Theta1", "f64", (3, 5), (rng.standard_normal((3, 5)) * 0.1).astype("<f8").tobytes()),
            tf.RawTensor("Theta2", "f64", (2, 4), (rng.standard_normal((2, 4)) * 0.1).astype("<f8").tobytes())]


def theta_bytes(metadata=None, raw_entries=(), extra_tensors=(), **kw):
    """A 4-3-2 model; `metadata` adds or replaces typed keys; `raw_entries` are
    (key bytes, type, value bytes) written as given (sorted with the rest)."""
    md = _required()
    md.update(metadata or {})
    entries = [tf.metadata_entry(k, t, v) for k, (t, v) in md.items()] + list(raw_entries)
    entries.sort(key=lambda e: e[0])
    return tf.encode(entries, _thetas() + list(extra_tensors), **kw)


def header_length(data):
    return struct.unpack_from("<I", data, 24)[0]


def write(path, data):
    path.write_bytes(data)
    return str(path)


def export(theta, model, out):
    """`theta export MODEL OUT/m.safetensors`: reads the model fully, writes one file."""
    target = str(out / "m.safetensors")
    return run_theta(theta, "export", model, target), target


BASE_H = header_length(theta_bytes())


def test_theta_reference_model_is_accepted(theta, tmp_path, out):
    cp, target = export(theta, write(tmp_path / "m.theta", theta_bytes()), out)
    accepted(cp, target)


@pytest.mark.parametrize("extra, ok", [(1 << 20, True), ((1 << 20) + 1, False)])
def test_theta_header_length(theta, tmp_path, out, extra, ok):
    # Extension bytes (skipped by 1.x readers) pad the header to exactly H bytes.
    data = theta_bytes(extension=bytes(extra - BASE_H))
    assert header_length(data) == extra
    cp, target = export(theta, write(tmp_path / "m.theta", data), out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: header length %d is outside 1…1048576" % (tmp_path / "m.theta", extra),
                target, outdir=out)


@pytest.mark.parametrize("h", [0, 1])
def test_theta_header_length_lower_bound(theta, tmp_path, out, h):
    # A preamble with H = 0 or 1 and a correct header CRC, padded to the 76-byte minimum.
    pre = tf.MAGIC + struct.pack("<HH", 1, 0) + tf.BOM_LE + struct.pack("<IIII", 0, 0, h, 64)
    body = pre + bytes(h)
    data = body + struct.pack("<I", tf.crc32c(body))
    data += bytes(max(0, tf.MIN_FILE_SIZE - len(data)))
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if h == 0:
        refused(cp, "%s: header length 0 is outside 1…1048576" % path, target, outdir=out)
    else:  # past the limit: the next check reads file_length from a 1-byte header
        refused(cp, "%s: damaged header: file_length runs past the end of the header" % path,
                target, outdir=out)


@pytest.mark.parametrize("alignment, ok", [(8, True), (65536, True), (4, False), (131072, False), (24, False)])
def test_theta_alignment(theta, tmp_path, out, alignment, ok):
    data = theta_bytes(alignment=alignment)
    cp, target = export(theta, write(tmp_path / "m.theta", data), out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: alignment %d is not a power of two from 8 to 65536" % (tmp_path / "m.theta", alignment),
                target, outdir=out)


@pytest.mark.parametrize("count, ok", [(65536, True), (65537, False)])
def test_theta_metadata_count(theta, tmp_path, out, count, ok):
    # Filler keys "a00000"… (type bytes, empty value) sort before the model.* keys.
    fill = [(b"a%05d" % i, tf.BYTES, b"") for i in range(count - len(_required()))]
    data = theta_bytes(raw_entries=fill)
    assert header_length(data) <= tf.MAX_HEADER
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: metadata count %d exceeds the limit of 65536" % (path, count), target, outdir=out)


@pytest.mark.parametrize("length", [255, 256, 0])
def test_theta_key_length(theta, tmp_path, out, length):
    key = ("user." + "k" * 300)[:length].encode()
    data = theta_bytes(raw_entries=[(key, tf.STRING, b"v")])
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if length == 255:
        accepted(cp, target)
    else:
        # Length 0 is refused by the same check, saying what the range is.
        message = ("metadata key length is 0; it must be 1 to 255" if length == 0
                   else "metadata key length %d exceeds the limit of 255" % length)
        refused(cp, "%s: %s" % (path, message), target, outdir=out)


@pytest.mark.parametrize("extra, ok", [(1 << 20, True), ((1 << 20) + 1, False)])
def test_theta_string_value_bounded_by_header(theta, tmp_path, out, extra, ok):
    # The 1 MiB string limit can never be reached by a reader: the string must fit in
    # the header, which is at most 1 MiB with everything else. The longest string
    # that fits is accepted; one byte more makes the header too long.
    base = header_length(theta_bytes(metadata={"user.s": (tf.STRING, "")}))
    data = theta_bytes(metadata={"user.s": (tf.STRING, "s" * (extra - base))})
    assert header_length(data) == extra
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: header length %d is outside 1…1048576" % (path, extra), target, outdir=out)


def _extra(name="x", dims=(1,), data=None, **kw):
    return tf.RawTensor(name, "f64", dims, bytes(8) if data is None else data, **kw)


@pytest.mark.parametrize("count", [1024, 1025, 0])
def test_theta_tensor_count(theta, tmp_path, out, count):
    extras = [_extra("x%04d" % i) for i in range(max(count - 2, 0))]
    data = theta_bytes(extra_tensors=extras, tensor_count=None if count else 0)
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if count == 1024:
        accepted(cp, target)
    else:
        message = ("tensor count is 0; it must be 1 to 1024" if count == 0
                   else "tensor count %d exceeds the limit of 1024" % count)
        refused(cp, "%s: %s" % (path, message), target, outdir=out)


@pytest.mark.parametrize("length", [255, 256])
def test_theta_tensor_name_length(theta, tmp_path, out, length):
    data = theta_bytes(extra_tensors=[_extra("t" * length)])
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if length == 255:
        accepted(cp, target)
    else:
        refused(cp, "%s: tensor name length 256 exceeds the limit of 255" % path, target, outdir=out)


@pytest.mark.parametrize("rank", [8, 9, 0])
def test_theta_rank(theta, tmp_path, out, rank):
    data = theta_bytes(extra_tensors=[_extra("r", dims=(1,) * rank)])
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if rank == 8:
        accepted(cp, target)
    else:
        refused(cp, "%s: tensor 'r' has rank %d; ranks 1…8 are allowed" % (path, rank), target, outdir=out)


@pytest.mark.parametrize("elements, ok", [((1 << 61) - 1, True), (1 << 61, False)])
def test_theta_dims_times_element_size(theta, tmp_path, out, elements, ok):
    # product(dims) × 8 must fit in u64: 2^61 − 1 doubles need 2^64 − 8 bytes (no
    # overflow, so the next check compares it with the recorded 8-byte length);
    # 2^61 doubles overflow.
    data = theta_bytes(extra_tensors=[_extra("big", dims=(elements,))])
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if ok:
        refused(cp, "%s: tensor 'big' records 8 bytes; its shape and dtype need %d" % (path, elements * 8),
                target, outdir=out)
    else:
        refused(cp, "%s: tensor 'big' has a zero or overflowing dimension" % path, target, outdir=out)


def test_theta_tensor_length_checked_against_file(theta, tmp_path, out):
    # A tensor whose dims and length claim 8 MiB that the file does not hold: refused
    # as truncated from the sizes alone, before anything is allocated.
    lying = _extra("lie", dims=(1 << 20,), data=b"", length=8 << 20)
    data = theta_bytes(extra_tensors=[lying])
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    refused(cp, re.compile(re.escape(path) + r": truncated: the header says \d+ bytes, the file has %d" % len(data)),
            target, outdir=out)


@pytest.mark.parametrize("size, ok", [((1 << 31) - 1, True), (1 << 31, False)])
def test_theta_layer_size(theta, tmp_path, out, size, ok):
    # Layer sizes are at most 2^31 − 1 (Int32.max). At the limit the next check
    # compares Theta1's dims with the sizes; above it the sizes are refused.
    data = theta_bytes(metadata={"model.layer_sizes": (tf.INT_ARRAY, [size, 3, 2])})
    path = write(tmp_path / "m.theta", data)
    cp, target = export(theta, path, out)
    if ok:
        refused(cp, "%s: tensor 'Theta1' is 3×5; the layer sizes need 3×%d" % (path, size + 1),
                target, outdir=out)
    else:
        refused(cp, "%s: metadata 'model.layer_sizes': needs at least 2 sizes, each 1 to 2147483647" % path,
                target, outdir=out)


def test_theta_file_size_over(theta, tmp_path, out):
    path = sparse(tmp_path / "big.theta", (4 * GiB) + 1)
    cp, target = export(theta, path, out)
    refused(cp, "%s: 4294967297 bytes is more than the 4294967296-byte limit" % path, target, outdir=out, code=74)


@heavy
def test_theta_file_size_at(theta, tmp_path, out):
    path = sparse(tmp_path / "big.theta", 4 * GiB)
    cp, target = export(theta, path, out)
    refused(cp, "%s: not a Theta model file (wrong magic number)" % path, target, outdir=out)


# --------------------------------------------------------------------------
# MAT v4/v5/v7 (the structural check) and v7.3

miINT8, miINT32, miUINT32, miDOUBLE, miMATRIX, miCOMPRESSED = 1, 5, 6, 9, 14, 15
mxCELL, mxSTRUCT, mxDOUBLE = 1, 2, 6


def mat_header(version=0x0100):
    return b"MATLAB 5.0 MAT-file, theta test_limits".ljust(116, b" ") + bytes(8) + struct.pack("<H", version) + b"IM"


def _pad8(b):
    return b + bytes(-len(b) % 8)


def _element(mtype, payload):
    return struct.pack("<II", mtype, len(payload)) + _pad8(payload)


def _matrix(cls, dims, name, body):
    return _element(miMATRIX, _element(miUINT32, struct.pack("<II", cls, 0))
                    + _element(miINT32, b"".join(struct.pack("<i", d) for d in dims))
                    + _element(miINT8, name) + body)


def nested(kind, depth):
    """A variable 'v': `depth` cells or structs around a 1×1 double, which so lies at
    nesting depth `depth` (the top-level variable is depth 0)."""
    inner = _matrix(mxDOUBLE, [1, 1], b"", _element(miDOUBLE, struct.pack("<d", 1.0)))
    for i in range(depth):
        name = b"v" if i == depth - 1 else b""
        if kind == "cell":
            inner = _matrix(mxCELL, [1, 1], name, inner)
        else:
            fields = _element(miINT32, struct.pack("<i", 8)) + _element(miINT8, b"f".ljust(8, b"\0"))
            inner = _matrix(mxSTRUCT, [1, 1], name, fields + inner)
    return inner


def compressed(element):
    z = zlib.compress(element)
    return struct.pack("<II", miCOMPRESSED, len(z)) + z


@pytest.mark.parametrize("kind", ["cell", "struct"])
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "compressed"])
@pytest.mark.parametrize("depth", [32, 33])
def test_mat_nesting_depth(theta, tmp_path, out, kind, packed, depth):
    element = nested(kind, depth)
    path = write(tmp_path / "deep.mat", mat_header() + (compressed(element) if packed else element))
    target = str(out / "m.theta")
    cp = run_theta(theta, "convert", path, target, "--var", "v")
    if depth == 32:
        # Past the structural check; the variable is then refused for its class.
        what = ("is a cell array; only real numeric matrices can be converted" if kind == "cell"
                else "is a struct; name one of its fields: 'v.f'")
        refused(cp, "%s: variable 'v' %s" % (path, what), target, outdir=out)
    else:
        refused(cp, re.compile(re.escape(path) + r": damaged: the variable at "
                               r"(offset|byte) \d+.* nests cells or structs deeper than 32 levels"),
                target, outdir=out)


def zlib_zeros(prefix, zeros, block=1 << 20):
    """A zlib stream of `prefix` then `zeros` zero bytes, built from one deflate block
    of zeros compressed once and repeated (a full flush resets the compressor, so
    the repeats are identical); the Adler-32 of the zeros is computed, not summed."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)]
    full, rest = divmod(zeros, block)
    if full:
        parts.append((c.compress(bytes(block)) + c.flush(zlib.Z_FULL_FLUSH)) * full)
    parts.append(c.compress(bytes(rest)) + c.flush())
    a = zlib.adler32(prefix)
    lo, hi = a & 0xFFFF, ((a >> 16) + zeros * (a & 0xFFFF)) % 65521
    return b"\x78\xda" + b"".join(parts) + struct.pack(">I", (hi << 16) | lo)


def test_zlib_zeros_helper():
    for n in (0, 5, (1 << 20) + 3, 3 << 20):
        assert zlib.decompress(zlib_zeros(b"\x0e\0\0\0tag!", n)) == b"\x0e\0\0\0tag!" + bytes(n)


def inflating_to(total, consistent):
    """A v5 file whose one compressed element inflates to exactly `total` bytes: an
    miMATRIX (claiming total − 8) holding a double column 'X' of zeros. With
    `consistent` false its dimensions ask for one double more than its data holds,
    a fault found only after the size checks."""
    data = total - 64                       # tag 8 + flags 16 + dims 16 + name 16 + data tag 8
    rows = data // 8 + (0 if consistent else 1)
    body = (struct.pack("<IIII", miUINT32, 8, mxDOUBLE, 0) + struct.pack("<IIii", miINT32, 8, rows, 1)
            + struct.pack("<II", miINT8, 1) + b"X".ljust(8, b"\0") + struct.pack("<II", miDOUBLE, data))
    stream = zlib_zeros(struct.pack("<II", miMATRIX, len(body) + data) + body, data)
    return mat_header() + struct.pack("<II", miCOMPRESSED, len(stream)) + stream


@pytest.mark.parametrize("total, ok", [(GiB, True), (GiB + 8, False)])
def test_mat_inflated_size(theta, tmp_path, out, total, ok):
    path = write(tmp_path / "bomb.mat", inflating_to(total, consistent=not ok))
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "-o", target)
    if ok:
        # Exactly 1 GiB passes the limit; the next check finds the short data.
        refused(cp, re.compile(re.escape(path) + r": damaged: .*"), target, outdir=out)
        assert "limit" not in cp.stderr
    else:
        # The tag's claim is refused before anything is inflated.
        refused(cp, re.compile(re.escape(path) + r": refused: compressed element at offset 128 "
                               r"holds an miMATRIX of 1073741824 bytes, which"
                               r" exceeds the limit of 1073741824 bytes"), target, outdir=out)


def test_mat_file_size_over(theta, tmp_path, out):
    # `predict` opens MAT data directly with MatFile (no whole-file read first).
    path = sparse_with_head(tmp_path / "big.mat", mat_header(), 2 * GiB + 1)
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "-o", target)
    refused(cp, "%s: refused: the file (2147483649 bytes) exceeds the limit of 2147483648 bytes" % path,
            target, outdir=out)


@heavy
def test_mat_file_size_at(theta, tmp_path, out):
    path = sparse_with_head(tmp_path / "big.mat", mat_header(), 2 * GiB)
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "-o", target)
    refused(cp, re.compile(re.escape(path) + r": damaged: the bytes at offset 128 are not a variable: .*"),
            target, outdir=out)


def _tiny(**override):
    d = scipy.io.loadmat(TINY_DATA)
    data = {"X": d["X"], "y": d["y"]}
    data.update(override)
    return data


@pytest.mark.parametrize("dtype, value, ok", [
    ("int64", 1 << 53, True), ("int64", (1 << 53) + 1, False),
    ("uint64", 1 << 53, True), ("uint64", (1 << 53) + 1, False),
    ("int64", -(1 << 53), True), ("int64", -(1 << 53) - 1, False)])
def test_mat_int64_magnitude(theta, tmp_path, out, dtype, value, ok):
    X = np.abs(_tiny()["X"]).astype(dtype)   # (uint64 of a negative value would wrap)
    X[0, 0] = value
    path = str(tmp_path / "x.mat")
    scipy.io.savemat(path, _tiny(X=X))
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "-o", target)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: variable 'X' holds %d at element 1 (column-major), which a double cannot "
                    "represent exactly (limit ±2^53)" % (path, value), target, outdir=out)


@pytest.mark.parametrize("label, ok", [(float((1 << 53) - 1), True), (float(1 << 53), False)])
def test_mat_label_magnitude(theta, tmp_path, out, label, ok):
    y = _tiny()["y"].astype("float64")
    y[0, 0] = label
    path = str(tmp_path / "y.mat")
    scipy.io.savemat(path, _tiny(y=y))
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "-o", target)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: variable 'y' holds 9007199254740992.0, not an integer label" % path,
                target, outdir=out)


@pytest.mark.parametrize("shape, ok", [((6, 4, 1), True), ((6, 2, 2), False)])
def test_mat_two_dimensions_only(theta, tmp_path, out, shape, ok):
    X = _tiny()["X"].reshape(shape, order="F")
    path = str(tmp_path / "x.mat")
    scipy.io.savemat(path, _tiny(X=X))
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "-o", target)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: variable 'X' has 3 dimensions (6x2x2); only 2-D matrices can be converted" % path,
                target, outdir=out)


@pytest.mark.parametrize("cut, ok", [(0, True), (1, False)])
def test_mat_v73_superblock_end_of_file(theta, tmp_path, out, cut, ok):
    data = open(V73_WEIGHTS, "rb").read()
    eof = struct.unpack_from("<Q", data, 512 + 24 + 16)[0]   # superblock v0, 8-byte addresses
    assert data[520] == 0 and eof == len(data)
    path = write(tmp_path / "w73.mat", data[:len(data) - cut])
    target = str(out / "m.theta")
    cp = run_theta(theta, "convert", path, target)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: damaged: truncated: the HDF5 superblock says the file ends at byte %d, but it has "
                    "only %d bytes" % (path, eof, eof - 1), target, outdir=out)


# --------------------------------------------------------------------------
# HDF5 (.h5) import

def h5_model(path, libver=("earliest", "v110"), theta1=None, **attrs):
    import h5py
    with h5py.File(path, "w", libver=libver) as f:
        if theta1 is None:
            f.create_dataset("Theta1", data=np.full((3, 5), 0.1))
        else:
            f.create_dataset("Theta1", **theta1)
        f.create_dataset("Theta2", data=np.full((2, 4), 0.1))
        for k, v in attrs.items():
            f.attrs.create(k, v)
    return str(path)


def convert(theta, path, out):
    target = str(out / "m.theta")
    return run_theta(theta, "convert", path, target), target


@pytest.mark.parametrize("columns, ok", [(8192, True), (8193, False)])
def test_hdf5_dataset_elements(theta, tmp_path, out, columns, ok):
    # A dataspace of 8192 × 8192 = 2^26 doubles with no storage allocated (the file is
    # 2 KB; libhdf5 reads the fill value). The budget is 2^26 values over all datasets:
    # at the limit Theta1 is read (512 MiB, ~0.5 s) and Theta2's 8 values are one
    # dataset too many; one column more and Theta1 itself is refused, from the
    # dataspace, before anything is allocated.
    path = h5_model(tmp_path / "m.h5", theta1=dict(shape=(8192, columns), dtype="f8"))
    assert os.path.getsize(path) < 10000
    cp, target = convert(theta, path, out)
    if ok:
        refused(cp, "%s: not a valid HDF5 model: /Theta2 takes the datasets past 67108864 values in all,"
                " the limit" % path, target, outdir=out)
    else:
        refused(cp, "%s: not a valid HDF5 model: /Theta1 takes the datasets past 67108864 values in all,"
                " the limit" % path, target, outdir=out)


@pytest.mark.parametrize("dim, ok", [((1 << 40) - 1, True), (1 << 40, False)])
def test_hdf5_dimension(theta, tmp_path, out, dim, ok):
    path = h5_model(tmp_path / "m.h5", theta1=dict(shape=(dim,), dtype="f8", chunks=(1024,)))
    cp, target = convert(theta, path, out)
    if ok:
        refused(cp, "%s: not a valid HDF5 model: /Theta1 takes the datasets past 67108864 values in all,"
                " the limit" % path, target, outdir=out)
    else:
        refused(cp, "%s: not a valid HDF5 model: /Theta1: dimension too large" % path, target, outdir=out)


@pytest.mark.parametrize("count, ok", [(4096, True), (4097, False)])
def test_hdf5_attribute_count(theta, tmp_path, out, count, ok):
    import h5py
    path = h5_model(tmp_path / "m.h5")
    with h5py.File(path, "a") as f:
        for i in range(count):
            f.attrs["a%05d" % i] = np.int64(i)
    cp, target = convert(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: not a valid HDF5 model: /: too many attributes" % path, target, outdir=out)


@pytest.mark.parametrize("count, ok", [(1 << 20, True), ((1 << 20) + 1, False)])
def test_hdf5_attribute_elements(theta, tmp_path, out, count, ok):
    # Attributes over 64 KiB need dense attribute storage (HDF5 1.8 format).
    path = h5_model(tmp_path / "m.h5", libver=("v108", "v110"), b=np.zeros(count, dtype=np.uint8))
    cp, target = convert(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: not a valid HDF5 model: /@b: attribute too large" % path, target, outdir=out)


@pytest.mark.parametrize("size, ok", [((1 << 20) - 1, True), (1 << 20, False)])
def test_hdf5_fixed_string_size(theta, tmp_path, out, size, ok):
    path = h5_model(tmp_path / "m.h5", libver=("v108", "v110"), s=np.array(b"x" * size, dtype="S%d" % size))
    cp, target = convert(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: not a valid HDF5 model: /@s: bad string size" % path, target, outdir=out)


@pytest.mark.parametrize("count, ok", [
    pytest.param(128, True, marks=pytest.mark.skipif(
        not HEAVY, reason="decodes 64 MiB of strings (about 12 s with the debug build); set THETA_LIMITS_HEAVY=1")),
    (129, False)])
def test_hdf5_fixed_string_attribute_bytes(theta, tmp_path, out, count, ok):
    # Elements (≤ 2^20) and string size (< 2^20) are each bounded, and their product
    # too: 2^26 bytes (64 MiB) in all, here strings of 2^19 bytes. The refusal comes
    # from the attribute's type and dataspace, before anything is allocated.
    size = 1 << 19
    path = h5_model(tmp_path / "m.h5", libver=("v108", "v110"), s=np.full(count, b"x" * size, dtype="S%d" % size))
    cp, target = convert(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: not a valid HDF5 model: /@s: attribute too large" % path, target, outdir=out)


@pytest.mark.parametrize("shape, ok", [((4,), True), ((2, 2), False)])
def test_hdf5_attribute_rank(theta, tmp_path, out, shape, ok):
    path = h5_model(tmp_path / "m.h5", m=np.zeros(shape))
    cp, target = convert(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: not a valid HDF5 model: /@m: attribute of rank 2" % path, target, outdir=out)


def test_hdf5_file_size_over(theta, tmp_path, out):
    # Exchange.detectFormat sniffs only the first bytes (zeros here: it goes by the
    # name), so the HDF5 reader's own 4 GiB check is what refuses limit + 1.
    path = sparse(tmp_path / "big.h5", 4 * GiB + 1)
    cp, target = convert(theta, path, out)
    refused(cp, "%s: 4294967297 bytes is more than the 4294967296-byte limit" % path, target, outdir=out, code=74)


# --------------------------------------------------------------------------
# safetensors

def st_write(path, header, data=b"", length=None):
    path.write_bytes(struct.pack("<Q", len(header) if length is None else length) + header + data)
    return str(path)


@pytest.mark.parametrize("length, ok", [(100_000_000, True), (100_000_001, False)])
def test_safetensors_header_length(theta, tmp_path, out, length, ok):
    # A lying length: the limit is checked before the length is compared with the file.
    path = st_write(tmp_path / "m.safetensors", b'{"a":1}', length=length)
    cp, target = convert(theta, path, out)
    prefix = "%s: not a valid safetensors model: " % path
    if ok:
        refused(cp, prefix + "truncated: header needs 100000008 bytes, the file has 15", target, outdir=out)
    else:
        refused(cp, prefix + "header length 100000001 is over the 100000000-byte limit", target, outdir=out)


@pytest.mark.parametrize("depth, ok", [(64, True), (65, False)])
def test_safetensors_json_depth(theta, tmp_path, out, depth, ok):
    # The header object is nesting level 1, the tensor's object level 2; the dtype
    # value holds depth − 2 nested arrays, so the deepest value is at level `depth`.
    value = "[" * (depth - 2) + "]" * (depth - 2)
    path = st_write(tmp_path / "m.safetensors", ('{"x":{"dtype":%s}}' % value).encode())
    cp, target = convert(theta, path, out)
    prefix = "%s: not a valid safetensors model: " % path
    if ok:
        refused(cp, prefix + "tensor 'x' has no string dtype", target, outdir=out)
    else:
        refused(cp, prefix + "header is not JSON: nested too deeply", target, outdir=out)


@pytest.mark.parametrize("elements, ok", [((1 << 60) - 1, True), (1 << 60, False)])
def test_safetensors_shape_times_element_size(theta, tmp_path, out, elements, ok):
    header = ('{"Theta1":{"dtype":"F64","shape":[%d],"data_offsets":[0,0]}}' % elements).encode()
    path = st_write(tmp_path / "m.safetensors", header)
    cp, target = convert(theta, path, out)
    prefix = "%s: not a valid safetensors model: tensor 'Theta1': shape [%d] of F64 needs " % (path, elements)
    if ok:
        refused(cp, prefix + "%d bytes, data_offsets give 0" % (elements * 8), target, outdir=out)
    else:
        refused(cp, prefix + "too many bytes, data_offsets give 0", target, outdir=out)


def test_safetensors_file_size_over(theta, tmp_path, out):
    path = sparse(tmp_path / "big.safetensors", 4 * GiB + 1)
    cp, target = convert(theta, path, out)
    refused(cp, "%s: 4294967297 bytes is more than the 4294967296-byte limit" % path, target, outdir=out, code=74)


# --------------------------------------------------------------------------
# ONNX

def varint(v, width=None):
    """`v` as a protobuf varint, padded with 0x80 continuation bytes to `width` bytes."""
    out = []
    while True:
        out.append(v & 0x7F)
        v >>= 7
        if not v:
            break
    if width is not None:
        out += [0] * (width - len(out))
    return bytes([b | 0x80 for b in out[:-1]] + [out[-1]])


def pb_varint(field, value):
    return varint(field << 3) + varint(value)


def pb_bytes(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def onnx_initializer(name, dims, raw=b"", elem=11):
    return pb_bytes(5, b"".join(pb_varint(1, d) for d in dims) + pb_varint(2, elem)
                    + pb_bytes(8, name.encode()) + pb_bytes(9, raw))


@pytest.mark.parametrize("width, ok", [(10, True), (11, False)])
def test_onnx_varint_length(theta, tmp_path, out, width, ok):
    # ir_version (field 1, varint) with its key written as a `width`-byte varint.
    path = write(tmp_path / "m.onnx", varint(1 << 3, width) + varint(8))
    cp, target = convert(theta, path, out)
    prefix = "%s: not a valid ONNX model: " % path
    if ok:
        refused(cp, prefix + "no graph", target, outdir=out)
    else:
        refused(cp, prefix + "protobuf varint too long", target, outdir=out)


@pytest.mark.parametrize("dim, ok", [((1 << 31) - 1, True), (1 << 31, False)])
def test_onnx_initializer_dimension(theta, tmp_path, out, dim, ok):
    graph = onnx_initializer("Theta1.weight", [dim])
    path = write(tmp_path / "m.onnx", pb_varint(1, 8) + pb_bytes(7, graph))
    cp, target = convert(theta, path, out)
    prefix = "%s: not a valid ONNX model: " % path
    if ok:
        refused(cp, prefix + "initializer Theta1.weight: 0 bytes of data for shape [%d]" % dim, target, outdir=out)
    else:
        refused(cp, prefix + "initializer dimension %d is too large" % dim, target, outdir=out)


def test_onnx_file_size_over(theta, tmp_path, out):
    path = sparse(tmp_path / "big.onnx", 2 * GiB + 1)
    cp, target = convert(theta, path, out)
    refused(cp, "%s: 2147483649 bytes is more than the 2147483648-byte limit" % path, target, outdir=out, code=74)


@heavy
def test_onnx_file_size_at(theta, tmp_path, out):
    path = sparse(tmp_path / "big.onnx", 2 * GiB)
    cp, target = convert(theta, path, out)
    refused(cp, "%s: not a valid ONNX model: protobuf field number 0" % path, target, outdir=out)


# --------------------------------------------------------------------------
# CSV model import (NAME.Theta1.csv … + sidecar NAME.meta.csv)

def csv_model(d, layout="matrices", sizes="[4,3,2]", rows=(), thetas=True):
    """Writes d/m.meta.csv (and d/m.Theta1.csv, d/m.Theta2.csv); returns the sidecar path."""
    meta = ["key,type,value", "theta.layout,string,%s" % layout, "theta.dtype,string,float64",
            "theta.format_version,string,1.0", "model.activation,string,sigmoid",
            "model.architecture,string,fc-sigmoid", "model.bias,string,column0",
            'model.labels,int[],"[1,2]"', 'model.layer_sizes,int[],"%s"' % sizes] + list(rows)
    (d / "m.meta.csv").write_text("\n".join(meta) + "\n")
    if thetas:
        (d / "m.Theta1.csv").write_text("0.1,0.2,0.3,0.4,0.5\n" * 3)
        (d / "m.Theta2.csv").write_text("0.1,0.2,0.3,0.4\n" * 2)
    return str(d / "m.meta.csv")


@pytest.mark.parametrize("length, ok", [(255, True), (256, False)])
def test_csv_metadata_key_length(theta, tmp_path, out, length, ok):
    key = ("user." + "k" * 300)[:length]
    sidecar = csv_model(tmp_path, rows=["%s,string,v" % key])
    cp, target = convert(theta, sidecar, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: not a valid CSV model: metadata key '%s' is not valid" % (sidecar, key), target, outdir=out)


@pytest.mark.parametrize("size, ok", [((1 << 24) - 1, True), (1 << 24, False)])
def test_csv_unrolled_layer_size(theta, tmp_path, out, size, ok):
    csv_model(tmp_path, layout="unrolled-row", sizes="[1,%d]" % size, thetas=False)
    (tmp_path / "m.csv").write_text("0.5\n")
    sidecar = str(tmp_path / "m.meta.csv")
    cp, target = convert(theta, sidecar, out)
    data = str(tmp_path / "m.csv")
    if ok:
        refused(cp, "%s: not a valid CSV model: 1 values, layer sizes [1, %d] need %d" % (data, size, 2 * size),
                target, outdir=out)
    else:
        refused(cp, "%s: not a valid CSV model: bad model.layer_sizes" % data, target, outdir=out)


def test_csv_file_size_over(theta, tmp_path, out):
    # The sidecar (small) is what `convert` is given, so nothing sniffs the big file;
    # NAME.Theta1.csv is 1 GiB + 1 and refused from fstat.
    sidecar = csv_model(tmp_path)
    big = sparse(tmp_path / "m.Theta1.csv", GiB + 1)
    cp, target = convert(theta, sidecar, out)
    refused(cp, "%s: 1073741825 bytes is more than the 1073741824-byte limit" % big, target, outdir=out, code=74)


@heavy
def test_csv_file_size_at(theta, tmp_path, out):
    sidecar = csv_model(tmp_path)
    big = sparse(tmp_path / "m.Theta1.csv", GiB)
    cp, target = convert(theta, sidecar, out)
    refused(cp, re.compile(re.escape(big) + r": not a valid CSV model: row 1, column 1: '.*' is not a number"),
            target, outdir=out)


def test_csv_matrices_layer_size_unbounded(theta, tmp_path, out):
    sidecar = csv_model(tmp_path, sizes="[9223372036854775807,1]")
    (tmp_path / "m.Theta1.csv").write_text("0.1,0.2\n")
    cp, target = convert(theta, sidecar, out)
    assert cp.returncode == 65, (cp.returncode, cp.stderr[-300:])
    refused(cp, "%s: not a valid CSV model: shape 1×2, layer sizes need 1×(9223372036854775807 + 1)"
            % (tmp_path / "m.Theta1.csv"), target, outdir=out)


@pytest.mark.parametrize("extra, message", [
    ("rows", "m.Theta1.csv: not a valid CSV model: more than 3 rows, layer sizes need 3×5"),
    ("values", "m.Theta1.csv: not a valid CSV model: row 1 has more than 5 values, layer sizes need 3×5"),
    ("unrolled", "m.csv: not a valid CSV model: more than 23 values, layer sizes [4, 3, 2] need 23"),
])
def test_csv_larger_than_declared_is_refused_at_the_excess(theta, tmp_path, out, extra, message):
    """A table larger than the sidecar's layer sizes is refused at its first row or
    value beyond them; the message gives no total, since the rest is never parsed, so a
    file of up to 1 GiB costs the time of its declared shape (LIMITS.md §11)."""
    if extra == "unrolled":
        csv_model(tmp_path, layout="unrolled-row", thetas=False)
        (tmp_path / "m.csv").write_text("0.5\n" * 1000000)
    else:
        csv_model(tmp_path)
        if extra == "rows":
            (tmp_path / "m.Theta1.csv").write_text("0.1,0.2,0.3,0.4,0.5\n" * 1000000)
        else:
            (tmp_path / "m.Theta1.csv").write_text(",".join(["0.1"] * 1000000) + "\n")
    cp, target = convert(theta, str(tmp_path / "m.meta.csv"), out)
    refused(cp, "%s/%s" % (tmp_path, message), target, outdir=out)


def test_csv_unrolled_layer_count_unbounded(theta, tmp_path, out):
    sizes = "[" + ",".join(["16777215"] * 32770) + "]"
    csv_model(tmp_path, layout="unrolled-row", sizes=sizes, thetas=False)
    (tmp_path / "m.csv").write_text("0.5\n")
    cp, target = convert(theta, str(tmp_path / "m.meta.csv"), out)
    assert cp.returncode == 65, (cp.returncode, cp.stderr[-300:])
    refused(cp, re.compile(re.escape(str(tmp_path / "m.csv")) + r": not a valid CSV model: 1 values, "
                           r"layer sizes \[16777215(, 16777215){32769}\] need more than 9223372036854775807"),
            target, outdir=out)


# --------------------------------------------------------------------------
# Data sets (predict, cost, train): CSV and MAT

@pytest.mark.parametrize("label, ok", [((1 << 53) - 1, True), (1 << 53, False)])
def test_dataset_csv_label_magnitude(theta, tmp_path, out, label, ok):
    path = str(tmp_path / "d.csv")
    open(path, "w").write("1,0,0,0,%d\n0,1,0,0,2\n" % label)
    target = str(out / "p.txt")
    cp = run_theta(theta, "predict", TINY_MODEL, path, "--labeled", "-o", target)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: line 1, value 5: label '%d' is not an integer" % (path, label), target, outdir=out)


def test_dataset_train_file_size_over(theta, tmp_path, out):
    # `train` reads its data whole through SafeFile (4 GiB) for the SHA-256 it records.
    path = sparse(tmp_path / "big.csv", 4 * GiB + 1)
    target = str(out / "t.theta")
    cp = run_theta(theta, "train", path, "-o", target)
    refused(cp, "%s: 4294967297 bytes is more than the 4294967296-byte limit" % path, target, outdir=out, code=74)


@heavy
def test_dataset_train_file_size_at(theta, tmp_path, out):
    path = sparse(tmp_path / "big.csv", 4 * GiB)
    target = str(out / "t.theta")
    cp = run_theta(theta, "train", path, "-o", target)
    refused(cp, re.compile(re.escape(path) + r": line 1, value 1: '.*' is not a number"), target, outdir=out)


def h5_soft_links(path, groups):
    """An HDF5 file whose root holds the groups `groups` (name → count), each with that
    many dangling soft links (members that inspect counts but does not follow)."""
    import h5py
    with h5py.File(path, "w", libver=("v108", "v110")) as f:
        for name, count in groups.items():
            g = f.create_group(name)
            for i in range(count):
                g["l%05d" % i] = h5py.SoftLink("/nowhere")
    return str(path)


def inspected(theta, path, out, ok, shows, message):
    """`theta inspect PATH`: listed (exit 0, `shows` in the listing) when `ok`, else
    refused with `message % path`."""
    cp = run_theta(theta, "inspect", path)
    if ok:
        assert cp.returncode == 0, cp.stderr
        assert shows in cp.stdout, cp.stdout
    else:
        refused(cp, message % path, outdir=out)


@pytest.mark.parametrize("count, ok", [(4096, True), (4097, False)])
def test_hdf5_inspect_group_members(theta, tmp_path, out, count, ok):
    # HDF5File.members lists at most 4096 members of a group, and refuses more
    # instead of listing part of them.
    path = h5_soft_links(tmp_path / "many.h5", {"g": count})
    inspected(theta, path, out, ok, "0 datasets",
              "%s: not a valid HDF5 model: /g: the group holds more than 4096 members, the most Theta lists")


@pytest.mark.parametrize("count, ok", [(10_000, True), (10_001, False)])
def test_hdf5_inspect_objects(theta, tmp_path, out, count, ok):
    # inspect visits at most 10 000 members in all (here 3 groups and their links).
    path = h5_soft_links(tmp_path / "many.h5", {"a": 4000, "b": 4000, "c": count - 8003})
    inspected(theta, path, out, ok, "0 datasets",
              "%s: not a valid HDF5 model: it holds more than 10000 objects, the most inspect lists")


@pytest.mark.parametrize("columns, ok", [
    pytest.param(8192, True, marks=heavy_release),  # 512 MiB of fill values read, a 512 MiB model written
    (8193, False),
])
def test_mat_v73_lying_dataspace(theta, tmp_path, out, columns, ok):
    # A v7.3 matrix may claim at most 2^26 values (512 MiB as doubles), checked from its
    # dataspace before matio allocates: this 8192 × 8193 one has no storage allocated
    # (the file is a few KB) and used to keep the reader busy past its 10 s timeout,
    # twice, at 4 GB of memory.
    import make_mat_fixtures as mf  # tools/ is on sys.path (conftest)

    def build(f):
        d = f.create_dataset("Theta1", shape=(columns, 8192), dtype="f8", chunks=(64, 64), track_times=False)
        mf.attr_string(d, "MATLAB_class", "double")  # stored transposed: 8192 × columns
        mf.h5_matrix(f, "Theta2", np.ones((2, 8193)), "double")

    path = str(tmp_path / "lie.mat")
    with open(path, "wb") as fh:
        fh.write(mf.write_v73(build))
    assert os.path.getsize(path) < 300_000
    cp, target = convert(theta, path, out)
    if ok:
        accepted(cp, target)
    else:
        refused(cp, "%s: refused: variable 'Theta1' (8192x8193, 536936448 bytes as doubles) exceeds the limit"
                " of 536870912 bytes" % path, target, outdir=out)


@pytest.mark.parametrize("links, ok", [(65_536, True), (65_537, False)])
def test_mat_v73_root_links(theta, tmp_path, out, links, ok):
    # The v7.3 cross-check compares every root link with matio's listing, and reads at
    # most 65 536 of them: a longer root group is refused, not compared in part. Here a
    # matrix and dangling soft links (which matio skips and reports as unreadable).
    import h5py
    import make_mat_fixtures as mf  # tools/ is on sys.path (conftest)

    def build(f):
        mf.h5_matrix(f, "Theta1", np.ones((3, 5)), "double")
        for i in range(links - 1):
            f["s%05d" % i] = h5py.SoftLink("/nowhere")

    path = str(tmp_path / "links.mat")
    with open(path, "wb") as fh:
        fh.write(mf.write_v73(build))
    inspected(theta, path, out, ok, "Theta1               double           3×5",
              "%s: damaged: libhdf5 cannot read it: /: the group holds more than 65536 links, the most Theta reads")
