#!/usr/bin/env bash
# What waiting on an OpenAI-compatible server costs the CPU (issue 20: at most 5 % of a core):
# `parley ask` and `parley models` (a release build) against Benchmarks/hostile-server.py, on
# loopback and on this machine's first address outside 127/8; a reply of 20 tokens a second, a
# server that never answers, a server that closes an answered connection after reading the POST,
# and one that closes every connection after its answer (where nothing can be reused).
# One line a case: wall time, CPU time (user + system) and CPU as a share of one core, the exit
# status, and the requests the server saw (method x count, POST body sizes, connections used).
# Usage: bash Benchmarks/http-cpu-bench.sh [PARLEY_BINARY] [STREAM_SECONDS]
#   PARLEY_BENCH_HOST=NAME   another host name or address for the non-loopback cases
#   LONG=1                   also wait on the silent server for the default idle timeout (60 s)
set -euo pipefail
cd "$(dirname "$0")/.."
PARLEY=${1:-}
STREAM=${2:-10}
if [[ -z "$PARLEY" ]]; then
    swift build -c release --product parley >/dev/null
    PARLEY=.build/release/parley
fi
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export HOME=$WORK PARLEY_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config LANG=C.UTF-8
touch "$WORK/requests"
python3 Benchmarks/hostile-server.py "$WORK/port" 0.0.0.0 "$WORK/requests" & SERVER=$!
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
HOST=${PARLEY_BENCH_HOST:-$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.' | head -1 || true)}

# Parley probes a server on this machine or a private network with shorter windows (LocalNetworkHost).
kind() {
    case $1 in
        127.* | localhost | 10.* | 192.168.* | 169.254.* | 172.1[6-9].* | 172.2[0-9].* | 172.3[01].*) echo "counts as local" ;;
        *) echo "counts as remote" ;;
    esac
}

# config NAME URL: a backend NAME at URL with a 10 s idle timeout.
config() {
    printf '[backends.%s]\nkind = "openai"\nbase_url = "%s"\nmodel = "m"\nidle_timeout = %s\n' \
        "$1" "$2" "${3:-10}" >>"$WORK/config.toml"
}

# measure LABEL COMMAND...: one line of figures for one run of COMMAND.
measure() {
    local label=$1; shift
    local status=0 before
    before=$(wc -l <"$WORK/requests")
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
    read -r wall user system < <(tail -1 "$WORK/time")
    local seen
    seen=$(tail -n +$((before + 1)) "$WORK/requests" | awk '
        { count[$2]++; connections[$1] = 1; if ($2 == "POST") bodies = bodies (bodies == "" ? "" : ",") $4 }
        END {
            for (m in count) line = line m "x" count[m] " "
            n = 0; for (c in connections) n++
            printf "%son %d connection%s%s", line, n, (n == 1 ? "" : "s"), (bodies == "" ? "" : "; POST bodies " bodies " B")
        }')
    printf '%-62s %6.2f s %6.2f s %5.1f %%  exit %d  %s\n' "$label" "$wall" "$(echo "$user + $system" | bc -l)" \
        "$(echo "100 * ($user + $system) / $wall" | bc -l)" "$status" "$seen"
    { grep -v -e '^Command exited' -e 'bundled personas were not found' "$WORK/err" || true; } | tail -1 | cut -c1-150 | sed 's/^/    /'
}

config never-loop "http://127.0.0.1:$PORT/never/v1"
[[ -n $HOST ]] && config never-host "http://$HOST:$PORT/never/v1"
config never-loop-60 "http://127.0.0.1:$PORT/never/v1" 60
[[ -n $HOST ]] && config never-host-60 "http://$HOST:$PORT/never/v1" 60

echo "parley: $PARLEY; non-loopback host: ${HOST:-none} ($(kind "${HOST:-none}")); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-62s %8s %8s %7s\n' "case" "wall" "CPU" "of a core"
ASK=("$PARLEY" ask --no-save --model m)
measure "(a) ask, 127.0.0.1, 20 tokens/s for $STREAM s" "${ASK[@]}" --base-url "http://127.0.0.1:$PORT/rate-20-$STREAM/v1" go
if [[ -n $HOST ]]; then
    measure "(b) ask, $HOST, 20 tokens/s for $STREAM s" "${ASK[@]}" --base-url "http://$HOST:$PORT/rate-20-$STREAM/v1" go
fi
measure "(c) ask, 127.0.0.1, never answers, idle_timeout 10 s" "${ASK[@]}" --config "$WORK/config.toml" --backend never-loop go
measure "(c) models, 127.0.0.1, never answers, idle_timeout 10 s" "$PARLEY" models --config "$WORK/config.toml" --backend never-loop
if [[ -n $HOST ]]; then
    measure "(c) ask, $HOST, never answers, idle_timeout 10 s" "${ASK[@]}" --config "$WORK/config.toml" --backend never-host go
    measure "(c) models, $HOST, never answers, idle_timeout 10 s" "$PARLEY" models --config "$WORK/config.toml" --backend never-host
fi
if [[ ${LONG:-0} == 1 ]]; then
    measure "(c) ask, 127.0.0.1, never answers, idle_timeout 60 s" "${ASK[@]}" --config "$WORK/config.toml" --backend never-loop-60 go
    measure "(c) models, 127.0.0.1, never answers, idle_timeout 60 s" "$PARLEY" models --config "$WORK/config.toml" --backend never-loop-60
    if [[ -n $HOST ]]; then
        measure "(c) ask, $HOST, never answers, idle_timeout 60 s" "${ASK[@]}" --config "$WORK/config.toml" --backend never-host-60 go
    fi
fi
measure "(d) ask, 127.0.0.1, answered connection closed at the POST once" "${ASK[@]}" \
    --base-url "http://127.0.0.1:$PORT/close-kept-once-$$/v1" go
measure "(d) ask, 127.0.0.1, ... closed at every such POST" "${ASK[@]}" --base-url "http://127.0.0.1:$PORT/close-kept/v1" go
measure "ask, 127.0.0.1, every answer closes its connection, $STREAM s" "${ASK[@]}" \
    --base-url "http://127.0.0.1:$PORT/closing-20-$STREAM/v1" go
