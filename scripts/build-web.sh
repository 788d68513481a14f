#!/usr/bin/env bash
# Build tickwire's web targets with Debian's Emscripten: every page lands in
# <build-dir>/web/, ready to serve (docs/web.md).
#
#   scripts/build-web.sh                       # build-web/
#   scripts/build-web.sh --build-dir /tmp/w    # elsewhere
#
# Options (each also settable from the environment, shown in brackets):
#   --build-dir DIR     build directory, relative to the repo root [TICKWIRE_WEB_BUILD_DIR] (build-web)
#   --build-type TYPE   CMAKE_BUILD_TYPE [TICKWIRE_WEB_BUILD_TYPE] (Release)
#   --jobs N            build parallelism [TICKWIRE_JOBS] (all cores)
#   --skip-deps         don't run scripts/install-deps.sh [TICKWIRE_SKIP_DEPS=1]
# Exit status: non-zero if configure or build fails.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

build_dir="${TICKWIRE_WEB_BUILD_DIR:-build-web}"
build_type="${TICKWIRE_WEB_BUILD_TYPE:-Release}"
jobs="${TICKWIRE_JOBS:-$(nproc)}"
skip_deps="${TICKWIRE_SKIP_DEPS:-0}"

usage() { sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while (($#)); do
    case "$1" in
        --build-dir) build_dir="$2"; shift 2 ;;
        --build-type) build_type="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --skip-deps) skip_deps=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "build-web.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

step() { printf '\n==> %s\n' "$*"; }

# 1. Emscripten (and the native flatc, cmake, ninja) from Debian.
if [[ "$skip_deps" != 1 ]]; then
    step "dependencies"
    "$repo/scripts/install-deps.sh" --web
fi

# 2. emcc's JavaScript optimizer (-O1 and up) needs Debian's acorn module,
# which node finds only through NODE_PATH.
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
# Debian's emcc runs the first python3 on PATH unless told which: Debian's own.
export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"

# 3. Configure. The top-level CMakeLists.txt builds only web targets under
# Emscripten; schemas copies FlatBuffers' headers into <build-dir>/web-include
# itself (never -I/usr/include: glibc's headers would shadow the sysroot's).
step "configure $build_dir ($build_type, $(emcc --version | head -1 | sed 's/.*) //'))"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
generator=()
[[ -f "$build_dir/CMakeCache.txt" ]] || generator=(-G Ninja)
emcmake cmake -S . -B "$build_dir" "${generator[@]}" "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE="$build_type"

# 4. Build every web target.
step "build ($jobs jobs)"
cmake --build "$build_dir" --parallel "$jobs"

step "pages in $build_dir/web/"
(cd "$build_dir/web" && find . -name '*.html' | sort | sed 's|^\./|  |')
