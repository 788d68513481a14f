#!/usr/bin/env bash
# Install the Debian 12 packages tickwire's build, tests, tools and demo need.
# Idempotent: asks dpkg first and only touches apt when something is missing,
# so it is cheap to call at the start of every script (test.sh, demo.sh, CI).
#
#   scripts/install-deps.sh            # as root, or via sudo
#   scripts/install-deps.sh --fuzz     # also clang + libFuzzer (scripts/fuzz.sh)
#   scripts/install-deps.sh --web      # also Emscripten + Chromium (build-web.sh, browser tests)
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config
    # net: Boost.Beast/Asio (header-only) + TLS
    libboost1.81-dev libssl-dev openssl
    # JSON written and read by the match server and the tools (Boost.JSON, compiled)
    libboost-json1.81-dev
    # every executable's command line (header-only)
    libcli11-dev
    # engine/game: window, text, font
    libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core
    # schemas
    libflatbuffers-dev flatbuffers-compiler
    # tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev
    # game/fleet (hosting at scale): Redis client; its tests run a
    # real redis-server and check /metrics with promtool (from prometheus)
    libhiredis-dev redis-server prometheus
    # deploy/'s manifests are checked by a Python script (tests/fleet)
    python3-yaml
    # interop peers (Python websockets, Node ws) and headless game tests
    python3-websockets nodejs npm xvfb xauth imagemagick
)
# libFuzzer ships with clang's compiler-rt, not with GCC: only the fuzz
# build (-DTICKWIRE_FUZZ=ON, scripts/fuzz.sh) needs them.
# The web build (scripts/build-web.sh) needs Debian's Emscripten; the browser
# tests (ctest -L browser) drive Debian's Chromium, never a downloaded one.
for option in "$@"; do
    case "$option" in
        --fuzz) packages+=(clang libclang-rt-14-dev) ;;
        --web) packages+=(emscripten chromium) ;;
        *) echo "install-deps: unknown option '$option'" >&2; exit 2 ;;
    esac
done

# A package counts as present when dpkg says "install ok installed".
is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for pkg in "${packages[@]}"; do
    case "$pkg" in
        # Node.js may come from another vendor's package (e.g. NodeSource's
        # nodejs, which bundles npm). Debian's npm depends on Debian's nodejs,
        # so asking apt for it there would fight the installed node: a working
        # command is what the tests need.
        nodejs) command -v node >/dev/null 2>&1 && continue ;;
        npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || {
        echo "install-deps: not root and no sudo; install these yourself: ${missing[*]}" >&2
        exit 1
    }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
