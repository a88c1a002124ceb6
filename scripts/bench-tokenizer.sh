#!/bin/sh
# Tokenizer speed with the default model: a release build encodes and decodes a large mixed
# text (default 4 MB; set PARLEY_TOKENIZER_BENCH_BYTES) and prints tokens per second.
# Needs the default model (see Tests/GGUFRuntimeTests/TokenizerTestModel.swift).
set -eu
cd "$(dirname "$0")/.."
PARLEY_TOKENIZER_BENCH_BYTES="${PARLEY_TOKENIZER_BENCH_BYTES:-4000000}" \
    swift test -c release --scratch-path "${SCRATCH:-.build-bench}" --disable-xctest \
    --filter TokenizerThroughputTests 2>&1 | grep -E "tokenizer (throughput|build)|passed|failed|error"
