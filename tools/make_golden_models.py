#!/usr/bin/env python3
"""Writes the golden ``.theta`` 1.0 files into ``Fixtures/models/v1/`` and the
annotated hex dump ``Docs/FORMAT-example.md``.

Deterministic: no timestamps, no unseeded randomness; running it twice gives
identical bytes.  Usage::

    python tools/make_golden_models.py [--out DIR] [--doc FILE]

Weights
-------
* tiny (4-3-2): Theta1 is 3x5, Theta2 is 2x4.  For each matrix separately, with
  ``i`` the 0-based row-major index within that matrix (``i = r*cols + c``)::

      W[i] = math.sin(i + 1) / 10        # Python float (binary64)

  so Theta1[0,0] = sin(1)/10, Theta1[0,1] = sin(2)/10, …, Theta2[0,0] = sin(1)/10.
  ``tiny-f32`` stores the same values rounded to float32 (round to nearest even,
  ``numpy.float32(x)``).
* course-shape (400-25-10)::

      rng = numpy.random.RandomState(1)
      Theta1 = rng.uniform(-1, 1, size=(25, 401))
      Theta2 = rng.uniform(-1, 1, size=(10, 26))   # same stream, drawn after Theta1

Files
-----
``v1/``         valid 1.0 files (write(read(f)) == f)
``v1/future/``  files of a newer minor version that every 1.x reader must read
``v1/bad/``     files every reader must refuse, each for exactly one reason;
                ``bad/README.md`` lists the rule and this reader's message.
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import theta_format as tf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "Fixtures" / "models" / "v1"
DEFAULT_DOC = ROOT / "Docs" / "FORMAT-example.md"

TOOL = "theta_format.py"
NOTE = "golden v1 fixture"


# --------------------------------------------------------------------------
# The valid models

def tiny_weights():
    def mat(rows, cols):
        return np.array([math.sin(i + 1) / 10 for i in range(rows * cols)],
                        dtype=np.float64).reshape(rows, cols)
    return mat(3, 5), mat(2, 4)


def tiny_model(dtype="f64") -> tf.Model:
    return tf.make_model(tiny_weights(), [1, 2], dtype=dtype, metadata={
        "model.label_names": (tf.STRING_ARRAY, ["1", "2"]),
        "provenance.tool": (tf.STRING, TOOL),
        "user.note": (tf.STRING, NOTE),
    })


def course_model() -> tf.Model:
    rng = np.random.RandomState(1)
    t1 = rng.uniform(-1, 1, size=(25, 401))
    t2 = rng.uniform(-1, 1, size=(10, 26))
    return tf.make_model([t1, t2], list(range(1, 11)), metadata={
        "model.label_names": (tf.STRING_ARRAY, [str(d) for d in range(1, 10)] + ["0"]),
        "input.shape": (tf.INT_ARRAY, [20, 20]),
        "input.order": (tf.STRING, "column-major"),
        "provenance.tool": (tf.STRING, TOOL),
        "user.note": (tf.STRING, NOTE),
    })


def minor_1_3() -> bytes:
    """Minor 3: header extension bytes, an entry of unknown type 42, optional
    flag bit 0 set, and a tensor 'Extra' after Theta1, Theta2."""
    extra = tf.Tensor("Extra", "f64", (3,), np.array([1.0, 2.0, 3.0]))
    return tf.write(tiny_model(), minor=3, optional_flags=0x1,
                    extension=b"\x01\x00\x00\x00future-field\x00\x00\x00\x00",
                    extra_metadata=[("future.thing", 42, b"\x2a\x00\x00\x00opaque")],
                    extra_tensors=[extra])


# --------------------------------------------------------------------------
# The bad files: each is the tiny f64 model broken in exactly one way.

def _entries(model, *, drop=(), order=None):
    items = sorted(model.metadata.items())
    ents = [tf.metadata_entry(k, t, v) for k, (t, v) in items if k not in drop]
    return ents if order is None else order(ents)


def _raw(model):
    return [tf.RawTensor.of(t) for t in model.tensors]


def _enc(**kw):
    m = tiny_model()
    return tf.encode(_entries(m), _raw(m), **kw)


def _flip(buf: bytes, at: int, bit: int = 0) -> bytes:
    b = bytearray(buf)
    b[at] ^= 1 << bit
    return bytes(b)


def _resha(buf: bytearray, T: int):
    buf[T:T + 32] = tf.sha256(buf[:T])


def bad_files():
    """name -> (rule broken, bytes).  Every file is consistent except for its
    one defect: CRCs and SHA-256 are recomputed wherever that is possible."""
    m = tiny_model()
    good = tf.write(m)
    H = struct.unpack_from("<I", good, 24)[0]
    T = len(good) - 40
    out = {}

    out["major-2.theta"] = ("§2 Versions / §6 step 4: major must be 1", _enc(major=2))
    out["required-flag.theta"] = ("§2 Flags / §6 step 5: unknown required flag bit 0",
                                  _enc(required_flags=0x1))
    out["big-endian-bom.theta"] = ("§2 / §6 step 3: byte-order mark bytes are 01 02 03 04 "
                                   "(rest of the file little-endian, header CRC recomputed)",
                                   _enc(bom=tf.BOM_BE))
    out["bad-magic.theta"] = ("§2 / §6 step 2: magic byte 0 is 0x09 (high bit stripped, as "
                              "by a 7-bit transfer; header CRC recomputed)",
                              _enc(magic=b"\x09" + tf.MAGIC[1:]))
    cut = 32 + H // 2
    out["truncated-header.theta"] = (f"§6 step 6: file cut to {cut} bytes, inside the "
                                     f"header (36 + H = {36 + H})", good[:cut])
    t2 = m.tensor("Theta2")
    layout_t2 = tf.read(good).tensor("Theta2").offset
    cut = layout_t2 + 16
    out["truncated-data.theta"] = (f"§3.3 / §6 step 9: file cut to {cut} bytes, inside "
                                   f"Theta2's data", good[:cut])

    # header CRC: flip bit 0 of the first byte of user.note's value ('g' -> 'f'),
    # a still-valid string; the SHA-256 is recomputed.
    at = good.index(NOTE.encode())
    b = bytearray(_flip(good, at))
    _resha(b, T)
    out["header-crc.theta"] = ("§5 / §6 step 7: one bit flipped in the value of "
                               "user.note ('g' -> 'f'); SHA-256 recomputed", bytes(b))
    b = bytearray(_flip(good, layout_t2 + 3, 4))
    _resha(b, T)
    out["tensor-crc.theta"] = ("§3.2 / §6 step 11: one bit flipped in Theta2's data; "
                               "SHA-256 recomputed", bytes(b))
    out["trailer-sha.theta"] = ("§4 / §6 step 12: one bit flipped in the SHA-256",
                                _flip(good, T + 5, 2))
    out["trailing-bytes.theta"] = ("§3.3 / §6 step 9: 8 bytes appended after the end "
                                   "magic", good + b"\x00" * 8)

    def pad(buf, lay):
        t1_end = lay["offsets"][0] + 3 * 5 * 8
        assert lay["offsets"][1] > t1_end
        buf[t1_end] = 0x5A
    out["nonzero-padding.theta"] = ("§3.3 / §6 step 10: one padding byte between Theta1 "
                                    "and Theta2 is 0x5a; CRCs and SHA-256 consistent",
                                    _enc(before_sha=pad))

    raw = _raw(m)
    raw[1].offset = tf.read(good).tensor("Theta1").offset + 64    # inside Theta1's 120 bytes
    out["overlap.theta"] = ("§3.3 / §6 step 10: Theta2's offset is 64 bytes after "
                            "Theta1's, inside Theta1's data; CRCs, file_length and "
                            "SHA-256 consistent", tf.encode(_entries(m), raw))

    def dup(ents):
        i = next(i for i, e in enumerate(ents) if e[0] == b"user.note")
        return ents[:i + 1] + [ents[i]] + ents[i + 1:]
    out["duplicate-key.theta"] = ("§3.1 / §6 step 8: key user.note appears twice",
                                  tf.encode(_entries(m, order=dup), _raw(m)))

    def swap(ents):
        keys = [e[0] for e in ents]
        i, j = keys.index(b"model.labels"), keys.index(b"model.layer_sizes")
        assert j == i + 1
        ents = list(ents)
        ents[i], ents[j] = ents[j], ents[i]
        return ents
    out["unsorted-keys.theta"] = ("§3.1 / §6 step 8: model.layer_sizes written before "
                                  "model.labels", tf.encode(_entries(m, order=swap), _raw(m)))

    raw = _raw(m)
    out["duplicate-tensor.theta"] = ("§3.2 / §6 step 8: a second tensor named Theta2 "
                                     "after the first (same data)",
                                     tf.encode(_entries(m), raw + [tf.RawTensor(
                                         "Theta2", "f64", raw[1].dims, raw[1].data)]))

    raw = _raw(m)
    w = t2.data.copy()
    w[0, 1] = np.nan
    raw[1] = tf.RawTensor("Theta2", "f64", w.shape, w.astype("<f8").tobytes())
    out["nan-weight.theta"] = ("§7.2 / §6 step 13: Theta2[0, 1] is NaN; container valid",
                               tf.encode(_entries(m), raw))

    raw = _raw(m)
    w = t2.data[:, :3].copy()
    raw[1] = tf.RawTensor("Theta2", "f64", w.shape, w.astype("<f8").tobytes())
    out["shape-mismatch.theta"] = ("§7.2 / §6 step 13: layer_sizes [4, 3, 2] but Theta2 is "
                                   "2x3 (its first 3 columns)", tf.encode(_entries(m), raw))

    out["missing-key.theta"] = ("§7.1 / §6 step 13: no model.labels",
                                tf.encode(_entries(m, drop=("model.labels",)), _raw(m)))

    out["huge-count.theta"] = ("§3 / §8 / §6 step 8: tensor_count 0xFFFFFFFF and no tensor "
                               "entries (header ends after the count); no data; CRC, "
                               "file_length and SHA-256 consistent",
                               tf.encode(_entries(m), [], tensor_count=0xFFFFFFFF))

    raw = _raw(m)
    raw[0].dims = (1 << 32, 1 << 32)
    out["huge-dims.theta"] = ("§3.2 / §6 step 8: Theta1 dims [2^32, 2^32] (product 2^64 "
                              "overflows u64); length, offset, CRC as for the real 120 "
                              "bytes", tf.encode(_entries(m), raw))
    return out


# --------------------------------------------------------------------------
# Annotated hex dump (Docs/FORMAT-example.md)

def _hexlines(buf, off, size, max_bytes=None):
    shown = size if max_bytes is None else min(size, max_bytes)
    lines = []
    for i in range(0, shown, 16):
        chunk = buf[off + i:off + min(i + 16, shown)]
        lines.append((off + i, " ".join(f"{b:02x}" for b in chunk)))
    if not lines:
        lines.append((off, ""))
    return lines


def _describe(field, value, buf, off, size):
    if field == "magic":
        return 'magic "\\x89THT\\r\\n\\x1a\\n"'
    if field == "byte-order mark":
        return "byte-order mark u32 0x01020304 (little-endian)"
    if field in ("key", "name"):
        return f'{field} "{bytes(value).decode("ascii")}"'
    if field == "type":
        return f"type {value} ({tf.TYPE_NAMES.get(value, 'unknown')})"
    if field == "dtype":
        return f"dtype {value} ({tf.DTYPES[value][0]})"
    if field == "value":
        return "value"
    if field.startswith("tensor '"):
        return field
    if isinstance(value, int) and field in ("crc32c", "header CRC-32C"):
        return f"{field} 0x{value:08x}"
    if isinstance(value, int):
        return f"{field} = {value}"
    return field


def annotated_dump(buf: bytes, filename: str) -> str:
    trace = []
    model = tf.read(buf, trace=trace)
    trace.sort(key=lambda r: r[0])
    md_types = {}
    out = [
        f"# Annotated hex dump of `{filename}`",
        "",
        "Generated by `tools/make_golden_models.py` (function `annotated_dump`) from the",
        "golden file itself; do not edit by hand. The format is specified in",
        "[FORMAT.md](FORMAT.md). All numbers are little-endian. Offsets are decimal",
        "and hexadecimal; `…` marks bytes left out.",
        "",
        f"File size: {len(buf)} bytes. Header length H = {struct.unpack_from('<I', buf, 24)[0]}, "
        f"alignment A = {model.alignment}.",
        "",
        "```",
        f"{'offset':>14}  {'bytes':<47}  field",
    ]
    section = None
    cur_key = None
    for off, size, field, value in trace:
        sec = ("preamble" if off < 32 else
               "header" if field not in ("header CRC-32C", "zero padding") and not field.startswith("tensor '")
               and off < 32 + struct.unpack_from('<I', buf, 24)[0] else
               "trailer" if field in ("SHA-256 of [0, T)", "end magic") else None)
        if sec and sec != section:
            out.append(f"-- {sec} --")
            section = sec
        if field == "key":
            cur_key = bytes(value).decode("ascii")
        desc = _describe(field, value, buf, off, size)
        limit = None
        if field == "value" and cur_key is not None:
            typ, val = model.metadata[cur_key]
            desc = f"value of {cur_key}: {val!r}"
        if field == "zero padding":
            desc = f"zero padding ({size} bytes) to a multiple of {model.alignment}"
            section = None
            limit = 16
        if field.startswith("tensor '"):
            name = field.split("'")[1]
            t = model.tensor(name)
            flat = t.data.ravel()
            desc = (f"{field} ({t.dtype} {list(t.dims)}, {size} bytes): "
                    f"{float(flat[0])!r}, {float(flat[1])!r}, …")
            section = None
            limit = 16
        if field == "header CRC-32C":
            section = None
        if field == "extension bytes (skipped)":
            desc = field
        lines = _hexlines(buf, off, size, limit)
        for i, (o, hx) in enumerate(lines):
            label = desc if i == 0 else ""
            out.append(f"{o:6d} {o:#07x}  {hx:<47}  {label}".rstrip())
        if limit is not None and size > limit:
            out.append(f"{'':>14}  … ({size - limit} more bytes)")
    out += ["```", "",
            "Checks: the header CRC covers bytes [0, 32 + H); each tensor entry's crc32c",
            "covers its data bytes; the SHA-256 in the trailer covers [0, T) where T is",
            "the end of the last tensor; `file_length` = T + 40 = the file size.", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------

def build() -> dict:
    """relative path -> bytes, for every generated file (except bad/README.md)."""
    files = {
        "tiny-f64.theta": tf.write(tiny_model("f64")),
        "tiny-f32.theta": tf.write(tiny_model("f32")),
        "course-shape-f64.theta": tf.write(course_model()),
        "future/minor-1.3.theta": minor_1_3(),
    }
    for name, (_, data) in bad_files().items():
        files[f"bad/{name}"] = data
    return files


def bad_readme() -> str:
    lines = ["# Files every `.theta` reader must refuse", "",
             "Generated by `tools/make_golden_models.py`. Each file is the tiny 4-3-2",
             "f64 model broken in exactly one way (checksums recomputed wherever",
             "possible). \"Message\" is what `tools/theta_format.py check` says; other",
             "readers need not use the same words, but must refuse the file at the",
             "same step of FORMAT.md §6.", "",
             "| file | rule broken | step | message of tools/theta_format.py |",
             "|---|---|---|---|"]
    for name, (rule, data) in bad_files().items():
        try:
            tf.read(data, name=name)
            raise SystemExit(f"BUG: {name} was accepted")
        except tf.FormatError as e:
            msg = e.problem.replace("|", "\\|")
            lines.append(f"| `{name}` | {rule} | {e.step} | {msg} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--doc", type=Path, default=DEFAULT_DOC,
                    help="annotated hex dump (pass '-' to skip)")
    a = ap.parse_args(argv)
    files = build()
    for rel, data in files.items():
        p = a.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (a.out / "bad" / "README.md").write_text(bad_readme())
    if str(a.doc) != "-":
        a.doc.write_text(annotated_dump(files["tiny-f64.theta"],
                                        "Fixtures/models/v1/tiny-f64.theta"))
    print(f"wrote {len(files)} files to {a.out}")


if __name__ == "__main__":
    main()
