#!/usr/bin/env bash
# Parley's numerics against llama.cpp's beyond the default model, measured as Benchmarks/numerics.sh
# measures it (perplexity, and the KL divergence of the logits from llama-perplexity's):
#   - the test models of other architectures (scripts/make-test-models.sh: llama with rope_freqs,
#     qwen2, qwen3, gemma2, gemma3, phi3), as written (the default model's Q4_1 blocks) and
#     re-quantised with llama-quantize --allow-requantize to each of QUANTS;
#   - the default model with each test LoRA adapter (F32, F16 and Q8_0 at scale 1, Q8_0 at 0.5),
#     through llama.cpp's --lora-scaled and Parley's --lora FILE:SCALE.
# For each: llama-perplexity scores TEXT and saves its logits (--kl-divergence-base), then
# `parley gguf perplexity --kl-divergence` compares Parley's logits with them. Prints a table:
# llama-perplexity's final estimate and Parley's PPL from its own logits (not the one recomputed
# from the base file, whose 16-bit rows floor the improbable tokens of the nonsense-weight Gemma
# test models), their difference, mean KLD and top-1 agreement. Targets as numerics.sh's: PPL within
# 0.05%, mean KLD <= 1e-4, top-1 >= 99.5%. Then Benchmarks/numerics-greedy.py compares greedy text
# with llama-server's on every test model file (SKIP_GREEDY=1 leaves that out). Exits 1 if a row
# misses a target or a completion differs.
#
# Usage: Benchmarks/numerics-architectures.sh
# Environment: QUANTS (default "Q8_0 Q4_K_M Q6_K"), MODELS (default all six), TEXT (default
#   Benchmarks/numerics/english.txt), CTX (256), CHUNKS (4: 1,024 tokens, 512 scored), THREADS (2),
#   PARLEY (a parley binary; default: a release build made here), WORK (default
#   ~/.cache/parley/numerics-architectures), NUMERICS (the llama.cpp build Parley follows; default
#   host, which is how scripts/llama-cpp.sh builds llama.cpp), SKIP_LORA=1, PARLEY_TEST_MODELS,
#   FRESH=1 (run llama-perplexity again; by default its logits already in WORK are reused).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quants=(${QUANTS:-Q8_0 Q4_K_M Q6_K})
models=(${MODELS:-llama-rope qwen2 qwen3 gemma2 gemma3 phi3})
text="${TEXT:-$root/Benchmarks/numerics/english.txt}"
ctx="${CTX:-256}"
chunks="${CHUNKS:-4}"
threads="${THREADS:-2}"
numerics="${NUMERICS:-host}"
tests="${PARLEY_TEST_MODELS:-$root/Storage/test-models}"
default_model="$root/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf"
work="${WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/numerics-architectures}"
mkdir -p "$work"

for name in "${models[@]}"; do
    [ -f "$tests/$name.gguf" ] || { echo "no test model at $tests/$name.gguf (scripts/make-test-models.sh writes them)" >&2; exit 2; }
done
source "$root/Benchmarks/numerics-common.sh"

results="$work/results.tsv"
: > "$results"
# row LABEL TYPE MODEL [LORA SCALE]: one measurement, appended to the results.
row() {
    local label="$1" type="$2" file="$3" lora="${4:-}" scale="${5:-}"
    local name="$label-$type" llama_lora=() parley_lora=()
    if [ -n "$lora" ]; then
        llama_lora=(--lora-scaled "$lora:$scale")
        parley_lora=(--lora "$lora:$scale")
    fi
    echo "== $name" >&2
    # llama.cpp's logits for a file and a text do not change between runs: kept unless FRESH=1.
    if [ -n "${FRESH:-}" ] || [ ! -s "$work/base-$name.kld" ] || [ "$work/base-$name.kld" -ot "$file" ] \
        || ! grep -q 'Final estimate' "$work/llama-$name.log" 2>/dev/null; then
        "$bin/llama-perplexity" -m "$file" -f "$text" -c "$ctx" -b "$ctx" --chunks "$chunks" -t "$threads" \
            "${llama_lora[@]}" --kl-divergence-base "$work/base-$name.kld" > "$work/llama-$name.log" 2>&1 \
            || { echo "llama-perplexity failed; see $work/llama-$name.log" >&2; exit 1; }
    fi
    "$PARLEY" gguf perplexity "$file" --kl-divergence --kl-divergence-base "$work/base-$name.kld" --batch "$ctx" \
        --threads "$threads" --numerics "$numerics" "${parley_lora[@]}" > "$work/parley-$name.log" 2>&1 \
        || { echo "parley gguf perplexity failed; see $work/parley-$name.log" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$type" \
        "$(grep -m1 'Final estimate' "$work/llama-$name.log" | sed -E 's/.*PPL = ([0-9.]+).*/\1/')" \
        "$(figure 'Mean PPL(Q)' "$work/parley-$name.log")" \
        "$(figure 'Mean    KLD' "$work/parley-$name.log")" "$(figure 'Same top p' "$work/parley-$name.log")" >> "$results"
}

for name in "${models[@]}"; do
    row "$name" "as written" "$tests/$name.gguf"
    for type in "${quants[@]}"; do
        file="$work/$name.$type.gguf"
        if [ ! -f "$file" ] || [ "$file" -ot "$tests/$name.gguf" ]; then
            "$bin/llama-quantize" --allow-requantize "$tests/$name.gguf" "$file" "$type" > "$work/quantize-$name-$type.log" 2>&1 \
                || { echo "llama-quantize failed; see $work/quantize-$name-$type.log" >&2; exit 1; }
        fi
        row "$name" "$type" "$file"
    done
done
if [ -z "${SKIP_LORA:-}" ]; then
    for spec in lora-f32:1 lora-f16:1 lora-q8_0:1 lora-q8_0:0.5; do
        row "default + ${spec%%:*}" "scale ${spec##*:}" "$default_model" "$tests/${spec%%:*}.gguf" "${spec##*:}"
    done
fi

status=0
PYTHONPATH="$root/Benchmarks" python3 - "$results" "$ctx" "$chunks" "$numerics" <<'PY' || status=1
import sys
from numerics_targets import judged, summary
path, ctx, chunks, numerics = sys.argv[1:]
rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
print(f"ctx {ctx}, {chunks} chunks, Parley --numerics {numerics}")
print("| model | type | PPL llama.cpp | PPL Parley | difference | mean KLD | top-1 same |")
print("|---|---|---|---|---|---|---|")
failed = 0
for label, type_, llama_ppl, parley_ppl, kld, top in rows:
    diff, ok = judged(llama_ppl, parley_ppl, kld, top)
    failed += not ok
    print(f"| {label} | {type_} | {float(llama_ppl):.4f} | {float(parley_ppl):.4f} | {diff:+.4f}% | {float(kld):.6f} "
          f"| {float(top):.3f}% |{'' if ok else ' MISSED'}")
print(summary(len(rows), failed))
sys.exit(1 if failed else 0)
PY
if [ -z "${SKIP_GREEDY:-}" ]; then
    files=()
    for name in "${models[@]}"; do
        files+=("$tests/$name.gguf")
        for type in "${quants[@]}"; do files+=("$work/$name.$type.gguf"); done
    done
    echo
    python3 "$root/Benchmarks/numerics-greedy.py" "$bin" "$PARLEY" "$numerics" "${files[@]}" || status=1
fi
exit "$status"
