#!/usr/bin/env python3
"""Flips every bit of a small v7.3 (HDF5) MAT file outside its raw data and runs
`theta convert` on each copy, classifying what happens (issue 6, "hostile input").

    .venv/bin/python tools/scan_v73_flips.py [--theta BIN] [--jobs N] [--file F.mat]
                                             [--from OFF] [--to OFF] [--save DIR] [--json OUT]

The file is the one tools/make_bad_mats.py starts its v7.3 fixtures from (Theta1 5x4,
Theta2 3x6, h5py with libver="earliest", a 512-byte MAT user block; 2864 bytes), or
--file. Bytes from the HDF5 superblock (offset 512) up to the end of the file are
flipped, one bit at a time, except the datasets' raw data (their addresses and sizes
come from h5py): HDF5 keeps no checksum on raw data, so a flip there is a changed value
no reader can see. Each copy is converted with a 30 s bound; outcomes:

  refused       exit 65/74, one stderr line naming the file, no output file
  identical     exit 0, and the model's tensors and metadata (except the source's name
                and SHA-256) are those of the unflipped file
  DIFFERENT     exit 0, but the model differs: a wrong model from damaged input
  CRASHED       killed by a signal (SIGSEGV, SIGILL, SIGABRT, ...)
  MULTILINE     more than one line on stderr (e.g. HDF5-DIAG output), whatever the exit
  TIMEOUT       still running after 30 s
  other         anything else (e.g. a refusal leaving an output file, exit 1)

Prints the counts and up to 20 examples of every class but 'refused' and 'identical';
--save DIR copies the flipped files of the bad classes there (named flip-v73-OFF-BIT.mat),
--json writes every outcome. Exits 1 when a crash, multi-line stderr or timeout was seen.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

BAD = ("CRASHED", "MULTILINE", "TIMEOUT", "DIFFERENT", "other")


def raw_ranges(path):
    """(start, end) file offsets of every dataset's raw data."""
    import h5py
    ranges = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                off = obj.id.get_offset()
                if off is not None:
                    ranges.append((off, off + obj.id.get_storage_size()))
        f.visititems(visit)
    return sorted(ranges)


def model_key(path):
    """What must match for two conversions to be the same model."""
    import theta_format
    m = theta_format.read(path)
    meta = {k: v for k, v in m.metadata.items()
            if k not in ("provenance.source_file", "provenance.source_sha256")}
    tensors = [(t.name, t.dtype, tuple(t.dims), t.data.tobytes()) for t in m.tensors]
    return repr(sorted(meta.items())), tensors


def run(theta, src, outdir, timeout=30):
    target = os.path.join(outdir, "model.theta")
    try:
        p = subprocess.run([theta, "convert", src, target], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "TIMEOUT", "", None
    err = p.stderr.decode("utf-8", "replace")
    lines = err.strip("\n").split("\n") if err.strip("\n") else []
    if p.returncode < 0:
        return "CRASHED", "signal %d (%s)" % (-p.returncode, signal.Signals(-p.returncode).name), None
    if len(lines) > 1:
        return "MULTILINE", "exit %d, %d lines: %r" % (p.returncode, len(lines), err[:300]), None
    if p.returncode == 0:
        return "converted", err.strip(), target
    left = os.listdir(outdir)
    if p.returncode in (65, 74) and len(lines) == 1 and src in lines[0] and not left:
        return "refused", lines[0], None
    return "other", "exit %d, stderr %r, left %r" % (p.returncode, err[:300], left), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--theta", default=os.path.join(ROOT, ".build", "debug", "theta"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--file", help="v7.3 file to flip (default: make_bad_mats.py's)")
    ap.add_argument("--from", dest="start", type=int, default=512)
    ap.add_argument("--to", dest="stop", type=int, default=None)
    ap.add_argument("--save", help="copy the flipped files of the bad classes here")
    ap.add_argument("--json", help="write every outcome here")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="scan-v73-")
    try:
        base = os.path.join(work, "base.mat")
        if args.file:
            shutil.copyfile(args.file, base)
        else:
            from make_bad_mats import v73_file
            v73_file(base)
        good = open(base, "rb").read()
        raw = raw_ranges(base)
        refdir = os.path.join(work, "ref")
        os.mkdir(refdir)
        kind, detail, target = run(args.theta, base, refdir)
        if kind != "converted":
            sys.exit("the unflipped file does not convert: %s %s" % (kind, detail))
        reference = model_key(target)

        stop = len(good) if args.stop is None else min(args.stop, len(good))
        offsets = [o for o in range(args.start, stop) if not any(a <= o < b for a, b in raw)]
        jobs = [(o, b) for o in offsets for b in range(8)]
        print("%s: %d bytes, raw data %s; flipping %d bits of %d bytes with %s"
              % ("--file " + args.file if args.file else "make_bad_mats v73_file", len(good), raw,
                 len(jobs), len(offsets), args.theta), flush=True)

        def one(job):
            off, bit = job
            d = os.path.join(work, "f%05d-%d" % (off, bit))
            os.mkdir(d)
            src = os.path.join(d, "flip-v73-%05d-%d.mat" % (off, bit))
            data = bytearray(good)
            data[off] ^= 1 << bit
            with open(src, "wb") as fh:
                fh.write(data)
            out = os.path.join(d, "out")
            os.mkdir(out)
            kind, detail, target = run(args.theta, src, out)
            if kind == "converted":
                try:
                    same = model_key(target) == reference
                except Exception as e:  # the model itself is unreadable
                    same, detail = False, "unreadable model: %s" % e
                kind = "identical" if same else "DIFFERENT"
            if kind in BAD and args.save:
                os.makedirs(args.save, exist_ok=True)
                shutil.copyfile(src, os.path.join(args.save, os.path.basename(src)))
            shutil.rmtree(d)
            return off, bit, kind, detail

        results = []
        counts = collections.Counter()
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for n, r in enumerate(pool.map(one, jobs), 1):
                results.append(r)
                counts[r[2]] += 1
                if n % 1024 == 0:
                    print("  %d/%d %s" % (n, len(jobs), dict(counts)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("outcomes of %d flips:" % len(results))
    for kind in ("refused", "identical") + BAD:
        print("  %-10s %6d" % (kind, counts[kind]))
    for kind in BAD:
        examples = [r for r in results if r[2] == kind][:20]
        if examples:
            print("%s examples:" % kind)
            for off, bit, _, detail in examples:
                print("  byte %5d bit %d: %s" % (off, bit, detail))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"counts": counts, "results": results}, fh, indent=0)
    return 1 if counts["CRASHED"] or counts["MULTILINE"] or counts["TIMEOUT"] else 0


if __name__ == "__main__":
    sys.exit(main())
