#!/usr/bin/env bash
# Pull throughput: `parley models pull` against curl on the same file from the same local
# Hub-compatible server (Tests/HubServer/hub-server.py: listing on 127.0.0.1, a redirect to the
# file store on 127.0.0.2), alternating, in the same run. Parley's time includes the listing, the
# SHA-256 check, the fsync and the rename; curl only writes the file (the target compares with
# that). A third run per round, curl followed by `sync FILE`, shows what making the file durable
# costs on this disk, as Parley does before its rename. RATE (MiB/s) paces the server like a
# network link; 0 (the default) lets it send as fast as loopback allows.
# Usage: bash Benchmarks/pull-bench.sh [MiB (default 256)] [rounds (default 5)] [RATE (default 0)]
set -euo pipefail
cd "$(dirname "$0")/.."
mib="${1:-256}"
rounds="${2:-5}"
rate="${3:-0}"
swift build -c release --product parley >&2
parley="$PWD/.build/release/parley"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root/bench/repo"
file="$work/root/bench/repo/bench-Q4_K_M.gguf"
head -c "$((mib << 20))" /dev/urandom > "$file"
# Each timed run starts with nothing of the others waiting to be written: the source file, and
# what the runs before left or removed, are flushed first (untimed).
sync
size="$(stat -c %s "$file")"
pacing=()
[ "$rate" != 0 ] && pacing=(--throttle "$((rate << 20))")
python3 Tests/HubServer/hub-server.py --root "$work/root" --port-file "$work/port.json" "${pacing[@]}" &
server_pid=$!
for _ in $(seq 100); do [ -f "$work/port.json" ] && break; sleep 0.05; done
hub="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hub"])' "$work/port.json")"
url="$hub/bench/repo/resolve/main/bench-Q4_K_M.gguf"
# The server hashes the file once for its listing; do it before timing anything.
curl -sf "$hub/api/models/bench/repo/tree/main" > /dev/null

now() { date +%s.%N; }
curl_times=()
synced_times=()
parley_times=()
for round in $(seq "$rounds"); do
    rm -f "$work/curl.out"
    sync
    start="$(now)"
    curl -sf -L -o "$work/curl.out" "$url"
    curl_times+=("$(echo "$(now) - $start" | bc -l)")
    rm -f "$work/curl.out"
    sync

    start="$(now)"
    curl -sf -L -o "$work/curl.out" "$url"
    sync "$work/curl.out"
    synced_times+=("$(echo "$(now) - $start" | bc -l)")
    rm -f "$work/curl.out"
    sync

    rm -rf "$work/home"
    start="$(now)"
    PARLEY_HOME="$work/home" HF_ENDPOINT="$hub" "$parley" models pull hf:bench/repo 2> "$work/parley.err" \
        || { cat "$work/parley.err" >&2; exit 1; }
    parley_times+=("$(echo "$(now) - $start" | bc -l)")
    grep -q "pulled" "$work/parley.err" || { cat "$work/parley.err" >&2; exit 1; }
    rm -rf "$work/home"
    sync
    echo "round $round: curl ${curl_times[-1]} s, curl+sync ${synced_times[-1]} s, parley ${parley_times[-1]} s" >&2
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
curl_median="$(median "${curl_times[@]}")"
synced_median="$(median "${synced_times[@]}")"
parley_median="$(median "${parley_times[@]}")"
mibps() { echo "$size / 1048576 / $1" | bc -l | xargs printf '%.1f'; }
echo "file: $mib MiB, $rounds alternating rounds, server pace: $([ "$rate" = 0 ] && echo unlimited || echo "$rate MiB/s"), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "curl:   median $(printf '%.3f' "$curl_median") s, $(mibps "$curl_median") MiB/s"
echo "curl+sync: median $(printf '%.3f' "$synced_median") s, $(mibps "$synced_median") MiB/s"
echo "parley: median $(printf '%.3f' "$parley_median") s, $(mibps "$parley_median") MiB/s"
echo "ratio (parley throughput / curl throughput): $(echo "$curl_median / $parley_median" | bc -l | xargs printf '%.2f') (target >= 0.9)"
echo "ratio against curl+sync (both files on disk at the end): $(echo "$synced_median / $parley_median" | bc -l | xargs printf '%.2f')"
