#!/usr/bin/env bash
# Builds the HTTP streaming benchmark and the parley binary in release mode and runs them: decode
# cost per chunk, end-to-end cost through URLSession, chunk latency, cancel latency, and
# `parley ask` itself (first byte on stdout, cost per chunk of a 20,000-chunk stream).
# Usage: bash Benchmarks/http-stream-bench.sh [chunks]
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${PARLEY_BENCH_SCRATCH:-.build-bench}"
nice -n 5 swift build -c release --scratch-path "$scratch" --product http-stream-bench
nice -n 5 swift build -c release --scratch-path "$scratch" --product parley
PARLEY_BENCH_CLI="$PWD/$scratch/release/parley" "$scratch/release/http-stream-bench" "$@"
