#!/usr/bin/env bash
# Two revisions of Parley's C kernels (Sources/CGGUFKernels) side by side in one process: each
# built as a shared object, then cgguf_matmul on SmolLM2-135M's shapes timed in turn (A B B A ...)
# and checked for the same bits. Each revision multiplies the weights as a model it loaded would:
# in its packed layout (cgguf_pack) where it has one for the type and shape. For kernel work: a
# same-process ratio survives a noisy machine better than two whole runs of `parley bench`.
#
# usage: Benchmarks/kernels-ab.sh REV_A REV_B [TYPES] [THREADS] [REPEATS] [TOKENS]
#   REV_A, REV_B  git revisions, or "work" for the working tree
#   TYPES         ggml type numbers, default "3 6 8 14" (Q4_1, Q5_0, Q8_0, Q6_K)
#   THREADS       default 1; REPEATS default 15; TOKENS default 512 (1 times generation)
# Exits 1 if the two builds give different bits for any product.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: Benchmarks/kernels-ab.sh REV_A REV_B [TYPES] [THREADS] [REPEATS] [TOKENS]" >&2; exit 2; }
TYPES=${3:-3 6 8 14}
THREADS=${4:-1}
REPEATS=${5:-15}
TOKENS=${6:-512}
CC=${CC:-clang}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The kernels of one revision as $WORK/NAME.so.
build() { # revision name
    local src="$WORK/$2-src"
    mkdir -p "$src"
    if [ "$1" = work ]; then
        cp -R "$ROOT/Sources/CGGUFKernels/." "$src"
    else
        git -C "$ROOT" rev-parse --verify --quiet "$1^{commit}" >/dev/null ||
            { echo "kernels-ab: no revision $1" >&2; exit 2; }
        git -C "$ROOT" archive "$1" Sources/CGGUFKernels | tar -x -C "$src" --strip-components=2
    fi
    "$CC" -O2 -fPIC -shared -I"$src/include" -I"$src" -o "$WORK/$2.so" "$src"/*.c -lpthread -lm
}
build "$1" a
build "$2" b
"$CC" -O2 -o "$WORK/kernels-ab" "$ROOT/Benchmarks/KernelsAB/kernels-ab.c" -ldl
status=0
for type in $TYPES; do
    "$WORK/kernels-ab" "$WORK/a.so" "$WORK/b.so" "$type" "$THREADS" "$REPEATS" "$TOKENS" || status=1
done
exit $status
