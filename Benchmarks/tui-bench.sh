#!/usr/bin/env bash
# Builds the chat screen benchmark and parley in release mode and runs the benchmark once: key press
# to cell buffer with 10,000 messages open, start-up to first frame with 10,000 stored
# conversations (in process, and the real binary in tmux; with --continue both when nothing was
# saved since the last listing and right after a save), and CPU (by thread) and frames drawn while
# a reply streams at 2,000 tokens/s from a paced test server. Needs tmux.
# Usage: bash Benchmarks/tui-bench.sh [work directory]
# The scratch path defaults to .build-bench; set PARLEY_BENCH_SCRATCH to use another.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${PARLEY_BENCH_SCRATCH:-.build-bench}"
nice -n 5 swift build -c release --scratch-path "$scratch" --product parley
nice -n 5 swift build -c release --scratch-path "$scratch" --product parley-tui-bench
work="${1:-$(mktemp -d)/work}"
"$scratch/release/parley-tui-bench" "$(pwd)/$scratch/release/parley" "$work"
