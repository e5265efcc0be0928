#!/usr/bin/env bash
# Side-by-side bot benchmark on loopback.
#
#   bench/run.sh TARGET [SCENARIO ...]
#
# TARGET is one of the peer bots
#   raw | raw-sqlite                       no-framework reference (calibration)
#   grammy | grammy-session | grammy-file | grammy-session-file
#   telegraf | telegraf-sqlite
#   linli                                  the Linli binary (bench/linli/run-linli.sh),
#                                          scenarios default to $LINLI_SCENARIOS
#   linli-normal | linli-full              the same with SQLite synchronous forced to
#                                          NORMAL or FULL, whatever Linli's default is
# or any other string, which is run as a shell command for your own bot, e.g.
#   bench/run.sh './build/volunteer-bot'       (label it with TARGET_LABEL=cpp)
# SCENARIO defaults to: signup-1k signup-10k help-10k paced-1k
#
# For each scenario a fresh fake Telegram API (inside loadgen.js) and a fresh
# bot process are started, the load is run, one RESULT line is printed, and
# every process started here is stopped by its pid (the bot by its process
# group, which setsid makes equal to its pid). Everything is time-bounded.
# Environment knobs (defaults): API_PORT=18081 WEBHOOK_PORT=18443
# WEBHOOK_PATH=/webhook BOT_TOKEN WEBHOOK_SECRET MAX_CONN=40 WARMUP_USERS=300
# RESULTS_OUT=<file to append JSON lines to> SCENARIO_TIMEOUT_S=600
# KEEP_RUN_DIR=1 (keep logs/data of each scenario) TARGET_LABEL=<name>
# LOADGEN=node (loadgen.js, the default) or cpp (the C++ generator, linli-* scenarios only;
# LINLI_LOADGEN=<its binary>, default build/bench/linli-loadgen or build-bench/bench/linli-loadgen)

set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="${1:-}"
if [ -z "$TARGET" ]; then
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
shift
if [ "$#" -gt 0 ]; then SCENARIO_LIST="$*"
elif [[ "$TARGET" == linli* ]]; then SCENARIO_LIST="${LINLI_SCENARIOS:-linli-signup-1k linli-signup-10k linli-paced-1k linli-help-1k}"
else SCENARIO_LIST="${SCENARIOS:-signup-1k signup-10k help-10k paced-1k}"; fi

export API_PORT="${API_PORT:-18081}"
export WEBHOOK_PORT="${WEBHOOK_PORT:-18443}"
export WEBHOOK_PATH="${WEBHOOK_PATH:-/webhook}"
export BOT_TOKEN="${BOT_TOKEN:-7000000001:bench-AAHfakeTokenForLoopbackOnly}"
export WEBHOOK_SECRET="${WEBHOOK_SECRET:-bench-secret-2f6c1e}"
export BOT_API_ROOT="http://127.0.0.1:${API_PORT}"
export WEBHOOK_URL="http://127.0.0.1:${WEBHOOK_PORT}${WEBHOOK_PATH}"
SCENARIO_TIMEOUT_S="${SCENARIO_TIMEOUT_S:-600}"

case "${LOADGEN:-node}" in
  node) LG_CMD=(node "$HERE/loadgen.js") ;;
  cpp)
    LG_BIN="${LINLI_LOADGEN:-}"
    if [ -z "$LG_BIN" ]; then
      for c in "$HERE/../build/bench/linli-loadgen" "$HERE/../build-bench/bench/linli-loadgen"; do
        if [ -x "$c" ]; then LG_BIN="$c"; break; fi
      done
    fi
    if [ -z "$LG_BIN" ] || [ ! -x "$LG_BIN" ]; then
      echo "no C++ load generator: build it (cmake --build build --target linli-loadgen) or set LINLI_LOADGEN" >&2
      exit 2
    fi
    LG_CMD=("$LG_BIN") ;;
  *) echo "LOADGEN must be node or cpp" >&2; exit 2 ;;
esac

PEERS="$HERE/peers"
BOT_ENV=()
case "$TARGET" in
  raw)                 LABEL=raw;                 BOT_CMD="exec node '$PEERS/raw-bot.js'";      BOT_ENV=(BOT_STORE=memory) ;;
  raw-sqlite)          LABEL=raw-sqlite;          BOT_CMD="exec node '$PEERS/raw-bot.js'";      BOT_ENV=(BOT_STORE=sqlite) ;;
  grammy)              LABEL=grammy;              BOT_CMD="exec node '$PEERS/grammy-bot.js'";   BOT_ENV=(GRAMMY_STYLE=conversations BOT_STORE=memory) ;;
  grammy-session)      LABEL=grammy-session;      BOT_CMD="exec node '$PEERS/grammy-bot.js'";   BOT_ENV=(GRAMMY_STYLE=session BOT_STORE=memory) ;;
  grammy-file)         LABEL=grammy-file;         BOT_CMD="exec node '$PEERS/grammy-bot.js'";   BOT_ENV=(GRAMMY_STYLE=conversations BOT_STORE=file) ;;
  grammy-session-file) LABEL=grammy-session-file; BOT_CMD="exec node '$PEERS/grammy-bot.js'";   BOT_ENV=(GRAMMY_STYLE=session BOT_STORE=file) ;;
  telegraf)            LABEL=telegraf;            BOT_CMD="exec node '$PEERS/telegraf-bot.js'"; BOT_ENV=(BOT_STORE=memory) ;;
  telegraf-sqlite)     LABEL=telegraf-sqlite;     BOT_CMD="exec node '$PEERS/telegraf-bot.js'"; BOT_ENV=(BOT_STORE=sqlite) ;;
  linli)               LABEL=linli;               BOT_CMD="exec '$HERE/linli/run-linli.sh'" ;;
  linli-normal)        LABEL=linli-normal;        BOT_CMD="exec '$HERE/linli/run-linli.sh'";    BOT_ENV=(LINLI_SYNCHRONOUS=normal) ;;
  linli-full)          LABEL=linli-full;          BOT_CMD="exec '$HERE/linli/run-linli.sh'";    BOT_ENV=(LINLI_SYNCHRONOUS=full) ;;
  *)                   LABEL="${TARGET_LABEL:-custom}"; BOT_CMD="$TARGET" ;;
esac
LABEL="${TARGET_LABEL:-$LABEL}"

case "$BOT_CMD" in *"$PEERS"*)
  # The raw reference in memory needs no package; every other peer does.
  if [ "$TARGET" != raw ] && [ ! -d "$PEERS/node_modules" ]; then
    echo "peers/node_modules missing: run (cd bench/peers && npm ci)" >&2; exit 2
  fi ;;
esac
if [ "$(getconf CLK_TCK)" != "100" ]; then echo "warning: CLK_TCK is not 100; bot CPU seconds will be off" >&2; fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

LG_PID=""; BOT_PID=""; RUN_DIR=""
stop_pid() { # stop_pid PID [group]: TERM, wait up to 5 s, then KILL
  local pid="$1" grp="${2:-}" target i
  alive "$pid" || return 0
  if [ -n "$grp" ]; then target="-$pid"; else target="$pid"; fi
  kill -TERM -- "$target" 2>/dev/null
  for i in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL -- "$target" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  return 0
}
cleanup() {
  stop_pid "$BOT_PID" group; BOT_PID=""
  stop_pid "$LG_PID"; LG_PID=""
  if [ -n "$RUN_DIR" ] && [ -z "${KEEP_RUN_DIR:-}" ]; then rm -rf -- "$RUN_DIR"; fi
  RUN_DIR=""
}
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

echo "# target=$LABEL loadgen=${LOADGEN:-node} node=$(node --version 2>/dev/null || echo none) cpus=$(nproc) kernel=$(uname -r) date=$(date -u +%Y-%m-%dT%H:%M:%SZ) conns=${MAX_CONN:-40}"
FAILED=0
for SCEN in $SCENARIO_LIST; do
  for p in "$API_PORT" "$WEBHOOK_PORT"; do
    if port_open "$p"; then echo "port $p on 127.0.0.1 is busy; set API_PORT/WEBHOOK_PORT" >&2; exit 2; fi
  done
  RUN_DIR="$(mktemp -d -t botbench.XXXXXX)"
  mkdir -p "$RUN_DIR/data"

  BOT_DATA_DIR="$RUN_DIR/data" timeout --kill-after=5 "$SCENARIO_TIMEOUT_S" "${LG_CMD[@]}" \
    --scenario "$SCEN" --label "$LABEL" --bot-pid-file "$RUN_DIR/bot.pid" \
    ${RESULTS_OUT:+--out "$RESULTS_OUT"} >"$RUN_DIR/loadgen.out" 2>"$RUN_DIR/loadgen.err" &
  LG_PID=$!

  ok=0
  for i in $(seq 150); do
    if port_open "$API_PORT"; then ok=1; break; fi
    alive "$LG_PID" || break
    sleep 0.1
  done
  if [ "$ok" != 1 ]; then
    echo "RESULT target=$LABEL scenario=$SCEN error=fake-api-did-not-start ok=0"; cat "$RUN_DIR/loadgen.err" >&2
    FAILED=1; cleanup; continue
  fi

  (BOT_DATA_DIR="$RUN_DIR/data" exec env "${BOT_ENV[@]}" setsid bash -c "$BOT_CMD") >"$RUN_DIR/bot.log" 2>&1 &
  BOT_PID=$!
  echo "$BOT_PID" >"$RUN_DIR/bot.pid"

  wait "$LG_PID"; rc=$?
  LG_PID=""
  if grep -q '^RESULT' "$RUN_DIR/loadgen.out"; then
    grep '^RESULT' "$RUN_DIR/loadgen.out"
  else
    echo "RESULT target=$LABEL scenario=$SCEN error=loadgen-exit-$rc ok=0"
  fi
  if [ "$rc" != 0 ]; then
    FAILED=1
    echo "--- loadgen log ($SCEN)" >&2; tail -n 20 "$RUN_DIR/loadgen.err" >&2
    echo "--- bot log ($SCEN)" >&2; tail -n 20 "$RUN_DIR/bot.log" >&2
  fi
  if ! alive "$BOT_PID"; then echo "note: bot exited before the end of $SCEN" >&2; fi
  if [ -n "${KEEP_RUN_DIR:-}" ]; then echo "# kept $RUN_DIR" >&2; fi
  cleanup
done
exit "$FAILED"
