#!/usr/bin/env bash
# Installs the JOSE cross-check (node + jose, pinned by package-lock.json) into
# DIR once. Both backends' tests may call it at the same time: the lock makes
# the second wait for the first, and `.ready`, newer than the
# lock file, marks a complete install of it.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
dir=$1
mkdir -p "$dir"
exec 9>"$dir/.install.lock"
flock 9
cp -u "$src/package.json" "$src/package-lock.json" "$src/verify.mjs" "$dir/"
if [ ! "$dir/node_modules/.ready" -nt "$dir/package-lock.json" ]; then
  (cd "$dir" && npm ci --no-audit --no-fund --silent > npm.log 2>&1)
  touch "$dir/node_modules/.ready"
fi
