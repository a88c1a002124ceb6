#!/usr/bin/env bash
# Builds the ParleyStore benchmark and the parley binary in release mode and runs the benchmark
# once: listing 10,000 conversations (in-process and as `parley history list`), saving a turn in a
# 5,000-message conversation, and a streaming checkpoint at 10 vs 5,000 messages.
# Usage: bash Benchmarks/store-bench.sh [work directory]
# The scratch path defaults to .build-bench; set PARLEY_BENCH_SCRATCH to use another.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${PARLEY_BENCH_SCRATCH:-.build-bench}"
nice -n 5 swift build -c release --scratch-path "$scratch" --product parley-store-bench
nice -n 5 swift build -c release --scratch-path "$scratch" --product parley
PARLEY_BENCH_CLI="$PWD/$scratch/release/parley" "$scratch/release/parley-store-bench" "$@"
