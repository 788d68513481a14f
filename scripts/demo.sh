#!/usr/bin/env bash
# The README's demo command: build, then play a local match.
#
#   scripts/demo.sh [--port N] [--build-dir DIR] [--bots N] [--headless] [--seconds S]
#                   [--screenshot FILE.png] [--web [--web-build-dir DIR]]
#
# Starts tickwire-server on 127.0.0.1:PORT (default 7777), tickwire-bots with
# three bots in room "demo" and a tickwire-client window in the same room.
# Closing the window stops everything. With no display ($DISPLAY and
# $WAYLAND_DISPLAY empty) or --headless, the client runs headless for S
# seconds (default 20) while the server prints its status lines.
# --screenshot: the client flies itself under Xvfb for 15 s, then saves a
# picture of the match (how docs/screenshot.png is made).
# --web: also builds the browser client (scripts/build-web.sh) and serves it
# from tickwire-server (--web-root): prints the URL to open, then runs until
# Ctrl-C. With --screenshot, headless Chromium plays the page for 15 s and
# saves a picture instead (how docs/screenshot-web.png is made).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

build_dir="${TICKWIRE_BUILD_DIR:-build}"
port="${TICKWIRE_DEMO_PORT:-7777}"
bots=3
seconds=20
headless=0
screenshot=""
web=0
web_build_dir="${TICKWIRE_WEB_BUILD_DIR:-build-web}"
while (($#)); do
    case "$1" in
        --port) port="$2"; shift 2 ;;
        --build-dir) build_dir="$2"; shift 2 ;;
        --bots) bots="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --headless) headless=1; shift ;;
        --screenshot) screenshot="$2"; shift 2 ;;
        --web) web=1; shift ;;
        --web-build-dir) web_build_dir="$2"; shift 2 ;;
        -h | --help) sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "demo.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
bin="$build_dir/bin"
room="ws://127.0.0.1:$port/room/demo"

# Every background process the demo starts, stopped on any exit (Ctrl-C
# included): newest first, so the bots leave before the server goes.
pids=()
cleanup() {
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
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
    [[ "${TICKWIRE_SKIP_DEPS:-0}" == 1 ]] || "$repo/scripts/install-deps.sh"
    local generator=()
    [[ -f "$build_dir/CMakeCache.txt" ]] || generator=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
    cmake -S . -B "$build_dir" "${generator[@]}"
    cmake --build "$build_dir" --parallel "$(nproc)" --target "$@"
}

start_match() {
    if ss -Hltn "sport = :$port" | grep -q .; then
        echo "demo: port $port is already in use; try scripts/demo.sh --port N" >&2
        return 1
    fi
    echo "== tickwire-server on port $port"
    local web_root=()
    ((web)) && web_root=(--web-root "$web_build_dir/web")
    "$bin/tickwire-server" --port "$port" "${web_root[@]}" > >(sed -u 's/^/[server] /') 2>&1 &
    pids+=($!)
    wait_for_port "$port" 10 || { echo "demo: tickwire-server is not listening on $port" >&2; return 1; }

    # The bots print a line per second: into a log, not over the server's.
    local bots_log="$build_dir/demo-bots.log"
    echo "== tickwire-bots: $bots bots in $room (output in $bots_log)"
    "$bin/tickwire-bots" "$room" --count "$bots" >"$bots_log" 2>&1 &
    pids+=($!)
}

run_headless() {
    echo "== tickwire-client --headless in $room for $seconds s"
    "$bin/tickwire-client" "$room" --name You --headless --autopilot --duration "$seconds" || true
}

run_window() {
    echo "== tickwire-client in $room: close the window to stop the demo"
    echo "   WASD/arrows move, mouse aims, click or Space fires, Enter chats, Tab scores, F3 net graph"
    local started=$SECONDS status=0
    "$bin/tickwire-client" "$room" --name You || status=$?
    # A window that could not open (a $DISPLAY nobody answers) fails at once.
    if ((status == 1 && SECONDS - started < 5)); then
        echo "demo: no window could be opened; running the match headless instead"
        run_headless
    fi
}

run_screenshot() {
    echo "== tickwire-client --autopilot under Xvfb for 15 s, then a screenshot to $screenshot"
    local bmp
    bmp="$(mktemp --suffix=.bmp)"
    xvfb-run -a -s "-screen 0 1280x720x24" "$bin/tickwire-client" "$room" --name You --autopilot --net-graph \
        --duration 15 --screenshot "$bmp"
    convert "$bmp" "$screenshot"
    rm -f "$bmp"
    echo "screenshot: $screenshot"
}

run_web() {
    echo
    echo "== the browser client is served by tickwire-server: open"
    echo "     http://127.0.0.1:$port/                     (pick a room and a name)"
    echo "     http://127.0.0.1:$port/?room=demo&name=You   (join the bots' room directly)"
    echo "   from another machine, use this machine's address instead of 127.0.0.1."
    echo "   Ctrl-C stops the demo."
    wait "${pids[0]}"
}

run_web_screenshot() {
    echo "== headless Chromium plays http://127.0.0.1:$port/?room=demo for 15 s, then a screenshot to $screenshot"
    [[ -f tests/browser/node_modules/playwright-core/package.json ]] ||
        (cd tests/browser && npm ci --no-audit --no-fund)
    /usr/bin/node bench/web/game_page.js --url "http://127.0.0.1:$port/?room=demo&name=You&autopilot=1&netgraph=1" \
        --seconds 15 --screenshot "$screenshot"
}

if ((web)); then
    skip_deps=()
    [[ "${TICKWIRE_SKIP_DEPS:-0}" == 1 ]] && skip_deps=(--skip-deps)
    scripts/build-web.sh --build-dir "$web_build_dir" "${skip_deps[@]}"
    build tickwire-server tickwire-bots
    start_match
    if [[ -n "$screenshot" ]]; then run_web_screenshot; else run_web; fi
    echo "== demo done: stopping the bots and the server"
    exit 0
fi

build tickwire-server tickwire-bots tickwire-client
start_match
if [[ -n "$screenshot" ]]; then
    run_screenshot
elif ((headless)); then
    run_headless
elif [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    echo "demo: no display (\$DISPLAY and \$WAYLAND_DISPLAY are empty): running the match headless"
    run_headless
else
    run_window
fi
echo "== demo done: stopping the bots and the server"
