#!/usr/bin/env bash
# Generates a city and measures it:
#   run.sh CITY_GEN CITY_BENCH LINLI OUT_DIR [city_gen options] [-- city_bench options]
# With no options, the whole city of issue 10 (549,000 volunteers, 16,000 groups, ...).
set -euo pipefail
gen="$1" bench="$2" linli="$3" out="$4"
shift 4
gen_args=() bench_args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; bench_args=("$@"); break; fi
  gen_args+=("$1"); shift
done
"$gen" --dir "$out" "${gen_args[@]}"
"$bench" --dir "$out" --linli "$linli" "${bench_args[@]}"
