#!/usr/bin/env bash
# Parley's numerics against llama.cpp's, measured as llama.cpp measures its own quantisations:
# perplexity over a text and the KL divergence of the logits from a base run's.
#
# For each quantisation type of the default model (Q4_1 as shipped; Q8_0, Q4_K_M, Q5_K_M, Q6_K and
# F16 made from it with llama-quantize --allow-requantize: the Q4_1 file is the only one there is,
# so the other types are re-quantisations of its weights, not quantisations of the original ones)
# and each text in Benchmarks/numerics/ (English and Chinese):
#   1. llama-perplexity scores the text and saves its logits (--kl-divergence-base BASE);
#   2. llama-perplexity --kl-divergence compares a second run of itself with BASE: the floor that
#      the base file's 16-bit storage of log-probabilities alone gives;
#   3. parley gguf perplexity --kl-divergence compares Parley's logits with BASE.
# Prints a table: PPL of both (from the KL-divergence runs, which compute it the same way), their
# difference, Parley's mean KLD and top-1 agreement against llama.cpp, and llama.cpp's floor.
# Targets: PPL within 0.05%, mean KLD <= 1e-4, top-1 agreement >= 99.5%.
#
# Usage: Benchmarks/numerics.sh [MODEL]
# Environment: TYPES (default "Q4_1 Q8_0 Q4_K_M Q5_K_M Q6_K F16"), TEXTS (default both),
#   CTX (512), THREADS (2), PARLEY (a parley binary; default: a release build made here),
#   WORK (where models, logits and logs go; default ~/.cache/parley/numerics), PARLEY_LLAMA_DIR,
#   FRESH=1 (make llama.cpp's logits again; by default those already in WORK are reused),
#   NUMERICS (the llama.cpp build Parley follows, as `parley gguf perplexity --numerics`; default
#   host, which is how scripts/llama-cpp.sh builds llama.cpp: natively for this CPU).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

model="${1:-$root/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
[ -f "$model" ] || { echo "no model at $model (scripts/fetch-model.sh fetches the default one)" >&2; exit 2; }
types=(${TYPES:-Q4_1 Q8_0 Q4_K_M Q5_K_M Q6_K F16})
texts=(${TEXTS:-$root/Benchmarks/numerics/english.txt $root/Benchmarks/numerics/chinese.txt})
ctx="${CTX:-512}"
threads="${THREADS:-2}"
work="${WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/numerics}"
mkdir -p "$work"

source "$root/Benchmarks/numerics-common.sh"

results="$work/results.tsv"
: > "$results"
for type in "${types[@]}"; do
    file="$work/model-$type.gguf"
    if [ "$type" = Q4_1 ]; then
        file="$model"
    elif [ ! -f "$file" ]; then
        "$bin/llama-quantize" --allow-requantize "$model" "$file" "$type" > "$work/quantize-$type.log" 2>&1 \
            || { echo "llama-quantize $type failed; see $work/quantize-$type.log" >&2; exit 1; }
    fi
    for text in "${texts[@]}"; do
        name="$type-$(basename "$text" .txt)-c$ctx"
        base="$work/base-$name.kld"
        echo "== $name" >&2
        # llama.cpp's logits for a file and a text do not change between runs: kept unless FRESH=1.
        if [ -n "${FRESH:-}" ] || [ ! -s "$base" ] || ! grep -q 'Final estimate' "$work/llama-ppl-$name.log" 2>/dev/null; then
            "$bin/llama-perplexity" -m "$file" -f "$text" -c "$ctx" -b "$ctx" -t "$threads" \
                --kl-divergence-base "$base" > "$work/llama-ppl-$name.log" 2>&1
        fi
        if [ -n "${FRESH:-}" ] || ! grep -q '^Same top p' "$work/llama-kld-$name.log" 2>/dev/null \
            || [ "$work/llama-kld-$name.log" -ot "$base" ]; then
            "$bin/llama-perplexity" -m "$file" -c "$ctx" -b "$ctx" -t "$threads" \
                --kl-divergence --kl-divergence-base "$base" > "$work/llama-kld-$name.log" 2>&1
        fi
        "$PARLEY" gguf perplexity "$file" --kl-divergence --kl-divergence-base "$base" --batch "$ctx" \
            --threads "$threads" --numerics "${NUMERICS:-host}" > "$work/parley-kld-$name.log" 2>&1
        llama_final="$(grep -m1 'Final estimate' "$work/llama-ppl-$name.log" | sed -E 's/.*PPL = ([0-9.]+).*/\1/')"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$type" "$(basename "$text" .txt)" "$llama_final" \
            "$(figure 'Mean PPL(Q)' "$work/llama-kld-$name.log")" "$(figure 'Mean PPL(Q)' "$work/parley-kld-$name.log")" \
            "$(figure 'Mean    KLD' "$work/parley-kld-$name.log")" "$(figure 'Same top p' "$work/parley-kld-$name.log")" \
            "$(figure 'Mean    KLD' "$work/llama-kld-$name.log")" "$(figure 'Same top p' "$work/llama-kld-$name.log")" \
            >> "$results"
    done
done

PYTHONPATH="$root/Benchmarks" python3 - "$results" <<'PY'
import sys
from numerics_targets import judged, summary
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print("| type | text | PPL llama.cpp | PPL Parley | difference | mean KLD | top-1 same | llama.cpp vs its own base: KLD, top-1 |")
print("|---|---|---|---|---|---|---|---|")
failed = 0
for type_, text, final, llama_ppl, parley_ppl, kld, top, floor_kld, floor_top in rows:
    diff, ok = judged(llama_ppl, parley_ppl, kld, top)
    failed += not ok
    print(f"| {type_} | {text} | {float(llama_ppl):.4f} | {float(parley_ppl):.4f} | {diff:+.4f}% | {float(kld):.6f} | {float(top):.3f}% "
          f"| {float(floor_kld):.6f}, {float(floor_top):.3f}% |{'' if ok else ' MISSED'}")
print(summary(len(rows), failed))
sys.exit(1 if failed else 0)
PY
