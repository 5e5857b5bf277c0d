"""Writes that cannot lose data (issue 6).

- kill -9 at random moments: `theta convert --force` and `theta export --force` (.h5)
  replacing an existing valid output are killed many times at a random moment during
  their run; the target is always either the old file or a complete new one, never
  partial or a mix. A later successful run leaves no `.NAME.tmp-PID-N` file behind
  (SafeFile removes temporaries of writers that no longer exist).
- a read-only directory (read-only bind mount, else chattr +i) and a full disk (a
  64 KiB tmpfs) give one error line naming the target, exit 74, the old file intact and
  no temporary; skipped loudly when the mount/chattr is impossible.
- theta never writes over one of its own inputs: `convert IN IN --force` (also through
  another path, a hard link and a symbolic link) exits 73 and leaves IN as it was.

THETA_BIN names the binary (default <repo>/.build/debug/theta); the test fails if it is absent.
"""

import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import FIXTURES, ROOT

THETA = os.environ.get("THETA_BIN", os.path.join(ROOT, ".build", "debug", "theta"))
OLD_MAT = os.path.join(FIXTURES, "tiny-weights.mat")
NEW_MAT = os.path.join(FIXTURES, "digits20-weights.mat")
KILLS = 150


def theta(*args, check=True):
    r = subprocess.run([THETA, *map(str, args)], capture_output=True, text=True, timeout=30)
    if check:
        assert r.returncode == 0, "theta %s: exit %d: %s" % (" ".join(map(str, args)), r.returncode, r.stderr)
    return r


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def temporaries(directory):
    return sorted(n for n in os.listdir(directory) if ".tmp-" in n and n.startswith("."))


def loud_skip(reason):
    sys.stderr.write("\n*** SKIPPED: %s ***\n" % reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    assert os.path.exists(THETA), "theta binary not found at %s (set THETA_BIN)" % THETA
    d = tmp_path_factory.mktemp("models")
    old, new = d / "old.theta", d / "new.theta"
    theta("convert", OLD_MAT, old)
    theta("convert", NEW_MAT, new)
    theta("export", old, d / "old.h5")
    theta("export", new, d / "new.h5")
    return d


def kill_loop(cmd, target, old_bytes, is_complete_new, rng):
    """Runs cmd KILLS times, killing it with SIGKILL after a random delay, restoring
    `target` to old_bytes before each run. Returns (old, new, killed, stale temps seen)."""
    # The delay spans the whole uninterrupted run, so kills land in every phase.
    start = time.monotonic()
    subprocess.run(cmd, capture_output=True, check=True)
    span = max(0.030, 1.2 * (time.monotonic() - start))
    counts = {"old": 0, "new": 0, "killed": 0, "stale": 0}
    directory = os.path.dirname(target)
    for i in range(KILLS):
        with open(target, "wb") as fh:
            fh.write(old_bytes)
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, span))
        p.send_signal(signal.SIGKILL)
        rc = p.wait()
        if rc == -signal.SIGKILL:
            counts["killed"] += 1
        else:
            assert rc == 0, "run %d: %s exited %d" % (i, cmd, rc)
        got = read(target)
        if got == old_bytes:
            counts["old"] += 1
        else:
            assert is_complete_new(got), "run %d: %s is neither the old file nor a complete new one " \
                "(%d bytes) after kill -9" % (i, target, len(got))
            counts["new"] += 1
        counts["stale"] += bool(temporaries(directory))
    return counts


def check_cleanup(cmd, directory):
    subprocess.run(cmd, capture_output=True, check=True)
    assert temporaries(directory) == [], "stale temporaries left: %r" % temporaries(directory)


def test_convert_killed_at_random(models, tmp_path):
    target = tmp_path / "model.theta"
    old, new = read(models / "old.theta"), read(models / "new.theta")
    assert old != new
    cmd = [THETA, "convert", NEW_MAT, str(target), "--force"]
    counts = kill_loop(cmd, str(target), old, lambda b: b == new, random.Random(61))
    sys.stderr.write("convert kill -9: %r\n" % counts)
    assert counts["killed"] >= KILLS // 4, counts
    check_cleanup(cmd, str(tmp_path))
    assert read(target) == new
    theta("verify", target)


def test_export_h5_killed_at_random(models, tmp_path):
    target = tmp_path / "model.h5"
    old = read(models / "old.h5")
    new_theta = read(models / "new.theta")
    check = tmp_path.parent / (tmp_path.name + "-check")
    check.mkdir()

    def is_complete_new(data):
        # HDF5 files hold timestamps, so compare what they import to.
        with open(check / "got.h5", "wb") as fh:
            fh.write(data)
        r = theta("convert", check / "got.h5", check / "got.theta", "--force", check=False)
        return r.returncode == 0 and read(check / "got.theta") == new_theta

    cmd = [THETA, "export", str(models / "new.theta"), str(target), "--force"]
    counts = kill_loop(cmd, str(target), old, is_complete_new, random.Random(62))
    sys.stderr.write("export kill -9: %r\n" % counts)
    assert counts["killed"] >= KILLS // 4, counts
    check_cleanup(cmd, str(tmp_path))
    assert is_complete_new(read(target))


def test_stale_temporary_of_dead_writer_is_removed(models, tmp_path):
    target = tmp_path / "model.theta"
    shutil.copyfile(models / "old.theta", target)
    # A PID that exists no longer: a child we started and reaped.
    p = subprocess.Popen(["true"])
    p.wait()
    stale = tmp_path / (".model.theta.tmp-%d-1" % p.pid)
    stale.write_bytes(b"partial")
    alive = tmp_path / (".model.theta.tmp-%d-1" % os.getpid())  # a live writer's: kept
    alive.write_bytes(b"in progress")
    other = tmp_path / (".other.theta.tmp-%d-1" % p.pid)          # another target's: kept
    other.write_bytes(b"x")
    theta("convert", NEW_MAT, target, "--force")
    assert not stale.exists()
    assert alive.exists() and other.exists()
    assert read(target) == read(models / "new.theta")


def _refused_write(target, old_bytes):
    r = theta("convert", NEW_MAT, target, "--force", check=False)
    lines = r.stderr.strip("\n").split("\n")
    assert r.returncode == 74, "exit %d: %s" % (r.returncode, r.stderr)
    assert len(lines) == 1 and str(target) in lines[0], r.stderr
    assert read(target) == old_bytes
    assert temporaries(os.path.dirname(target)) == []
    return lines[0]


def test_read_only_directory(models, tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    target = d / "model.theta"
    shutil.copyfile(models / "old.theta", target)
    old = read(target)
    how = None
    if subprocess.run(["mount", "--bind", str(d), str(d)], capture_output=True).returncode == 0:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(d)], capture_output=True).returncode == 0:
            how = "bind"
        else:
            subprocess.run(["umount", str(d)], capture_output=True)
    if how is None and subprocess.run(["chattr", "+i", str(d)], capture_output=True).returncode == 0:
        how = "chattr"
    if how is None:
        loud_skip("cannot make a read-only directory (no read-only bind mount, no chattr +i): "
                  "the read-only-directory check was NOT run")
    try:
        line = _refused_write(target, old)
        assert "Read-only file system" in line or "Operation not permitted" in line, line
    finally:
        if how == "bind":
            subprocess.run(["umount", str(d)], check=True)
        else:
            subprocess.run(["chattr", "-i", str(d)], check=True)


def test_full_disk(models, tmp_path):
    d = tmp_path / "full"
    d.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(d)],
                      capture_output=True).returncode != 0:
        loud_skip("cannot mount a tiny tmpfs: the full-disk check was NOT run")
    try:
        target = d / "model.theta"
        shutil.copyfile(models / "old.theta", target)
        old = read(target)
        assert os.path.getsize(models / "new.theta") > 64 * 1024  # cannot fit
        line = _refused_write(target, old)
        assert "No space left on device" in line, line
    finally:
        subprocess.run(["umount", str(d)], check=True)


def test_never_overwrites_own_input(tmp_path):
    assert os.path.exists(THETA), "theta binary not found at %s (set THETA_BIN)" % THETA
    src = tmp_path / "w.mat"
    shutil.copyfile(NEW_MAT, src)
    before = read(src)
    os.link(src, tmp_path / "hard.mat")
    os.symlink(src, tmp_path / "soft.mat")
    for out in (src, tmp_path / "." / "w.mat", tmp_path / "hard.mat", tmp_path / "soft.mat"):
        r = theta("convert", src, out, "--force", check=False)
        assert r.returncode == 73, "convert %s %s: exit %d %s" % (src, out, r.returncode, r.stderr)
        assert len(r.stderr.strip().split("\n")) == 1, r.stderr
        assert read(src) == before
    model = tmp_path / "m.theta"
    theta("convert", src, model)
    mbytes = read(model)
    r = theta("export", model, model, "--format", "hdf5", "--force", check=False)
    assert r.returncode == 73, r.stderr
    assert read(model) == mbytes
    assert temporaries(tmp_path) == []
