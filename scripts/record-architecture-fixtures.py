#!/usr/bin/env python3
"""Records llama.cpp's answers on the test models of other architectures (scripts/make-test-models.sh)
as fixtures for the GGUF runtime's tests.

For each model in MODELS_DIR: its SHA-256 (the tests check they run on the same file); from
llama-perplexity on Benchmarks/numerics/english.txt (context 128, batches of 128, 2 chunks) the
running perplexity after each chunk, the final estimate, an FNV-1a 64-bit hash of every stored
log-probability row and, per scored position, the 8 most likely tokens with their
log-probabilities (for KL divergence and top-1 agreement); from llama-server's /completion
(temperature 0, top_k 1, prompt cache off) the greedy tokens after three raw prompts, one
shorter and two longer than the test models' 48-token sliding window, one over 64 tokens (the
batched F32 attention path).

usage: scripts/record-architecture-fixtures.py LLAMA_BIN_DIR MODELS_DIR [OUTPUT]
"""
import contextlib
import hashlib
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

MODELS = ["llama-rope", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"]
CONTEXT, CHUNKS, TOP = 128, 2, 8
N_PREDICT = 16
PROMPTS = [
    "The capital of France is",
    "A harbour town in winter is quiet. The boats are pulled up onto the slipway, and their owners "
    "come down in the mornings to look at them anyway. In the bakery",
    "Tides decide when the boats can leave and when they must return, when the rock pools are open "
    "and when the causeway to the chapel is under water. Twice a month, at new moon and full moon, "
    "the tides are at their largest. Children in the town learn to read a tide table early, and "
    "they know that the sea does not care what time you have to be home. The lifeboat crew",
]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def perplexity(bin_dir, model, text, work, extra=()):
    base = os.path.join(work, "base.kld")
    run = subprocess.run(
        [os.path.join(bin_dir, "llama-perplexity"), "-m", model, "-f", text, "-c", str(CONTEXT), "-b", str(CONTEXT),
         "--chunks", str(CHUNKS), "-t", "2", "--kl-divergence-base", base, *extra],
        capture_output=True, text=True, check=True)
    log = run.stdout + run.stderr
    chunk_ppl = re.findall(r"\[\d+\](\d+\.\d+),", log)
    final = re.search(r"Final estimate: PPL = [0-9.]+ \+/- [0-9.]+", log).group(0)
    with open(base, "rb") as f:
        data = f.read()
    n_ctx, n_vocab, n_chunk = struct.unpack_from("<Iii", data, 8)
    words = 2 * ((n_vocab + 1) // 2) + 4
    offset = 20 + 4 * n_ctx * n_chunk
    rows = (len(data) - offset) // (2 * words)
    hashes, tops = [], []
    for i in range(rows):
        row = data[offset + i * 2 * words: offset + (i + 1) * 2 * words]
        hashes.append(format(fnv1a64(row), "016x"))
        scale, minimum = struct.unpack_from("<ff", row, 0)
        values = struct.unpack_from(f"<{n_vocab}H", row, 8)
        best = sorted(range(n_vocab), key=lambda j: (-values[j], j))[:TOP]
        tops.append([[j, round(scale * values[j] + minimum, 6)] for j in best])
    return {"chunk_perplexity": chunk_ppl, "final": final, "row_hashes": hashes, "top": tops}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


@contextlib.contextmanager
def serving(bin_dir, model, extra=()):
    """llama-server on MODEL (-c 1024, one slot), ready; yields its port and stops it after."""
    port = free_port()
    server = subprocess.Popen([os.path.join(bin_dir, "llama-server"), "-m", model, "--host", "127.0.0.1",
                               "--port", str(port), "-c", "1024", "-np", "1", *extra],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if server.poll() is not None:
                sys.exit(f"llama-server exited early on {model}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def greedy(bin_dir, model, extra=()):
    with serving(bin_dir, model, extra) as port:
        cases = []
        for prompt in PROMPTS:
            ids = post(port, "/tokenize", {"content": prompt, "add_special": False, "parse_special": True})["tokens"]
            result = post(port, "/completion", {"prompt": ids, "n_predict": N_PREDICT, "temperature": 0, "top_k": 1,
                                                "cache_prompt": False, "return_tokens": True, "seed": 1})
            cases.append({"prompt_tokens": ids, "expected_tokens": result["tokens"], "expected_text": result["content"]})
        return cases


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bin_dir, models_dir = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "Tests", "GGUFRuntimeTests", "Fixtures", "architectures.json")
    text = os.path.join(root, "Benchmarks", "numerics", "english.txt")
    models = []
    with tempfile.TemporaryDirectory() as work:
        for name in MODELS:
            path = os.path.join(models_dir, f"{name}.gguf")
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            entry = {"name": name, "sha256": digest, "perplexity": perplexity(bin_dir, path, text, work),
                     "greedy": greedy(bin_dir, path)}
            models.append(entry)
            print(f"{name}: {entry['perplexity']['final']}; greedy: {[c['expected_text'] for c in entry['greedy']]}")
    fixture = {
        "source": f"llama.cpp llama-perplexity -c {CONTEXT} -b {CONTEXT} --chunks {CHUNKS} on Benchmarks/numerics/english.txt; "
                  f"llama-server /completion, temperature 0, top_k 1, {N_PREDICT} tokens",
        "context": CONTEXT, "chunks": CHUNKS, "text": "Benchmarks/numerics/english.txt", "models": models,
    }
    with open(output, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
