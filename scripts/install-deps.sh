#!/usr/bin/env bash
# Installs what dossier-verify needs on Debian 12 (run as root). `--test` adds what the
# test suite needs: fonts and Python packages for the fixture generator, Chromium for the
# browser test, PostgreSQL for the multi-worker tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t packages < <(grep -vE '^\s*(#|$)' "$here/system-packages.txt")
if [ "${1:-}" = "--test" ]; then
  mapfile -t -O "${#packages[@]}" packages < <(grep -vE '^\s*(#|$)' "$here/test-packages.txt")
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust (https://rustup.rs) first" >&2
  exit 1
fi
