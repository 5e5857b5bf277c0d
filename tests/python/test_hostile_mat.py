"""MAT files from strangers (issue 6): every file in Fixtures/bad/ (made by
tools/make_bad_mats.py) is refused cleanly.

For each file:
  theta convert FILE OUT.theta  exits 65 or 74, writes exactly one stderr line naming
                                FILE, leaves the output directory empty (no model, no
                                temporary), is not killed by a signal, and stays under
                                1 s wall time and 100 MB max RSS (GNU time's %M);
  theta inspect FILE            is not killed by a signal, stays within the same bounds,
                                and either exits non-zero with one stderr line or exits 0.

The v73-crash-* files crashed libhdf5 inside theta before v7.3 files were read in a
separate process (tools/scan_v73_flips.py found them); they must now be refused like
the rest.

THETA_BIN names the binary (default <repo>/.build/debug/theta); the test fails if it
is absent.
"""

import glob
import os
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import FIXTURES, ROOT

THETA = os.environ.get("THETA_BIN", os.path.join(ROOT, ".build", "debug", "theta"))
BAD = sorted(glob.glob(os.path.join(FIXTURES, "bad", "*.mat")))
MAX_SECONDS = 1.0
MAX_RSS_KB = 100 * 1024


TIME = "/usr/bin/time"
_rss_warned = []


def run_measured(args):
    """Runs args; returns (returncode, stdout, stderr, wall seconds, max RSS in KiB or None).

    The RSS comes from GNU time (`/usr/bin/time -f %M`), which forks theta from its own
    small process: a child forked from this (large) Python process and then exec'd
    inherits Python's high-water RSS in its rusage, so wait4/getrusage would overstate it.
    """
    timed = os.path.exists(TIME)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        cmd = [TIME, "-f", "%M", "-o", rss_file.name, *args] if timed else args
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError("%s: still running after 30 s" % args)
        wall = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        rc = p.returncode
        rss = None
        if timed:
            text = open(rss_file.name).read().strip().splitlines()
            # GNU time reports a signal as "Command terminated by signal N" before %M.
            for line in text:
                if line.startswith("Command terminated by signal"):
                    rc = -int(line.split()[-1])
            if text and text[-1].isdigit():
                rss = int(text[-1])
        elif not _rss_warned:
            _rss_warned.append(True)
            sys.stderr.write("\n*** %s absent: max RSS NOT checked (install Debian's 'time') ***\n" % TIME)
        return rc, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), wall, rss


def test_binary_and_corpus_present():
    assert os.path.exists(THETA), "theta binary not found at %s (set THETA_BIN)" % THETA
    assert len(BAD) >= 100, "Fixtures/bad/ holds %d files; run tools/make_bad_mats.py" % len(BAD)
    assert sum(os.path.getsize(f) for f in BAD) < 1 << 20


def _ids():
    return [os.path.basename(f) for f in BAD]


@pytest.mark.parametrize("path", BAD, ids=_ids())
def test_convert_refuses(path, tmp_path):
    assert os.path.exists(THETA), "theta binary not found at %s (set THETA_BIN)" % THETA
    out = tmp_path / "out"
    out.mkdir()
    target = out / "model.theta"
    rc, _, err, wall, rss = run_measured([THETA, "convert", path, str(target)])
    assert rc >= 0, "%s: killed by signal %d" % (path, -rc)
    assert rc in (65, 74), "%s: exit %d, stderr %r" % (path, rc, err)
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0], "%s: expected one stderr line, got %r" % (path, err)
    assert path in lines[0], "%s: the error line does not name the file: %r" % (path, lines[0])
    assert os.listdir(out) == [], "%s: left %r in the output directory" % (path, os.listdir(out))
    assert wall < MAX_SECONDS, "%s: took %.2f s" % (path, wall)
    assert rss is None or rss < MAX_RSS_KB, "%s: max RSS %d KiB" % (path, rss)


@pytest.mark.parametrize("path", BAD, ids=_ids())
def test_inspect_survives(path):
    assert os.path.exists(THETA), "theta binary not found at %s (set THETA_BIN)" % THETA
    rc, out, err, wall, rss = run_measured([THETA, "inspect", path])
    assert rc >= 0, "%s: killed by signal %d" % (path, -rc)
    if rc != 0:
        lines = err.strip("\n").split("\n")
        assert rc in (65, 74), "%s: exit %d, stderr %r" % (path, rc, err)
        assert len(lines) == 1 and path in lines[0], "%s: expected one line naming it, got %r" % (path, err)
    assert wall < MAX_SECONDS, "%s: took %.2f s" % (path, wall)
    assert rss is None or rss < MAX_RSS_KB, "%s: max RSS %d KiB" % (path, rss)


def test_large_zlib_bomb_stays_under_100_mb(tmp_path):
    """A 128 MB zlib bomb (an miMATRIX tag claiming 128 MB, then zeros, in 128 KB) is refused
    from its first inflated bytes (the array flags are missing), not after inflating it all
    (which used to peak near 165 MB; Docs/MAT.md, "Hostile inputs")."""
    assert os.path.exists(THETA), "theta binary not found at %s (set THETA_BIN)" % THETA
    if not os.path.exists(TIME):
        pytest.skip("%s absent: cannot measure RSS" % TIME)
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from make_bad_mats import zlib_bomb
    bomb = tmp_path / "bomb128.mat"
    bomb.write_bytes(zlib_bomb(128))
    rc, _, err, wall, rss = run_measured([THETA, "convert", str(bomb), str(tmp_path / "out.theta")])
    assert rc == 65, err
    assert len(err.strip("\n").split("\n")) == 1 and str(bomb) in err, err
    assert rss < MAX_RSS_KB, "max RSS %d KiB" % rss
    assert wall < MAX_SECONDS, "took %.2f s" % wall
