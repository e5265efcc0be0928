#!/usr/bin/env bash
# Builds the Linli binary the bench uses, in a build tree of its own so that it never
# fights the developer's build/: the repository (LINLI_SRC, default: the checkout this
# script is in) into build-bench/ (Release, no tests). Prints the path of the binary.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="${LINLI_SRC:-$(cd "$HERE/../.." && pwd)}"
OWN="$SRC/build-bench"
cmake -S "$SRC" -B "$OWN" -DCMAKE_BUILD_TYPE=Release -DLINLI_BUILD_TESTS=OFF >&2
cmake --build "$OWN" --target linli -j"$(nproc)" >&2
echo "$OWN/linli"
