#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running server on the
# embedded default: SQLite under ./data, every plugin in config/agape.yaml.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build" -DAGAPE_TESTS=OFF -DAGAPE_BENCH=OFF
exec "$root/build/bin/agape" serve --config "${AGAPE_CONFIG:-$root/config/agape.yaml}" "$@"
