#!/usr/bin/env bash
# Build tickwire and run its tests: the README's test command, and what CI runs.
#
#   scripts/test.sh                                  # deps, configure build/, build, ctest
#   scripts/test.sh --build-dir build-asan --sanitize address,undefined -DTICKWIRE_BUILD_BENCH=OFF
#   scripts/test.sh --build-dir build-tsan --sanitize thread --label net
#
# Options (each also settable from the environment, shown in brackets):
#   --build-dir DIR     build directory, relative to the repo root [TICKWIRE_BUILD_DIR] (build)
#   --build-type TYPE   CMAKE_BUILD_TYPE [TICKWIRE_BUILD_TYPE] (RelWithDebInfo)
#   --sanitize LIST     TICKWIRE_SANITIZE: address,undefined | thread
#   --label L           run only tests with this ctest label (ctest -L L)
#   --exclude-label L   leave out tests whose label matches L (ctest -LE L)
#   --jobs N            build parallelism [TICKWIRE_JOBS] (all cores)
#   --ctest-jobs N      tests run at once [TICKWIRE_CTEST_JOBS] (2: the tests use real
#                       sockets and threads; more makes timing-sensitive ones flaky)
#   --skip-deps         don't run scripts/install-deps.sh [TICKWIRE_SKIP_DEPS=1]
#   --no-browser        no web build and no browser tests (ctest -L browser)
#                       [TICKWIRE_BROWSER_TESTS=0]; by default scripts/build-web.sh
#                       builds the pages into --web-build-dir first
#   --web-build-dir DIR the web build the browser tests load [TICKWIRE_WEB_BUILD_DIR] (build-web)
#   -DNAME=VALUE ...    passed to cmake as is; so is everything after "--"
#                       [TICKWIRE_CMAKE_ARGS, split on spaces]
# Exit status: non-zero if configure, build or any test fails.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

build_dir="${TICKWIRE_BUILD_DIR:-build}"
build_type="${TICKWIRE_BUILD_TYPE:-RelWithDebInfo}"
sanitize=""
label=""
exclude_label=""
jobs="${TICKWIRE_JOBS:-$(nproc)}"
ctest_jobs="${TICKWIRE_CTEST_JOBS:-2}"
skip_deps="${TICKWIRE_SKIP_DEPS:-0}"
browser="${TICKWIRE_BROWSER_TESTS:-1}"
web_build_dir="${TICKWIRE_WEB_BUILD_DIR:-build-web}"
read -r -a cmake_args <<<"${TICKWIRE_CMAKE_ARGS:-}"

usage() { sed -n '2,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while (($#)); do
    case "$1" in
        --build-dir) build_dir="$2"; shift 2 ;;
        --build-type) build_type="$2"; shift 2 ;;
        --sanitize) sanitize="$2"; shift 2 ;;
        --label) label="$2"; shift 2 ;;
        --exclude-label) exclude_label="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --ctest-jobs) ctest_jobs="$2"; shift 2 ;;
        --skip-deps) skip_deps=1; shift ;;
        --no-browser) browser=0; shift ;;
        --web-build-dir) web_build_dir="$2"; shift 2 ;;
        -D*) cmake_args+=("$1"); shift ;;
        --) shift; cmake_args+=("$@"); break ;;
        -h | --help) usage; exit 0 ;;
        *) echo "test.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

step() { printf '\n==> %s\n' "$*"; }

# 1. System packages
if [[ "$skip_deps" != 1 ]]; then
    step "dependencies"
    deps_options=()
    [[ "$browser" == 1 ]] && deps_options=(--web)
    "$repo/scripts/install-deps.sh" "${deps_options[@]}"
fi

# 2. The Node.js interop peer's package (ws), pinned by tests/peers/package-lock.json.
# No registry = no Node peer: the interop tests that need it skip and say so.
step "node test peers (tests/peers)"
if [[ -f tests/peers/node_modules/ws/package.json ]]; then
    echo "ws already installed"
elif ! command -v npm >/dev/null 2>&1; then
    echo "WARNING: npm not found: Node.js interop tests will be skipped" >&2
elif ! (cd tests/peers && npm ci --no-audit --no-fund --fetch-retries=1 --fetch-timeout=30000); then
    echo "WARNING: 'npm ci' in tests/peers failed (registry unreachable?):" \
        "Node.js interop tests will be skipped" >&2
fi

# 3. The browser tests: playwright-core (pinned by tests/browser/package-lock.json;
# it drives Debian's Chromium and never downloads a browser), then the web
# build whose pages they load. No registry = no browser tests, as for the peers.
if [[ "$browser" == 1 ]]; then
    step "browser test driver (tests/browser)"
    if [[ -f tests/browser/node_modules/playwright-core/package.json ]]; then
        echo "playwright-core already installed"
    elif ! command -v npm >/dev/null 2>&1 ||
        ! (cd tests/browser && npm ci --no-audit --no-fund --fetch-retries=1 --fetch-timeout=30000); then
        echo "WARNING: cannot install playwright-core in tests/browser (npm or registry missing):" \
            "browser tests will not run" >&2
        browser=0
    fi
fi
if [[ "$browser" == 1 ]]; then
    step "web build ($web_build_dir)"
    "$repo/scripts/build-web.sh" --skip-deps --build-dir "$web_build_dir" --jobs "$jobs"
fi
browser_args=(-DTICKWIRE_BROWSER_TESTS=OFF)
[[ "$browser" == 1 ]] && browser_args=(-DTICKWIRE_BROWSER_TESTS=ON "-DTICKWIRE_WEB_BUILD_DIR=$(cd "$web_build_dir" && pwd)")

# 4. Configure
step "configure $build_dir ($build_type${sanitize:+, sanitize=$sanitize})"
generator=()
[[ -f "$build_dir/CMakeCache.txt" ]] || generator=(-G Ninja)
cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE="$build_type" \
    -DTICKWIRE_BUILD_TESTS=ON \
    -DTICKWIRE_SANITIZE="$sanitize" \
    "${browser_args[@]}" \
    "${cmake_args[@]}"

# 5. Build
step "build ($jobs jobs)"
cmake --build "$build_dir" --parallel "$jobs"

# 6. Test
ctest_prefix=()
if [[ "$sanitize" == *thread* ]]; then
    # Some kernels randomise mmap more than TSan's fixed memory layout allows
    # ("FATAL: ThreadSanitizer: unexpected memory mapping"). Probe with a trivial
    # program; if it hits that, run the tests without ASLR (inherited by children).
    probe_dir="$build_dir/tsan-probe"
    mkdir -p "$probe_dir"
    printf '#include <thread>\nint main() { std::thread t([] {}); t.join(); }\n' >"$probe_dir/probe.cpp"
    "${CXX:-c++}" -std=c++20 -fsanitize=thread -pthread "$probe_dir/probe.cpp" -o "$probe_dir/probe"
    if ! "$probe_dir/probe" >"$probe_dir/probe.log" 2>&1; then
        if grep -q "unexpected memory mapping" "$probe_dir/probe.log" &&
            setarch "$(uname -m)" -R "$probe_dir/probe"; then
            echo "TSan needs ASLR off on this kernel: running ctest under setarch -R"
            ctest_prefix=(setarch "$(uname -m)" -R)
        else
            cat "$probe_dir/probe.log" >&2
            echo "test.sh: a trivial ThreadSanitizer program fails here" >&2
            exit 1
        fi
    fi
fi

# Sanitizer reports with stacks, and the first report fails the test.
if [[ -n "$sanitize" ]]; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
fi

ctest_args=(--test-dir "$build_dir" --output-on-failure --no-tests=error -j "$ctest_jobs")
[[ -n "$label" ]] && ctest_args+=(-L "$label")
[[ -n "$exclude_label" ]] && ctest_args+=(-LE "$exclude_label")
step "ctest ${ctest_args[*]}"
"${ctest_prefix[@]}" ctest "${ctest_args[@]}"
