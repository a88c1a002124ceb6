#!/usr/bin/env bash
# The whole usefulness benchmark on the default model: builds the release binaries, then runs the
# decide half (decide-bench.sh) and the write half (parley-usefulness), both at 2 threads unless
# told otherwise. Usage: Benchmarks/usefulness/run.sh [--threads N]
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=2
case "${1:-}" in
  --threads) threads="${2:?--threads needs a number}" ;;
  "") ;;
  *) echo "usage: $0 [--threads N]" >&2; exit 2 ;;
esac
swift build -c release --product parley >&2
swift build -c release --product parley-usefulness >&2
echo "== decide"
bash Benchmarks/usefulness/decide-bench.sh --threads "$threads"
echo
echo "== write"
.build/release/parley-usefulness --threads "$threads"
