#!/usr/bin/env bash
# Writes the test models of other architectures (scripts/make-test-models.py) and the test LoRA
# adapters for the default model (scripts/make-test-lora.py) into
# DIR (default: Storage/test-models), from the default model, in a Python environment of their
# own with the gguf package from PyPI (kept in ${XDG_CACHE_HOME:-~/.cache}/parley/venv).
# Extra arguments go to the Python script (--layers N, --only NAME,..., --llama-bin DIR
# --quantize TYPE,...). Files newer than this generator and the model are kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/Storage/test-models}"
shift || true
model="${PARLEY_TEST_MODEL:-$root/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
[ -f "$model" ] || "$root/scripts/fetch-model.sh" >&2
# Already written by this generator from this model: nothing to do (tests check their SHA-256).
if [ $# -eq 0 ]; then
    fresh=1
    for name in llama-rope qwen2 qwen3 gemma2 gemma3 phi3 lora-f32 lora-f16 lora-q8_0 lora-mismatch; do
        f="$out/$name.gguf"
        if [ ! -f "$f" ] || [ "$f" -ot "$root/scripts/make-test-models.py" ] || [ "$f" -ot "$root/scripts/make-test-lora.py" ] \
            || [ "$f" -ot "$model" ]; then fresh=0; fi
    done
    [ "$fresh" = 1 ] && exit 0
fi
venv="${XDG_CACHE_HOME:-$HOME/.cache}/parley/venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import gguf, numpy' 2>/dev/null; then
    echo "test models: installing the gguf package into $venv..." >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "gguf==0.19.0" "numpy>=1.26" >&2
fi
"$venv/bin/python" "$root/scripts/make-test-models.py" "$model" "$out" "$@"
# LoRA adapters for the default model (scripts/make-test-lora.py).
if [ $# -eq 0 ]; then
    "$venv/bin/python" "$root/scripts/make-test-lora.py" "$model" "$out"
fi
