#!/usr/bin/env bash
# The crash test, long form: builds build/linli and the driver in build/ (configuring build/
# first if needed, as deploy/quickstart.sh does; that script installs the Debian packages) and
# runs the driver with its defaults: 200 users, 60 updates each, 5 SIGKILLs at random moments,
# a fresh seed (printed in the summary line, for --seed). Extra arguments go to the driver:
#   tests/crash/run.sh --seed 42 --kills 20 --json crash.json
# Exit code: the driver's (0 pass, 1 fail, 2 bad arguments). ctest runs a short form
# (crash_test_short, label "crash").
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLINLI_BUILD_TESTS=ON >/dev/null
elif ! grep -q '^LINLI_BUILD_TESTS:BOOL=ON' build/CMakeCache.txt; then
  # "quickstart.sh run" configures build/ without the tests; the driver is one of them.
  cmake -S . -B build -DLINLI_BUILD_TESTS=ON >/dev/null
fi
cmake --build build --target linli crash_test --parallel "$(nproc)"
exec build/tests/crash/crash_test "$@"
