#!/usr/bin/env bash
# Installs what Parley needs on a fresh Debian-like machine: the ncursesw headers (for the chat
# screen), the libpng and libjpeg headers (picture decoding), tmux (for the end-to-end screen
# tests), the default model and the test models of the other architectures
# (scripts/make-test-models.sh). Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
dpkg -s libncursesw5-dev >/dev/null 2>&1 || dpkg -s libncurses-dev >/dev/null 2>&1 || missing+=(libncurses-dev)
dpkg -s libpng-dev >/dev/null 2>&1 || missing+=(libpng-dev)
dpkg -s libjpeg-dev >/dev/null 2>&1 || dpkg -s libjpeg62-turbo-dev >/dev/null 2>&1 || missing+=(libjpeg-dev)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
# The test models' generator runs in a virtual environment of its own.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi

"$root/scripts/fetch-model.sh" "${PARLEY_HOME:-$root/Storage}"
# Test models of the other architectures, written from the default model's weights.
"$root/scripts/make-test-models.sh" "${PARLEY_TEST_MODELS:-$root/Storage/test-models}" >/dev/null
