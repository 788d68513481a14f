#!/usr/bin/env bash
# The README's demo command: build, then show tickwire working end to end.
#
#   scripts/demo.sh [--port N] [--build-dir DIR]
#
# For now the demo is the command-line tools: tickwire-echo serves on
# 127.0.0.1:PORT and tickwire-cat sends it a few lines and prints the echoes.
# (The demo game replaces run_demo below; the build and cleanup stay.)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

build_dir="${TICKWIRE_BUILD_DIR:-build}"
port="${TICKWIRE_DEMO_PORT:-7777}"
while (($#)); do
    case "$1" in
        --port) port="$2"; shift 2 ;;
        --build-dir) build_dir="$2"; shift 2 ;;
        -h | --help) sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "demo.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
bin="$build_dir/bin"

# Every process the demo starts, stopped on any exit (Ctrl-C included).
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wait until something listens on 127.0.0.1:$1, up to $2 seconds.
wait_for_port() {
    local deadline=$((SECONDS + $2))
    until ss -Hltn "sport = :$1" | grep -q .; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

build() {
    "$repo/scripts/install-deps.sh"
    local generator=()
    [[ -f "$build_dir/CMakeCache.txt" ]] || generator=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
    cmake -S . -B "$build_dir" "${generator[@]}"
    cmake --build "$build_dir" --parallel "$(nproc)" --target "$@"
}

run_demo() {
    echo "== tickwire-echo on port $port"
    "$bin/tickwire-echo" --port "$port" > >(sed -u 's/^/[echo server] /') 2>&1 &
    pids+=($!)
    wait_for_port "$port" 10 || { echo "demo: tickwire-echo is not listening on $port" >&2; return 1; }

    echo "== tickwire-cat ws://127.0.0.1:$port/ (sends 3 lines, prints the echoes)"
    # Paced, and a pause before EOF: on EOF tickwire-cat closes, and the echoes
    # should arrive before the closing handshake does.
    local line
    {
        for line in "hello, tickwire" "one message per line" "binary frames, echoed back"; do
            echo "$line"
            sleep 0.3
        done
        sleep 0.5
    } | timeout 20 "$bin/tickwire-cat" "ws://127.0.0.1:$port/" | sed -u 's/^/[cat] /'
}

build tickwire-echo tickwire-cat
run_demo
echo "== demo done"
