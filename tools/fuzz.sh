#!/bin/sh
# Runs libFuzzer targets built by `make fuzz-build` (Fuzz/, Docs/FUZZING.md), all at
# once, each for SECONDS of wall time, and says for each what it found.
#
#   tools/fuzz.sh SECONDS TARGET...        e.g. tools/fuzz.sh 20 theta onnx
#
# TARGET is a name of Fuzz/Sources/fuzz-TARGET. For each target:
#   working corpus  $FUZZ_OUT/corpus/TARGET   (kept between runs; new inputs go here)
#   seeds           Fuzz/corpus/TARGET, Fuzz/regressions/TARGET (read, never written)
#   crash artifacts $FUZZ_OUT/artifacts/TARGET/ (crash-*, leak-*, timeout-*, oom-*)
#   log             $FUZZ_OUT/logs/TARGET.log
# Environment: FUZZ_BIN (default .build-fuzz/release), FUZZ_OUT (default out/fuzz),
# FUZZ_NICE (a niceness, e.g. 19, for long runs), FUZZ_FRESH=1 to start from an
# empty working corpus (the smoke run), FUZZ_EXTRA (more libFuzzer flags).
# Exit status: 0 when every target ran its time without a crash, leak, timeout or
# out-of-memory, else 1.
set -u
[ $# -ge 2 ] || { echo "usage: tools/fuzz.sh SECONDS TARGET..." >&2; exit 64; }
SECONDS_EACH=$1
shift
BIN=${FUZZ_BIN:-.build-fuzz/release}
OUTDIR=${FUZZ_OUT:-out/fuzz}
# Swift's own crash backtracer would hold a crashing target for up to 30 s and is
# not needed: ASan and libFuzzer print the stack. Leak detection on; a small ASan
# quarantine so that -rss_limit_mb measures the reader, not ASan's freed-memory cache.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16:malloc_context_size=30:symbolize=1}

dict_for() {
  case $1 in
    theta) echo Fuzz/dict/theta.dict ;;
    csv-dataset | csv-model) echo Fuzz/dict/csv.dict ;;
    safetensors) echo Fuzz/dict/safetensors.dict ;;
    onnx) echo Fuzz/dict/onnx.dict ;;
  esac
}

pids=""
for t in "$@"; do
  exe=$BIN/fuzz-$t
  [ -x "$exe" ] || { echo "tools/fuzz.sh: $exe is not built (make fuzz-build)" >&2; exit 1; }
  corpus=$OUTDIR/corpus/$t
  [ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$corpus"
  mkdir -p "$corpus" "$OUTDIR/artifacts/$t" "$OUTDIR/logs" "Fuzz/regressions/$t"
  dict=$(dict_for "$t")
  # shellcheck disable=SC2086
  ${FUZZ_NICE:+nice -n "$FUZZ_NICE"} "$exe" "$corpus" "Fuzz/corpus/$t" "Fuzz/regressions/$t" \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=200 -timeout=5 \
    -artifact_prefix="$OUTDIR/artifacts/$t/" ${dict:+-dict=$dict} -print_final_stats=1 \
    ${FUZZ_EXTRA:-} > "$OUTDIR/logs/$t.log" 2>&1 &
  pids="$pids $!:$t"
done

status=0
for p in $pids; do
  pid=${p%%:*}
  t=${p#*:}
  wait "$pid"
  rc=$?
  log=$OUTDIR/logs/$t.log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  found=$(grep -E '^(SUMMARY|==[0-9]+== ?ERROR|FUZZ PROPERTY FAILED)' "$log" | head -n 1)
  if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
    echo "fuzz-$t: OK, ${runs:-?} executions (${rate:-?}/s) in ${SECONDS_EACH}s, log $log"
  else
    status=1
    echo "fuzz-$t: FAILED (exit $rc) ${found:-} — log $log, artifacts $OUTDIR/artifacts/$t/"
  fi
done
exit $status
