#!/usr/bin/env bash
# Runs Parley against a real OpenAI-compatible server nobody here wrote: llama.cpp's llama-server
# (built from its PyPI source package by scripts/llama-cpp.sh) with the default model, on loopback.
# Checks `parley models`, a streamed and a non-streamed `parley ask`, a multi-turn `--continue`, and
# a request that overflows the server's context. Exits non-zero on the first failure.
#
# Usage: scripts/real-server-test.sh            (about 5 minutes the first time, for the build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bin="$(scripts/llama-cpp.sh)"
scripts/fetch-model.sh >/dev/null
model="$root/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf"
swift build --product parley >&2
parley="$(swift build --show-bin-path)/parley"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# One slot holding 1024 tokens, so an overflow is easy to provoke.
"$bin/llama-server" -m "$model" --host 127.0.0.1 --port "$port" -c 1024 -np 1 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "llama-server did not start:" >&2; tail -5 "$work/server.log" >&2; exit 1; }

export PARLEY_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
base=(--base-url "http://127.0.0.1:$port/v1")
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

models="$("$parley" models "${base[@]}")"
[[ "$models" == *SmolLM2-135M-Instruct* ]] || fail "models listed: $models"
pass "parley models lists $models"

reply="$("$parley" ask "${base[@]}" --temperature 0 --max-tokens 40 "What is the capital of France?")"
[[ "$reply" == *Paris* ]] || fail "streamed reply: $reply"
pass "streamed ask: $reply"

whole="$("$parley" ask "${base[@]}" --no-stream --no-save --temperature 0 --max-tokens 40 "What is the capital of Italy?")"
[[ "$whole" == *Rome* ]] || fail "non-streamed reply: $whole"
pass "non-streamed ask: $whole"

followup="$("$parley" ask "${base[@]}" --continue --temperature 0 --max-tokens 40 "And of Germany?")"
[ -n "$followup" ] || fail "empty follow-up"
count="$("$parley" history list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["messageCount"])')"
[ "$count" = 4 ] || fail "the continued conversation has $count messages, expected 4"
pass "--continue: $followup ($count messages stored)"

json="$("$parley" ask "${base[@]}" --json --temperature 0 --max-tokens 20 "Say hello.")"
python3 -c 'import json,sys; o=json.loads(sys.argv[1]); assert o["usage"]["promptTokens"] > 0 and o["finishReason"] in ("stop","length"), o' "$json" \
    || fail "--json: $json"
pass "--json carries usage and finish reason"

# Parley is told the context is large, so it sends everything; the server's 1024 tokens overflow.
mkdir -p "$XDG_CONFIG_HOME/parley"
printf '[backends.lan]\nkind = "openai"\nbase_url = "http://127.0.0.1:%s/v1"\ncontext_size = 100000\n' "$port" >"$XDG_CONFIG_HOME/parley/config.toml"
long="$(python3 -c 'print("Please summarise this. " + "The quick brown fox jumps over the lazy dog. " * 300)')"
set +e
overflow="$("$parley" ask --backend lan --no-save "$long" 2>&1 >/dev/null)"
status=$?
set -e
[ "$status" -ne 0 ] || fail "an overflowing request succeeded"
[[ "$overflow" == *context* ]] || fail "overflow message: $overflow"
[ "$(printf '%s\n' "$overflow" | wc -l)" -eq 1 ] || fail "overflow message is not one line: $overflow"
pass "context overflow explained: $overflow"
echo "all real-server checks passed"
