#!/usr/bin/env bash
# Parley's GGUF runtime (`parley bench`) next to llama.cpp's llama-bench on the same model and machine:
# pp512 and tg128 at 1 and 2 threads, run ALTERNATELY (Parley, llama.cpp, Parley, ...)
# so both see the same load, with the ratio Parley / llama.cpp; then Parley's time to
# first token for a 100-token chat prompt and its peak resident memory with a
# 4096-token context, each with its target and PASS/FAIL.
#
# On shared machines absolute figures drift: only the ratios of one run mean anything.
#
# usage: Benchmarks/compare-llama.sh [MODEL] [ROUNDS]
#   MODEL   default: Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf
#   ROUNDS  alternating rounds per test (default 3); each figure is the mean over rounds
# environment:
#   LLAMA_BENCH       a llama-bench binary to use; otherwise scripts/llama-cpp.sh finds or
#                     builds one (PARLEY_LLAMA_DIR chooses where it lives)
#   SCRATCH_PATH      SwiftPM scratch path for the release build (default .build-bench)
#   SKIP_RSS=1        skip the memory test (it fills a 4096-token context: about a minute)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${1:-$ROOT/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}
ROUNDS=${2:-3}
SCRATCH=${SCRATCH_PATH:-$ROOT/.build-bench}
[ -f "$MODEL" ] || { echo "compare-llama: no model at $MODEL (pass its path as the first argument)" >&2; exit 2; }

if [ -z "${LLAMA_BENCH:-}" ]; then
    LLAMA_BENCH="$(bash "$ROOT/scripts/llama-cpp.sh")/llama-bench"
fi
[ -x "$LLAMA_BENCH" ] || { echo "compare-llama: llama-bench not found at $LLAMA_BENCH" >&2; exit 2; }

swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product gguf-bench >/dev/null
swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product parley >/dev/null
BENCH="$SCRATCH/release/gguf-bench"
PARLEY="$SCRATCH/release/parley"

# One Parley measurement with the user's command, `parley bench` (it warms up first, as
# llama-bench does): t/s of pp512 or tg128, read from its JSON.
ours() { # test threads
    local p=0 n=0
    case "$1" in pp512) p=512 ;; tg128) n=128 ;; esac
    "$PARLEY" bench "$MODEL" -t "$2" -p "$p" -n "$n" -r 1 --json |
        python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["tokensPerSecond"])'
}
# One llama-bench measurement (it warms up too): avg_ts of its CSV.
theirs() { # test threads
    local p=0 n=0
    case "$1" in pp512) p=512 ;; tg128) n=128 ;; esac
    "$LLAMA_BENCH" -m "$MODEL" -p "$p" -n "$n" -t "$2" -r 1 -o csv 2>/dev/null |
        tr -d '"' | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "avg_ts") c = i } NR == 2 { print $c }'
}

echo "model: $(basename "$MODEL") ($(wc -c <"$MODEL" | tr -d ' ') bytes); $ROUNDS alternating rounds; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
printf '%-6s %-8s %12s %14s %7s   %s\n' test threads "parley t/s" "llama.cpp t/s" ratio target
for test in pp512 tg128; do
    for threads in 1 2; do
        a=() b=()
        for ((round = 0; round < ROUNDS; round++)); do
            # Alternate who goes first, so neither always runs right after the other.
            if ((round % 2 == 0)); then
                a+=("$(ours "$test" "$threads")"); b+=("$(theirs "$test" "$threads")")
            else
                b+=("$(theirs "$test" "$threads")"); a+=("$(ours "$test" "$threads")")
            fi
        done
        target=$([ "$test" = pp512 ] && echo 0.80 || echo 1.00)
        awk -v test="$test" -v threads="$threads" -v a="${a[*]}" -v b="${b[*]}" -v target="$target" 'BEGIN {
            na = split(a, x, " "); nb = split(b, y, " ")
            for (i = 1; i <= na; i++) sa += x[i]; for (i = 1; i <= nb; i++) sb += y[i]
            ma = na ? sa / na : 0; mb = nb ? sb / nb : 0
            ratio = mb > 0 ? ma / mb : 0
            printf "%-6s %-8s %12.2f %14.2f %7.2f   >= %s %s\n", test, threads, ma, mb, ratio, target, (ratio >= target ? "PASS" : "FAIL")
        }'
    done
done

# Time to first token: a chat prompt of 100 tokens after the model's template, rendered,
# tokenized, evaluated and its first token sampled in process, on a loaded model (the
# load itself is printed separately). The target applies to the median.
for threads in 1 2; do
    line=$("$BENCH" "$MODEL" --chat-ttft 100 -t "$threads" -r 7)
    median=$(echo "$line" | sed -n 's/.*median=\([0-9.]*\) s.*/\1/p')
    verdict=$(awk -v m="$median" 'BEGIN { print (m <= 0.5 ? "PASS" : "FAIL") }')
    echo "$line  target median <= 0.5 s $verdict"
done

# Resident memory: the peak (VmHWM) with a 4096-token KV cache filled to its end while
# generating, against file size + KV cache + 64 MiB (gguf-bench prints the verdict).
if [ "${SKIP_RSS:-0}" != 1 ]; then
    "$BENCH" "$MODEL" --rss-context 4096 -t 2 -n 32
fi
