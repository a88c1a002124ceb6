#!/usr/bin/env bash
# Measures what Parley's caps on outside input cost: wall time and peak RSS of `parley` against a
# hostile server, hostile files and oversized input (README "Limits on outside input").
# Usage: bash Benchmarks/caps-bench.sh [PARLEY_BINARY]   (default: a release build, built here)
set -euo pipefail
cd "$(dirname "$0")/.."
PARLEY=${1:-}
if [[ -z "$PARLEY" ]]; then
    swift build -c release --product parley >/dev/null
    PARLEY=.build/release/parley
fi
MODEL=Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export HOME=$WORK PARLEY_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config LANG=C.UTF-8
python3 Benchmarks/hostile-server.py "$WORK/port" & SERVER=$!
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")"

# measure LABEL COMMAND...: one line "LABEL: wall s, peak RSS MB, exit status, stderr's first line".
measure() {
    local label=$1; shift
    local status=0
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
    read -r wall rss < <(tail -1 "$WORK/time")
    printf '%-44s %7.2f s %8.1f MB  exit %d  %s\n' "$label:" "$wall" "$(echo "$rss / 1024" | bc -l)" "$status" \
        "$(grep -v '^Command exited' "$WORK/err" | head -1 | cut -c1-110)"
}

mkdir -p "$WORK/bomb"
{
    echo "---"; echo "name: bomb"; echo 'a0: &a0 "lol"'
    for level in $(seq 1 9); do
        previous=$((level - 1))
        printf 'a%d: &a%d [%s]\n' "$level" "$level" "$(printf '*a%d, ' $(yes $previous | head -9) | sed 's/, $//')"
    done
    echo "---"; echo "A prompt."
} >"$WORK/bomb/bomb.md"
measure "personas list, 9-level billion laughs" "$PARLEY" personas list --personas "$WORK/bomb"

measure "ask, 100 MB streamed reply" "$PARLEY" ask --no-save --base-url "$URL/reply-100/v1" --model m go
measure "ask, 2 GB streamed reply" "$PARLEY" ask --no-save --base-url "$URL/reply-2048/v1" --model m go
measure "ask, 100 MB reply, --max-reply-bytes 64 MiB" "$PARLEY" ask --no-save --max-reply-bytes 67108864 \
    --base-url "$URL/reply-100/v1" --model m go
measure "models, endless /models body" "$PARLEY" models --base-url "$URL/endless/v1"
measure "ask, 500 with an endless error body" "$PARLEY" ask --no-save --base-url "$URL/error-endless/v1" --model m go

head -c 20000000 /dev/zero | tr '\0' x >"$WORK/20mb"
measure "ask, 20 MB on stdin" sh -c "\"$PARLEY\" ask --no-save --base-url $URL/ok/v1 --model m summarise <\"$WORK/20mb\""
head -c 5000000 /dev/zero | tr '\0' x >"$WORK/5mb"
measure "ask --gguf, 5 MB of x (input cap raised)" sh -c \
    "\"$PARLEY\" ask --no-save --gguf $MODEL --max-input-bytes 8000000 <\"$WORK/5mb\""

head -c 50000000 /dev/zero | tr '\0' y >"$WORK/50mb"
# The turn fails (the message is too long for any context) but the message is stored.
"$PARLEY" ask --max-input-bytes 60000000 --base-url "$URL/ok/v1" --model m "keep this:" <"$WORK/50mb" >/dev/null 2>&1 || true
ID=$("$PARLEY" history list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
measure "ask --conversation with a 50 MB message, local" "$PARLEY" ask --conversation "$ID" --gguf "$MODEL" \
    --max-tokens 8 --temperature 0 "and now?"

mkdir -p "$WORK/config"
for command in "sleep 1000" "yes"; do
    printf '[backends.k]\nkind = "openai"\nbase_url = "%s/ok/v1"\nmodel = "m"\napi_key_cmd = "%s"\n' "$URL" "$command" \
        >"$WORK/config/k.toml"
    measure "ask, api_key_cmd = \"$command\"" "$PARLEY" ask --no-save --config "$WORK/config/k.toml" --backend k hi
done
