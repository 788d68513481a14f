#!/usr/bin/env bash
# abuse_bench: what hostile input costs the players. Starts tickwire-server
# (room "arena", creation off) and N bots in it, measures the bots' snapshot
# rate and RTT and the server's tick p99 for --seconds, then runs
# tickwire-attacker in a loop (every attack, over and over) for --seconds
# more and measures again; prints both, plus the server's resident memory
# and open descriptors before, after the attack and after a cool-down.
# Figures only, nothing asserted.
#
#   build/bin/tickwire-abuse-bench [--bots 16] [--attackers 4] [--seconds 20] [--port 7791] [--trickle-ms 200]
#
# The server runs with --max-per-ip 64 and --max-connections bots + 40, so
# the floods (100 sockets each) reach both limits; --attackers processes
# attack at once, all from 127.x addresses.
set -euo pipefail
bin="$(cd "$(dirname "$0")" && pwd)"
bots=16; attackers=4; secs=20; port=7791; trickle=200
while [ $# -gt 0 ]; do
  case "$1" in
    --bots) bots="$2"; shift 2 ;;
    --seconds) secs="$2"; shift 2 ;;
    --attackers) attackers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --trickle-ms) trickle="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
server=; bots_pid=; attacker_pids=
cleanup() {
  for p in $attacker_pids $bots_pid $server; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }

"$bin/tickwire-server" --port "$port" --address 127.0.0.1 --no-create --room arena --status-interval 1 \
    --log-level warn --max-per-ip 64 --max-connections $((bots + 40)) --handshake-timeout-ms 2000 >"$work/server.log" 2>"$work/server.err" &
server=$!
sleep 0.5
"$bin/tickwire-bots" "ws://127.0.0.1:$port/room/arena" --count "$bots" --duration $((2 * secs + 12)) >"$work/bots.log" &
bots_pid=$!
sleep 4
rss0=$(rss_kb "$server"); fd0=$(fds "$server")

# window FIRST_LINE LAST_LINE: mean of the bots' snapshots/s per bot and RTT,
# and the worst and mean tick p99 of the server's status lines, in that span of time.
window() {
  local b0=$1 b1=$2 s0=$3 s1=$4
  sed -n "$((b0 + 1)),${b1}p" "$work/bots.log" | awk -v n="$bots" '
    { for (i = 1; i <= NF; i++) { if ($i == "snapshots") s += $(i+1); if ($i == "avg") r += $(i+1); if ($i == "joined") j = $(i+1) } k++ }
    END { printf "snapshots %.1f/s per bot, rtt avg %.2f ms, joined %d/%d", s / k / n, r / k, j, n }'
  sed -n "$((s0 + 1)),${s1}p" "$work/server.log" | grep '^rooms' | awk '
    { for (i = 1; i <= NF; i++) if ($i == "p99") { v = $(i+1); t += v; if (v > m) m = v; k++ } }
    END { printf ", tick p99 mean %.2f ms max %.2f ms\n", t / k, m }'
}

b0=$(wc -l <"$work/bots.log"); s0=$(wc -l <"$work/server.log")
sleep "$secs"
b1=$(wc -l <"$work/bots.log"); s1=$(wc -l <"$work/server.log")
quiet=$(window "$b0" "$b1" "$s0" "$s1")

for a in $(seq 1 "$attackers"); do
  "$bin/tickwire-attacker" --port "$port" --room arena --loop --duration "$secs" --pause-ms 20 \
      --trickle-ms "$trickle" --flood 100 --flood-source "127.0.0.$((2 + a))" --flood-base "127.0.$a." --quiet >"$work/attacker-$a.log" 2>&1 &
  attacker_pids="$attacker_pids $!"
done
sleep $((secs / 2))
rss_mid=$(rss_kb "$server"); fd_mid=$(fds "$server")
sleep $((secs - secs / 2))
b2=$(wc -l <"$work/bots.log"); s2=$(wc -l <"$work/server.log")
rss1=$(rss_kb "$server"); fd1=$(fds "$server")
for p in $attacker_pids; do wait "$p" || true; done
attacker_pids=
attacked=$(window "$b1" "$b2" "$s1" "$s2")
sleep 5  # handshake and hello deadlines let the last attack sockets go
rss2=$(rss_kb "$server"); fd2=$(fds "$server")

echo "bots $bots, attackers $attackers, $secs s per phase, server pid $server"
echo "without attack: $quiet"
echo "under attack:   $attacked"
echo "server RSS ${rss0} kB before, ${rss_mid} kB mid-attack, ${rss1} kB at its end, ${rss2} kB 5 s later"
echo "server open fds $fd0 before, $fd_mid mid-attack, $fd1 at its end, $fd2 5 s later"
echo "attacker 1 of $attackers:"
sed 's/^/  /' "$work/attacker-1.log"
echo "attacks run in total: $(cat "$work"/attacker-*.log | awk '/^attacks/ {s += $2} END {print s}')"
echo "server log lines (net + match): $(wc -l <"$work/server.err")" \
     "(suppressed by the log budget: $(grep -o '([0-9]* lines suppressed)' "$work/server.err" | tr -dc '0-9\n' | awk '{s+=$1} END {print s+0}'))"
