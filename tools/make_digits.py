#!/usr/bin/env python3
"""Build the digits20 / digits5000 data sets (REFERENCE.md recipe).

digits20: scikit-learn's bundled UCI digits (1797 images, 8x8, 0..16),
``images / 16``, each ``scipy.ndimage.zoom(img, 2.5, order=1)`` to 20x20,
clipped to [0, 1], flattened column-major like the course data
(row = ``img.T.reshape(400)``), label 0 -> 10.

digits5000: for each label in the order 10, 1, ..., 9, its digits20 rows in
file order shifted by (dx, dy) in SHIFTS (the first, (0, 0), is the rows
themselves), each shift ``np.roll`` of ``row.reshape(20, 20)`` along axis 0
by dx and axis 1 by dy, until 500 rows per label.

Usage:
  make_digits.py                          # writes Fixtures/digits20.mat
  make_digits.py --out PATH.mat           # digits20 elsewhere
  make_digits.py --digits5000 OUT.mat     # also digits5000
  make_digits.py --csv OUT.csv [--csv-labels] [--csv-source digits5000]
  make_digits.py --skip-digits20 ...      # do not write the digits20 .mat
"""

import argparse
import os
import sys

import numpy as np
import scipy.ndimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import savemat_fixed, write_csv  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Fixtures", "digits20.mat")

DIGITS20_SUM = 238372.34002770085
DIGITS20_COUNTS = [182, 177, 183, 181, 182, 181, 179, 174, 180, 178]  # labels 1..10
DIGITS5000_SUM = 663340.8628808864
LABEL_ORDER_5000 = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9]
SHIFTS = [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]
PER_LABEL_5000 = 500


def build_digits20():
    """Returns X (1797x400 float64) and y (1797, int64, labels 1..10)."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = digits.images / 16
    X = np.empty((images.shape[0], 400), dtype=np.float64)
    for i, img in enumerate(images):
        z = np.clip(scipy.ndimage.zoom(img, 2.5, order=1), 0, 1)
        assert z.shape == (20, 20), z.shape
        X[i] = z.T.reshape(400)
    y = np.where(digits.target == 0, 10, digits.target).astype(np.int64)
    return X, y


def check_digits20(X, y):
    s = float(X.sum())
    counts = np.bincount(y, minlength=11)[1:].tolist()
    assert X.shape == (1797, 400), X.shape
    assert counts == DIGITS20_COUNTS, counts
    assert s == DIGITS20_SUM, "digits20 sum %r != %r (diff %r)" % (s, DIGITS20_SUM, s - DIGITS20_SUM)
    return s, counts


def build_digits5000(X, y):
    """Returns X (5000x400 float64) and y (5000, int64) from digits20."""
    Xs, ys = [], []
    for label in LABEL_ORDER_5000:
        rows = X[y == label]
        out = []
        for dx, dy in SHIFTS:
            for r in rows:
                if len(out) == PER_LABEL_5000:
                    break
                img = np.roll(r.reshape(20, 20), dx, axis=0)
                img = np.roll(img, dy, axis=1)
                out.append(img.reshape(400))
            if len(out) == PER_LABEL_5000:
                break
        assert len(out) == PER_LABEL_5000, (label, len(out))
        Xs.extend(out)
        ys.extend([label] * PER_LABEL_5000)
    return np.array(Xs, dtype=np.float64), np.array(ys, dtype=np.int64)


def check_digits5000(X5, y5):
    s = float(X5.sum())
    assert X5.shape == (5000, 400), X5.shape
    assert np.bincount(y5, minlength=11)[1:].tolist() == [500] * 10
    assert s == DIGITS5000_SUM, "digits5000 sum %r != %r (diff %r)" % (s, DIGITS5000_SUM, s - DIGITS5000_SUM)
    return s


def save_xy(path, X, y):
    """X as m x 400 double, y as m x 1 double column; MAT v5, compressed, fixed header."""
    savemat_fixed(path, {"X": np.ascontiguousarray(X, dtype=np.float64),
                         "y": np.asarray(y, dtype=np.float64).reshape(-1, 1)})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help="digits20 .mat (default Fixtures/digits20.mat)")
    ap.add_argument("--skip-digits20", action="store_true", help="do not write the digits20 .mat")
    ap.add_argument("--digits5000", metavar="OUT.mat", help="also write digits5000 here")
    ap.add_argument("--csv", metavar="OUT.csv", help="write X as CSV (repr-exact floats)")
    ap.add_argument("--csv-labels", action="store_true", help="append y as the last CSV column")
    ap.add_argument("--csv-source", choices=["digits20", "digits5000"], default="digits20")
    args = ap.parse_args(argv)

    X, y = build_digits20()
    s, counts = check_digits20(X, y)
    print("digits20: X %dx%d sum %r (ref %r) counts %s" % (X.shape + (s, DIGITS20_SUM, " ".join(map(str, counts)))))
    if not args.skip_digits20:
        save_xy(args.out, X, y)
        size = os.path.getsize(args.out)
        print("wrote %s (%d bytes)" % (args.out, size))
        if size >= 2 * 1024 * 1024:
            print("WARNING: %s is %d bytes, not under 2 MB" % (args.out, size), file=sys.stderr)

    X5 = y5 = None
    if args.digits5000 or args.csv_source == "digits5000":
        X5, y5 = build_digits5000(X, y)
        s5 = check_digits5000(X5, y5)
        print("digits5000: X %dx%d sum %r (ref %r)" % (X5.shape + (s5, DIGITS5000_SUM)))
        if args.digits5000:
            save_xy(args.digits5000, X5, y5)
            print("wrote %s (%d bytes)" % (args.digits5000, os.path.getsize(args.digits5000)))

    if args.csv:
        cx, cy = (X5, y5) if args.csv_source == "digits5000" else (X, y)
        write_csv(args.csv, cx, cy if args.csv_labels else None)
        print("wrote %s (%d bytes, %s%s)" % (args.csv, os.path.getsize(args.csv), args.csv_source,
                                            ", labels last" if args.csv_labels else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
