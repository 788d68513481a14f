#!/usr/bin/env bash
# Install the web build (the web package) into a scratch prefix, build
# examples/consumer/web against it as an outside Emscripten project would
# (find_package(tickwire CONFIG) and tickwire::net, no flag of its own), and
# load its page in Debian's headless Chromium against a native tickwire-echo.
#
#   install_web_consumer_test.sh <web-build-dir> <source-dir> <work-dir> <tickwire-echo> <run_page.js>
set -euo pipefail

web_build="${1:?web build dir}"
src="${2:?source dir}"
work="${3:?work dir}"
echo_server="${4:?tickwire-echo}"
run_page="${5:?run_page.js}"

prefix="$work/prefix"
consumer="$work/consumer"
rm -rf "$work"
mkdir -p "$work"

# Debian's Emscripten needs these (scripts/build-web.sh says why).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"

echo "== install $web_build -> $prefix"
cmake --install "$web_build" --prefix "$prefix"
if grep -q 'find_dependency' "$prefix"/lib*/cmake/tickwire/tickwireConfig.cmake; then
    echo "the web package asks for a dependency an Emscripten project cannot find:" >&2
    grep 'find_dependency' "$prefix"/lib*/cmake/tickwire/tickwireConfig.cmake >&2
    exit 1
fi

echo "== configure examples/consumer/web against $prefix"
# Emscripten's toolchain finds packages under CMAKE_FIND_ROOT_PATH only (it
# re-roots CMAKE_PREFIX_PATH into its sysroot): the prefix is a root.
emcmake cmake -S "$src/examples/consumer/web" -B "$consumer" -G Ninja --no-warn-unused-cli \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_FIND_ROOT_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF

echo "== build"
cmake --build "$consumer"

echo "== run in a browser against tickwire-echo"
coproc ECHO { exec "$echo_server" --port 0; }
trap 'kill "$ECHO_PID" 2>/dev/null || true' EXIT
read -r -t 10 banner <&"${ECHO[0]}"
port="${banner##*:}"
echo "$banner"
/usr/bin/node "$run_page" --root "$consumer" --page "index.html?url=ws://127.0.0.1:$port/consumer" --timeout-ms 30000
