#!/usr/bin/env bash
# install-deps.sh PKG... — makes sure the Debian packages the build and tests need are present.
# As root it installs what is missing with apt-get; otherwise it stops and prints the exact command to run.
set -euo pipefail

missing=()
for p in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! command -v go >/dev/null 2>&1; then
  echo "go is not on PATH: install Go 1.26 or newer (https://go.dev/dl) and retry" >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The postgresql package starts a system cluster on Debian; the tests do not depend on it.
  exit 0
fi

echo "missing system packages: ${missing[*]}" >&2
echo "run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
exit 1
