#!/usr/bin/env python3
"""Writes Fixtures/bad/: MAT files from strangers, each of which Theta must refuse
with one line, a non-zero exit, no output file, no crash, and bounded time and memory.

    .venv/bin/python tools/make_bad_mats.py [OUTDIR]

Deterministic (fixed seeds, fixed offsets). Families (the file name says which):
  trunc-{v5,v7}-OFFSET      a small uncompressed (v5/v6) or compressed (v7) file cut at OFFSET
  flip-{v5,v7}-WHERE-OFF-B  one bit B flipped at byte OFF in the header, a tag or a zlib stream
  lie-*                     dimensions far larger than the bytes present (plain and compressed)
  empty-* / zero-*          zero-sized variables, a file with a header and no variables
  deep-{cell,struct}-N      cells/structs nested N deep, hand-written bytes (plain and compressed)
  v73-*                     v7.3 (HDF5) files truncated or with a flipped superblock/object header;
                            v73-crash-* and v73-diag-* crashed libhdf5 or made it print
                            diagnostics in theta before v7.3 reading moved to a child process;
                            v73-wrong-* converted to a wrong model before the HDF5 checks
Total size stays well under 1 MB.
"""

import io
import os
import struct
import sys
import zlib

import numpy as np
import scipy.io

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Fixtures", "bad")

# miTYPEs and mxCLASSes of the v5 format.
miINT8, miINT32, miUINT32, miDOUBLE, miMATRIX, miCOMPRESSED = 1, 5, 6, 9, 14, 15
mxCELL, mxSTRUCT, mxDOUBLE = 1, 2, 6


def small_weights():
    rng = np.random.default_rng(6)
    return {"Theta1": rng.standard_normal((5, 4)), "Theta2": rng.standard_normal((3, 6))}


def savemat_bytes(compressed):
    buf = io.BytesIO()
    scipy.io.savemat(buf, small_weights(), do_compression=compressed, format="5")
    return header() + buf.getvalue()[128:]  # scipy's header holds the date


def header(text=b"MATLAB 5.0 MAT-file, Platform: GLNXA64, Created by: theta make_bad_mats", version=0x0100):
    return text.ljust(116, b" ")[:116] + b"\x00" * 8 + struct.pack("<H", version) + b"IM"


def pad8(b):
    return b + b"\x00" * (-len(b) % 8)


def element(mtype, payload):
    return struct.pack("<II", mtype, len(payload)) + pad8(payload)


def matrix(cls, dims, name, body):
    flags = element(miUINT32, struct.pack("<II", cls, 0))
    d = element(miINT32, b"".join(struct.pack("<i", x) for x in dims))
    n = element(miINT8, name)
    return element(miMATRIX, flags + d + n + body)


def double_matrix(name, values, dims=None):
    values = list(values)
    dims = dims or [len(values), 1]
    return matrix(mxDOUBLE, dims, name, element(miDOUBLE, struct.pack("<%dd" % len(values), *values)))


def compressed(elem):
    return struct.pack("<II", miCOMPRESSED, len(z := zlib.compress(elem))) + z


def nested_cell(depth):
    inner = double_matrix(b"", [1.0], [1, 1])
    for i in range(depth):
        inner = matrix(mxCELL, [1, 1], b"" if i < depth - 1 else b"c", inner)
    return inner


def nested_struct(depth):
    inner = double_matrix(b"", [1.0], [1, 1])
    for i in range(depth):
        fields = element(miINT32, struct.pack("<i", 8)) + element(miINT8, b"f".ljust(8, b"\x00"))
        inner = matrix(mxSTRUCT, [1, 1], b"" if i < depth - 1 else b"s", fields + inner)
    return inner


def zlib_bomb(megabytes):
    """A v7 file whose one compressed element inflates to `megabytes` MB of zeros
    behind an miMATRIX tag claiming that size."""
    bomb = struct.pack("<II", miMATRIX, megabytes << 20) + b"\x00" * (megabytes << 20)
    z = zlib.compress(bomb, 9)
    return header() + struct.pack("<II", miCOMPRESSED, len(z)) + z


def flip(data, offset, bit):
    b = bytearray(data)
    b[offset] ^= 1 << bit
    return bytes(b)


def offsets(n, count=30):
    """`count` cut points spread over a file of n bytes, dense in the header and first tags."""
    fixed = [0, 1, 64, 116, 124, 126, 127, 128, 129, 132, 135, 136, 140, 144, 152, 160, 168, 176]
    spread = [int(n * k / (count - len(fixed) + 1)) for k in range(1, count - len(fixed) + 1)]
    return sorted({o for o in fixed + spread + [n - 1] if 0 <= o < n})


def v73_file(path):
    import h5py
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_mat_fixtures import attr_string
    with h5py.File(path, "w", userblock_size=512, libver="earliest") as f:
        for name, value in small_weights().items():
            ds = f.create_dataset(name, data=value.T, track_times=False)
            attr_string(ds, "MATLAB_class", "double")
        addrs = {name: h5py.h5o.get_info(f[name].id).addr for name in f}
    with open(path, "r+b") as fh:
        fh.write(header(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by: theta make_bad_mats",
                        version=0x0200))
    with open(path, "rb") as fh:
        return fh.read(), addrs


# (offset, bit) of flips in v73_file()'s bytes; see main().
V73_CRASHES = [(1432, 0), (1432, 1)]
V73_DIAGNOSTICS = [(617, 4), (1322, 0), (1921, 2), (1512, 4), (2112, 4)]
V73_WRONG = [(536, 0), (552, 4), (1344, 0), (1384, 0), (1388, 0), (1400, 0), (1434, 0),
             (1929, 0), (1952, 0), (2034, 0)]


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".mat"):
            os.unlink(os.path.join(OUT, old))
    files = {}

    for tag, comp in (("v5", False), ("v7", True)):
        good = savemat_bytes(comp)
        for off in offsets(len(good)):
            files["trunc-%s-%04d" % (tag, off)] = good[:off]
        # Header text, version, endian marker; first tag (type and size); inside the data.
        spots = [("hdr", 124, 5), ("hdr", 124, 0), ("hdr", 125, 7), ("hdr", 126, 1), ("hdr", 127, 3),
                 ("tag", 128, 0), ("tag", 128, 4), ("tag", 131, 7), ("tag", 132, 2), ("tag", 134, 6),
                 ("tag", 135, 7)]
        if comp:
            # zlib header, deflate data, Adler-32 trailer of the first compressed element.
            first_len = struct.unpack_from("<I", good, 132)[0]
            spots += [("zlib", 136, 3), ("zlib", 137, 5), ("zlib", 140, 0), ("zlib", 150, 4),
                      ("zlib", 136 + first_len // 2, 1), ("zlib", 136 + first_len - 1, 0)]
        else:
            spots += [("tag", 136, 1), ("tag", 140, 4), ("tag", 152, 0), ("tag", 160, 5), ("tag", 168, 2)]
        for where, off, bit in spots:
            files["flip-%s-%s-%04d-%d" % (tag, where, off, bit)] = flip(good, off, bit)

    # Lying dimensions: a 100000x100000 double (80 GB) backed by 8 bytes; 2^31-1 squared; negative.
    for name, dims in (("huge", [100000, 100000]), ("max", [0x7FFFFFFF, 0x7FFFFFFF]),
                       ("negative", [-1, 5]), ("manydims", [65536] * 8)):
        elem = double_matrix(b"Theta1", [1.0], dims)
        files["lie-plain-%s" % name] = header() + elem
        files["lie-zlib-%s" % name] = header() + compressed(elem)
    # A data element claiming 4 GB, and a compressed element claiming more than the file.
    files["lie-plain-elementsize"] = header() + struct.pack("<II", miMATRIX, 0xFFFFFFF8) + b"\x00" * 64
    z = compressed(double_matrix(b"Theta1", [1.0, 2.0]))
    files["lie-zlib-elementsize"] = header() + struct.pack("<II", miCOMPRESSED, 0x7FFFFFF0) + z[8:]
    # A zlib bomb: 32 MB of zeros in 32 KB. (Bombs are inflated completely before the
    # check refuses them, so a 128 MB one needs more than 100 MB of memory; see
    # Docs/MAT.md, "Hostile inputs", and test_hostile_mat.py's xfail test.)
    files["lie-zlib-bomb"] = zlib_bomb(32)

    # Zero-sized and empty.
    files["empty-nothing"] = b""
    files["empty-header-only"] = header()
    files["zero-0x0"] = header() + double_matrix(b"Theta1", [], [0, 0])
    files["zero-5x0"] = header() + double_matrix(b"Theta1", [], [5, 0])
    files["zero-zlib-0x3"] = header() + compressed(double_matrix(b"Theta1", [], [0, 3]))
    files["zero-empty-element"] = header() + struct.pack("<II", miMATRIX, 0)
    files["zero-empty-compressed"] = header() + struct.pack("<II", miCOMPRESSED, 0)
    files["zero-empty-name"] = header() + double_matrix(b"", [1.0, 2.0])

    # Deep nesting.
    for depth in (33, 100):
        files["deep-cell-%d" % depth] = header() + nested_cell(depth)
        files["deep-struct-%d" % depth] = header() + nested_struct(depth)
    files["deep-zlib-cell-100"] = header() + compressed(nested_cell(100))
    files["deep-zlib-struct-100"] = header() + compressed(nested_struct(100))

    # v7.3 with broken HDF5 objects.
    tmp = os.path.join(OUT, ".v73-good.tmp")
    good, addrs = v73_file(tmp)
    os.unlink(tmp)
    for off in (520, 560, 600, 1024, len(good) // 2, len(good) - 100):
        files["v73-trunc-%05d" % off] = good[:off]
    # Superblock: signature, versions, sizes, end-of-file address. (Byte 536, the low byte of
    # the base address, is left out: HDF5 v0 superblocks have no checksum and that flip
    # reads shifted data; see Docs/MAT.md, "Hostile inputs".)
    for off, bit in ((512, 0), (519, 7), (520, 0), (521, 1), (524, 3), (544, 2), (556, 5)):
        files["v73-flip-superblock-%04d-%d" % (off, bit)] = flip(good, off, bit)
    # Theta1's v1 object header (version, message table, dataspace). v1 object headers have
    # no checksum: flips in reserved bytes are harmless.
    base = 512 + addrs["Theta1"]
    for rel, bit in ((0, 1), (8, 6), (16, 2), (24, 4), (40, 1)):
        files["v73-flip-ohdr-Theta1-%02d-%d" % (rel, bit)] = flip(good, base + rel, bit)
    # The same kind of flips in Theta2's object header, the last Theta: matio skips Theta2
    # without an error (or cannot read its header), which used to give a model one layer
    # short. MatFile now cross-checks matio with libhdf5 (the root group's links, each
    # dataset's dims and MATLAB_class, the values read) and refuses these. Flips that
    # change a dimension consistently for both (e.g. byte 40 of the dataspace message)
    # still convert wrongly and are left out; see Docs/MAT.md.
    base = 512 + addrs["Theta2"]
    for rel, bit in ((0, 0), (18, 1), (24, 7), (73, 4), (104, 4), (115, 4)):
        files["v73-flip-ohdr-Theta2-%03d-%d" % (rel, bit)] = flip(good, base + rel, bit)

    # Single-bit flips that made libhdf5 crash theta (SIGSEGV) or print multi-line HDF5
    # diagnostics ("HDF5: infinite loop closing library", ...) before v7.3 files were read
    # in a separate process; found by tools/scan_v73_flips.py (Docs/MAT.md, "Hostile
    # inputs"). All are in v1 object headers (no checksum): 617 is the root group's
    # header-size field, 1322 and 1921 Theta1's and Theta2's; 1432 is in Theta1's
    # messages, 1512 and 2112 at byte 200 of Theta1's and Theta2's headers.
    for off, bit in V73_CRASHES:
        files["v73-crash-%05d-%d" % (off, bit)] = flip(good, off, bit)
    for off, bit in V73_DIAGNOSTICS:
        files["v73-diag-%05d-%d" % (off, bit)] = flip(good, off, bit)
    # Flips that converted to a wrong model before (matio and libhdf5 agreed on them) and
    # are refused now: the superblock's base (536) and end-of-file (552) addresses; a
    # dimension (1344, 1952) and the element type (1384: an integer type for a double,
    # 1388, 1400: not a standard type) of a dataset; Theta1's and
    # Theta2's data addresses (1434: overlapping data, 2034: past the end of the file);
    # Theta2's dataspace message type (1929: libhdf5 no longer sees a dataset).
    for off, bit in V73_WRONG:
        files["v73-wrong-%05d-%d" % (off, bit)] = flip(good, off, bit)

    total = 0
    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name + ".mat"), "wb") as fh:
            fh.write(data)
        total += len(data)
    print("wrote %d files, %d bytes, to %s" % (len(files), total, OUT))
    assert total < 1 << 20, "corpus too large"


if __name__ == "__main__":
    main()
