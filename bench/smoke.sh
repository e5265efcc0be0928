#!/usr/bin/env bash
# The CI smoke of bench/ (ctest label "slow"): every benchmark once with small counts, so that
# the harness, the workloads and their checks keep working. The figures are printed, never
# judged; a run fails only when its checks fail (a lost, duplicated, wrong or missing answer,
# a wrong stored-row count, an error of the fake API, a forged update accepted).
#
#   bench/smoke.sh cpp  LINLI_BIN LOADGEN_BIN   the C++ generator: sign-up, help, offered rate
#   bench/smoke.sh node LINLI_BIN [LOADGEN_BIN] loadgen.js on Linli (sign-up, help), the raw
#                                               Node.js peer, its self-tests, and the framework
#                                               peers if their packages are installed (or
#                                               `npm ci` can install them: SMOKE_NPM_CI=1)
# Exit 77 (skipped) when Node.js is missing for the node smoke.
# Free ports are picked here; every process is started by run.sh and stopped by its pid.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE="${1:?cpp or node}"
export LINLI_BIN="${2:?the linli binary}"
export LINLI_LOADGEN="${3:-}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A port nobody listens on now, below the kernel's ephemeral range (where outgoing
# connections take theirs, so a port free at the check could be taken before the bind) and
# away from the benchmark's defaults.
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
free_port() {
  local p i
  for i in $(seq 50); do
    p=$((20000 + RANDOM % (EPHEMERAL_LOW - 20000)))
    if ! port_open "$p" && [ "$p" != "${API_PORT:-}" ]; then echo "$p"; return 0; fi
  done
  return 1
}
API_PORT="$(free_port)" || exit 1
export API_PORT
WEBHOOK_PORT="$(free_port)" || exit 1
export WEBHOOK_PORT
export USERS="${SMOKE_USERS:-60}" WARMUP_USERS="${SMOKE_WARMUP:-10}" SCENARIO_TIMEOUT_S=120
export SCENARIO_DEADLINE_S=60 READY_TIMEOUT_S=30
OUT="$(mktemp -t bench-smoke.XXXXXX)"
trap 'rm -f -- "$OUT"' EXIT

failed=0
run() { # run.sh TARGET SCENARIO..., one RESULT line each, checked by run.sh's exit code
  if ! RESULTS_OUT="$OUT" "$HERE/run.sh" "$@"; then
    echo "smoke: run.sh $* failed" >&2
    failed=1
  fi
}

case "$MODE" in
  cpp)
    [ -x "$LINLI_LOADGEN" ] || { echo "smoke: no C++ load generator at '$LINLI_LOADGEN'" >&2; exit 1; }
    export LOADGEN=cpp
    run linli linli-signup-1k linli-help-1k
    # the offered-rate mode, short: 60 users at 400 updates/s
    RATE=400 run linli linli-rate-500
    ;;
  node)
    if ! command -v node >/dev/null; then echo "smoke: node is not installed: skipped" >&2; exit 77; fi
    export LOADGEN=node
    node --test "$HERE/test/" || failed=1
    run linli linli-signup-1k linli-help-1k
    run raw signup-1k
    if [ ! -d "$HERE/peers/node_modules" ] && [ -n "${SMOKE_NPM_CI:-}" ] && command -v npm >/dev/null; then
      # Offline or without a compiler, the framework peers are skipped, not failed.
      (cd "$HERE/peers" && timeout 600 npm ci --no-audit --no-fund) >&2 || echo "smoke: npm ci failed; framework peers skipped" >&2
    fi
    if [ -d "$HERE/peers/node_modules" ]; then
      run telegraf signup-1k
      run telegraf-sqlite signup-1k
      run grammy signup-1k
      run raw-sqlite signup-1k
    else
      echo "smoke: bench/peers/node_modules missing: framework peers skipped (cd bench/peers && npm ci)" >&2
    fi
    ;;
  *) echo "smoke: mode must be cpp or node" >&2; exit 2 ;;
esac
echo "smoke: $(wc -l <"$OUT") results, $([ "$failed" = 0 ] && echo all checks passed || echo FAILED)"
exit "$failed"
