#!/usr/bin/env bash
# Linli side by side with the peers, in ONE invocation, round-robin:
#
#   ROUNDS=3 bench/linli/compare.sh
#
# Each round runs, in this order:
#   linli-normal     linli-signup-10k linli-paced-1k   (Linli's own 7-step sign-up,
#   linli-full                                          SQLite synchronous NORMAL and FULL)
#   telegraf         signup-10k paced-1k               (the harness's 4-step sign-up)
#   telegraf-sqlite  signup-10k paced-1k
#   raw-sqlite       signup-10k paced-1k
#   grammy           signup-10k paced-1k
# and logs the machine load (uptime) and the busiest other processes at the
# start of each round and before each target. JSON lines go to OUT, the log
# next to it; the medians table is printed at the end (summarize-linli.js).
# env: ROUNDS=3 OUT=bench/results/linli-<utc time>.jsonl
#      TARGETS="linli-normal linli-full telegraf telegraf-sqlite raw-sqlite grammy"
#      LINLI_SCENARIOS="linli-signup-10k linli-paced-1k" PEER_SCENARIOS="signup-10k paced-1k"
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
TARGETS="${TARGETS:-linli-normal linli-full telegraf telegraf-sqlite raw-sqlite grammy}"
LINLI_SCENARIOS="${LINLI_SCENARIOS:-linli-signup-10k linli-paced-1k}"
PEER_SCENARIOS="${PEER_SCENARIOS:-signup-10k paced-1k}"
mkdir -p "$BENCH/results"
OUT="${OUT:-$BENCH/results/linli-$(date -u +%Y%m%dT%H%M%SZ).jsonl}"
LOG="${OUT%.jsonl}.log"

others() { # the five busiest processes over the last 2 s that are not this run's
  top -b -n 2 -d 2 -w 200 2>/dev/null | awk '/^top -/{n++} n==2' | sed -n '8,12p' |
    while read -r pid _ _ _ _ _ _ _ cpu _; do
      printf '   %5s%% pid %s %s\n' "$cpu" "$pid" "$(ps -o args= -p "$pid" 2>/dev/null | cut -c1-110)"
    done
}
note_load() {
  echo "# $1 $(date -u +%H:%M:%SZ) uptime:$(uptime | sed 's/^.*load average/ load average/')" | tee -a "$LOG"
  others | tee -a "$LOG"
}

# The binary another process builds may be relinked (briefly absent) while we
# run: use a checked copy (stable-bin.sh).
LINLI_BIN="$("$HERE/stable-bin.sh")" || exit 2
export LINLI_BIN

# Paths in the log are the repository's own, not this machine's.
REPO="$(cd "$BENCH/.." && pwd)"
rel() { echo "${1#"$REPO"/}"; }
{
  echo "# results: $(rel "$OUT")"
  echo "# machine: $(nproc) cpus, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo), kernel $(uname -r), node $(node --version)"
  BIN="$LINLI_BIN"
  echo "# linli binary: $(rel "$BIN") ($(stat -c '%y' "$BIN" 2>/dev/null), sha256 $(sha256sum "$BIN" 2>/dev/null | cut -c1-16)), source $(git -C "${LINLI_SRC:-$BENCH/..}" rev-parse --short HEAD 2>/dev/null)"
  echo "# targets: $TARGETS; rounds: $ROUNDS; linli: $LINLI_SCENARIOS; peers: $PEER_SCENARIOS"
} | tee -a "$LOG"

FAILED=0
for round in $(seq "$ROUNDS"); do
  note_load "round $round/$ROUNDS start"
  for t in $TARGETS; do
    if [[ "$t" == linli* ]]; then SC="$LINLI_SCENARIOS"; else SC="$PEER_SCENARIOS"; fi
    echo "## round $round/$ROUNDS target $t ($SC)" | tee -a "$LOG"
    note_load "before $t"
    # shellcheck disable=SC2086
    RESULTS_OUT="$OUT" "$BENCH/run.sh" "$t" $SC 2>>"$LOG" | tee -a "$LOG" || FAILED=1
  done
done
note_load "end"
node "$HERE/summarize-linli.js" "$OUT" | tee -a "$LOG"
exit "$FAILED"
