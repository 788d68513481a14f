#!/usr/bin/env bash
# tickwire-fleet-bench [--bots 80] [--seconds 10]: issue 13's figures on
# loopback, with a real redis-server and three tickwire-server processes:
#   1. time to join: a ws:// URL straight to a server vs matchmaking (/match/CODE, then the ticket)
#   2. room-directory operations per second per server (Redis INFO commandstats, with --bots playing)
#   3. what a dead server costs its players: kill -9 of a server with bots on it,
#      seconds until every bot is joined again (the bots' totals line: 1 s resolution)
# Prints figures, asserts nothing. Needs redis-server, redis-cli, curl, /usr/bin/python3.
set -euo pipefail
BIN=$(cd "$(dirname "$0")" && pwd)
BOTS=80
SECONDS_RUN=10
while [ $# -gt 0 ]; do
  case "$1" in
    --bots) BOTS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    *) echo "usage: $0 [--bots N] [--seconds S]" >&2; exit 2 ;;
  esac
done

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # URL: until it answers 200 (10 s at most)
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2; exit 1
}
players_by_process() {  # PORT: "process players" lines from /rooms?all=1
  curl -s "http://127.0.0.1:$1/rooms?all=1" | /usr/bin/python3 -c '
import json, sys, collections
count = collections.Counter()
for room in json.load(sys.stdin): count[room["process"]] += room["players"]
for process, players in count.items(): print(process, players)'
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --logfile /dev/null &
PIDS+=($!)
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
openssl rand -hex 32 > "$TMP/fleet.key"
declare -A PORT PID
for id in s1 s2 s3; do
  PORT[$id]=$(free_port)
  "$BIN/tickwire-server" --address 127.0.0.1 --port "${PORT[$id]}" --process-id "$id" --status-interval 0 \
    --directory "redis://127.0.0.1:$REDIS_PORT" --fleet-secret-file "$TMP/fleet.key" >"$TMP/$id.log" 2>&1 &
  PID[$id]=$!
  PIDS+=($!)
done
for id in s1 s2 s3; do wait_http "http://127.0.0.1:${PORT[$id]}/healthz"; done
ENTRY=${PORT[s1]}
echo "fleet: redis :$REDIS_PORT, servers s1 :${PORT[s1]} s2 :${PORT[s2]} s3 :${PORT[s3]}"

echo "== 1. time to join (one player at a time, 30 each) =="
"$BIN/tickwire-fleet-join-bench" "ws://127.0.0.1:$ENTRY/room/DIRECT" --count 30
"$BIN/tickwire-fleet-join-bench" "http://127.0.0.1:$ENTRY/match/VIAMM" --count 30

echo "== 2. directory operations with $BOTS bots playing =="
"$BIN/tickwire-bots" "http://127.0.0.1:$ENTRY/match/auto" --count "$BOTS" --name bench >"$TMP/bots.log" 2>&1 &
BOTS_PID=$!
PIDS+=($BOTS_PID)
for _ in $(seq 300); do grep -q " joined $BOTS " "$TMP/bots.log" 2>/dev/null && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" config resetstat >/dev/null
sleep "$SECONDS_RUN"
redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r' | /usr/bin/python3 -c '
import sys
seconds, servers = float(sys.argv[1]), 3
total = 0
for line in sys.stdin:
    if not line.startswith("cmdstat_"): continue
    name, fields = line.split(":", 1)
    calls = int(dict(f.split("=") for f in fields.split(","))["calls"])
    if name in ("cmdstat_config", "cmdstat_info"): continue
    total += calls
    print("  %-20s %6.1f /s" % (name[8:], calls / seconds))
print("  redis commands %.1f /s in all, %.1f /s per server (%d servers)" % (total / seconds, total / seconds / servers, servers))
' "$SECONDS_RUN"
players_by_process "$ENTRY" | sed 's/^/  players on /'

echo "== 3. kill -9 of a server with bots on it =="
VICTIM=$(players_by_process "$ENTRY" | awk '$1 != "s1" && $2 > 0 {print $1; exit}')
if [ -z "$VICTIM" ]; then echo "  no bots on s2 or s3: nothing to kill"; exit 0; fi
ON_VICTIM=$(players_by_process "$ENTRY" | awk -v v="$VICTIM" '$1 == v {print $2}')
LINES=$(wc -l <"$TMP/bots.log")
START=$(date +%s.%N)
kill -9 "${PID[$VICTIM]}"
GONE=""
for _ in $(seq 600); do
  NOW=$(date +%s.%N)
  if [ -z "$GONE" ] && ! players_by_process "$ENTRY" | grep -q "^$VICTIM "; then GONE=$(echo "$NOW - $START" | bc); fi
  if tail -n +"$((LINES + 2))" "$TMP/bots.log" | grep -q " joined $BOTS "; then
    BACK=$(echo "$NOW - $START" | bc)
    echo "  killed $VICTIM ($ON_VICTIM bots): its rooms left the directory after ${GONE:-?} s; every bot joined again after $BACK s"
    players_by_process "$ENTRY" | sed 's/^/  players on /'
    exit 0
  fi
  sleep 0.1
done
echo "  the bots did not all come back within 60 s"
