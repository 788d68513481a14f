#!/usr/bin/env bash
# bench/web/game_figures.sh: the game page's figures docs/web.md reports.
#
#   bench/web/game_figures.sh [--build-dir build] [--web-build-dir build-web] [--seconds 10] [--loads 5]
#
#   1. size: index.wasm + index.js (raw and gzip -9)
#   2. page load to joined, fps, C++ frame time, main-thread CPU per frame,
#      the page's RTT: bench/web/game_page.js, --loads runs (median load)
#   3. a headless native tickwire-client's RTT in the same room, same loopback
# Starts tickwire-server --web-root on a free port with three bots in room
# "bench". Needs build/ (tickwire-server, tickwire-bots, tickwire-client),
# build-web/ (scripts/build-web.sh) and tests/browser/node_modules (npm ci).
# Figures, not a test: it asserts nothing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$repo/build"
web_build="$repo/build-web"
seconds=10
loads=5
while (($#)); do
    case "$1" in
        --build-dir) build="$(cd "$2" && pwd)"; shift 2 ;;
        --web-build-dir) web_build="$(cd "$2" && pwd)"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --loads) loads="$2"; shift 2 ;;
        -h | --help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "game_figures.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
web="$web_build/web"

echo "## size (gzip -9)"
echo
echo "| file | bytes | gzip -9 |"
echo "| --- | ---: | ---: |"
total=0 total_gz=0
for f in "$web/index.wasm" "$web/index.js" "$web/index.html" "$web/join.js"; do
    raw=$(stat -c %s "$f") gz=$(gzip -9 -c "$f" | wc -c)
    total=$((total + raw)) total_gz=$((total_gz + gz))
    echo "| $(basename "$f") | $raw | $gz |"
done
echo "| the game page, all four | $total | $total_gz |"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
coproc SERVER { exec "$build/bin/tickwire-server" --port 0 --web-root "$web" --status-interval 0 --log-level warn; }
pids+=("$SERVER_PID")
read -r -t 10 banner <&"${SERVER[0]}"
port="$(sed -E 's|.*://[^:]+:([0-9]+).*|\1|' <<<"$banner")"
"$build/bin/tickwire-bots" "ws://127.0.0.1:$port/room/bench" --count 3 --quiet >/dev/null 2>&1 &
pids+=($!)
sleep 1

echo
echo "## the page in headless Chromium ($loads loads, ${seconds} s each, loopback, 3 bots)"
echo
echo "| run | load to joined ms | fps | C++ frame ms | CPU ms / frame | RTT ms | clock-sync RTT ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
loads_ms=()
for ((i = 1; i <= loads; i++)); do
    out="$(/usr/bin/node "$repo/bench/web/game_page.js" --seconds "$seconds" \
        --url "http://127.0.0.1:$port/?room=bench&name=bench$i&autopilot=1")"
    f() { sed -n "s/^FIGURE $1=\([^ ]*\).*/\1/p" <<<"$out"; }
    loads_ms+=("$(f load_to_joined_ms)")
    echo "| $i | $(f load_to_joined_ms) | $(f fps) | $(f frame_ms) | $(f cpu_ms_per_frame) | $(f rtt_ms) | $(f clock_rtt_ms) |"
done
printf '%s\n' "${loads_ms[@]}" | sort -n |
    awk '{a[NR]=$1} END {printf "\nload to joined: median %s ms (min %s, max %s)\n", a[int((NR+1)/2)], a[1], a[NR]}'

echo
echo "## a native tickwire-client in the same room (headless, ${seconds} s)"
echo
"$build/bin/tickwire-client" "ws://127.0.0.1:$port/room/bench" --name native --headless --autopilot \
    --duration "$seconds" | grep -o 'rtt [0-9.]* ms (clock sync [0-9.]* ms)' | tail -n 1 | sed 's/^/native: /'
