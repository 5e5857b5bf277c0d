#!/usr/bin/env python3
"""Write the MAT-file fixtures in Fixtures/mat/ for the MatFile module's tests.

Run with the project venv (numpy, scipy, h5py):

    .venv/bin/python tools/make_mat_fixtures.py

The output is deterministic: the header text scipy would stamp with the time is
replaced by a fixed text, HDF5 object timestamps are turned off, and every value
comes from a formula below. The Swift tests recompute the same formulas; they never
copy values from a reader's output. Every file is far below 100 KB.

Value formulas (k counts from 1 in MATLAB's column-major order):

- small pair: ``Theta1`` 3x5 with element k = sin(k)/10, ``Theta2`` 2x4 with
  element k = cos(k)/10 (Python's ``math.sin``/``math.cos``, i.e. the C library's).
- big pair: ``Theta1`` 25x401 then ``Theta2`` 10x26, both filled column-major from
  one SplitMix64 stream seeded with 2024: value = ((z >> 11) / 2**53 - 0.5) / 4,
  exact in binary64 (every value uses the full 53-bit mantissa).
- ``S`` (single) 2x3: element k = ((k * 2654435761) mod 2**24 - 2**23) / 2**20,
  exact in binary32.
- integer classes, 2x3 each, given row by row in ``INTEGERS`` (every value is
  exactly representable as a double); ``i64_big`` = 2**53 + 1 and
  ``u64_big`` = 2**64 - 1 are not, and must be refused.
- ``specials`` 1x5 double: NaN, +Inf, -Inf, -0.0, the smallest subnormal 5e-324.
- struct ``model`` with fields ``Theta1``/``Theta2`` (the small pair) and nested
  struct ``nest.inner.w`` (= small ``Theta2``).

Files (v5 = level 5, uncompressed; v5z = level 5 with miCOMPRESSED elements):

- ``weights_v4.mat``       v4 (scipy, little-endian): Theta1, Theta2.
- ``weights_v5.mat``       v5 (scipy): Theta1, Theta2, model, nest.
- ``weights_v5z.mat``      v5 compressed (scipy): Theta1, Theta2, model, nest.
- ``weights_v73.mat``      v7.3 (h5py): Theta1, Theta2, model, nest.
- ``weights_v5_be.mat``    v5 big-endian ('MI'), written by this script: Theta1, Theta2.
- ``weights_v5z_be.mat``   v5 big-endian, compressed, written by this script.
- ``big_v5z.mat``          v5 compressed (scipy): the 25x401 / 10x26 SplitMix64 pair.
- ``classes_v4.mat``       v4 (scipy): S (stored as single), i32, i16, u16, u8
                           (stored in their own v4 types), specials.
- ``classes_v5.mat``       v5 (scipy): S, i8, u8, i16, u16, i32, u32, i64, u64,
                           i64_big, u64_big, specials.
- ``classes_v5z.mat``      the same, compressed.
- ``classes_v73.mat``      the same, v7.3 (h5py).
- ``refused_v4.mat``       v4 (scipy): cplx (complex), sp (sparse), txt (char),
                           nothing (0x3 empty).
- ``refused_v5.mat``       v5 (scipy): cplx, sp, txt, cel (cell), flag (logical),
                           nothing (0x3 empty double), people (1x2 struct array).
- ``refused_v5z.mat``      the same, compressed.
- ``refused_v73.mat``      v7.3 (h5py): cplx, sp, txt, cel, flag, nothing, and a
                           dangling soft link ``dangling`` that matio cannot list.
- ``mixed_v5.mat``         hand-written v5: ``A`` (small Theta1), ``obj`` (an opaque
                           MCOS object of class "string" that matio 1.5.23 cannot read by
                           name), ``B`` (small Theta2).
- ``mixed_v5z.mat``        the same with every element compressed.

Damaged and foreign files (each must be refused):

- ``damaged_truncated_v5z.mat``  weights_v5z.mat cut in the middle of Theta1's
                                 compressed stream (first element, offset 128).
- ``damaged_bitflip_v5z.mat``    weights_v5z.mat with bit 0x10 flipped in the middle
                                 byte of Theta1's compressed stream (zlib fails it).
- ``damaged_nbytes_v5.mat``      weights_v5.mat with bit 0x08 flipped in the byte
                                 count of the first element's tag (offset 132).
- ``damaged_lyingdims_v5.mat``   hand-written v5: a double variable ``W`` whose dims
                                 say 2147483647 x 2147483647 but which holds 15 values.
- ``damaged_lyingdims_v5z.mat``  the same element, compressed (the lie is inside the
                                 zlib stream, which itself is intact).
- ``damaged_trailing_v5.mat``    weights_v5.mat followed by 8 bytes of garbage.
- ``damaged_truncated_v4.mat``   weights_v4.mat without its last 5 bytes.
- ``damaged_truncated_v73.mat``  weights_v73.mat cut to 3/4 of its length.
- ``damaged_version_v5.mat``     weights_v5.mat with the header version set to 0x0300.
- ``not_a_mat.mat``              a line of plain text.
- ``empty.mat``                  zero bytes.
"""

import io
import math
import os
import struct
import sys
import tempfile
import zlib

import h5py
import numpy as np
import scipy.io as sio
import scipy.sparse as ssp

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "mat")

HEADER_V5 = b"MATLAB 5.0 MAT-file, written by Theta tools/make_mat_fixtures.py"
HEADER_V73 = b"MATLAB 7.3 MAT-file, written by Theta tools/make_mat_fixtures.py, HDF5 schema 1.00 ."

# MAT v5 data types and classes (MATLAB's "MAT-File Format", matio.h).
MI_INT8, MI_UINT8, MI_INT16, MI_UINT16, MI_INT32, MI_UINT32 = 1, 2, 3, 4, 5, 6
MI_SINGLE, MI_DOUBLE, MI_INT64, MI_UINT64, MI_MATRIX, MI_COMPRESSED = 7, 9, 12, 13, 14, 15
MX_DOUBLE = 6


# --------------------------------------------------------------------------- values

def small_pair():
    t1 = np.array([math.sin(k) / 10 for k in range(1, 16)]).reshape((3, 5), order="F")
    t2 = np.array([math.cos(k) / 10 for k in range(1, 9)]).reshape((2, 4), order="F")
    return t1, t2


def splitmix64(seed):
    state = seed
    mask = (1 << 64) - 1
    while True:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        yield z ^ (z >> 31)


def big_pair():
    gen = splitmix64(2024)
    vals = [((next(gen) >> 11) / 2.0**53 - 0.5) / 4 for _ in range(25 * 401 + 10 * 26)]
    t1 = np.array(vals[: 25 * 401]).reshape((25, 401), order="F")
    t2 = np.array(vals[25 * 401:]).reshape((10, 26), order="F")
    return t1, t2


def single_matrix():
    vals = [((k * 2654435761) % 2**24 - 2**23) / 2.0**20 for k in range(1, 7)]
    return np.array(vals, dtype=np.float32).reshape((2, 3), order="F")


INTEGERS = {
    "i8": ("int8", [[-128, -1, 0], [1, 42, 127]]),
    "u8": ("uint8", [[0, 1, 128], [200, 254, 255]]),
    "i16": ("int16", [[-32768, -1, 0], [1, 12345, 32767]]),
    "u16": ("uint16", [[0, 1, 40000], [54321, 65534, 65535]]),
    "i32": ("int32", [[-2147483648, -1, 0], [1, 123456789, 2147483647]]),
    "u32": ("uint32", [[0, 1, 3000000000], [4000000000, 4294967294, 4294967295]]),
    "i64": ("int64", [[-(2**53), -(2**53) + 1, 0], [1, 2**53 - 1, 2**53]]),
    "u64": ("uint64", [[0, 1, 2**32], [2**53 - 1, 2**53, 12345678901234]]),
    "i64_big": ("int64", [[2**53 + 1]]),
    "u64_big": ("uint64", [[2**64 - 1]]),
}


def specials():
    return np.array([[math.nan, math.inf, -math.inf, -0.0, 5e-324]])


def class_vars():
    d = {"S": single_matrix(), "specials": specials()}
    for name, (dtype, rows) in INTEGERS.items():
        d[name] = np.array(rows, dtype=dtype)
    return d


def refused_vars():
    cel = np.empty((1, 2), dtype=object)
    cel[0, 0] = np.array([[1.0]])
    cel[0, 1] = "a"
    people = np.zeros((1, 2), dtype=[("age", object)])
    people[0, 0]["age"] = np.array([[30.0]])
    people[0, 1]["age"] = np.array([[40.0]])
    return {
        "cplx": np.array([[1 + 2j, 3 - 4j]]),
        "sp": ssp.csc_matrix(np.array([[0, 1.5, 0], [0, 0, 0], [2.5, 0, 0]])),
        "txt": "hello",
        "cel": cel,
        "flag": np.array([[True, False]]),
        "nothing": np.zeros((0, 3)),
        "people": people,
    }


# --------------------------------------------------------------------------- writers

def fixed_header(data):
    """Replace scipy's time-stamped header text with HEADER_V5."""
    return HEADER_V5.ljust(116, b" ") + data[116:]


def scipy_v5(variables, compress):
    buf = io.BytesIO()
    sio.savemat(buf, variables, format="5", do_compression=compress, oned_as="row")
    return fixed_header(buf.getvalue())


def scipy_v4(variables):
    buf = io.BytesIO()
    sio.savemat(buf, variables, format="4", oned_as="row")
    return buf.getvalue()


def v5_header(bo, version=0x0100):
    endian = b"IM" if bo == "<" else b"MI"
    # The indicator is the characters 'M','I' written as one native 16-bit word.
    return HEADER_V5.ljust(116, b" ") + b"\0" * 8 + struct.pack(bo + "H", version) + endian


def sub_element(bo, mtype, payload):
    """One data element; the small form when the payload fits in 4 bytes."""
    if 0 < len(payload) <= 4:
        return struct.pack(bo + "I", (len(payload) << 16) | mtype) + payload.ljust(4, b"\0")
    body = struct.pack(bo + "II", mtype, len(payload)) + payload
    return body + b"\0" * ((-len(body)) % 8)


def double_matrix_element(bo, name, values, dims=None):
    """A miMATRIX element for a real double matrix (dims may lie)."""
    dims = list(values.shape) if dims is None else dims
    body = sub_element(bo, MI_UINT32, struct.pack(bo + "II", MX_DOUBLE, 0))
    body += sub_element(bo, MI_INT32, struct.pack(bo + "i" * len(dims), *dims))
    body += sub_element(bo, MI_INT8, name.encode("ascii"))
    body += sub_element(bo, MI_DOUBLE, values.astype(bo + "f8").tobytes(order="F"))
    return struct.pack(bo + "II", MI_MATRIX, len(body)) + body


def opaque_element(bo, name):
    """A minimal MCOS object element (class 17): name, "MCOS", class name, a uint32 matrix."""
    body = sub_element(bo, MI_UINT32, struct.pack(bo + "II", 17, 0))
    body += sub_element(bo, MI_INT8, name.encode("ascii"))
    body += sub_element(bo, MI_INT8, b"MCOS")
    body += sub_element(bo, MI_INT8, b"string")
    inner = sub_element(bo, MI_UINT32, struct.pack(bo + "II", 13, 0))  # mxUINT32_CLASS
    inner += sub_element(bo, MI_INT32, struct.pack(bo + "ii", 6, 1))
    inner += sub_element(bo, MI_INT8, b"")
    inner += sub_element(bo, MI_UINT32, struct.pack(bo + "6I", 0xDD000000, 2, 1, 1, 1, 1))
    body += struct.pack(bo + "II", MI_MATRIX, len(inner)) + inner
    return struct.pack(bo + "II", MI_MATRIX, len(body)) + body


def compressed(bo, element):
    z = zlib.compress(element, 6)
    return struct.pack(bo + "II", MI_COMPRESSED, len(z)) + z


def attr_string(obj, name, value):
    """A fixed-length, NUL-terminated ASCII attribute, as MATLAB writes it.

    matio reads the attribute through a NULLTERM type of the same size; h5py's
    default NULLPAD strings lose their last character in that conversion, and so
    does h5py's own conversion to NULLTERM, so the bytes are written unconverted.
    """
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(len(value))
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    space = h5py.h5s.create(h5py.h5s.SCALAR)
    aid = h5py.h5a.create(obj.id, name.encode(), tid, space)
    aid.write(np.array(value.encode("ascii"), dtype=f"S{len(value)}"), mtype=tid)


def attr_fields(group, names):
    """MATLAB_fields: one variable-length array of characters per field name."""
    vlen = h5py.vlen_dtype(np.dtype("S1"))
    value = np.empty(len(names), dtype=object)
    for i, n in enumerate(names):
        value[i] = np.frombuffer(n.encode("ascii"), dtype="S1")
    group.attrs.create("MATLAB_fields", value, dtype=vlen)


def untimed_group(parent, name):
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    return h5py.Group(h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl))


def h5_matrix(parent, name, array, matlab_class, transpose=True):
    """A MATLAB-style dataset: stored transposed, with its MATLAB_class attribute."""
    data = array.T if transpose and array.ndim == 2 else array
    d = parent.create_dataset(name, data=np.ascontiguousarray(data), track_times=False)
    attr_string(d, "MATLAB_class", matlab_class)
    return d


def write_v73(build):
    fd, tmp = tempfile.mkstemp(suffix=".h5")
    os.close(fd)
    try:
        with h5py.File(tmp, "w", userblock_size=512, libver="earliest") as f:
            build(f)
        with open(tmp, "rb") as fh:
            data = fh.read()
    finally:
        os.unlink(tmp)
    header = HEADER_V73.ljust(116, b" ") + b"\0" * 8 + struct.pack("<H", 0x0200) + b"IM"
    return header + data[128:]


def v73_weights(f):
    t1, t2 = small_pair()
    h5_matrix(f, "Theta1", t1, "double")
    h5_matrix(f, "Theta2", t2, "double")
    model = untimed_group(f, "model")
    attr_string(model, "MATLAB_class", "struct")
    attr_fields(model, ["Theta1", "Theta2"])
    h5_matrix(model, "Theta1", t1, "double")
    h5_matrix(model, "Theta2", t2, "double")
    nest = untimed_group(f, "nest")
    attr_string(nest, "MATLAB_class", "struct")
    attr_fields(nest, ["inner"])
    inner = untimed_group(nest, "inner")
    attr_string(inner, "MATLAB_class", "struct")
    attr_fields(inner, ["w"])
    h5_matrix(inner, "w", t2, "double")


def v73_classes(f):
    for name, value in class_vars().items():
        cls = {"float32": "single", "float64": "double"}.get(value.dtype.name, value.dtype.name)
        h5_matrix(f, name, value, cls)


def v73_refused(f):
    cplx = np.array([[1 + 2j, 3 - 4j]])
    compound = np.dtype([("real", "<f8"), ("imag", "<f8")])
    c = np.empty(cplx.T.shape, dtype=compound)
    c["real"], c["imag"] = cplx.T.real, cplx.T.imag
    h5_matrix(f, "cplx", c, "double", transpose=False)

    sp = untimed_group(f, "sp")  # 3x3 with (3,1) = 2.5 and (1,2) = 1.5
    attr_string(sp, "MATLAB_class", "double")
    sp.attrs.create("MATLAB_sparse", np.uint64(3))
    sp.create_dataset("data", data=np.array([2.5, 1.5]), track_times=False)
    sp.create_dataset("ir", data=np.array([2, 0], dtype=np.uint64), track_times=False)
    sp.create_dataset("jc", data=np.array([0, 1, 2, 2], dtype=np.uint64), track_times=False)

    txt = h5_matrix(f, "txt", np.array([[ord(c) for c in "hello"]], dtype=np.uint16), "char")
    txt.attrs.create("MATLAB_int_decode", np.int32(2))

    refs = untimed_group(f, "#refs#")
    a = h5_matrix(refs, "a", np.array([[1.0]]), "double")
    b = h5_matrix(refs, "b", np.array([[ord("a")]], dtype=np.uint16), "char")
    b.attrs.create("MATLAB_int_decode", np.int32(2))
    cel = f.create_dataset("cel", shape=(2, 1), dtype=h5py.ref_dtype, track_times=False)
    cel[0, 0], cel[1, 0] = a.ref, b.ref
    attr_string(cel, "MATLAB_class", "cell")

    flag = h5_matrix(f, "flag", np.array([[1, 0]], dtype=np.uint8), "logical")
    flag.attrs.create("MATLAB_int_decode", np.int32(1))

    nothing = f.create_dataset("nothing", data=np.array([0, 3], dtype=np.uint64),
                               track_times=False)
    attr_string(nothing, "MATLAB_class", "double")
    nothing.attrs.create("MATLAB_empty", np.uint8(1))

    f["dangling"] = h5py.SoftLink("/nowhere")


# --------------------------------------------------------------------------- damage

def flip(data, offset, bit):
    b = bytearray(data)
    b[offset] ^= bit
    return bytes(b)


def first_element(data, bo="<"):
    mtype, nbytes = struct.unpack_from(bo + "II", data, 128)
    return mtype, nbytes


# --------------------------------------------------------------------------- main

def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    t1, t2 = small_pair()
    weights = {"Theta1": t1, "Theta2": t2}
    structs = {"model": {"Theta1": t1, "Theta2": t2}, "nest": {"inner": {"w": t2}}}

    files["weights_v4.mat"] = scipy_v4(weights)
    files["weights_v5.mat"] = scipy_v5({**weights, **structs}, compress=False)
    files["weights_v5z.mat"] = scipy_v5({**weights, **structs}, compress=True)
    files["weights_v73.mat"] = write_v73(v73_weights)
    files["weights_v5_be.mat"] = (v5_header(">")
                                  + double_matrix_element(">", "Theta1", t1)
                                  + double_matrix_element(">", "Theta2", t2))
    files["weights_v5z_be.mat"] = (v5_header(">")
                                   + compressed(">", double_matrix_element(">", "Theta1", t1))
                                   + compressed(">", double_matrix_element(">", "Theta2", t2)))
    b1, b2 = big_pair()
    files["big_v5z.mat"] = scipy_v5({"Theta1": b1, "Theta2": b2}, compress=True)

    cv = class_vars()
    files["classes_v4.mat"] = scipy_v4({k: cv[k] for k in ("S", "i32", "i16", "u16", "u8",
                                                           "specials")})
    files["classes_v5.mat"] = scipy_v5(cv, compress=False)
    files["classes_v5z.mat"] = scipy_v5(cv, compress=True)
    files["classes_v73.mat"] = write_v73(v73_classes)

    rv = refused_vars()
    files["refused_v4.mat"] = scipy_v4({k: rv[k] for k in ("cplx", "sp", "txt", "nothing")})
    files["refused_v5.mat"] = scipy_v5(rv, compress=False)
    files["refused_v5z.mat"] = scipy_v5(rv, compress=True)
    files["refused_v73.mat"] = write_v73(v73_refused)
    mixed = [double_matrix_element("<", "A", t1), opaque_element("<", "obj"),
             double_matrix_element("<", "B", t2)]
    files["mixed_v5.mat"] = v5_header("<") + b"".join(mixed)
    files["mixed_v5z.mat"] = v5_header("<") + b"".join(compressed("<", e) for e in mixed)

    wz = files["weights_v5z.mat"]
    mtype, nbytes = first_element(wz)
    assert mtype == MI_COMPRESSED, mtype
    files["damaged_truncated_v5z.mat"] = wz[: 128 + 8 + nbytes // 2]
    bitflip = flip(wz, 128 + 8 + nbytes // 2, 0x10)
    try:
        zlib.decompress(bitflip[136:136 + nbytes])
    except zlib.error:
        pass
    else:
        sys.exit("the flipped bit went unnoticed by zlib; pick another")
    files["damaged_bitflip_v5z.mat"] = bitflip

    w5 = files["weights_v5.mat"]
    assert first_element(w5)[0] == MI_MATRIX
    files["damaged_nbytes_v5.mat"] = flip(w5, 132, 0x08)
    lying = double_matrix_element("<", "W", t1, dims=[2147483647, 2147483647])
    files["damaged_lyingdims_v5.mat"] = v5_header("<") + lying
    files["damaged_lyingdims_v5z.mat"] = v5_header("<") + compressed("<", lying)
    files["damaged_trailing_v5.mat"] = w5 + b"garbage!"
    files["damaged_truncated_v4.mat"] = files["weights_v4.mat"][:-5]
    w73 = files["weights_v73.mat"]
    files["damaged_truncated_v73.mat"] = w73[: len(w73) * 3 // 4]
    files["damaged_version_v5.mat"] = w5[:124] + struct.pack("<H", 0x0300) + w5[126:]
    files["not_a_mat.mat"] = b"This is not a MAT-file; it is a line of plain text.\n"
    files["empty.mat"] = b""

    for name, data in sorted(files.items()):
        assert len(data) < 100_000, (name, len(data))
        with open(os.path.join(OUT, name), "wb") as fh:
            fh.write(data)
        print(f"{len(data):7d}  Fixtures/mat/{name}")


if __name__ == "__main__":
    main()
