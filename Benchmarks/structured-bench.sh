#!/usr/bin/env bash
# Structured output speed, in one run:
#  1. tg128 under the decide-mode schema (Benchmarks/schemas/decide-scores.json, converted to its
#     grammar by `parley gguf grammar`) against unconstrained tg128, at 1 and 2 threads
#     (gguf-bench --grammar; target: constrained >= 0.85x unconstrained);
#  2. Parley's constrained tokens/s (`parley gguf generate --schema --timing`) against llama-server's
#     own (its `timings.predicted_per_second`) on the same schema and prompt, greedy, 2 threads,
#     alternating A B A B (target: Parley >= llama-server).
#
# usage: Benchmarks/structured-bench.sh [MODEL] [ROUNDS]
# llama.cpp is found or built by scripts/llama-cpp.sh (PARLEY_LLAMA_DIR to reuse a build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
rounds="${2:-5}"
schema="$root/Benchmarks/schemas/decide-scores.json"
question="Should I take the train or fly from Berlin to Paris? Score each option on each criterion from 0 to 10 with a short reason, then recommend one."

cd "$root"
swift build -c release --product parley >&2
swift build -c release --product gguf-bench >&2
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/parley" gguf grammar "$schema" > "$work/decide.gbnf"

echo "== 1. tg128 under the decide-mode schema against unconstrained (gguf-bench, greedy, $rounds runs each)"
for threads in 1 2; do
    "$bin/gguf-bench" "$model" --grammar "$work/decide.gbnf" --prompt "$question" -n 128 -r "$rounds" -t "$threads" \
        | grep -E "^tg|^grammar work|^last constrained"
done

echo
echo "== 2. constrained tokens/s: Parley against llama-server (same schema, prompt and greedy output; 2 threads)"
llama_bin="$("$root/scripts/llama-cpp.sh")"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$llama_bin/llama-server" -m "$model" --host 127.0.0.1 --port "$port" -c 2048 -t 2 >/dev/null 2>&1 &
server_pid=$!
prompt="<|im_start|>user
$question<|im_end|>
<|im_start|>assistant
"
python3 - "$port" "$schema" "$prompt" "$bin/parley" "$model" "$rounds" <<'PY'
import json, re, statistics, subprocess, sys, time, urllib.request
port, schema_path, prompt, parley, model, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
schema = json.load(open(schema_path))

def post(path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)

for _ in range(600):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            if r.status == 200: break
    except Exception:
        time.sleep(0.2)
ids = post("/tokenize", {"content": prompt, "add_special": False, "parse_special": True})["tokens"]

def llama():
    r = post("/completion", {"prompt": ids, "n_predict": 128, "temperature": 0, "top_k": 1, "cache_prompt": False,
                             "json_schema": schema, "seed": 1})
    return r["timings"]["predicted_per_second"], r["timings"]["predicted_n"], r["content"]

def ours():
    out = subprocess.run([parley, "gguf", "generate", model, "--prompt", prompt, "--tokens", "128", "--threads", "2",
                          "--context", "2048", "--schema", schema_path, "--timing"], capture_output=True, text=True, check=True)
    m = re.search(r"generated (\d+) tokens in [0-9.]+ s \(([0-9.]+) t/s\)", out.stderr)
    return float(m.group(2)), int(m.group(1)), out.stdout

llama(); ours()  # warm-up
ratios, ls, ps = [], [], []
for i in range(rounds):
    l, ln, ltext = llama()
    p, pn, ptext = ours()
    ls.append(l); ps.append(p); ratios.append(p / l)
    print(f"round {i + 1}: llama-server {l:7.2f} t/s ({ln} tokens)   Parley {p:7.2f} t/s ({pn} tokens)   ratio {p / l:.2f}")
same = ltext.strip() == ptext.strip()
print(f"median: llama-server {statistics.median(ls):.2f} t/s, Parley {statistics.median(ps):.2f} t/s, "
      f"ratio {statistics.median(ratios):.2f} (target >= 1.0: {'PASS' if statistics.median(ratios) >= 1.0 else 'FAIL'}); "
      f"same text: {'yes' if same else 'NO'}")
print("output:", json.dumps(ptext.strip()[:300]))
PY
