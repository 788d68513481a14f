#!/usr/bin/env bash
# match_bench: what a match costs the server — bytes per client per second and
# server CPU per client — for N bots at a tick rate / snapshot rate.
#
#   build/bin/tickwire-match-bench [--bots "16 64"] [--tick-rate 60] [--snapshot-rate 30]
#                                  [--seconds 8] [--port 7790]
#
# For each N: starts build/bin/tickwire-server as a child, N bots in one
# tickwire-bots process (one shared network thread), lets the match settle
# for 4 s, then measures over --seconds: the server's CPU from
# /proc/PID/stat (utime+stime), and bytes out / snapshot figures from the
# server's own status lines. The bots run on the same machine and compete for
# the same cores; on a shared box run it twice and take the lower CPU figure.
set -euo pipefail
bin="$(cd "$(dirname "$0")" && pwd)"
bots_list="16 64"; tick=60; snap=30; secs=8; port=7790
while [ $# -gt 0 ]; do
  case "$1" in
    --bots) bots_list="$2"; shift 2 ;;
    --tick-rate) tick="$2"; shift 2 ;;
    --snapshot-rate) snap="$2"; shift 2 ;;
    --seconds) secs="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf '%-5s %-10s %14s %16s %16s %18s %14s\n' bots tick/snap "out kB/s" "B/client/s" "B/changed ent" "server CPU %core" "CPU/client %"
for n in $bots_list; do
  log=$(mktemp)
  "$bin/tickwire-server" --port "$port" --address 127.0.0.1 --tick-rate "$tick" --snapshot-rate "$snap" \
      --status-interval 1 --log-level warn --max-players 32 >"$log" 2>&1 &
  server=$!
  sleep 0.5
  # Up to 32 per room: 64 bots fill two rooms through /room/auto.
  "$bin/tickwire-bots" "ws://127.0.0.1:$port/room/auto" --count "$n" --duration $((secs + 6)) --tick-rate "$tick" --quiet &
  bots=$!
  sleep 4
  c0=$(cpu_ticks "$server"); t0=$(date +%s.%N); l0=$(wc -l <"$log")
  sleep "$secs"
  c1=$(cpu_ticks "$server"); t1=$(date +%s.%N); l1=$(wc -l <"$log")
  # Status lines of the measured window only.
  sed -n "$((l0 + 1)),${l1}p" "$log" | grep '^rooms' | awk -v n="$n" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" \
      -v hz="$hz" -v ts="$tick/$snap" '
    { for (i = 1; i <= NF; i++) { if ($i == "out") out += $(i+1); if ($i ~ /^\(/) { gsub(/[(]/, "", $i); be += $i; k++ } } m++ }
    END {
      cpu = (c1 - c0) / hz / (t1 - t0) * 100;
      printf "%-5d %-10s %14.1f %16.0f %16.1f %18.1f %14.2f\n", n, ts, out / m, out / m * 1000 / n, be / k, cpu, cpu / n
    }'
  wait "$bots" || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
done
