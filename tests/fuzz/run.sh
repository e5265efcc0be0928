#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (in build-fuzz/) and runs each for a
# bounded time, as many at once as there are cores. What CI runs:
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]      (default 30)
# Each target starts from a copy of its seeds (corpus/<target>/, so the repository is not
# changed) and its regressions/<target>/, with its dictionary. Exits 1 when a target crashed or
# broke an invariant, saying where the input was saved and how to keep it as a regression.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi

TARGETS=(telegram_webhook playground_webhook command_parser config)
# clang and its libFuzzer runtime, and what the libraries under test build from.
PACKAGES=(clang libclang-rt-14-dev cmake ninja-build ccache libboost-dev libssl-dev
          nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev pkg-config libpq-dev)

source deploy/install_missing.sh

install_missing "${PACKAGES[@]}"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLINLI_FUZZ=ON -DLINLI_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target linli_fuzzers --parallel "$(nproc)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
artifacts="build-fuzz/artifacts"  # outlives the run: crash inputs are saved here
mkdir -p "$artifacts"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

run_one() {
  local t="$1"
  mkdir -p "$work/$t/corpus"
  cp -r "tests/fuzz/corpus/$t/." "$work/$t/corpus/"
  local extra=()
  [ -d "tests/fuzz/regressions/$t" ] && extra+=("tests/fuzz/regressions/$t")
  [ -f "tests/fuzz/$t.dict" ] && extra+=("-dict=tests/fuzz/$t.dict")
  local rc=0
  # libFuzzer stops itself after -max_total_time; the outer timeout only guards against a hang
  # that its own -timeout would miss.
  timeout --kill-after=10 $((seconds + 60)) "build-fuzz/fuzz/fuzz_$t" "$work/$t/corpus" "${extra[@]}" \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$artifacts/$t-" -print_final_stats=1 >"$work/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$t.rc"
}

jobs_max="$(nproc)"
for t in "${TARGETS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  run_one "$t" &
done
wait

failed=0
for t in "${TARGETS[@]}"; do
  rc="$(cat "$work/$t.rc")"
  log="$work/$t.log"
  # "#N DONE cov: C ft: F corp: ... exec/s: E rss: R" and the seeds' "#N INITED cov: C ft: F".
  stats="$(grep -E '^#[0-9]+.*cov:' "$log" | tail -1 |
    sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+/\1 runs, /' || true)"
  seeds="$(grep -E '^#[0-9]+[[:space:]]+INITED' "$log" |
    sed -E 's/.*(cov: [0-9]+ ft: [0-9]+).*/\1/' || true)"
  [ -n "$seeds" ] && stats="$stats (seeds: $seeds)"
  if [ "$rc" -eq 0 ]; then
    echo "fuzz: $t ok: ${stats:-no stats}"
    continue
  fi
  failed=1
  echo "fuzz: $t FAILED (exit $rc): ${stats:-no stats}"
  # What broke, up to 60 lines (read whole: an early exit would fail the pipe under pipefail).
  sed -n '/fuzz invariant violated\|ERROR:\|runtime error/,$p' "$log" | sed -n '1,60s/^/  | /p'
  input="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
  if [ -n "$input" ]; then
    echo "fuzz: $t saved the input as $input"
    echo "  replay it:  build-fuzz/fuzz/fuzz_$t $input"
    echo "  keep it:    cp $input tests/fuzz/regressions/$t/<what_it_is>"
    echo "  then fix the code under test; fuzz_regression_tests replays every kept input."
  else
    tail -20 "$log" | sed 's/^/  | /'
  fi
done
exit "$failed"
