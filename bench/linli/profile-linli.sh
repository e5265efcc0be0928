#!/usr/bin/env bash
# Where Linli's CPU goes on its sign-up dialog (not part of the measured runs):
#
#   bench/linli/profile-linli.sh [OUTDIR]
#
#  1. strace -f -c: syscall counts of a short run with U users and of a 1-user
#     run (start-up and shutdown), so that (big - small) / (updates difference)
#     is syscalls per update, start-up excluded;
#  2. strace -f -y of one more short run, the file-descriptor kinds of the
#     write/sync syscalls (WAL file, database file, TCP socket);
#  3. perf record (flat, kernel + user) of Linli during a linli-signup-10k run,
#     attached by pid after the warm-up; perf report by symbol and by DSO;
#  4. the SQLite settings Linli's database file ends up with.
# Every process is started here and stopped by its pid; every step is bounded.
# env: STRACE_USERS=2000 PERF_SECONDS=20
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(cd "$HERE/.." && pwd)"
OUT="${1:-$BENCH/results/linli-profile-$(date -u +%Y%m%d)}"
mkdir -p "$OUT"
U="${STRACE_USERS:-2000}"
PERF_SECONDS="${PERF_SECONDS:-20}"
log() { echo "# $*" | tee -a "$OUT/profile.log"; }
LINLI_BIN="$("$HERE/stable-bin.sh")" || exit 2
export LINLI_BIN
STEPS="${PROFILE_STEPS:-strace perf}"
log "binary $LINLI_BIN sha256 $(sha256sum "$LINLI_BIN" | cut -c1-16)"
log "start $(date -u +%FT%TZ) uptime:$(uptime | sed 's/^.*load average/ load average/')"

if [[ " $STEPS " == *" strace "* ]]; then
# ---- 1. syscall counts: 1 user (baseline) and U users, no warm-up
for n in 1 "$U"; do
  log "strace -c: $n users"
  USERS=$n WARMUP_USERS=0 SCENARIO_TIMEOUT_S=300 LINLI_WRAP="strace -f -c -w -S calls -o $OUT/strace-c-$n.txt" \
    RESULTS_OUT="$OUT/strace-runs.jsonl" timeout 360 "$BENCH/run.sh" linli linli-signup-1k 2>>"$OUT/profile.log" | tee -a "$OUT/profile.log"
done

# ---- 2. write/sync syscalls by file kind (1,000 users)
log "strace -y: 1000 users, write/sync syscalls by fd kind"
USERS=1000 WARMUP_USERS=0 SCENARIO_TIMEOUT_S=300 \
  LINLI_WRAP="strace -f -y -qq -e trace=write,writev,pwrite64,sendmsg,sendto,fsync,fdatasync,read,readv,pread64,recvfrom,recvmsg,connect,accept4,close -o $OUT/strace-y.txt" \
  RESULTS_OUT="$OUT/strace-runs.jsonl" timeout 360 "$BENCH/run.sh" linli linli-signup-1k 2>>"$OUT/profile.log" | tee -a "$OUT/profile.log"
if [ -s "$OUT/strace-y.txt" ]; then
  # syscall name + kind of fd: TCP socket, the -wal file, the database file, other
  python3 - "$OUT/strace-y.txt" >"$OUT/strace-y-summary.txt" <<'PY'
import re, sys, collections
n = collections.Counter()
for line in open(sys.argv[1], errors='replace'):
    m = re.match(r'^\d+ +([a-z0-9_]+)\(', line)
    if not m: continue
    call = m.group(1); fd = line[m.end():].split(',', 1)[0]
    kind = ('tcp' if 'TCP:[' in fd else 'wal' if 'linli.db-wal>' in fd else 'shm' if 'linli.db-shm>' in fd
            else 'db' if 'linli.db>' in fd else 'pipe/eventfd' if ('pipe:' in fd or 'anon_inode' in fd) else 'other')
    n[(call, kind)] += 1
for (call, kind), c in n.most_common(): print(c, call, kind)
PY
  gzip -f "$OUT/strace-y.txt"
fi
fi

if [[ " $STEPS " == *" perf "* ]]; then
# ---- 3. perf, attached to Linli after the warm-up of a linli-signup-10k run
log "perf: linli-signup-10k, ${PERF_SECONDS}s sampled after the warm-up"
RESULTS_OUT="$OUT/perf-run.jsonl" SCENARIO_TIMEOUT_S=300 timeout 360 "$BENCH/run.sh" linli linli-signup-10k \
  >>"$OUT/profile.log" 2>&1 &
RUNPID=$!
PID=""
for i in $(seq 100); do
  PID="$(pgrep -n -f '^/[^ ]*linli serve --config [^ ]*/botbench\.' || true)"
  [ -n "$PID" ] && break
  sleep 0.2
done
if [ -n "$PID" ]; then
  sleep 5 # the 300-user warm-up
  timeout $((PERF_SECONDS + 30)) perf record -F 1999 -p "$PID" -o "$OUT/perf.data" -- sleep "$PERF_SECONDS" \
    >>"$OUT/profile.log" 2>&1
  timeout 60 perf record -F 499 --call-graph dwarf,16384 -p "$PID" -o "$OUT/perf-g.data" -- sleep 5 >>"$OUT/profile.log" 2>&1
else
  log "perf: Linli did not start"
fi
wait "$RUNPID"
if [ -s "$OUT/perf.data" ]; then
  perf report -i "$OUT/perf.data" --no-children --sort sym --stdio 2>/dev/null | grep -v '^$' | head -60 >"$OUT/perf-symbols.txt"
  perf report -i "$OUT/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^$' | head -30 >"$OUT/perf-dso.txt"
  perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^$' | head -120 >"$OUT/perf-dso-symbols.txt"
fi
if [ -s "$OUT/perf-g.data" ]; then
  perf report -i "$OUT/perf-g.data" --children --sort sym --stdio -g none 2>/dev/null | grep -v '^$' | head -80 >"$OUT/perf-children.txt"
fi
fi
log "end $(date -u +%FT%TZ) uptime:$(uptime | sed 's/^.*load average/ load average/')"
