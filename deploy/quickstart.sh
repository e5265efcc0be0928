#!/usr/bin/env bash
# The README's two commands. On a fresh Debian 12 machine, as root, each installs the Debian
# packages it needs when they are missing, builds, and then:
#   deploy/quickstart.sh run [CONFIG]   runs the service (default: config/example.json, the playground)
#   deploy/quickstart.sh test           runs every test suite (what CI runs): the normal build,
#                                       the same suite under ASan+UBSan, and each fuzzer briefly
set -euo pipefail
cd "$(dirname "$0")/.."

# Boost.Asio and Boost.Beast are header-only: libboost-dev (1.74, the headers of
# libboost-all-dev) is all the build needs, and saves CI minutes over the full set.
PACKAGES=(g++ cmake ninja-build ccache pkg-config libboost-dev libssl-dev nlohmann-json3-dev
          libsqlitecpp-dev libsqlite3-dev libgtest-dev libgmock-dev ca-certificates libpq-dev)
# For the tests only: a real Prosody and real XMPP clients (tests/xmpp/run_e2e.sh), a headless
# browser for the playground page (tests/browser/), and Node.js with the sqlite3 shell for the
# smoke of bench/'s Node.js harness (bench_node_smoke), and a PostgreSQL server that pg_tests
# start themselves (tests/support/postgres.hpp).
TEST_PACKAGES=(prosody python3-slixmpp chromium chromium-driver python3-selenium nodejs sqlite3
               postgresql)

source deploy/install_missing.sh

build() {
  local dir="$1"
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" --parallel "$(nproc)"
}

case "${1:-}" in
  run)
    install_missing "${PACKAGES[@]}"
    build build -DLINLI_BUILD_TESTS=OFF
    config="${2:-config/example.json}"
    echo "quickstart: serving $config; the playground is at http://127.0.0.1:8080/playground" >&2
    exec build/linli serve --config "$config"
    ;;
  test)
    install_missing "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build build
    (cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 300)
    # The whole suite again with AddressSanitizer and UndefinedBehaviorSanitizer. The slow suites
    # that exercise whole processes (the crash test's SIGKILL loop, the real Prosody, the browser)
    # ran once above and are neither built nor repeated. -O0 with line tables only: the
    # sanitizers find the same faults, and compiling is CI's largest cost (bot/http_client.cpp
    # alone: 112 s of CPU at -O1, 54 s at -O0; the suite runs a little slower, in seconds).
    # The test binaries are compiled as a few unity translation units each (LINLI_UNITY_TESTS):
    # 19 min of CPU for the whole sanitizer tree instead of about 30, the same tests.
    build build-asan -DLINLI_SANITIZE=ON -DLINLI_UNITY_TESTS=ON \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1 -DNDEBUG"
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --output-on-failure --parallel "$(nproc)" --timeout 600 --label-exclude 'crash|slow|xmpp_e2e')
    # Each libFuzzer target for a bounded time (clang and its runtime are installed there).
    tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
    ;;
  *)
    echo "usage: deploy/quickstart.sh run [CONFIG] | test" >&2
    exit 2
    ;;
esac
