#!/usr/bin/env bash
# Prints the path of a stable copy of the Linli binary: another process may
# relink the binary (it is briefly absent then) while a bench
# runs. The copy (build-bench/stable/linli in the repository) is checked against the
# original (sha256) and must run. With LINLI_BIN set, prints LINLI_BIN unchanged.
set -uo pipefail
if [ -n "${LINLI_BIN:-}" ]; then echo "$LINLI_BIN"; exit 0; fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="${LINLI_SRC:-$(cd "$HERE/../.." && pwd)}"
STABLE="$SRC/build-bench/stable"
for c in "$SRC/build/linli" "$SRC/build-bench/linli"; do
  for try in 1 2 3 4 5 6; do
    if [ -x "$c" ]; then
      mkdir -p "$STABLE"
      if cp "$c" "$STABLE"/linli.new 2>/dev/null &&
         [ "$(sha256sum <"$STABLE"/linli.new)" = "$(sha256sum <"$c" 2>/dev/null)" ] &&
         "$STABLE"/linli.new version >/dev/null 2>&1; then
        mv "$STABLE"/linli.new "$STABLE"/linli
        echo "stable-bin.sh: copied $c ($(stat -c '%y' "$c"))" >&2
        echo "$STABLE"/linli
        exit 0
      fi
    fi
    [ -d "$(dirname "$c")" ] || break
    sleep 5
  done
done
echo "stable-bin.sh: no Linli binary; run bench/linli/build-linli.sh" >&2
exit 1
