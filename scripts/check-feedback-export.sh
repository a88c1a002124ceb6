#!/usr/bin/env bash
# Checks that every `parley feedback export` format loads in Hugging Face `datasets`, the library
# TRL reads its training data with: writes a sample conversation with feedback (a rated reply, a
# regenerated reply with a chosen version, a down-rated version and an ideal answer, and an
# interrupted reply that must be left out), exports it in each format, and loads each file with
# load_dataset("json", ...), checking its columns and its number of rows.
#
# Needs python3 with venv; installs `datasets` into a virtual environment (kept in
# .build/feedback-venv, or $PARLEY_FEEDBACK_VENV) with pip. Uses $PARLEY_BIN, else builds parley.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${PARLEY_FEEDBACK_VENV:-$root/.build/feedback-venv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "datasets>=2.14"

parley="${PARLEY_BIN:-}"
if [[ -z "$parley" ]]; then
    (cd "$root" && swift build --product parley >/dev/null)
    parley="$(cd "$root" && swift build --show-bin-path)/parley"
fi

# The sample, as the chat screen stores it (schema 2).
id="20261129-010203-k3v9qa"
mkdir -m 700 "$work/data" "$work/data/conversations"
cat > "$work/data/conversations/$id.json" <<'JSON'
{
  "createdAt" : "2026-11-29T01:02:03.456Z",
  "id" : "20261129-010203-k3v9qa",
  "messages" : [
    { "content" : "Name a fruit", "createdAt" : "2026-11-29T01:02:03.456Z", "id" : "m1", "role" : "user", "status" : "complete" },
    { "content" : "Apple.", "createdAt" : "2026-11-29T01:02:04.000Z", "id" : "m2", "model" : "small", "role" : "assistant", "status" : "complete",
      "feedback" : { "ratings" : [ { "rating" : "up", "ratedAt" : "2026-11-29T01:03:00.000Z", "version" : 1 } ] } },
    { "content" : "Another one, please", "createdAt" : "2026-11-29T01:02:05.000Z", "id" : "m3", "role" : "user", "status" : "complete" },
    { "alternatives" : [ "Pear.", "Kiwi.", "Plum." ], "content" : "Kiwi.", "createdAt" : "2026-11-29T01:02:06.000Z", "id" : "m4",
      "model" : "small", "role" : "assistant", "status" : "complete",
      "feedback" : {
        "ideal" : { "content" : "Mango, sweet and ripe.", "version" : 3, "writtenAt" : "2026-11-29T01:04:00.000Z" },
        "preferredAt" : "2026-11-29T01:03:30.000Z", "preferredVersion" : 2,
        "ratings" : [ { "note" : "dull", "rating" : "down", "ratedAt" : "2026-11-29T01:03:40.000Z", "version" : 3 } ] } },
    { "content" : "Tell a story", "createdAt" : "2026-11-29T01:02:07.000Z", "id" : "m5", "role" : "user", "status" : "complete" },
    { "content" : "Once upon", "createdAt" : "2026-11-29T01:02:08.000Z", "error" : "cancelled by the user", "id" : "m6", "model" : "small",
      "role" : "assistant", "status" : "interrupted",
      "feedback" : { "ratings" : [ { "rating" : "down", "ratedAt" : "2026-11-29T01:05:00.000Z", "version" : 1 } ] } }
  ],
  "mode" : "chat",
  "persona" : "assistant",
  "schemaVersion" : 2,
  "title" : "Fruit",
  "updatedAt" : "2026-11-29T01:05:00.000Z"
}
JSON
chmod 600 "$work/data/conversations/$id.json"

for format in sft openai-sft dpo openai-dpo kto; do
    PARLEY_HOME="$work/data" XDG_CONFIG_HOME="$work/config" "$parley" feedback export --format "$format" -o "$work/$format.jsonl"
done

HF_HOME="$work/hf" HF_DATASETS_OFFLINE=1 "$venv/bin/python" - "$work" <<'PY'
import sys
from datasets import load_dataset

work = sys.argv[1]
# format: (columns, rows). Rows: sft = the up-rated reply, the chosen version and the ideal answer;
# dpo = chosen against the two others, and the ideal against the version it corrects; kto = three
# good and two bad answers. The interrupted reply is in none.
expected = {
    "sft": ({"messages"}, 3),
    "openai-sft": ({"messages"}, 3),
    "dpo": ({"prompt", "chosen", "rejected"}, 3),
    "openai-dpo": ({"input", "preferred_output", "non_preferred_output"}, 3),
    "kto": ({"prompt", "completion", "label"}, 5),
}
failures = 0
for name, (columns, rows) in expected.items():
    data = load_dataset("json", data_files=f"{work}/{name}.jsonl", split="train")
    problems = []
    if set(data.column_names) != columns:
        problems.append(f"columns {sorted(data.column_names)}, expected {sorted(columns)}")
    if data.num_rows != rows:
        problems.append(f"{data.num_rows} rows, expected {rows}")
    first = data[0]
    prompt = first.get("messages") or first.get("prompt") or first["input"]["messages"]
    if prompt[0]["role"] != "system":
        problems.append("the first row does not start with the system prompt")
    if name == "kto" and sorted(data["label"]) != [False, False, True, True, True]:
        problems.append(f"labels {data['label']}")
    if problems:
        failures += 1
        print(f"{name}: " + "; ".join(problems))
    else:
        print(f"{name}: ok ({data.num_rows} rows, columns {', '.join(sorted(columns))})")
print(f"{len(expected) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY
