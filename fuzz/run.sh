#!/usr/bin/env bash
# Runs every fuzzer in fuzz/ over its seeds (fuzz/make_seeds.py) and regression inputs.
#   [FUZZERS="results_fuzzer"] fuzz/run.sh BUILD SECONDS [brief]
# Each fuzzer first runs every input in fuzz/regressions/<fuzzer>/ once (crashes found before and
# fixed, kept so they stay fixed), then mutates for SECONDS in a child process that libFuzzer
# restarts after a crash, so one run collects every crash it meets in BUILD/crashes/<fuzzer>/.
# Each crash is then replayed alone: one whose report starts inside libhdf5 is a memory error of
# HDF5 1.10 itself, which read_results contains by reading in a child process first, and one that
# no longer crashes needed HDF5's state from earlier inputs (both listed, not failures); any other
# ends the run with an error. `brief` (make test) keeps new inputs in a
# throw-away folder; otherwise (make fuzz) they grow BUILD/corpus/<fuzzer>.
set -euo pipefail

build=$1 seconds=$2 mode=${3:-full}
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/logs"

# Where a crashing input crashes when replayed alone: "hdf5" when the first frame of the report
# that is not the sanitizers', libFuzzer's, libc's or an allocation function's lies in libhdf5,
# "none" when it no longer crashes (a crash that needed HDF5's state from earlier inputs of the
# same process), "leapsim" otherwise.
where_it_crashes() {
  local report
  report=$(timeout 120 "$1" -timeout=10 -rss_limit_mb=2048 "$2" 2>&1) && { echo none; return; }
  if grep -E '^ +#[0-9]+ ' <<<"$report" |
    grep -vE '__sanitizer|__asan|__ubsan|__lsan|__interceptor|fuzzer::|libc\.so|sysdeps/|__mem(cpy|move|set)| in (malloc|calloc|realloc|free|memcpy|memmove|memset|operator new)' |
    head -n 1 | grep -q libhdf5; then
    echo hdf5
  else
    echo leapsim
  fi
}

status=0
for fuzzer in ${FUZZERS:-scenario_fuzzer results_fuzzer}; do
  binary=$build/fuzz/$fuzzer
  regressions=$root/fuzz/regressions/$fuzzer
  if compgen -G "$regressions/*" >/dev/null; then
    "$binary" "$regressions"/* >"$build/logs/$fuzzer-regressions.log" 2>&1 ||
      { cat "$build/logs/$fuzzer-regressions.log" >&2; echo "fuzz: $fuzzer fails on a regression input" >&2; exit 1; }
  fi
  if [ "$mode" = brief ]; then
    corpus=$(mktemp -d)
  else
    corpus=$build/corpus/$fuzzer
    mkdir -p "$corpus"
  fi
  crashes=$build/crashes/$fuzzer
  [ "$mode" = brief ] && crashes=$build/crashes-brief/$fuzzer
  rm -rf "$crashes" && mkdir -p "$crashes"
  echo "fuzz: $fuzzer for ${seconds}s (log: $build/logs/$fuzzer.log)"
  "$binary" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$crashes/" "$corpus" "$build/seeds/$fuzzer" >"$build/logs/$fuzzer.log" 2>&1 || true
  grep -E '^#[0-9]+: cov' "$build/logs/$fuzzer.log" | tail -n 1 | sed 's/^/  last: /' || true
  if [ "$mode" = brief ]; then rm -rf "$corpus"; fi
  for input in "$crashes"/*; do
    [ -e "$input" ] || continue
    case $(where_it_crashes "$binary" "$input") in
      hdf5) echo "  inside HDF5 1.10 (read_results contains it in a child process): $input" ;;
      none) echo "  does not crash when replayed alone (HDF5 state from earlier inputs): $input" ;;
      *)
        echo "fuzz: $fuzzer: a crash in LeapSim's code: $input (replay: $binary $input)" >&2
        status=1
        ;;
    esac
  done
done
exit $status
