#!/usr/bin/env bash
# Checks StructuredOutput's JSON-schema grammars against llama.cpp's own converter: the grammars
# must accept the same text, since constrained output is compared with llama-server's.
#
# Compiles a small driver around llama.cpp's common/json-schema-to-grammar.cpp (from the source
# scripts/llama-cpp.sh unpacks, outside the repository), then runs the opt-in test suite
# "Cross-check with llama.cpp's converter". LLAMA_CROSS_CHECK_COUNT sets how many corner-case
# schemas to generate (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."

version="11434.0.0"
dir="${PARLEY_LLAMA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/llama.cpp-$version}"
src="$dir/src/llama.cpp"
[ -d "$src/common" ] || bash scripts/llama-cpp.sh >/dev/null
tool_dir="$dir/schema-converter"
tool="$tool_dir/convert"

if [ ! -x "$tool" ]; then
    echo "schema cross-check: compiling llama.cpp's converter (about a minute)..." >&2
    mkdir -p "$tool_dir"
    # One schema per input line; prints its grammar (or a line starting with ERROR), then @@END.
    cat > "$tool_dir/main.cpp" <<'CPP'
#include "json-schema-to-grammar.h"
#include "json.h"
#include <iostream>
#include <string>
int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        try {
            std::cout << json_schema_to_grammar(common_json::parse(line), true);
        } catch (const std::exception & e) {
            std::string message = e.what();
            for (auto & c : message) if (c == '\n') c = ' ';
            std::cout << "ERROR " << message << "\n";
        }
        std::cout << "@@END" << std::endl;
    }
}
CPP
    # The converter needs three string helpers from common.cpp, which would pull in all of llama.
    cat > "$tool_dir/helpers.cpp" <<'CPP'
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
std::string string_join(const std::vector<std::string> & values, const std::string & separator) {
    std::string result;
    for (size_t i = 0; i < values.size(); i++) { if (i > 0) result += separator; result += values[i]; }
    return result;
}
std::string string_repeat(const std::string & text, size_t count) {
    std::string result;
    for (size_t i = 0; i < count; i++) result += text;
    return result;
}
std::vector<std::string> string_split(const std::string & text, const std::string & delimiter) {
    std::vector<std::string> parts;
    size_t start = 0, end;
    while ((end = text.find(delimiter, start)) != std::string::npos) {
        parts.push_back(text.substr(start, end - start));
        start = end + delimiter.size();
    }
    parts.push_back(text.substr(start));
    return parts;
}
extern "C" void ggml_abort(const char * file, int line, const char *, ...) {
    std::fprintf(stderr, "abort at %s:%d\n", file, line);
    std::abort();
}
CPP
    c++ -std=c++17 -O1 -I"$src/common" -I"$src/include" -I"$src/ggml/include" -I"$src/vendor" \
        "$src/common/json-schema-to-grammar.cpp" "$src/common/json-schema.cpp" "$src/common/json.cpp" \
        "$src/common/trie.cpp" "$src/common/unicode.cpp" "$tool_dir/main.cpp" "$tool_dir/helpers.cpp" -o "$tool"
fi

LLAMA_SCHEMA_CONVERTER="$tool" swift test --disable-xctest --filter ConverterCrossCheckTests
