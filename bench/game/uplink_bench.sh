#!/usr/bin/env bash
# uplink_bench: issue 14's uplink goal on a real match. A tickwire-server
# child and N tickwire-bots in one room, per row: a link (loopback, or the
# issue's 200 ms round trip with jitter and stalls) and an input send
# interval (--input-interval: frames sampled every tick, sent every K ticks
# in one message, a shot at once).
#
#   build/bin/tickwire-uplink-bench [--bots 16] [--seconds 20] [--intervals "1 2 3"]
#        [--netsim latency=75ms,jitter=20ms,stall=1%] [--port 7793]
#
# Uplink is counted on the wire: the TCP payload bytes the server's sockets
# received (ss -ti bytes_received: WebSocket frames, masks, net's session
# envelope, game messages, acks and clock sync), per client per second over
# --seconds after a 5 s warm-up. Beside it, from the server's GET /status:
# frames received twice and never (each must be 0), held-input ticks and the
# input wait; and from the bots the mean input lead (ticks from sampling to
# the tick a frame is for, past half the round trip): what a longer
# interval costs in input latency.
set -euo pipefail
bin="$(cd "$(dirname "$0")" && pwd)"
bots=16; secs=20; port=7793; intervals="1 2 3"; netsim="latency=75ms,jitter=20ms,stall=1%"
while [ $# -gt 0 ]; do
  case "$1" in
    --bots) bots="$2"; shift 2 ;;
    --seconds) secs="$2"; shift 2 ;;
    --intervals) intervals="$2"; shift 2 ;;
    --netsim) netsim="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
python=/usr/bin/python3
status() { curl -s --max-time 2 "http://127.0.0.1:$port/status"; }
# Sum of bytes_received over the server's established sockets (the bots' connections).
received() {
  ss -tinH state established "( sport = :$port )" | grep -o 'bytes_received:[0-9]*' | cut -d: -f2 |
    awk '{ s += $1 } END { print s + 0 }'
}

echo "$bots bots in one room, ${secs} s after a 5 s warm-up"
printf '%-36s %9s %12s %9s %8s %7s %9s %10s\n' link interval "uplink/client" repeated skipped "held %" "wait p50" "lead ticks"
for link in loopback netsim; do
  for interval in $intervals; do
    sim=(); label="loopback"
    if [ "$link" = netsim ]; then sim=(--netsim "$netsim"); label="$netsim"; fi
    log=$(mktemp); botlog=$(mktemp)
    "$bin/tickwire-server" --port "$port" --address 127.0.0.1 --status-interval 0 --log-level warn \
        --room bench >"$log" 2>&1 &
    server=$!
    sleep 0.5
    "$bin/tickwire-bots" "ws://127.0.0.1:$port/room/bench" --count "$bots" --duration $((secs + 8)) \
        --input-interval "$interval" "${sim[@]}" --seed 7 >"$botlog" 2>&1 &
    botpid=$!
    sleep 5
    first=$(status); b0=$(received); l0=$(wc -l <"$botlog")
    sleep "$secs"
    last=$(status); b1=$(received); l1=$(wc -l <"$botlog")
    lead=$(sed -n "$((l0 + 1)),${l1}p" "$botlog" | awk '/lead/ { for (i = 1; i <= NF; i++) if ($i == "lead") { s += $(i+1); n++ } }
          END { printf "%.1f", n ? s / n : 0 }')
    FIRST="$first" LAST="$last" B0="$b0" B1="$b1" LABEL="$label" INTERVAL="$interval" BOTS="$bots" SECS="$secs" \
        LEAD="$lead" "$python" - <<'PY'
import json, os
last = json.loads(os.environ["LAST"])
per_client = (int(os.environ["B1"]) - int(os.environ["B0"])) / int(os.environ["BOTS"]) / int(os.environ["SECS"])
applied, held = last["inputs_applied"], last["inputs_held_ticks"]
print("%-36s %9s %9.2f KB/s %9d %8d %7.2f %9.1f %10s" % (os.environ["LABEL"], os.environ["INTERVAL"], per_client / 1000,
      last["inputs_repeated"], last["inputs_skipped"], 100.0 * held / max(1, applied + held),
      last["input_wait_p50_ticks"], os.environ["LEAD"]))
PY
    wait "$botpid" || true
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log" "$botlog"
  done
done
