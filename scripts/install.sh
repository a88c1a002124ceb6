#!/usr/bin/env bash
# Installs Parley under PREFIX (default ~/.local): the release binary as PREFIX/bin/parley, the
# bundled personas and templates under PREFIX/share/parley/, and shell completions for bash, zsh
# and fish. The binary finds its bundled files at ../share/parley beside itself. Safe to run again.
# PARLEY_BINARY=FILE installs that binary instead of building one (the tests use a debug build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${1:-$HOME/.local}"
binary="${PARLEY_BINARY:-}"
if [ -z "$binary" ]; then
    echo "install: swift build -c release (a few minutes the first time)..." >&2
    swift build --package-path "$root" -c release --product parley >&2
    binary="$root/.build/release/parley"
fi

install -d "$prefix/bin" "$prefix/share/parley"
install -m 755 "$binary" "$prefix/bin/parley"
# Personas and their templates/ folder, replaced whole so a removed file does not linger.
staging="$(mktemp -d "$prefix/share/parley/.personas-XXXXXX")"
trap 'rm -rf "$staging"' EXIT
cp -R "$root/Personas/." "$staging/"
chmod -R u=rwX,go=rX "$staging"
rm -rf "$prefix/share/parley/personas"
mv "$staging" "$prefix/share/parley/personas"

bash_dir="$prefix/share/bash-completion/completions"
zsh_dir="$prefix/share/zsh/site-functions"
fish_dir="$prefix/share/fish/vendor_completions.d"
install -d "$bash_dir" "$zsh_dir" "$fish_dir"
"$prefix/bin/parley" --generate-completion-script bash > "$bash_dir/parley"
"$prefix/bin/parley" --generate-completion-script zsh > "$zsh_dir/_parley"
"$prefix/bin/parley" --generate-completion-script fish > "$fish_dir/parley.fish"

echo "install: parley is in $prefix/bin (add it to PATH if it is not there); personas and templates in $prefix/share/parley" >&2
echo "install: no model yet? run: parley models pull smollm2-135m" >&2
