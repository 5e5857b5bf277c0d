#!/bin/sh
# Makes the seed corpora of the fuzz targets, Fuzz/corpus/TARGET/, from the golden
# fixtures (Fixtures/models/v1, Fixtures/tiny-data.csv) and from `theta export` of
# the tiny golden models. Deterministic: running it again writes the same bytes.
#
#   THETA_BIN=.build/debug/theta tools/make_fuzz_corpus.sh [OUTDIR]   (default Fuzz/corpus)
#
# Every seed is small (under 1 KiB, except the few exports of about 1–2 KiB), so
# that the fuzzers start fast; the course-shape model (83 KB) is left out on purpose.
set -eu
THETA=${THETA_BIN:-.build/debug/theta}
OUT=${1:-Fuzz/corpus}
V1=Fixtures/models/v1
[ -x "$THETA" ] || { echo "make_fuzz_corpus.sh: $THETA is not built (set THETA_BIN)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

rm -rf "$OUT/theta" "$OUT/csv-dataset" "$OUT/csv-model" "$OUT/safetensors" "$OUT/onnx"
mkdir -p "$OUT/theta" "$OUT/csv-dataset" "$OUT/csv-model" "$OUT/safetensors" "$OUT/onnx"

# .theta: the tiny golden models, every file a reader must refuse, the future minor version.
cp "$V1"/tiny-f64.theta "$V1"/tiny-f32.theta "$V1"/bad/*.theta "$V1"/future/*.theta "$OUT/theta/"

# Exports of the tiny golden models.
for m in tiny-f64 tiny-f32; do
  "$THETA" export "$V1/$m.theta" "$OUT/safetensors/$m.safetensors" --force > /dev/null
  "$THETA" export "$V1/$m.theta" "$OUT/onnx/$m.onnx" --force > /dev/null
  "$THETA" export "$V1/$m.theta" "$WORK/$m.csv" --force > /dev/null
  "$THETA" export "$V1/$m.theta" "$WORK/$m-unrolled.csv" --layout unrolled --force > /dev/null
  # fuzz-csv-model's input: the files of one export joined by NUL bytes, the sidecar
  # first (empty for none), then THETA1 (or the unrolled column), THETA2, …
  { cat "$WORK/$m.meta.csv"; printf '\0'; cat "$WORK/$m.Theta1.csv"; printf '\0'; cat "$WORK/$m.Theta2.csv"; } \
    > "$OUT/csv-model/$m-matrices"
  { cat "$WORK/$m-unrolled.meta.csv"; printf '\0'; cat "$WORK/$m-unrolled.csv"; } > "$OUT/csv-model/$m-unrolled"
  { printf '\0'; cat "$WORK/$m.Theta1.csv"; printf '\0'; cat "$WORK/$m.Theta2.csv"; } > "$OUT/csv-model/$m-no-sidecar"
done

# Example CSV: the fixture, and the accepted spellings of Dataset.csv's documentation.
cp Fixtures/tiny-data.csv "$OUT/csv-dataset/"
printf '1.5,-2,3e-05,.5,1.,+7\r\n-0.0,0,1e308,4.9e-324,2.2250738585072014e-308,9007199254740993\r\n' \
  > "$OUT/csv-dataset/spellings.csv"
printf '\357\273\277 1 ,\t2\t,3\n4,5,6\n\n \n' > "$OUT/csv-dataset/bom-blanks.csv"
printf '0.1000000000000000055511151231257827,123456789012345678901234567890e-30,1\n7e22,1e23,2\n' \
  > "$OUT/csv-dataset/long-digits.csv"
printf '1,2\n3,nan\n' > "$OUT/csv-dataset/nan.csv"

ls "$OUT"/* | wc -l | xargs echo "make_fuzz_corpus.sh: seeds written under $OUT:"
