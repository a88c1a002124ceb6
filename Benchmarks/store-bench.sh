#!/usr/bin/env bash
# Builds the ParleyStore benchmark in release mode and runs it once.
# Usage: bash Benchmarks/store-bench.sh [work directory]
# The scratch path defaults to .build-bench; set PARLEY_BENCH_SCRATCH to use another.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${PARLEY_BENCH_SCRATCH:-.build-bench}"
nice -n 5 swift build -c release --scratch-path "$scratch" --product parley-store-bench
"$scratch/release/parley-store-bench" "$@"
