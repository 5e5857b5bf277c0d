#!/bin/sh
# Regenerate every committed fixture under Fixtures/ (deterministic: a rerun
# gives byte-identical files with the pinned tools/requirements.txt).
# Run from anywhere; uses the repository's .venv.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-"$ROOT/.venv/bin/python"}
cd "$ROOT"

# digits20 (Fixtures/digits20.mat), checks sum and label counts
"$PY" tools/make_digits.py
# seed CG training on digits20 -> Fixtures/digits20-weights.mat; tiny-weights.mat, tiny-data.{csv,mat}
"$PY" tools/train_reference.py

# MAT variants:
"$PY" tools/make_mat_fixtures.py
# golden and invalid .theta files
"$PY" tools/make_golden_models.py
# hostile MAT files
"$PY" tools/make_bad_mats.py
