#!/usr/bin/env bash
# Manual numerics check of the in-process GGUF runtime against llama.cpp on other quantisation
# types: requantises the default model (Q4_1) with llama-quantize to Q8_0, Q4_K_M, Q5_K_M and Q6_K
# in a temporary directory, then compares `parley gguf generate`'s greedy text with llama-server's
# /completion (temperature 0, top_k 1) for two prompts, and prints a table. Not part of
# `swift test`: CI has no llama.cpp.
#
# llama-server runs twice per file: as is, and with GGML_CPU_TILED_MM=0. The second switches off
# llama.cpp's tiled k-quant matrix product, which it takes for batches of 8 or more tokens
# (prompts here) with a float order of its own; Parley follows that order for batches of 8 or
# more, as llama.cpp does by default, so the second column shows how much the order alone moves
# greedy text. Exits non-zero if any row differs from llama.cpp as is.
#
# Usage: scripts/check-quant-types.sh LLAMA_BIN_DIR [MODEL]
#   LLAMA_BIN_DIR  directory with llama-quantize and llama-server (scripts/llama-cpp.sh prints one)
#   MODEL          source model (default: Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf)
# Environment: SCRATCH (swift build scratch path, default .build), TOKENS (default 16).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bin="${1:?usage: scripts/check-quant-types.sh LLAMA_BIN_DIR [MODEL]}"
model="${2:-$root/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
tokens="${TOKENS:-16}"
scratch="${SCRATCH:-.build}"
for t in llama-quantize llama-server; do
    [ -x "$bin/$t" ] || { echo "no executable $t in $bin" >&2; exit 2; }
done
[ -f "$model" ] || { echo "no model at $model (scripts/fetch-model.sh fetches the default one)" >&2; exit 2; }

swift build --scratch-path "$scratch" --product parley >&2
parley="$(swift build --scratch-path "$scratch" --show-bin-path)/parley"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

prompts=("The capital of France is" "Once upon a time, a little robot")
types=(Q4_1 Q8_0 Q4_K_M Q5_K_M Q6_K)
: > "$work/ours.tsv"
: > "$work/theirs.tsv"

json_string() { python3 -c 'import json, sys; print(json.dumps(sys.stdin.read()))'; }

for type in "${types[@]}"; do
    file="$work/model-$type.gguf"
    if [ "$type" = Q4_1 ]; then
        cp "$model" "$file"
    else
        "$bin/llama-quantize" --allow-requantize "$model" "$file" "$type" > "$work/quantize-$type.log" 2>&1 \
            || { echo "llama-quantize $type failed; see its log:" >&2; tail -5 "$work/quantize-$type.log" >&2; exit 1; }
    fi
    for mode in default untiled; do
        port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        tiled=1
        [ "$mode" = untiled ] && tiled=0
        GGML_CPU_TILED_MM="$tiled" "$bin/llama-server" -m "$file" --host 127.0.0.1 --port "$port" -c 512 -np 1 \
            > "$work/server-$type-$mode.log" 2>&1 &
        server_pid=$!
        for _ in $(seq 120); do
            curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
            sleep 0.5
        done
        for prompt in "${prompts[@]}"; do
            body="$(python3 -c 'import json, sys; print(json.dumps({"prompt": sys.argv[1], "n_predict": int(sys.argv[2]),
                "temperature": 0, "top_k": 1, "cache_prompt": False}))' "$prompt" "$tokens")"
            theirs="$(curl -sf "http://127.0.0.1:$port/completion" -d "$body" \
                | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["content"]))')"
            printf '%s\t%s\t%s\t%s\n' "$type" "$mode" "$prompt" "$theirs" >> "$work/theirs.tsv"
        done
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    done
    for prompt in "${prompts[@]}"; do
        ours="$("$parley" gguf generate "$file" --prompt "$prompt" --tokens "$tokens" | json_string)"
        printf '%s\t%s\t%s\n' "$type" "$prompt" "$ours" >> "$work/ours.tsv"
    done
done

python3 - "$work/ours.tsv" "$work/theirs.tsv" <<'PY'
import json, sys
ours = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
theirs = {}
for line in open(sys.argv[2]):
    if line.strip():
        type_, mode, prompt, text = line.rstrip("\n").split("\t")
        theirs[(type_, mode, prompt)] = json.loads(text)
print("| type | prompt | = llama.cpp | = llama.cpp, tiled k-quant matmul off | parley | llama.cpp where different |")
print("|---|---|---|---|---|---|")
same_default = same_untiled = 0
for type_, prompt, text in ours:
    mine = json.loads(text)
    d, u = theirs[(type_, "default", prompt)], theirs[(type_, "untiled", prompt)]
    same_default += mine == d
    same_untiled += mine == u
    other = " / ".join(json.dumps(t) for t in dict.fromkeys(t for t in (d, u) if t != mine))
    print(f"| {type_} | {prompt} | {'yes' if mine == d else 'NO'} | {'yes' if mine == u else 'NO'} | {text} | {other} |")
print(f"\nequal to llama.cpp: {same_default} of {len(ours)}; "
      f"to llama.cpp with GGML_CPU_TILED_MM=0: {same_untiled} of {len(ours)}")
sys.exit(0 if same_default == len(ours) else 1)
PY
