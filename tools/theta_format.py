#!/usr/bin/env python3
"""Independent reference reader/writer for the ``.theta`` model file format 1.x.

Written from ``Docs/FORMAT.md`` alone (not from the Swift sources), so that the
document, not one implementation, defines the format.  Standard library plus
numpy only; CRC-32C is implemented here (table-driven) and checked against the
spec's check value at import time.

Library use::

    import theta_format as tf
    model = tf.read("model.theta")          # raises tf.FormatError
    data = tf.write(model)                   # bytes of a 1.0 file

Command line::

    python tools/theta_format.py dump  FILE   # JSON summary, exit 1 if invalid
    python tools/theta_format.py check FILE   # prints "ok" or the message; exit 0/1

``read`` performs the checks of FORMAT.md §6 in its order and stops at the first
failure with a one-line ``FormatError``.  Where the spec leaves a choice open
the choice made here is marked ``SPEC-CHOICE`` in the code.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

# --------------------------------------------------------------------------
# Constants (FORMAT.md §2-§8)

MAGIC = b"\x89THT\r\n\x1a\n"
END_MAGIC = b"ENDTHT\r\n"
BOM_LE = b"\x04\x03\x02\x01"          # u32 0x01020304 written little-endian
BOM_BE = b"\x01\x02\x03\x04"
READER_MAJOR = 1
KNOWN_REQUIRED_FLAGS = 0               # no flags are defined in 1.0
PREAMBLE_SIZE = 32
TRAILER_SIZE = 40
MIN_FILE_SIZE = PREAMBLE_SIZE + 4 + TRAILER_SIZE   # 76
MAX_HEADER = 1 << 20
MAX_METADATA = 65536
MAX_NAME = 255
MAX_STRING = 1 << 20
MIN_TENSORS, MAX_TENSORS = 1, 1024
MAX_RANK = 8
MIN_ALIGN, MAX_ALIGN = 8, 65536
WRITER_ALIGNMENT = 64
U64_LIMIT = 1 << 64

# metadata types (§3.1)
BOOL, INT, FLOAT, STRING, INT_ARRAY, FLOAT_ARRAY, STRING_ARRAY, BYTES = range(1, 9)
TYPE_NAMES = {BOOL: "bool", INT: "int", FLOAT: "float", STRING: "string",
              INT_ARRAY: "int array", FLOAT_ARRAY: "float array",
              STRING_ARRAY: "string array", BYTES: "bytes"}

# tensor dtypes (§3.2)
DTYPES = {1: ("f64", 8, "<f8"), 2: ("f32", 4, "<f4")}
DTYPE_CODES = {"f64": 1, "f32": 2}

_KEY_RE = re.compile(rb"[A-Za-z0-9_.\-]+\Z")
_NAME_RE = re.compile(rb"[A-Za-z0-9_.\-]+\Z")


# --------------------------------------------------------------------------
# Checksums (§5)

def _crc32c_table() -> Tuple[int, ...]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_CRC_TABLE = _crc32c_table()


def crc32c(data: Union[bytes, bytearray, memoryview], crc: int = 0) -> int:
    """CRC-32C (Castagnoli), reflected poly 0x82F63B78, init/xorout 0xFFFFFFFF.

    ``crc`` continues a previous result (pass the previous return value)."""
    c = crc ^ 0xFFFFFFFF
    t = _CRC_TABLE
    for b in bytes(data):
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


CRC32C_CHECK = 0xE3069283
assert crc32c(b"123456789") == CRC32C_CHECK, "CRC-32C check value (FORMAT.md §5)"


def sha256(data: Union[bytes, bytearray, memoryview]) -> bytes:
    return hashlib.sha256(data).digest()


# --------------------------------------------------------------------------
# Model

@dataclass
class Tensor:
    name: str
    dtype: str                      # "f64" or "f32"
    dims: Tuple[int, ...]
    data: Any                       # numpy array of shape dims ('<f8' / '<f4')
    offset: Optional[int] = None    # as read (informational)
    crc32c: Optional[int] = None    # as read (informational)

    def __iter__(self):             # allows: name, dtype, dims, data = tensor
        return iter((self.name, self.dtype, self.dims, self.data))


@dataclass
class Model:
    """A parsed file.

    ``metadata`` maps key -> (type code, value): bool, int, float, str,
    list[int], list[float], list[str], bytes; entries of an unknown type
    (> 8) keep their raw value bytes.  ``tensors`` are in directory order."""
    metadata: Dict[str, Tuple[int, Any]] = field(default_factory=dict)
    tensors: List[Tensor] = field(default_factory=list)
    version: Tuple[int, int] = (1, 0)
    flags: Tuple[int, int] = (0, 0)          # (required_flags, optional_flags)
    alignment: int = WRITER_ALIGNMENT
    extension: bytes = b""                   # header extension bytes (skipped)
    unknown_types: List[str] = field(default_factory=list)   # keys, for reporting

    def tensor(self, name: str) -> Tensor:
        for t in self.tensors:
            if t.name == name:
                return t
        raise KeyError(name)

    def value(self, key: str) -> Any:
        return self.metadata[key][1]


class FormatError(ValueError):
    """A file that a 1.x reader must refuse.  ``problem`` is the message
    without the file name; ``step`` is the §6 step that failed."""

    def __init__(self, problem: str, source: str = "", step: int = 0):
        self.problem = problem
        self.source = source
        self.step = step
        super().__init__(f"{source}: {problem}" if source else problem)


class _Fail(Exception):
    def __init__(self, step: int, problem: str):
        self.step, self.problem = step, problem


# --------------------------------------------------------------------------
# Reading

def _hex(b: bytes) -> str:
    return " ".join(f"{x:02x}" for x in b)


def _u16(buf, o): return struct.unpack_from("<H", buf, o)[0]
def _u32(buf, o): return struct.unpack_from("<I", buf, o)[0]
def _u64(buf, o): return struct.unpack_from("<Q", buf, o)[0]


class _Cursor:
    """Reads fields of the header, never past its end (step 8)."""

    def __init__(self, buf: bytes, start: int, end: int, trace):
        self.buf, self.pos, self.end, self.trace = buf, start, end, trace

    @property
    def left(self) -> int:
        return self.end - self.pos

    def take(self, n: int, what: str) -> int:
        if n > self.left:
            raise _Fail(8, f"header too short: {what} needs {n} bytes, "
                           f"{self.left} left in the header")
        o = self.pos
        self.pos += n
        return o

    def field(self, fmt: str, what: str, label: Optional[str] = None):
        size = struct.calcsize(fmt)
        o = self.take(size, what)
        v = struct.unpack_from(fmt, self.buf, o)[0]
        if self.trace is not None:
            self.trace.append((o, size, label or what, v))
        return v

    def raw(self, n: int, what: str, label: Optional[str] = None) -> bytes:
        o = self.take(n, what)
        v = self.buf[o:o + n]
        if self.trace is not None:
            self.trace.append((o, n, label or what, v))
        return v


def _utf8(b: bytes, what: str) -> str:
    try:
        s = b.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise _Fail(8, f"{what} is not valid UTF-8")
    if "\x00" in s:
        raise _Fail(8, f"{what} contains a NUL character")
    return s


def _decode_value(key: str, typ: int, v: bytes):
    """Checks and decodes a metadata value of a known type (§3.1)."""
    n = len(v)
    tn = TYPE_NAMES[typ]
    what = f"metadata '{key}' ({tn})"
    if typ == BOOL:
        if n != 1:
            raise _Fail(8, f"{what} has value_length {n}, must be 1")
        if v[0] not in (0, 1):
            raise _Fail(8, f"{what} has value {v[0]}, must be 0 or 1")
        return bool(v[0])
    if typ in (INT, FLOAT):
        if n != 8:
            raise _Fail(8, f"{what} has value_length {n}, must be 8")
        return struct.unpack("<q" if typ == INT else "<d", v)[0]
    if typ == STRING:
        if n > MAX_STRING:
            raise _Fail(8, f"{what} has value_length {n}, above the limit of {MAX_STRING}")
        return _utf8(v, what)
    if typ in (INT_ARRAY, FLOAT_ARRAY):
        if n % 8:
            raise _Fail(8, f"{what} has value_length {n}, not a multiple of 8")
        return list(struct.unpack(f"<{n // 8}{'q' if typ == INT_ARRAY else 'd'}", v))
    if typ == STRING_ARRAY:
        # SPEC-CHOICE: "the lengths must add up to exactly value_length" is read
        # as 4 + sum(4 + length_i) == value_length (count and length prefixes
        # included), the only reading under which a non-empty array can exist.
        if n < 4:
            raise _Fail(8, f"{what} has value_length {n}, too short for its count")
        count = _u32(v, 0)
        if count > (n - 4) // 4:
            raise _Fail(8, f"{what} has count {count}, more than {n} bytes can hold")
        pos, out = 4, []
        for i in range(count):
            if n - pos < 4:
                raise _Fail(8, f"{what}: element {i} runs past value_length {n}")
            ln = _u32(v, pos)
            pos += 4
            if ln > n - pos:
                raise _Fail(8, f"{what}: element {i} (length {ln}) runs past value_length {n}")
            if ln > MAX_STRING:   # SPEC-CHOICE: string limit applied per element
                raise _Fail(8, f"{what}: element {i} is longer than {MAX_STRING} bytes")
            out.append(_utf8(v[pos:pos + ln], f"{what} element {i}"))
            pos += ln
        if pos != n:
            raise _Fail(8, f"{what}: elements use {pos} bytes, value_length is {n}")
        return out
    if typ == BYTES:
        return bytes(v)
    raise AssertionError(typ)


def _check_key(kb: bytes, index: int) -> str:
    if not _KEY_RE.match(kb):
        raise _Fail(8, f"metadata entry {index}: key {kb!r} has characters "
                       f"outside [a-zA-Z0-9_.-]")
    k = kb.decode("ascii")
    if k.startswith(".") or k.endswith(".") or ".." in k:
        raise _Fail(8, f"metadata key '{k}' starts or ends with '.' or contains '..'")
    return k


def _parse_header(buf: bytes, H: int, n: int, trace) -> dict:
    """Step 8.  Returns the raw header fields."""
    cur = _Cursor(buf, PREAMBLE_SIZE, PREAMBLE_SIZE + H, trace)
    file_length = cur.field("<Q", "file_length")
    mcount = cur.field("<I", "metadata_count")
    if mcount > MAX_METADATA:
        raise _Fail(8, f"metadata_count {mcount} is above the limit of {MAX_METADATA}")
    # Each entry takes at least 2 + 1 + 1 + 4 = 8 bytes.
    if mcount * 8 > cur.left:
        raise _Fail(8, f"header too short: metadata_count {mcount} needs at least "
                       f"{mcount * 8} bytes, {cur.left} left in the header")
    metadata: Dict[str, Tuple[int, Any]] = {}
    unknown: List[str] = []
    prev: Optional[bytes] = None
    for i in range(mcount):
        klen = cur.field("<H", f"metadata entry {i} key_length", "key_length")
        if not 1 <= klen <= MAX_NAME:
            raise _Fail(8, f"metadata entry {i}: key_length {klen} is outside 1 … {MAX_NAME}")
        kb = cur.raw(klen, f"metadata entry {i} key", "key")
        key = _check_key(kb, i)
        if prev is not None:
            if kb == prev:
                raise _Fail(8, f"duplicate metadata key '{key}'")
            if kb < prev:
                raise _Fail(8, f"metadata keys are not sorted: '{key}' comes after "
                               f"'{prev.decode('ascii')}'")
        prev = kb
        typ = cur.field("<B", f"metadata '{key}' type", "type")
        vlen = cur.field("<I", f"metadata '{key}' value_length", "value_length")
        if typ == 0:
            raise _Fail(8, f"metadata '{key}' has type 0, which is invalid")
        v = cur.raw(vlen, f"metadata '{key}' value", "value")
        if typ in TYPE_NAMES:
            metadata[key] = (typ, _decode_value(key, typ, v))
        else:
            metadata[key] = (typ, bytes(v))      # skipped, reported as unknown
            unknown.append(key)
    tcount = cur.field("<I", "tensor_count")
    if not MIN_TENSORS <= tcount <= MAX_TENSORS:
        raise _Fail(8, f"tensor_count {tcount} is outside {MIN_TENSORS} … {MAX_TENSORS}")
    # Each entry takes at least 2 + 1 + 1 + 1 + 8 + 8 + 8 + 4 = 33 bytes.
    if tcount * 33 > cur.left:
        raise _Fail(8, f"header too short: tensor_count {tcount} needs at least "
                       f"{tcount * 33} bytes, {cur.left} left in the header")
    entries = []
    names = set()
    for i in range(tcount):
        nlen = cur.field("<H", f"tensor entry {i} name_length", "name_length")
        if not 1 <= nlen <= MAX_NAME:
            raise _Fail(8, f"tensor entry {i}: name_length {nlen} is outside 1 … {MAX_NAME}")
        nb = cur.raw(nlen, f"tensor entry {i} name", "name")
        if not _NAME_RE.match(nb):
            raise _Fail(8, f"tensor entry {i}: name {nb!r} has characters outside [A-Za-z0-9_.-]")
        name = nb.decode("ascii")
        if name in names:
            raise _Fail(8, f"duplicate tensor name '{name}'")
        names.add(name)
        dcode = cur.field("<B", f"tensor '{name}' dtype", "dtype")
        if dcode not in DTYPES:
            raise _Fail(8, f"tensor '{name}' has unknown dtype {dcode}")
        dtype, esize, _ = DTYPES[dcode]
        rank = cur.field("<B", f"tensor '{name}' rank", "rank")
        if not 1 <= rank <= MAX_RANK:
            raise _Fail(8, f"tensor '{name}' has rank {rank}, must be 1 … {MAX_RANK}")
        dims = []
        for d in range(rank):
            dims.append(cur.field("<Q", f"tensor '{name}' dims[{d}]", f"dims[{d}]"))
        if any(d == 0 for d in dims):
            raise _Fail(8, f"tensor '{name}' has a zero dimension: dims {dims}")
        offset = cur.field("<Q", f"tensor '{name}' offset", "offset")
        length = cur.field("<Q", f"tensor '{name}' length", "length")
        crc = cur.field("<I", f"tensor '{name}' crc32c", "crc32c")
        # Overflow-checked product (u64 arithmetic, as a C/Swift reader would do).
        prod = esize
        for d in dims:
            prod *= d
            if prod >= U64_LIMIT:
                raise _Fail(8, f"tensor '{name}': product of dims {dims} × {esize} "
                               f"overflows u64")
        if prod != length:
            raise _Fail(8, f"tensor '{name}': length {length} is not product(dims {dims}) "
                           f"× {esize} = {prod}")
        if length > n:
            raise _Fail(8, f"tensor '{name}': length {length} is larger than the file "
                           f"({n} bytes)")
        entries.append(dict(name=name, dtype=dtype, esize=esize, dims=tuple(dims),
                            offset=offset, length=length, crc=crc))
    ext_at = cur.pos
    extension = bytes(buf[ext_at:PREAMBLE_SIZE + H])
    if trace is not None and extension:
        trace.append((ext_at, len(extension), "extension bytes (skipped)", extension))
    return dict(file_length=file_length, metadata=metadata, unknown=unknown,
                entries=entries, extension=extension)


def _align(x: int, a: int) -> int:
    return (x + a - 1) // a * a


# Known metadata keys and their types (§7.1, §7.4).
REQUIRED_KEYS = [("model.architecture", STRING), ("model.layer_sizes", INT_ARRAY),
                 ("model.activation", STRING), ("model.bias", STRING),
                 ("model.labels", INT_ARRAY)]
OPTIONAL_KEYS = {
    "model.label_names": STRING_ARRAY, "input.shape": INT_ARRAY, "input.order": STRING,
    "provenance.tool": STRING, "provenance.source_file": STRING,
    "provenance.source_sha256": STRING, "provenance.source_format": STRING,
    "provenance.mat_version": STRING, "provenance.mat_compressed": BOOL,
    "provenance.variables": STRING_ARRAY, "provenance.layout": STRING,
}
KNOWN_KEYS = dict(REQUIRED_KEYS, **OPTIONAL_KEYS)
REQUIRED_STRINGS = {"model.architecture": "fc-sigmoid", "model.activation": "sigmoid",
                    "model.bias": "column0"}


def _tname(typ: int) -> str:
    return TYPE_NAMES.get(typ, f"unknown type {typ}")


def _check_model(md: Dict[str, Tuple[int, Any]], tensors: List[Tensor]) -> None:
    """Step 13: the model rules of §7."""
    def fail(msg):
        raise _Fail(13, msg)

    for key, typ in REQUIRED_KEYS:
        if key not in md:
            fail(f"missing required metadata key '{key}'")
    # SPEC-CHOICE: "a known key with the wrong type" covers §7.1 and §7.4 keys and
    # `user.*` (string); a known key of an unknown type (> 8) is a wrong type.
    for key in sorted(md):
        want = KNOWN_KEYS.get(key, STRING if key.startswith("user.") else None)
        if want is not None and md[key][0] != want:
            fail(f"metadata key '{key}' has type {_tname(md[key][0])}, "
                 f"expected {TYPE_NAMES[want]}")
    for key, want in REQUIRED_STRINGS.items():
        got = md[key][1]
        if got != want:
            fail(f"unsupported {key} '{got}' (this reader knows '{want}')")
    L = md["model.layer_sizes"][1]
    if len(L) < 2 or any(x < 1 or x > 2**31 - 1 for x in L):
        fail(f"model.layer_sizes {L} must have at least 2 entries, each 1 … 2^31 − 1")
    labels = md["model.labels"][1]
    if len(labels) != L[-1]:
        fail(f"model.labels has {len(labels)} entries, the last layer has {L[-1]} units")
    if len(set(labels)) != len(labels):
        fail("model.labels are not distinct")
    # Optional keys whose values the spec constrains.
    if "model.label_names" in md and len(md["model.label_names"][1]) != L[-1]:
        fail(f"model.label_names has {len(md['model.label_names'][1])} entries, "
             f"the last layer has {L[-1]} units")
    if "input.shape" in md:
        shape = md["input.shape"][1]
        if len(shape) != 2 or any(x < 1 for x in shape) or shape[0] * shape[1] != L[0]:
            fail(f"input.shape {shape} is not [height, width] with product {L[0]}")
    if "input.order" in md and md["input.order"][1] not in ("column-major", "row-major"):
        fail(f"input.order '{md['input.order'][1]}' is not 'column-major' or 'row-major'")
    if "provenance.source_sha256" in md and not re.fullmatch(
            "[0-9a-f]{64}", md["provenance.source_sha256"][1]):
        fail("provenance.source_sha256 is not 64 lowercase hex digits")
    # Tensors Theta1 … ThetaN, first, in order, rank 2, [L[K], L[K-1]+1], finite.
    N = len(L) - 1
    for k in range(1, N + 1):
        want = f"Theta{k}"
        if len(tensors) < k:
            fail(f"missing tensor '{want}' (model.layer_sizes {L} needs {N})")
        t = tensors[k - 1]
        if t.name != want:
            fail(f"tensor {k} in the directory is '{t.name}', expected '{want}'")
        exp = (L[k], L[k - 1] + 1)
        if t.dims != exp:
            fail(f"tensor '{want}' has dims {list(t.dims)}, expected {list(exp)} "
                 f"from model.layer_sizes {L}")
        if t.dtype != tensors[0].dtype:
            fail(f"tensor '{want}' is {t.dtype} but Theta1 is {tensors[0].dtype}")
        bad = ~np.isfinite(t.data)
        if bad.any():
            idx = [int(i) for i in np.argwhere(bad)[0]]
            fail(f"tensor '{want}' holds a non-finite value ({t.data[tuple(idx)]}) at {idx}")


def read(src: Union[str, Path, bytes, bytearray, memoryview], *, name: Optional[str] = None,
         trace: Optional[list] = None, model_rules: bool = True) -> Model:
    """Reads and fully checks a ``.theta`` file (path or bytes).

    Raises ``FormatError`` naming the file and the first problem found, in the
    order of FORMAT.md §6.  If ``trace`` is a list, (offset, size, field, value)
    tuples are appended for every field parsed (used for the annotated dump).
    ``model_rules=False`` skips step 13 (container checks only; for tests and
    tools, not for loading a model to use)."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        buf = bytes(src)
        source = name or "<bytes>"
    else:
        source = name or str(src)
        try:
            buf = Path(src).read_bytes()
        except OSError as e:
            raise FormatError(f"cannot read: {e.strerror}", source, 0)
    try:
        return _read(buf, trace, model_rules)
    except _Fail as f:
        raise FormatError(f.problem, source, f.step) from None


def _read(buf: bytes, trace, model_rules: bool = True) -> Model:
    n = len(buf)
    # 1. minimal size
    if n < MIN_FILE_SIZE:
        raise _Fail(1, f"truncated: file has {n} bytes, a Theta model file has at "
                       f"least {MIN_FILE_SIZE}")
    # 2. magic
    if buf[:8] != MAGIC:
        raise _Fail(2, f"not a Theta model file (magic is {_hex(buf[:8])})")
    # 3. byte-order mark
    bom = buf[12:16]
    if bom == BOM_BE:
        raise _Fail(3, "byte-order mark is 01 02 03 04: the file was written "
                       "big-endian, which is invalid")
    if bom != BOM_LE:
        raise _Fail(3, f"bad byte-order mark {_hex(bom)} (expected 04 03 02 01)")
    major, minor = _u16(buf, 8), _u16(buf, 10)
    # 4. major version
    if major != READER_MAJOR:
        rel = "newer" if major > READER_MAJOR else "older"
        raise _Fail(4, f"format version {major}.{minor} is {rel} than this reader, "
                       f"which reads {READER_MAJOR}.x")
    # 5. required flags
    req, opt = _u32(buf, 16), _u32(buf, 20)
    unknown_req = req & ~KNOWN_REQUIRED_FLAGS
    if unknown_req:
        raise _Fail(5, f"unknown required flag bits 0x{unknown_req:08x}: the file needs "
                       f"a feature this reader ({READER_MAJOR}.x) does not have")
    # 6. alignment, header length
    H, A = _u32(buf, 24), _u32(buf, 28)
    if not (MIN_ALIGN <= A <= MAX_ALIGN and A & (A - 1) == 0):
        raise _Fail(6, f"alignment {A} is not a power of two in [{MIN_ALIGN}, {MAX_ALIGN}]")
    if not 1 <= H <= MAX_HEADER:
        raise _Fail(6, f"header_length {H} is outside [1, {MAX_HEADER}]")
    if 36 + H > n:
        raise _Fail(6, f"truncated: header_length {H} needs {36 + H} bytes, "
                       f"file has {n}")
    if trace is not None:
        for o, s, f, v in [(0, 8, "magic", buf[:8]), (8, 2, "major", major),
                           (10, 2, "minor", minor), (12, 4, "byte-order mark", 0x01020304),
                           (16, 4, "required_flags", req), (20, 4, "optional_flags", opt),
                           (24, 4, "header_length H", H), (28, 4, "alignment A", A)]:
            trace.append((o, s, f, v))
    # 7. header CRC
    stored = _u32(buf, 32 + H)
    if crc32c(memoryview(buf)[:32 + H]) != stored:
        raise _Fail(7, "header fails its CRC-32C")
    # 8. parse the header
    hdr = _parse_header(buf, H, n, trace)
    if trace is not None:
        trace.append((32 + H, 4, "header CRC-32C", stored))
    # 9. file_length
    fl = hdr["file_length"]
    if fl > n:
        raise _Fail(9, f"truncated: header says {fl} bytes, file has {n}")
    if fl < n:
        raise _Fail(9, f"trailing bytes: header says {fl} bytes, file has {n}")
    # 10. layout rules and zero padding
    entries = hdr["entries"]
    prev_end = 36 + H
    prev_name = None
    for e in entries:
        expected = _align(prev_end, A)
        if e["offset"] != expected:
            if e["offset"] < prev_end:
                where = (f"the previous tensor '{prev_name}' ends at {prev_end}"
                         if prev_name else f"the header CRC ends at {prev_end}")
                raise _Fail(10, f"tensor '{e['name']}' at offset {e['offset']} overlaps "
                                f"what comes before it ({where})")
            raise _Fail(10, f"tensor '{e['name']}' is at offset {e['offset']}, the layout "
                            f"rules put it at {expected}")
        end = e["offset"] + e["length"]
        if end > n - TRAILER_SIZE:
            raise _Fail(10, f"tensor '{e['name']}' ends at {end}, past the start of the "
                            f"trailer at {n - TRAILER_SIZE}")
        pad = buf[prev_end:expected]
        if pad.strip(b"\x00"):
            at = prev_end + next(i for i, b in enumerate(pad) if b)
            raise _Fail(10, f"nonzero padding byte at offset {at} (before tensor "
                            f"'{e['name']}')")
        if trace is not None:
            if expected > prev_end:
                trace.append((prev_end, expected - prev_end, "zero padding", None))
            trace.append((e["offset"], e["length"], f"tensor '{e['name']}' data", None))
        prev_end, prev_name = end, e["name"]
    T = prev_end
    if T + TRAILER_SIZE != fl:
        raise _Fail(10, f"file_length {fl} is not T + 40 = {T + TRAILER_SIZE} "
                        f"(T = end of the last tensor)")
    # 11. tensor CRCs
    mv = memoryview(buf)
    for e in entries:
        if crc32c(mv[e["offset"]:e["offset"] + e["length"]]) != e["crc"]:
            raise _Fail(11, f"tensor '{e['name']}' fails its CRC-32C")
    # 12. end magic, then SHA-256
    if buf[T + 32:T + 40] != END_MAGIC:
        raise _Fail(12, f"bad end magic {_hex(buf[T + 32:T + 40])} at offset {T + 32}")
    if sha256(mv[:T]) != buf[T:T + 32]:
        raise _Fail(12, "trailer SHA-256 does not match bytes [0, T)")
    if trace is not None:
        trace.append((T, 32, "SHA-256 of [0, T)", buf[T:T + 32]))
        trace.append((T + 32, 8, "end magic", buf[T + 32:T + 40]))
    tensors = []
    for e in entries:
        arr = np.frombuffer(buf, dtype=DTYPES[DTYPE_CODES[e["dtype"]]][2],
                            count=e["length"] // e["esize"], offset=e["offset"])
        tensors.append(Tensor(e["name"], e["dtype"], e["dims"], arr.reshape(e["dims"]).copy(),
                              e["offset"], e["crc"]))
    # 13. model rules
    if model_rules:
        _check_model(hdr["metadata"], tensors)
    return Model(metadata=hdr["metadata"], tensors=tensors, version=(major, _u16(buf, 10)),
                 flags=(req, opt), alignment=A, extension=hdr["extension"],
                 unknown_types=hdr["unknown"])


# --------------------------------------------------------------------------
# Writing

def encode_value(typ: int, value: Any) -> bytes:
    """The value bytes of a metadata entry of type ``typ``."""
    if typ == BOOL:
        return bytes([1 if value else 0])
    if typ == INT:
        return struct.pack("<q", value)
    if typ == FLOAT:
        return struct.pack("<d", value)
    if typ == STRING:
        return value.encode("utf-8")
    if typ == INT_ARRAY:
        return struct.pack(f"<{len(value)}q", *value)
    if typ == FLOAT_ARRAY:
        return struct.pack(f"<{len(value)}d", *value)
    if typ == STRING_ARRAY:
        out = [struct.pack("<I", len(value))]
        for s in value:
            b = s.encode("utf-8")
            out += [struct.pack("<I", len(b)), b]
        return b"".join(out)
    return bytes(value)        # BYTES and unknown types: raw bytes


def metadata_entry(key: str, typ: int, value: Any) -> Tuple[bytes, int, bytes]:
    return key.encode("ascii"), typ, encode_value(typ, value)


@dataclass
class RawTensor:
    """A tensor as ``encode`` lays it out; overrides are for broken test files."""
    name: str
    dtype: str
    dims: Sequence[int]
    data: bytes
    offset: Optional[int] = None       # None: the layout rule
    length: Optional[int] = None       # None: len(data)
    crc: Optional[int] = None          # None: CRC of the bytes at offset in the result

    @classmethod
    def of(cls, t: Tensor) -> "RawTensor":
        arr = np.ascontiguousarray(t.data, dtype=DTYPES[DTYPE_CODES[t.dtype]][2])
        return cls(t.name, t.dtype, tuple(t.dims), arr.tobytes())


def encode(entries: Sequence[Tuple[bytes, int, bytes]], tensors: Sequence[RawTensor], *,
           magic: bytes = MAGIC, major: int = 1, minor: int = 0, bom: bytes = BOM_LE,
           required_flags: int = 0, optional_flags: int = 0,
           alignment: int = WRITER_ALIGNMENT, extension: bytes = b"",
           metadata_count: Optional[int] = None, tensor_count: Optional[int] = None,
           file_length: Optional[int] = None,
           before_sha: Optional[Callable[[bytearray, dict], None]] = None) -> bytes:
    """Low-level encoder: writes ``entries`` (key, type, value bytes) and
    ``tensors`` exactly in the order given.  With the defaults and sorted,
    valid input the result is a valid 1.0 file; the keyword arguments exist to
    make deliberately different files.  ``before_sha(buf, layout)`` may modify
    the bytes after all CRCs are computed and before the SHA-256 is."""
    hdr_fixed = 8 + 4 + sum(2 + len(k) + 1 + 4 + len(v) for k, _, v in entries) + 4 \
        + sum(2 + len(t.name) + 1 + 1 + 8 * len(t.dims) + 8 + 8 + 4 for t in tensors) \
        + len(extension)
    H = hdr_fixed
    offsets, pos = [], 36 + H
    for t in tensors:
        off = t.offset if t.offset is not None else _align(pos, alignment)
        offsets.append(off)
        pos = off + len(t.data)
    T = offsets[-1] + len(tensors[-1].data) if tensors else 36 + H
    buf = bytearray(T)
    for t, off in zip(tensors, offsets):
        buf[off:off + len(t.data)] = t.data
    crcs = [t.crc if t.crc is not None else crc32c(buf[off:off + len(t.data)])
            for t, off in zip(tensors, offsets)]
    flen = file_length if file_length is not None else T + TRAILER_SIZE
    h = [struct.pack("<QI", flen, len(entries) if metadata_count is None else metadata_count)]
    for k, typ, v in entries:
        h += [struct.pack("<H", len(k)), k, struct.pack("<BI", typ, len(v)), v]
    h.append(struct.pack("<I", len(tensors) if tensor_count is None else tensor_count))
    for t, off, crc in zip(tensors, offsets, crcs):
        nb = t.name.encode("ascii")
        h += [struct.pack("<H", len(nb)), nb, struct.pack("<BB", DTYPE_CODES[t.dtype], len(t.dims)),
              struct.pack(f"<{len(t.dims)}Q", *t.dims),
              struct.pack("<QQI", off, t.length if t.length is not None else len(t.data), crc)]
    h.append(extension)
    header = b"".join(h)
    assert len(header) == H
    pre = magic + struct.pack("<HH", major, minor) + bom + struct.pack(
        "<IIII", required_flags, optional_flags, H, alignment)
    buf[0:32 + H] = pre + header
    buf[32 + H:36 + H] = struct.pack("<I", crc32c(buf[:32 + H]))
    if before_sha is not None:
        before_sha(buf, dict(H=H, T=T, offsets=offsets))
    return bytes(buf) + sha256(buf[:T]) + END_MAGIC


def write(model: Model, *, major: int = 1, minor: int = 0, required_flags: int = 0,
          optional_flags: int = 0, extension: bytes = b"", alignment: Optional[int] = None,
          extra_metadata: Sequence[Tuple[str, int, Any]] = (),
          extra_tensors: Sequence[Tensor] = (), check: Optional[bool] = None) -> bytes:
    """Writes ``model`` as a 1.0 file: keys sorted, alignment 64 (or
    ``model.alignment``), minimal zero padding, no extension bytes.

    The keyword arguments make deliberately non-1.0 files for tests:
    ``minor``/``major`` versions, ``required_flags``/``optional_flags``,
    header ``extension`` bytes, ``extra_metadata`` entries (key, type, value),
    e.g. of an unknown type (> 8, value = raw bytes), and ``extra_tensors``
    appended after the model's tensors.  With ``check`` the result is read back
    and a ``FormatError`` is raised if it is not a valid file; by default
    ``check`` is on unless ``major`` != 1 or ``required_flags`` is set (files
    a 1.x reader refuses by design)."""
    if check is None:
        check = major == READER_MAJOR and not required_flags
    md = dict(model.metadata)
    for k, typ, v in extra_metadata:
        md[k] = (typ, v)
    entries = [metadata_entry(k, typ, v) for k, (typ, v) in sorted(md.items())]
    tensors = [RawTensor.of(t) for t in list(model.tensors) + list(extra_tensors)]
    data = encode(entries, tensors, major=major, minor=minor, required_flags=required_flags,
                  optional_flags=optional_flags, extension=extension,
                  alignment=alignment or model.alignment or WRITER_ALIGNMENT)
    if check:
        read(data, name="<written>")
    return data


def make_model(thetas: Sequence[np.ndarray], labels: Sequence[int], *, dtype: str = "f64",
               metadata: Optional[Dict[str, Tuple[int, Any]]] = None) -> Model:
    """A model of the given weight matrices with the §7.1 required keys."""
    L = [thetas[0].shape[1] - 1] + [t.shape[0] for t in thetas]
    md = {"model.architecture": (STRING, "fc-sigmoid"), "model.layer_sizes": (INT_ARRAY, L),
          "model.activation": (STRING, "sigmoid"), "model.bias": (STRING, "column0"),
          "model.labels": (INT_ARRAY, [int(x) for x in labels])}
    md.update(metadata or {})
    np_dtype = DTYPES[DTYPE_CODES[dtype]][2]
    tensors = [Tensor(f"Theta{k}", dtype, tuple(t.shape), np.asarray(t, dtype=np_dtype))
               for k, t in enumerate(thetas, 1)]
    return Model(metadata=md, tensors=tensors)


# --------------------------------------------------------------------------
# CLI

def _jsonable(typ: int, v: Any):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    if isinstance(v, list):
        return [repr(x) if isinstance(x, float) and not math.isfinite(x) else x for x in v]
    return v


def summary(m: Model) -> dict:
    return {
        "version": f"{m.version[0]}.{m.version[1]}",
        "required_flags": m.flags[0], "optional_flags": m.flags[1],
        "alignment": m.alignment, "extension_bytes": len(m.extension),
        "metadata": {k: {"type": _tname(t), "value": _jsonable(t, v)}
                     for k, (t, v) in m.metadata.items()},
        "unknown_type_keys": m.unknown_types,
        "tensors": [{"name": t.name, "dtype": t.dtype, "dims": list(t.dims),
                     "offset": t.offset, "crc32c": f"0x{t.crc32c:08x}",
                     "min": float(np.min(t.data)), "max": float(np.max(t.data))}
                    for t in m.tensors],
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 2 or argv[0] not in ("dump", "check"):
        print("usage: theta_format.py dump|check FILE", file=sys.stderr)
        return 2
    cmd, path = argv
    try:
        m = read(path)
    except FormatError as e:
        print(str(e), file=sys.stderr if cmd == "dump" else sys.stdout)
        return 1
    if cmd == "check":
        print(f"{path}: ok (format {m.version[0]}.{m.version[1]})")
    else:
        print(json.dumps(summary(m), indent=2, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
