#!/usr/bin/env bash
# The direction of every dependency (README, Architecture), checked on the includes: each part
# may include only itself and the parts its arrows point to. Prints the offending lines.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() {
  local part="$1" allowed="$2"
  local bad
  bad=$(grep -rnE '#include "[a-z_]+/' "$part" --include='*.hpp' --include='*.cpp' |
        grep -vE "#include \"($allowed)/" || true)
  if [ -n "$bad" ]; then
    echo "$part/ includes what its arrows do not allow (only $allowed):"
    echo "$bad"
    status=1
  fi
}
check config 'config'
check dialogs 'dialogs|config'
check storage 'storage|dialogs|config'
check adapters 'adapters|dialogs|config'
check bot 'bot|adapters|storage|dialogs|config'
[ $status -eq 0 ] && echo "layering: every include follows the arrows"
exit $status
