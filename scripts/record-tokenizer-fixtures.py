#!/usr/bin/env python3
"""Record llama.cpp's tokenization of the tokenizer corpus as a test fixture.

Usage: scripts/record-tokenizer-fixtures.py LLAMA_SERVER MODEL.gguf [--corpus FILE] [--out FILE]

Starts llama-server on 127.0.0.1 with a free port, sends every corpus string to /tokenize with
add_special false and parse_special false (and, for the strings marked alsoParseSpecial, once more
with parse_special true), stops the server and writes the answers as JSON. Only the standard
library is used.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "GGUFRuntimeTests", "Fixtures", "tokenizer")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_until_ready(port, server, deadline_seconds=120):
    deadline = time.time() + deadline_seconds
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"llama-server exited early with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.3)
    sys.exit("llama-server did not become ready in time")


def server_version(server_path):
    try:
        out = subprocess.run([server_path, "--version"], capture_output=True, text=True, timeout=30)
        for line in (out.stdout + out.stderr).splitlines():
            if line.startswith("version"):
                return line.strip()
    except Exception:
        pass
    return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("server", help="path to llama-server")
    parser.add_argument("model", help="path to the GGUF model")
    parser.add_argument("--corpus", default=os.path.join(FIXTURES, "corpus.json"))
    parser.add_argument("--out", default=os.path.join(FIXTURES, "smollm2-expected.json"))
    parser.add_argument("--label", default="", help="where the llama.cpp build came from, kept in the output")
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        corpus = json.load(f)["strings"]

    port = free_port()
    server = subprocess.Popen(
        [args.server, "-m", args.model, "--host", "127.0.0.1", "--port", str(port), "-c", "512", "-t", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_ready(port, server)
        results = []
        for item in corpus:
            text = item["text"]
            modes = [False, True] if item.get("alsoParseSpecial") else [False]
            for parse_special in modes:
                answer = post(port, "/tokenize", {"content": text, "add_special": False, "parse_special": parse_special})
                results.append({"text": text, "parseSpecial": parse_special, "tokens": answer["tokens"]})
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    output = {
        "model": os.path.basename(args.model),
        "reference": " ".join(x for x in ["llama.cpp llama-server /tokenize,", args.label, server_version(args.server)] if x),
    }
    # One result per line keeps the file readable and its diffs small.
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("{\n")
        for key, value in output.items():
            f.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        f.write(' "results": [\n')
        for i, result in enumerate(results):
            f.write("  " + json.dumps(result, ensure_ascii=False) + ("," if i + 1 < len(results) else "") + "\n")
        f.write(" ]\n}\n")
    print(f"recorded {len(results)} answers to {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
