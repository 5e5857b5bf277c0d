"""Theta's C kernels give the same bits in every build the loader may pick.

CKernels (the sigmoid) and CTrainingKernels (logarithm, cross-entropy, sums, dot
products) are built with `target_clones("avx512f", "avx2", "default")`, and the
dynamic loader picks the copy for the CPU; the documents promise that every copy
rounds each operation on its own and sums in a fixed order, so that a model
trained or a prediction made on one x86-64 machine has the same bits as on
another with the same BLAS. The machine running the tests uses one copy only, so
this compiles the kernels' sources once per instruction-set level with the
attribute removed (`tests/c/kernel_builds.c` drives them) and compares the
hashes of their results. Levels the CPU cannot run are skipped, loudly.
"""

import os
import platform
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

SOURCES = [os.path.join(ROOT, "Sources", "CKernels", "sigmoid.c"),
           os.path.join(ROOT, "Sources", "CTrainingKernels", "kernels.c"),
           os.path.join(ROOT, "Sources", "CTrainingKernels", "log.c")]
INCLUDES = [os.path.join(ROOT, "Sources", "CKernels", "include"),
            os.path.join(ROOT, "Sources", "CTrainingKernels", "include")]
# The loader's three copies: baseline, AVX2 (+FMA), AVX-512.
LEVELS = {"x86-64": set(), "x86-64-v3": {"avx2", "fma"}, "x86-64-v4": {"avx512f"}}
CLONES = '__attribute__((target_clones("avx512f", "avx2", "default")))'


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the kernels' copies are x86-64 instruction sets")
def test_every_build_gives_the_same_bits(tmp_path, capsys):
    compiler = shutil.which("clang") or shutil.which("cc")
    assert compiler, "no C compiler (clang ships with the Swift toolchain)"
    sources = []
    for path in SOURCES:
        text = open(path).read()
        assert CLONES in text, "%s no longer uses target_clones: update this test" % path
        copy = tmp_path / os.path.basename(path)
        copy.write_text(text.replace(CLONES, ""))
        sources.append(str(copy))
    flags = cpu_flags()
    hashes, skipped = {}, []
    for level, needs in LEVELS.items():
        if not needs <= flags:
            skipped.append(level)
            continue
        binary = str(tmp_path / ("kernels-" + level))
        cmd = [compiler, "-O2", "-march=" + level, "-o", binary,
               os.path.join(ROOT, "tests", "c", "kernel_builds.c")] + sources
        cmd += ["-I" + d for d in INCLUDES] + ["-lm"]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        out = subprocess.run([binary], check=True, capture_output=True, text=True).stdout.strip()
        assert re.fullmatch(r"[0-9a-f]{16}", out), out
        hashes[level] = out
    if skipped:
        with capsys.disabled():
            print("\nSKIPPED kernel builds this CPU cannot run: %s" % ", ".join(skipped))
    if len(hashes) < 2:
        pytest.skip("SKIPPED: this CPU runs only the baseline build, so there is nothing to compare")
    assert len(set(hashes.values())) == 1, hashes
