#!/usr/bin/env bash
# ctest's entry to the end-to-end test on a real Prosody (test "xmpp_e2e"):
#
#   tests/xmpp/run_e2e.sh LINLI_BINARY
#
# Installs nothing. Without Prosody or Debian's python3-slixmpp it says so and exits 77, which
# ctest reports as skipped (SKIP_RETURN_CODE); deploy/quickstart.sh test installs both.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LINLI="${1:?usage: run_e2e.sh LINLI_BINARY}"
PY=/usr/bin/python3   # Debian's python3-slixmpp lives here, not in a pyenv or venv python

missing=()
for tool in prosody prosodyctl; do command -v "$tool" >/dev/null || missing+=("$tool (apt-get install prosody)"); done
[ -x "$PY" ] || missing+=("$PY")
[ -x "$PY" ] && ! "$PY" -c 'import slixmpp' 2>/dev/null && missing+=("slixmpp (apt-get install python3-slixmpp)")
if [ ${#missing[@]} -gt 0 ]; then
	echo "SKIP xmpp_e2e: missing ${missing[*]}; deploy/quickstart.sh test installs them"
	exit 77
fi
exec timeout -k 10 200 "$PY" "$HERE/e2e_test.py" --linli "$LINLI" --timeout 150
