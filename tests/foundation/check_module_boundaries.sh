#!/usr/bin/env bash
# Fails if a module reaches across the boundaries the architecture promises:
#   net/     includes nothing from SDL, game/ or engine/ (and doesn't link them)
#   engine/  includes nothing from Boost, game/ or net/ (and doesn't link them)
#   net/include/ (the public API) includes no Boost, Asio, OpenSSL, FlatBuffers
#                or schemas-generated header, even transitively, and each header
#                compiles on its own.
#
#   check_module_boundaries.sh <source-dir> [c++ compiler]
#
# The grep checks read the #include lines; the compile check asks the compiler
# which files each public header really pulls in (-M), so an include hidden
# behind a macro or another header is caught too.
set -euo pipefail

src="${1:?usage: check_module_boundaries.sh <source-dir> [compiler]}"
cxx="${2:-${CXX:-c++}}"
cd "$src"

failures=0
violation() {
    echo "BOUNDARY VIOLATION: $*" >&2
    failures=$((failures + 1))
}

sources=(--include='*.hpp' --include='*.h' --include='*.hh' --include='*.cpp'
    --include='*.cc' --include='*.ipp' --include='*.inl')
include_line='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'

# forbid_includes <dir> <description> <regex for the included path>
forbid_includes() {
    local dir="$1" what="$2" path_regex="$3" hits
    [[ -d "$dir" ]] || return 0
    if hits="$(grep -rEn "${sources[@]}" "${include_line}${path_regex}" "$dir")"; then
        violation "$dir must not include $what:"
        printf '    %s\n' "$hits" >&2
    fi
}

# forbid_links <cmake file> <description> <regex>
forbid_links() {
    local file="$1" what="$2" regex="$3" hits
    [[ -f "$file" ]] || return 0
    if hits="$(grep -En "$regex" "$file" | grep -Ev '^[0-9]+:[[:space:]]*#')"; then
        violation "$file must not link $what:"
        printf '    %s\n' "$hits" >&2
    fi
}

# 1. net: no SDL, no game, no engine.
forbid_includes net "SDL, game/ or engine/" '([^">]*/)?(SDL|game/|engine/)'
forbid_links net/CMakeLists.txt "SDL, engine or game" \
    'SDL2?::|tickwire(_|::)(engine|game)|\<SDL2?(main)?\>'

# 2. engine: no Boost, no game, no net.
forbid_includes engine "boost/, game/ or net/" '([^">]*/)?(boost/|game/|net/)'
forbid_links engine/CMakeLists.txt "Boost, net or game" \
    'Boost::|tickwire(_|::)(net|game)'

# 3. net's public headers: no Boost, Asio, OpenSSL, FlatBuffers or schemas.
public_forbidden='(boost/|asio|openssl/|flatbuffers/|[^">]*_generated\.h|([^">]*/)?schemas/)'
forbid_includes net/include "Boost, Asio, OpenSSL, FlatBuffers or schemas headers" \
    "$public_forbidden"

# 4. Each public header alone: it compiles, and what it pulls in (transitively,
# as the compiler resolves it) contains none of the above.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
headers=()
[[ -d net/include ]] && mapfile -t headers < <(find net/include -name '*.hpp' -o -name '*.h' | sort)
for header in "${headers[@]}"; do
    rel="${header#net/include/}"
    printf '#include "%s"\n' "$rel" >"$scratch/tu.cpp"
    if ! "$cxx" -std=c++20 -fsyntax-only -I net/include "$scratch/tu.cpp" 2>"$scratch/err"; then
        violation "$header does not compile on its own with only -I net/include:"
        sed 's/^/    /' "$scratch/err" | head -20 >&2
        continue
    fi
    "$cxx" -std=c++20 -M -I net/include "$scratch/tu.cpp" >"$scratch/deps"
    if hits="$(tr ' \\' '\n\n' <"$scratch/deps" |
        grep -E '/(boost|asio|openssl|flatbuffers|SDL2?)/|_generated\.h$|/(schemas|engine|game)/' |
        sort -u)"; then
        violation "$header pulls in, transitively ($(wc -l <<<"$hits") files):"
        printf '    %s\n' $(head -5 <<<"$hits") >&2
    fi
done

if ((failures)); then
    echo "module boundaries: $failures violation(s)" >&2
    exit 1
fi
echo "module boundaries: ok (${#headers[@]} public net headers compiled alone)"
