#!/usr/bin/env bash
# Starts Linli (the project under test, LINLI_SRC) under the bench harness:
# writes a Linli config for the harness's environment and execs the binary,
# so that the process the harness measures is Linli itself.
#
#   bench/run.sh linli [linli-signup-10k linli-paced-1k ...]
#   TARGET_LABEL=linli bench/run.sh 'exec bench/linli/run-linli.sh' linli-signup-10k
#
# From the harness (see ../README.md): BOT_API_ROOT, BOT_TOKEN, WEBHOOK_PORT,
# WEBHOOK_PATH, WEBHOOK_SECRET, BOT_DATA_DIR.
# Knobs (defaults):
#   LINLI_BIN               the binary; else the repository's build/linli, else
#                           build-bench/linli (see build-linli.sh)
#   LINLI_COORDINATOR_ID    99000777: the community's one coordinator (a Telegram
#                           user id the harness counts review messages for)
#   LINLI_RATE_LIMITS       off: Telegram's rate limits made non-binding (the fake
#                           API has none, like for the peers); "telegram" keeps
#                           Linli's defaults (1 msg/s per chat, 30/s per bot)
#   LINLI_SYNCHRONOUS       unset: Linli's own default; normal or full to force one
#   LINLI_MAX_IDLE          unset: Linli's default http_client.max_idle_per_host (8)
#   LINLI_LOG_LEVEL         info (Linli's default)
#   LINLI_GLIBC_TUNABLES    glibc.malloc.tcache_count=128, as deploy/linli.service sets it
#                           (bench/README.md, "round two"); empty to run without
#   LINLI_WRAP              a command to run Linli under (profiling only, e.g.
#                           "strace -f -c -o FILE"); the harness then measures
#                           the wrapper's process tree
set -euo pipefail

: "${BOT_API_ROOT:?}" "${BOT_TOKEN:?}" "${WEBHOOK_PORT:?}" "${WEBHOOK_PATH:?}" "${WEBHOOK_SECRET:?}" "${BOT_DATA_DIR:?}"

BIN="${LINLI_BIN:-}"
if [ -z "$BIN" ]; then
  SRC="${LINLI_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
  for c in "$SRC/build/linli" "$SRC/build-bench/linli"; do
    if [ -x "$c" ]; then BIN="$c"; break; fi
  done
fi
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "run-linli.sh: no Linli binary (set LINLI_BIN, or run bench/linli/build-linli.sh)" >&2
  exit 2
fi

COORD="${LINLI_COORDINATOR_ID:-99000777}"
SYNC_KEY=''
# unset: the project's own default is measured
if [ -n "${LINLI_SYNCHRONOUS:-}" ]; then SYNC_KEY="
  \"synchronous\": \"${LINLI_SYNCHRONOUS}\","; fi
LEVEL="${LINLI_LOG_LEVEL:-info}"
case "${LINLI_RATE_LIMITS:-off}" in
  off) LIMITS=',
      "rate_limits": {"per_chat_per_s": 1000000, "per_group_per_min": 100000000, "global_per_s": 1000000, "burst": 10000}' ;;
  telegram) LIMITS='' ;;
  *) echo "run-linli.sh: LINLI_RATE_LIMITS must be off or telegram" >&2; exit 2 ;;
esac
HTTP_CLIENT=''
if [ -n "${LINLI_MAX_IDLE:-}" ]; then HTTP_CLIENT=",
  \"http_client\": {\"max_idle_per_host\": ${LINLI_MAX_IDLE}}"; fi

# JSON string literal of a shell string (paths and URLs here have no quotes or
# backslashes, but be safe). Plain bash: the C++ generator's runs need no Node.js.
js() {
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

CFG="$BOT_DATA_DIR/linli.json"
cat >"$CFG" <<EOF
{
  "server": {"address": "127.0.0.1", "port": ${WEBHOOK_PORT}},
  "database": $(js "$BOT_DATA_DIR/linli.db"),${SYNC_KEY}
  "log_level": "${LEVEL}"${HTTP_CLIENT},
  "adapters": [
    {
      "type": "telegram",
      "name": "tg",
      "token": {"env": "BOT_TOKEN"},
      "secret_token": {"env": "WEBHOOK_SECRET"},
      "username": "bench_volunteer_bot",
      "webhook_path": $(js "$WEBHOOK_PATH"),
      "api_base": $(js "$BOT_API_ROOT")${LIMITS}
    }
  ],
  "communities": [
    {
      "id": "bench",
      "name": "Bench Gardens",
      "lang": "en",
      "coordinators": ["tg:${COORD}"],
      "groups": [
        {"chat": "tg:-1009000000001", "kind": "residents", "building": "1", "title": "Building 1 residents"},
        {"chat": "tg:-1009000000002", "kind": "volunteers", "title": "Bench volunteers"}
      ]
    }
  ]
}
EOF
export GLIBC_TUNABLES="${LINLI_GLIBC_TUNABLES-glibc.malloc.tcache_count=128}"
echo "run-linli.sh: GLIBC_TUNABLES=$GLIBC_TUNABLES ${LINLI_WRAP:+$LINLI_WRAP }$BIN serve --config $CFG" >&2
# shellcheck disable=SC2086
exec ${LINLI_WRAP:-} "$BIN" serve --config "$CFG"
