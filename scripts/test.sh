#!/usr/bin/env bash
# Runs the whole test suite: sets up what the tests need (packages, the default model), then
# `swift test`. Extra arguments go to swift test (e.g. --filter ParleyStoreTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
exec swift test --disable-xctest "$@"
