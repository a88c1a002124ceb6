#!/usr/bin/env bash
# Parley's GGUF runtime (`parley bench`) next to llama.cpp's llama-bench on the same model and machine:
# pp512 and tg128 (and pp4096 where the issue sets a target) at 1 and 2 threads, run ALTERNATELY
# (Parley, llama.cpp, Parley, ...) so both see the same load, with the ratio Parley / llama.cpp
# and its target; then Parley's time to first token for a 100-token chat prompt and its peak
# resident memory with a 4096-token context, each with its target and PASS/FAIL.
#
# On shared machines absolute figures drift: only the ratios of one run mean anything.
#
# usage: Benchmarks/compare-llama.sh [MODEL | all] [ROUNDS]
#   MODEL   default: Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf
#   all     the default model (Q4_1) and the Q8_0, Q4_K_M, Q5_K_M and Q6_K files llama-quantize
#           makes from it (--allow-requantize, as scripts/check-quant-types.sh; kept in QUANT_DIR),
#           one after the other; TTFT and memory are measured on the default model only
#   ROUNDS  alternating rounds per test (default 3); each figure is the mean over rounds
# Targets (issue #16): pp and tg >= 1.0x on Q8_0 and the k-quant files, >= 1.2x on Q4_1;
# pp4096 (Q4_1 and Q4_K_M only, as the issue) >= 1.0x.
# environment:
#   LLAMA_BENCH       a llama-bench binary to use; otherwise scripts/llama-cpp.sh finds or
#                     builds one (PARLEY_LLAMA_DIR chooses where it lives); llama-quantize is
#                     taken from the same directory
#   SCRATCH_PATH      SwiftPM scratch path for the release build (default .build-bench)
#   PARLEY            a release parley binary to measure instead of building one (TTFT and memory
#                     then use GGUF_BENCH, default SCRATCH_PATH/release/gguf-bench)
#   QUANT_DIR         where `all` keeps the re-quantised files (default SCRATCH_PATH/quant)
#   TESTS             tests to run (default "pp512 tg128", plus pp4096 on Q4_1 and Q4_K_M)
#   THREADS           thread counts (default "1 2")
#   SKIP_TTFT=1       skip the time-to-first-token test
#   SKIP_RSS=1        skip the memory test (it fills a 4096-token context: about a minute)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEFAULT_MODEL=$ROOT/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf
MODEL=${1:-$DEFAULT_MODEL}
ROUNDS=${2:-3}
SCRATCH=${SCRATCH_PATH:-$ROOT/.build-bench}
QUANT_DIR=${QUANT_DIR:-$SCRATCH/quant}
THREADS=${THREADS:-1 2}
if [ "$MODEL" = all ]; then
    MODELS=("$DEFAULT_MODEL")
else
    MODELS=("$MODEL")
fi
[ -f "${MODELS[0]}" ] || { echo "compare-llama: no model at ${MODELS[0]} (pass its path as the first argument)" >&2; exit 2; }

if [ -z "${LLAMA_BENCH:-}" ]; then
    LLAMA_BENCH="$(bash "$ROOT/scripts/llama-cpp.sh")/llama-bench"
fi
[ -x "$LLAMA_BENCH" ] || { echo "compare-llama: llama-bench not found at $LLAMA_BENCH" >&2; exit 2; }

if [ "$MODEL" = all ]; then
    QUANTIZE="$(dirname "$LLAMA_BENCH")/llama-quantize"
    [ -x "$QUANTIZE" ] || { echo "compare-llama: llama-quantize not found at $QUANTIZE" >&2; exit 2; }
    mkdir -p "$QUANT_DIR"
    for type in Q8_0 Q4_K_M Q5_K_M Q6_K; do
        file="$QUANT_DIR/SmolLM2-135M-Instruct.$type.gguf"
        if [ ! -s "$file" ] || [ "$file" -ot "$DEFAULT_MODEL" ]; then
            "$QUANTIZE" --allow-requantize "$DEFAULT_MODEL" "$file" "$type" >"$QUANT_DIR/quantize-$type.log" 2>&1 ||
                { echo "compare-llama: llama-quantize $type failed (see $QUANT_DIR/quantize-$type.log)" >&2; exit 1; }
        fi
        MODELS+=("$file")
    done
fi

if [ -n "${PARLEY:-}" ]; then
    BENCH=${GGUF_BENCH:-$SCRATCH/release/gguf-bench}
else
    swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product gguf-bench >/dev/null
    swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product parley >/dev/null
    BENCH="$SCRATCH/release/gguf-bench"
    PARLEY="$SCRATCH/release/parley"
fi

# The prompt and generation lengths of a test name: ppN or tgN.
lengths() { # test -> "p n"
    case "$1" in pp*) echo "${1#pp} 0" ;; tg*) echo "0 ${1#tg}" ;; *) echo "compare-llama: unknown test $1" >&2; exit 2 ;; esac
}
# One Parley measurement with the user's command, `parley bench` (it warms up first, as
# llama-bench does): t/s of the test, read from its JSON.
ours() { # model test threads
    local pn
    pn=$(lengths "$2")
    "$PARLEY" bench "$1" -t "$3" -p "${pn% *}" -n "${pn#* }" -r 1 --json |
        python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["tokensPerSecond"])'
}
# One llama-bench measurement (it warms up too): avg_ts of its CSV.
theirs() { # model test threads
    local pn
    pn=$(lengths "$2")
    "$LLAMA_BENCH" -m "$1" -p "${pn% *}" -n "${pn#* }" -t "$3" -r 1 -o csv 2>/dev/null |
        tr -d '"' | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "avg_ts") c = i } NR == 2 { print $c }'
}

echo "$ROUNDS alternating rounds per figure; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
printf '%-34s %-7s %-8s %12s %14s %7s   %s\n' model test threads "parley t/s" "llama.cpp t/s" ratio target
for model in "${MODELS[@]}"; do
    name=$(basename "$model" .gguf)
    tests=${TESTS:-pp512 tg128}
    if [ -z "${TESTS:-}" ]; then
        case "$name" in *Q4_1 | *Q4_K_M) tests="$tests pp4096" ;; esac
    fi
    for test in $tests; do
        for threads in $THREADS; do
            a=() b=()
            for ((round = 0; round < ROUNDS; round++)); do
                # Alternate who goes first, so neither always runs right after the other.
                if ((round % 2 == 0)); then
                    a+=("$(ours "$model" "$test" "$threads")"); b+=("$(theirs "$model" "$test" "$threads")")
                else
                    b+=("$(theirs "$model" "$test" "$threads")"); a+=("$(ours "$model" "$test" "$threads")")
                fi
            done
            target=1.00
            case "$name" in *Q4_1) [ "$test" = pp4096 ] || target=1.20 ;; esac
            awk -v name="$name" -v test="$test" -v threads="$threads" -v a="${a[*]}" -v b="${b[*]}" -v target="$target" 'BEGIN {
                na = split(a, x, " "); nb = split(b, y, " ")
                for (i = 1; i <= na; i++) sa += x[i]; for (i = 1; i <= nb; i++) sb += y[i]
                ma = na ? sa / na : 0; mb = nb ? sb / nb : 0
                ratio = mb > 0 ? ma / mb : 0
                printf "%-34s %-7s %-8s %12.2f %14.2f %7.2f   >= %s %s\n", name, test, threads, ma, mb, ratio, target, (ratio >= target ? "PASS" : "FAIL")
            }'
        done
    done
done
MODEL=${MODELS[0]}

# Time to first token: a chat prompt of 100 tokens after the model's template, rendered,
# tokenized, evaluated and its first token sampled in process, on a loaded model (the
# load itself is printed separately). The target applies to the median.
if [ "${SKIP_TTFT:-0}" != 1 ]; then
    for threads in 1 2; do
        line=$("$BENCH" "$MODEL" --chat-ttft 100 -t "$threads" -r 7)
        median=$(echo "$line" | sed -n 's/.*median=\([0-9.]*\) s.*/\1/p')
        verdict=$(awk -v m="$median" 'BEGIN { print (m <= 0.5 ? "PASS" : "FAIL") }')
        echo "$line  target median <= 0.5 s $verdict"
    done
fi

# Resident memory: the peak (VmHWM) with a 4096-token KV cache filled to its end while
# generating, against file size + KV cache + 64 MiB (gguf-bench prints the verdict).
if [ "${SKIP_RSS:-0}" != 1 ]; then
    "$BENCH" "$MODEL" --rss-context 4096 -t 2 -n 32
fi
