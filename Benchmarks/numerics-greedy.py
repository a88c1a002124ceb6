#!/usr/bin/env python3
"""Greedy text of Parley against llama-server's on GGUF files (the numerics-architectures.sh work).

For each MODEL: llama-server (-c 1024, one slot, --swa-full) completes the three prompts of
scripts/record-architecture-fixtures.py with 16 tokens at temperature 0, top_k 1, prompt cache
off, the prompt sent as text (special tokens parsed, BOS as the model's metadata says); then
`parley gguf generate MODEL --prompt TEXT --tokens 16 --numerics NUMERICS`, which tokenises the
same way, completes them. Prints a table of identical completions per model; exits 1 if any
differs.

--swa-full: by default llama-server gives sliding-window layers a smaller cache whose cells are
reused, so their keys reach the one-query attention in another order than their positions, and
that attention rounds its running sum of values to F16 after every key. Parley, like llama.cpp
with a full cache, takes them in position order. The difference is real but small: without the
flag one completion of 72 differed here (gemma2 re-quantised to Q6_K, the fourth token, where
llama.cpp's batch path agrees with Parley's); with it, none.

usage: Benchmarks/numerics-greedy.py LLAMA_BIN_DIR PARLEY NUMERICS MODEL...
"""
import importlib.util
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "arch", os.path.join(root, "scripts", "record-architecture-fixtures.py"))
arch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(arch)


def llama_completions(bin_dir, model):
    with arch.serving(bin_dir, model, ["--swa-full"]) as port:
        return [arch.post(port, "/completion", {"prompt": prompt, "n_predict": arch.N_PREDICT, "temperature": 0,
                                                "top_k": 1, "cache_prompt": False, "seed": 1})["content"]
                for prompt in arch.PROMPTS]


def parley_completions(parley, numerics, model):
    return [subprocess.run([parley, "gguf", "generate", model, "--prompt", prompt, "--tokens", str(arch.N_PREDICT),
                            "--numerics", numerics, "--threads", "2"],
                           capture_output=True, text=True, check=True).stdout
            for prompt in arch.PROMPTS]


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    bin_dir, parley, numerics, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    print(f"| model | identical completions (of {len(arch.PROMPTS)}, {arch.N_PREDICT} tokens each) |")
    print("|---|---|")
    differing = 0
    for model in models:
        expected = llama_completions(bin_dir, model)
        produced = parley_completions(parley, numerics, model)
        same = sum(e == p for e, p in zip(expected, produced))
        differing += len(expected) - same
        print(f"| {os.path.basename(model)} | {same} |", flush=True)
        for e, p in zip(expected, produced):
            if e != p:
                print(f"  llama.cpp: {e!r}\n  Parley:    {p!r}", file=sys.stderr)
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
