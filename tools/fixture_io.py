"""Deterministic writers for fixture files (MAT v5 and CSV).

scipy.io.savemat stamps the 116-byte MAT header with ``time.asctime()``, so two
runs never give the same bytes. ``savemat_fixed`` writes the same MAT v5 file
(zlib-compressed variables when ``do_compression``) with a fixed header text,
so a rerun gives byte-identical output (for the same scipy/zlib versions).
"""

import numpy as np
from scipy.io.matlab._mio5 import MatFile5Writer, NDT_FILE_HDR

FIXED_HEADER = ("MATLAB 5.0 MAT-file, Platform: posix, "
                "Created by: Theta tools (fixed header for reproducible fixtures)")


class _FixedHeaderWriter(MatFile5Writer):
    header_text = FIXED_HEADER

    def write_file_header(self):
        text = self.header_text.encode("ascii")
        if len(text) > 116:
            raise ValueError("MAT header text longer than 116 bytes")
        hdr = np.zeros((), NDT_FILE_HDR)
        # MATLAB pads the description with spaces; do the same.
        hdr['description'] = text.ljust(116, b' ')
        hdr['version'] = 0x0100
        hdr['endian_test'] = np.ndarray(shape=(), dtype='S2',
                                        buffer=np.uint16(0x4d49))
        self.file_stream.write(hdr.tobytes())


def savemat_fixed(path, mdict, do_compression=True, header_text=FIXED_HEADER):
    """Like ``scipy.io.savemat(path, mdict, do_compression=...)`` (MAT v5,
    oned_as='column') but with a fixed header, so the bytes are reproducible.
    Variables are written in ``mdict`` order."""
    with open(path, "wb") as f:
        w = _FixedHeaderWriter(f, do_compression=do_compression, oned_as='column')
        w.header_text = header_text
        w.put_variables(mdict)


def format_float(v):
    """Shortest text that reads back as exactly the same double (Python repr)."""
    return repr(float(v))


def write_csv(path_or_file, X, y=None):
    """One example per row, no header, comma separated, repr-exact floats.
    If ``y`` is given it is appended as the last column, written as an integer."""
    X = np.asarray(X, dtype=np.float64)
    own = isinstance(path_or_file, (str, bytes)) or hasattr(path_or_file, "__fspath__")
    f = open(path_or_file, "w", newline="\n") if own else path_or_file
    try:
        for i in range(X.shape[0]):
            fields = [format_float(v) for v in X[i]]
            if y is not None:
                fields.append("%d" % int(y[i]))
            f.write(",".join(fields) + "\n")
    finally:
        if own:
            f.close()
