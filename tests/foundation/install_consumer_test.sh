#!/usr/bin/env bash
# Install a tickwire build into a scratch prefix, build examples/consumer against
# it as an outside project would (find_package(tickwire CONFIG)), and run it.
#
#   install_consumer_test.sh <build-dir> <source-dir> <work-dir> <c++ compiler> \
#                            <build type> [sanitizers]
#
# The consumer is compiled with the same compiler, build type and sanitizers as
# the build, since a sanitized static library needs a sanitized program.
set -euo pipefail

build="${1:?build dir}"
src="${2:?source dir}"
work="${3:?work dir}"
cxx="${4:?compiler}"
build_type="${5:-RelWithDebInfo}"
sanitize="${6:-}"

prefix="$work/prefix"
consumer="$work/consumer"
rm -rf "$work"
mkdir -p "$work"

echo "== install $build -> $prefix"
cmake --install "$build" --prefix "$prefix"

flags=()
if [[ -n "$sanitize" ]]; then
    flags=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize -fno-omit-frame-pointer"
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi

# Header-only Boost is net's private business: when the installed package doesn't
# ask for it, prove that by building the consumer with Boost unfindable.
if ! grep -q 'find_dependency(Boost' "$prefix"/lib*/cmake/tickwire/tickwireConfig.cmake; then
    flags+=(-DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON)
fi

echo "== configure examples/consumer against $prefix"
# Only the install prefix is searched for tickwire, never the build tree.
cmake -S "$src/examples/consumer" -B "$consumer" -G Ninja --no-warn-unused-cli \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    "${flags[@]}"

echo "== build"
cmake --build "$consumer"

echo "== run"
"$consumer/app"
