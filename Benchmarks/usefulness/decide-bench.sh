#!/usr/bin/env bash
# The decide half of the usefulness benchmark: every task in decide-tasks.json through the release
# `parley decide --json` on the default model, in-process, one fresh PARLEY_HOME per task.
# Per task: whether the matrix is complete (>= 2 options, >= 2 criteria, every score filled), the
# seconds (the flow's own, and the whole process with model load), model calls and prompt tokens.
# Usage: Benchmarks/usefulness/decide-bench.sh [--threads N] [--only ID] [--out FILE.jsonl]
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=2; only=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
parley=.build/release/parley
model=Storage/models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -x "$parley" ] || { echo "build first: swift build -c release --product parley" >&2; exit 2; }
[ -f "$model" ] || { echo "missing $model" >&2; exit 2; }
tasks=Benchmarks/usefulness/decide-tasks.json
results=$(mktemp)
trap 'rm -f "$results"' EXIT

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)  threads: $threads  cores: $(nproc)"
printf '%-18s %-8s %4s %4s %7s %7s %5s %7s  %s\n' task complete opt crit flow_s wall_s calls prompt winner
count=$(jq length "$tasks")
for i in $(seq 0 $((count - 1))); do
  task=$(jq -c ".[$i]" "$tasks")
  id=$(jq -r .id <<<"$task")
  [ -n "$only" ] && [ "$only" != "$id" ] && continue
  args=()
  while IFS= read -r o; do [ -n "$o" ] && args+=(--option "$o"); done < <(jq -r '.options[]?' <<<"$task")
  while IFS= read -r c; do [ -n "$c" ] && args+=(--criterion "$c"); done < <(jq -r '.criteria[]?' <<<"$task")
  home=$(mktemp -d)
  start=$(date +%s.%N)
  json=$(PARLEY_HOME="$home" "$parley" decide --gguf "$model" --threads "$threads" --json "${args[@]}" "$(jq -r .question <<<"$task")" 2>/dev/null || true)
  end=$(date +%s.%N)
  rm -rf "$home"
  wall=$(echo "$end - $start" | bc)
  if ! jq -e . >/dev/null 2>&1 <<<"$json"; then json='{}'; fi
  row=$(jq -c --arg id "$id" --argjson wall "$wall" '{
      id: $id,
      options: ((.options // []) | length),
      criteria: ((.criteria // []) | length),
      missing: ((.missingScores // [1]) | length),
      complete: (((.options // []) | length) >= 2 and ((.criteria // []) | length) >= 2 and ((.missingScores // [1]) | length) == 0),
      flowSeconds: (.run.seconds // null),
      wallSeconds: $wall,
      calls: (.run.modelCalls // null),
      promptTokens: (.run.promptTokens // null),
      completionTokens: (.run.completionTokens // null),
      winner: ((.ranking // []) | map(select(.rank == 1)) | if length == 1 then .[0].option else "-" end),
      modelDisagrees: (if .modelChoice == null then null else ((.ranking // []) | map(select(.rank == 1)) | (length == 1 and .[0].option != $choice)) end),
      names: ((.options // []) | map(.name))
    }' --arg choice "$(jq -r '.modelChoice // ""' <<<"$json")" <<<"$json")
  echo "$row" >> "$results"
  jq -r '[.id, (if .complete then "yes" else "NO" end), .options, .criteria,
      (if .flowSeconds == null then "-" else (.flowSeconds * 10 | round / 10 | tostring) end),
      (.wallSeconds * 10 | round / 10 | tostring), (.calls // "-"), (.promptTokens // "-"), .winner] |
      "\(.[0])\t\(.[1])\t\(.[2])\t\(.[3])\t\(.[4])\t\(.[5])\t\(.[6])\t\(.[7])\t\(.[8])"' <<<"$row" |
    awk -F'\t' '{ printf "%-18s %-8s %4s %4s %7s %7s %5s %7s  %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
done
[ -n "$out" ] && cp "$results" "$out"
jq -s -r '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  "tasks: \(length)  complete: \(map(select(.complete)) | length)/\(length)" +
  "  median flow s: \(map(.flowSeconds // empty) | median | . * 10 | round / 10)" +
  "  median wall s: \(map(.wallSeconds) | median | . * 10 | round / 10)" +
  "  median calls: \(map(.calls // empty) | median)" +
  "  median prompt tokens: \(map(.promptTokens // empty) | median)"' "$results"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
