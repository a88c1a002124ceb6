#!/usr/bin/env bash
# Runs the whole test suite: sets up what the tests need (packages, the default model), then
# `swift test`. Extra arguments go to swift test (e.g. --filter ParleyStoreTests).
#
# When the run fails, its last lines repeat what failed (each recorded issue, and a crash's message
# and the crashed thread's frames): a CI log that keeps only the head and the tail of a long
# output then still says why.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
# A crash report of the crashed thread only, without registers and the list of loaded images.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,limit=40}"
log="$(mktemp "${TMPDIR:-/tmp}/parley-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
status=0
swift test --disable-xctest "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
    echo
    echo "== what failed (swift test exited with $status)"
    grep -a -E "recorded an issue|Fatal error|Program crashed|Crashed thread|💣|^[0-9]+ +0x|^ *at /.*:[0-9]+|^error:" "$log" | tail -60 || true
fi
exit "$status"
