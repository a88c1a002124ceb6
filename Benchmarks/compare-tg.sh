#!/bin/sh
# Token generation speed, Parley's GGUF runtime next to llama.cpp's llama-bench, on the
# same model and machine, alternating so both see the same load. Prints tokens/s for
# tg128 at 1 and 2 threads and the ratio runtime / llama.cpp.
#
# usage: Benchmarks/compare-tg.sh LLAMA_BENCH [MODEL] [REPEATS]
set -eu
LLAMA_BENCH=${1:?usage: Benchmarks/compare-tg.sh LLAMA_BENCH [MODEL] [REPEATS]}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${2:-$ROOT/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}
REPEATS=${3:-3}
SCRATCH=${SCRATCH_PATH:-$ROOT/.build-bench}

swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product gguf-bench >/dev/null
BENCH="$SCRATCH/release/gguf-bench"

for threads in 1 2; do
    ours=$("$BENCH" "$MODEL" -n 128 -r "$REPEATS" -t "$threads" | sed -n 's/.*t\/s=\([0-9.]*\).*/\1/p')
    theirs=$("$LLAMA_BENCH" -m "$MODEL" -p 0 -n 128 -t "$threads" -r "$REPEATS" -o csv 2>/dev/null |
        tr -d '"' | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "avg_ts") c = i } NR == 2 { print $c }')
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    echo "tg128 threads=$threads  gguf-runtime=$ours t/s  llama.cpp=$theirs t/s  ratio=$ratio"
done
