#!/usr/bin/env python3
"""Records llama.cpp's greedy output as fixtures for the GGUF runtime's tests.

Starts llama-server on 127.0.0.1 with the given model (context 2048), tokenizes each
prompt with /tokenize (special tokens recognised, nothing added), asks /completion
for up to 24 greedy tokens from those ids (prompt cache off), and writes
Tests/GGUFRuntimeTests/Fixtures/greedy.json.

usage: scripts/record-llama-fixtures.py LLAMA_SERVER MODEL [OUTPUT]
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

PROMPTS = [
    ("raw", "The quick brown fox"),
    ("raw", "Once upon a time, in a small village by the sea,"),
    ("raw", "def fibonacci(n):\n"),
    ("raw", "The three primary colors are"),
    ("chatml", "What is the capital of France?"),
    ("chatml", "Write a short poem about the ocean."),
    ("chatml", "Give me three tips for staying productive when working from home."),
    ("chatml", "Explain in detail how photosynthesis works in plants, including the light-dependent "
               "reactions, the Calvin cycle, the role of chlorophyll, and why this process matters "
               "for life on Earth. Please use simple language that a curious twelve-year-old "
               "student could follow, and end with a one-sentence summary."),
]
N_PREDICT = 24


def chatml(text):
    return "<|im_start|>user\n" + text + "<|im_end|>\n<|im_start|>assistant\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def wait_healthy(port, server):
    for _ in range(600):
        if server.poll() is not None:
            sys.exit("llama-server exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.2)
    sys.exit("llama-server did not become healthy")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    server_path, model = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        root, "Tests", "GGUFRuntimeTests", "Fixtures", "greedy.json")
    port = free_port()
    server = subprocess.Popen(
        [server_path, "-m", model, "--host", "127.0.0.1", "--port", str(port), "-c", "2048"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, server)
        cases = []
        for kind, text in PROMPTS:
            prompt = chatml(text) if kind == "chatml" else text
            ids = post(port, "/tokenize", {"content": prompt, "add_special": False,
                                           "parse_special": True})["tokens"]
            result = post(port, "/completion", {
                "prompt": ids, "n_predict": N_PREDICT, "temperature": 0, "top_k": 1,
                "cache_prompt": False, "return_tokens": True, "seed": 1,
            })
            cases.append({"kind": kind, "prompt": prompt, "prompt_tokens": ids,
                          "expected_tokens": result["tokens"], "expected_text": result["content"]})
            print(f"{kind}: {len(ids)} prompt tokens -> {len(result['tokens'])} tokens: {result['content']!r}")
        fixture = {
            "source": "llama.cpp llama-server /completion, temperature 0, top_k 1, -c 2048",
            "model": os.path.basename(model),
            "n_predict": N_PREDICT,
            "cases": cases,
        }
        with open(output, "w") as f:
            json.dump(fixture, f, indent=1, ensure_ascii=False)
            f.write("\n")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
