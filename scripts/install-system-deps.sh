#!/usr/bin/env bash
# Install the Debian packages a target needs, only when missing: chromium (+ a CJK font for screenshots) or wrk.
set -euo pipefail

need=()
for what in "$@"; do
  case "$what" in
    chromium) command -v chromium >/dev/null || need+=(chromium)
              fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei) ;;
    wrk) command -v wrk >/dev/null || need+=(wrk) ;;
    *) echo "unknown dependency: $what" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (run: sudo apt-get install -y ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
