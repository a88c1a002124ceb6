#!/usr/bin/env bash
# Time to first token at every turn of a growing chat through `parley ask --continue`: a new
# process per turn, as a user types it, on the release binary and the default model.
#
# Each turn runs three times, alternating the order:
#   reuse    in the chat's own storage, where the last process saved the conversation's state
#            (the reply is written, up to REPLY_TOKENS greedy tokens, and becomes history)
#   scratch  the same history in a copy of that storage without the cache/ directory, one token
#   turn 1   the first turn again, a new conversation in an empty storage, one token: measured
#            next to each turn, so the ratio reuse / turn 1 is read within one stretch of load
# "first token" is the wall time from starting the process to the first byte on its stdout
# (start-up, model load, reading the state, evaluating, the first token); "after the reply" is
# the reuse run's time from its last byte of reply to its exit: readying the next turn's start
# (the reply evaluated as the next prompt will hold it) and saving the state.
# Prompt and held tokens come from the stored reply's usage.
#
# On shared machines absolute figures drift: compare the columns of one run, as ratios.
#
# usage: Benchmarks/conversation-bench.sh [MODEL] [TURNS] [REPLY_TOKENS]
#   MODEL         default: Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf
#   TURNS         default 10
#   REPLY_TOKENS  default 200
# environment:
#   THREADS       --threads for parley (default 2)
#   SCRATCH_PATH  SwiftPM scratch path for the release build (default .build-bench)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODEL=${1:-$ROOT/Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf}
TURNS=${2:-10}
REPLY=${3:-200}
THREADS=${THREADS:-2}
SCRATCH=${SCRATCH_PATH:-$ROOT/.build-bench}
[ -f "$MODEL" ] || { echo "conversation-bench: no model at $MODEL (pass its path as the first argument)" >&2; exit 2; }

swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product parley >/dev/null
PARLEY="$SCRATCH/release/parley"

echo "model: $(basename "$MODEL"); $TURNS turns, replies up to $REPLY tokens, $THREADS threads; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
python3 - "$PARLEY" "$MODEL" "$TURNS" "$REPLY" "$THREADS" "$ROOT/Personas" <<'PY'
import glob, json, os, shutil, subprocess, sys, tempfile, time

parley, model, turns, reply_tokens, threads, personas = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
# The questions `parley bench --conversation` asks.
questions = [
    "I want to start a small vegetable garden on my balcony. What should I plan first?",
    "Which vegetables grow well in pots, and how big should the pots be?",
    "How often should I water them in summer, and how can I tell if they need water?",
    "What soil or compost should I buy, and can I reuse it next year?",
    "How do I deal with aphids and other pests without strong chemicals?",
    "My tomato leaves are turning yellow at the bottom. What could cause that?",
    "Can I grow herbs in the same pots as vegetables? Which ones go well together?",
    "How much sun do these plants need, and what if my balcony faces north?",
    "When and how should I harvest so the plants keep producing?",
    "What should I do with the garden over the winter?",
    "Could you summarise the whole plan as a short checklist?",
    "What are the three mistakes beginners make most often?",
]

work = tempfile.mkdtemp(prefix="parley-conversation-bench-")
chat, copy = os.path.join(work, "chat"), os.path.join(work, "copy")
os.makedirs(chat)
empty = os.path.join(work, "empty")

def env(home):
    return {"HOME": home, "PARLEY_HOME": os.path.join(home, "data"), "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}

def ask(home, question, tokens, first_turn):
    args = [parley, "ask", "--gguf", model, "--threads", threads, "--personas", personas, "--temperature", "0",
            "--max-tokens", str(tokens)] + ([] if first_turn else ["--continue"]) + [question]
    start = time.monotonic()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(home))
    first = process.stdout.read(1)
    first_token = last_byte = time.monotonic() - start
    while os.read(process.stdout.fileno(), 65536):
        last_byte = time.monotonic() - start
    error = process.stderr.read()
    process.wait()
    total = time.monotonic() - start
    if process.returncode != 0 or not first:
        sys.exit("parley ask failed: " + error.decode(errors="replace"))
    return first_token, last_byte, total

def last_usage(home):
    files = [f for f in glob.glob(os.path.join(home, "data", "conversations", "*.json")) if not os.path.basename(f).startswith(".") and ".inflight" not in f]
    conversation = json.load(open(files[0]))
    usage = conversation["messages"][-1].get("usage") or {}
    return usage.get("promptTokens", 0), usage.get("cachedPromptTokens", 0), usage.get("completionTokens", 0)

def scratch_copy():
    shutil.rmtree(copy, ignore_errors=True)
    if os.path.isdir(os.path.join(chat, "data")):
        shutil.copytree(os.path.join(chat, "data"), os.path.join(copy, "data"), ignore=shutil.ignore_patterns("cache"))
    else:
        os.makedirs(copy)

def first_turn_now():
    shutil.rmtree(empty, ignore_errors=True)
    os.makedirs(empty)
    return ask(empty, questions[0], 1, True)[0]

rows = []
for turn in range(turns):
    question = questions[turn % len(questions)]
    scratch_copy()
    if turn % 2 == 0:
        scratch, _, _ = ask(copy, question, 1, turn == 0)
        baseline = first_turn_now()
        reused, replied, total = ask(chat, question, reply_tokens, turn == 0)
    else:
        reused, replied, total = ask(chat, question, reply_tokens, turn == 0)
        baseline = first_turn_now()
        scratch, _, _ = ask(copy, question, 1, turn == 0)
    prompt, held, completion = last_usage(chat)
    rows.append((turn + 1, prompt, held, completion, reused, scratch, baseline, total - replied))
    print(f"turn {turn + 1}: {prompt} prompt tokens, {held} held; first token {reused:.3f} s with the saved state, {scratch:.3f} s without, turn 1 now {baseline:.3f} s", flush=True)

print()
print("| turn | prompt tokens | held | reply tokens | first token, saved state (s) | without (s) | turn 1 now (s) | saved state / turn 1 now | after the reply, to exit (s) |")
print("|---|---|---|---|---|---|---|---|---|")
for turn, prompt, held, completion, reused, scratch, baseline, after in rows:
    print(f"| {turn} | {prompt} | {held} | {completion} | {reused:.3f} | {scratch:.3f} | {baseline:.3f} | {reused / baseline:.2f} | {after:.3f} |")
last = rows[-1]
print(f"turn {last[0]} / turn 1 measured next to it, first token: {last[4] / last[6]:.2f} with the saved state (target <= 1.2), {last[5] / last[6]:.2f} without")
shutil.rmtree(work, ignore_errors=True)
PY
