#!/usr/bin/env python3
"""Records llama.cpp's answers with the test LoRA adapters (scripts/make-test-models.sh writes them
next to the test models) on the default model, as fixtures for the GGUF runtime's LoRA tests:
the same records as scripts/record-architecture-fixtures.py (perplexity, logits row hashes and top
log-probabilities, greedy text), with llama-perplexity --lora-scaled / llama-server --lora-scaled.

usage: scripts/record-lora-fixtures.py LLAMA_BIN_DIR MODEL TEST_MODELS_DIR [OUTPUT]
"""
import hashlib
import importlib.util
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("arch", os.path.join(HERE, "record-architecture-fixtures.py"))
arch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(arch)

# (adapter, scale): each type of pair once at full scale, one at half.
ADAPTERS = [("lora-f32.gguf", 1.0), ("lora-f16.gguf", 1.0), ("lora-q8_0.gguf", 1.0), ("lora-q8_0.gguf", 0.5)]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    bin_dir, model, models_dir = sys.argv[1:4]
    root = os.path.dirname(HERE)
    output = sys.argv[4] if len(sys.argv) > 4 else os.path.join(root, "Tests", "GGUFRuntimeTests", "Fixtures", "lora.json")
    text = os.path.join(root, "Benchmarks", "numerics", "english.txt")
    entries = []
    with tempfile.TemporaryDirectory() as work:
        for adapter, scale in ADAPTERS:
            path = os.path.join(models_dir, adapter)
            extra = ["--lora-scaled", f"{path}:{scale}"]
            entry = {"adapter": adapter, "scale": scale, "sha256": sha256(path), "model_sha256": sha256(model),
                     "perplexity": arch.perplexity(bin_dir, model, text, work, extra),
                     "greedy": arch.greedy(bin_dir, model, extra)}
            entries.append(entry)
            print(f"{adapter}:{scale}: {entry['perplexity']['final']}; greedy: {[c['expected_text'] for c in entry['greedy']]}")
    fixture = {
        "source": f"llama.cpp with --lora-scaled FILE SCALE: llama-perplexity -c {arch.CONTEXT} -b {arch.CONTEXT} "
                  f"--chunks {arch.CHUNKS}; llama-server /completion, temperature 0, top_k 1, {arch.N_PREDICT} tokens",
        "context": arch.CONTEXT, "chunks": arch.CHUNKS, "text": "Benchmarks/numerics/english.txt", "adapters": entries,
    }
    with open(output, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
