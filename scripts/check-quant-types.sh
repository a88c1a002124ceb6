#!/usr/bin/env bash
# Manual numerics check of the in-process GGUF runtime against llama.cpp on other quantisation
# types: requantises the default model (Q4_1) with llama-quantize to Q8_0, Q4_K_M, Q5_K_M and Q6_K
# in a temporary directory, then compares `parley gguf generate`'s greedy text with llama-server's
# /completion (temperature 0, top_k 1) for two prompts, and prints a table. Not part of
# `swift test`: CI has no llama.cpp. Exits non-zero if any row differs.
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
results="$work/results.tsv"
: > "$results"

for type in "${types[@]}"; do
    file="$work/model-$type.gguf"
    if [ "$type" = Q4_1 ]; then
        cp "$model" "$file"
    else
        "$bin/llama-quantize" --allow-requantize "$model" "$file" "$type" > "$work/quantize-$type.log" 2>&1 \
            || { echo "llama-quantize $type failed; see its log:" >&2; tail -5 "$work/quantize-$type.log" >&2; exit 1; }
    fi
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "$bin/llama-server" -m "$file" --host 127.0.0.1 --port "$port" -c 512 -np 1 > "$work/server-$type.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 120); do
        curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
        sleep 0.5
    done
    for prompt in "${prompts[@]}"; do
        body="$(python3 -c 'import json, sys; print(json.dumps({"prompt": sys.argv[1], "n_predict": int(sys.argv[2]),
            "temperature": 0, "top_k": 1, "cache_prompt": False}))' "$prompt" "$tokens")"
        theirs="$(curl -sf "http://127.0.0.1:$port/completion" -d "$body" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["content"]))')"
        ours="$("$parley" gguf generate "$file" --prompt "$prompt" --tokens "$tokens" | python3 -c 'import json, sys; print(json.dumps(sys.stdin.read()))')"
        printf '%s\t%s\t%s\t%s\n' "$type" "$prompt" "$ours" "$theirs" >> "$results"
    done
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
done

python3 - "$results" <<'EOF'
import json, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print("| type | prompt | same | parley | llama.cpp |")
print("|---|---|---|---|---|")
failed = 0
for type_, prompt, ours, theirs in rows:
    same = json.loads(ours) == json.loads(theirs)
    failed += not same
    print(f"| {type_} | {prompt} | {'yes' if same else 'NO'} | {ours} | {theirs if not same else '(same)'} |")
print(f"\n{len(rows) - failed} of {len(rows)} greedy outputs equal llama.cpp's")
sys.exit(1 if failed else 0)
EOF
