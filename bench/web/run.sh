#!/usr/bin/env bash
# bench/web/run.sh: the web figures docs/web.md reports, from one run.
#
#   bench/web/run.sh [--build-dir build] [--web-build-dir build-web] [--messages 2000] [--loads 5]
#
#   1. size: the chat page's .wasm + .js (raw and gzip -9), and the web package's libraries
#   2. page load to opened: echo_rtt.html's load_to_open_ms (performance.now() at the
#      opened event: from navigation start, fetch and compile included), median of --loads loads
#   3. echo round trip, 32 B and 512 B, closed loop, one message in flight, to one
#      tickwire-echo: a native Channel (tickwire-bench-web-echo, busy polling)
#      vs the page's Channel polled busy (a setImmediate loop) and once per
#      animation frame (as a game polls)
# Needs build/ (tickwire-echo, tickwire-bench-web-echo), build-web/
# (scripts/build-web.sh) and tests/browser/node_modules (npm ci there).
# Figures, not a test: it asserts nothing. Browser timers are coarsened to
# 100 us without cross-origin isolation, so the page's figures have that grain.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$repo/build"
web_build="$repo/build-web"
messages=2000
loads=5
while (($#)); do
    case "$1" in
        --build-dir) build="$(cd "$2" && pwd)"; shift 2 ;;
        --web-build-dir) web_build="$(cd "$2" && pwd)"; shift 2 ;;
        --messages) messages="$2"; shift 2 ;;
        --loads) loads="$2"; shift 2 ;;
        -h | --help) sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
web="$web_build/web"
run_page() { /usr/bin/node "$repo/tests/browser/run_page.js" --root "$web" --timeout-ms 300000 --page "$1"; }
field() { sed -n "s/^RESULT $1=//p"; }

echo "## size (gzip -9)"
echo
echo "| file | bytes | gzip -9 |"
echo "| --- | ---: | ---: |"
total=0 total_gz=0
for f in "$web/chat.wasm" "$web/chat.js"; do
    raw=$(stat -c %s "$f") gz=$(gzip -9 -c "$f" | wc -c)
    total=$((total + raw)) total_gz=$((total_gz + gz))
    echo "| $(basename "$f") | $raw | $gz |"
done
echo "| chat page, .wasm + .js | $total | $total_gz |"
for f in "$web_build"/lib/libtickwire_net.a "$web_build"/lib/libtickwire_schemas.a; do
    [[ -f "$f" ]] && echo "| $(basename "$f") (static library, before linking) | $(stat -c %s "$f") | |"
done

coproc ECHO { exec "$build/bin/tickwire-echo" --port 0 --quiet; }
trap 'kill "$ECHO_PID" 2>/dev/null || true' EXIT
read -r -t 10 banner <&"${ECHO[0]}"
url="ws://127.0.0.1:${banner##*:}/"

echo
echo "## page load to opened ($loads loads, loopback)"
echo
opens=()
for ((i = 0; i < loads; i++)); do
    opens+=("$(run_page "bench/echo_rtt.html?url=$url&messages=10&warmup=0" | field load_to_open_ms)")
done
printf '%s\n' "${opens[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %s ms (min %s, max %s)\n", a[int((NR+1)/2)], a[1], a[NR]}'

echo
echo "## echo round trip, closed loop, $messages messages (us)"
echo
echo "| path | size | p50 | p90 | p99 | max |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for size in 32 512; do
    native=$("$build/bin/tickwire-bench-web-echo" --url "$url" --messages "$messages" --size "$size")
    json() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<<"$native"; }
    echo "| native Channel, busy poll | $size | $(json p50_us) | $(json p90_us) | $(json p99_us) | $(json max_us) |"
    for poll in busy frame; do
        count=$messages
        [[ $poll == frame ]] && count=$((messages / 10))  # a round trip is a frame: keep it short
        out=$(run_page "bench/echo_rtt.html?url=$url&size=$size&messages=$count&poll=$poll")
        echo "| browser Channel, $poll poll | $size | $(field p50_us <<<"$out") | $(field p90_us <<<"$out") | $(field p99_us <<<"$out") | $(field max_us <<<"$out") |"
    done
done
echo
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
