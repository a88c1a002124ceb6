#!/usr/bin/env bash
# Sets everything up (packages, the default model), builds Parley in release mode and starts it with
# the repository's Storage/ as its data directory. Arguments are passed to parley.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
echo "build: swift build -c release (a few minutes the first time)..." >&2
swift build --package-path "$root" -c release --product parley >&2
export PARLEY_HOME="${PARLEY_HOME:-$root/Storage}"
exec "$root/.build/release/parley" "$@"
