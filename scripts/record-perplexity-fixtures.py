#!/usr/bin/env python3
"""Records llama-perplexity's answers as fixtures for the GGUF runtime's perplexity tests.

For each text in Benchmarks/numerics/ (English and Chinese) runs llama-perplexity on MODEL with a
context of 128 tokens, batches of 128 and 2 chunks, saving its logits (--kl-divergence-base) in a
temporary file, and records: the tokens the file holds (so the tokenizer is checked too), the
running perplexity after each chunk and the final estimate as llama-perplexity prints them, and an
FNV-1a 64-bit hash of every stored log-probability row (scale, minimum and the 16-bit values), so a
test can check Parley writes the same file without the file being committed.

usage: scripts/record-perplexity-fixtures.py LLAMA_BIN_DIR MODEL [OUTPUT]
"""
import importlib.util
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

CONTEXT = 128
CHUNKS = 2
TEXTS = ["Benchmarks/numerics/english.txt", "Benchmarks/numerics/chinese.txt"]


# The same row hash as the architecture fixtures.
_spec = importlib.util.spec_from_file_location(
    "arch", os.path.join(os.path.dirname(os.path.abspath(__file__)), "record-architecture-fixtures.py"))
_arch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_arch)
fnv1a64 = _arch.fnv1a64


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bin_dir, model = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        root, "Tests", "GGUFRuntimeTests", "Fixtures", "perplexity.json")
    texts = []
    with tempfile.TemporaryDirectory() as work:
        for text in TEXTS:
            base = os.path.join(work, "base.kld")
            run = subprocess.run(
                [os.path.join(bin_dir, "llama-perplexity"), "-m", model, "-f", os.path.join(root, text),
                 "-c", str(CONTEXT), "-b", str(CONTEXT), "--chunks", str(CHUNKS), "-t", "2",
                 "--kl-divergence-base", base],
                capture_output=True, text=True, check=True)
            log = run.stdout + run.stderr
            chunk_ppl = re.findall(r"\[\d+\](\d+\.\d+),", log)
            final = re.search(r"Final estimate: PPL = [0-9.]+ \+/- [0-9.]+", log).group(0)
            with open(base, "rb") as f:
                data = f.read()
            assert data[:8] == b"_logits_"
            n_ctx, n_vocab, n_chunk = struct.unpack_from("<Iii", data, 8)
            assert (n_ctx, n_chunk) == (CONTEXT, CHUNKS)
            tokens = list(struct.unpack_from(f"<{n_ctx * n_chunk}i", data, 20))
            words = 2 * ((n_vocab + 1) // 2) + 4
            offset = 20 + 4 * n_ctx * n_chunk
            rows = (len(data) - offset) // (2 * words)
            assert rows == n_chunk * (n_ctx - 1 - n_ctx // 2)
            hashes = [format(fnv1a64(data[offset + i * 2 * words: offset + (i + 1) * 2 * words]), "016x")
                      for i in range(rows)]
            texts.append({"file": text, "tokens": tokens, "chunk_perplexity": chunk_ppl,
                          "final": final, "row_hashes": hashes})
            print(f"{text}: {final}; {rows} rows")
    fixture = {
        "source": f"llama.cpp llama-perplexity -c {CONTEXT} -b {CONTEXT} --chunks {CHUNKS} --kl-divergence-base",
        "model": os.path.basename(model),
        "context": CONTEXT,
        "chunks": CHUNKS,
        "texts": texts,
    }
    with open(output, "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
