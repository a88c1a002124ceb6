# Sourced by numerics.sh and numerics-architectures.sh (with $root set): finds or builds llama.cpp
# into $bin, builds Parley unless PARLEY names a binary, and defines figure().
bin="$(bash "$root/scripts/llama-cpp.sh")"
if [ -z "${PARLEY:-}" ]; then
    swift build -c release --product parley >&2
    PARLEY="$(swift build -c release --show-bin-path)/parley"
fi

# The figure after a label that starts a line of a llama-perplexity report
# ("Mean    KLD:   0.000123 ±   0.000004", "Same top p: 99.944 ± 0.056 %").
figure() { awk -v label="$1" 'index($0, label) == 1 { sub(/^[^:]*:[ \t]*/, ""); print $1; exit }' "$2"; }
