#!/usr/bin/env bash
# soak: 200 bots joining and leaving a tickwire-server for 10 minutes; the
# server's resident memory and open file descriptors (from /proc) at the
# start, every --sample seconds, at the end, and once the rooms have emptied.
# Flat figures = nothing leaks per connection. Not part of CI (minutes long).
#
#   build/bin/tickwire-soak [--minutes 10] [--bots 200] [--groups 8] [--life 30] [--sample 30] [--port 7792]
#
# The bots run as --groups tickwire-bots processes of bots/groups each; every
# process lives --life seconds (all its bots leave with 1000) and is replaced
# at once by a fresh one (all join anew), the groups staggered evenly, so about
# --bots are playing at any moment and bots/life*... join and leave each second.
set -euo pipefail
bin="$(cd "$(dirname "$0")" && pwd)"
minutes=10; bots=200; groups=8; life=30; sample=30; port=7792
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --bots) bots="$2"; shift 2 ;;
    --groups) groups="$2"; shift 2 ;;
    --life) life="$2"; shift 2 ;;
    --sample) sample="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
per=$((bots / groups))
work=$(mktemp -d)
server=; groups_pids=
cleanup() {
  for f in "$work"/pid-*; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  for p in $groups_pids; do kill "$p" 2>/dev/null || true; done
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
players() { grep '^rooms' "$work/server.log" | tail -1 | awk '{print "rooms " $2 ", players " $4}'; }

"$bin/tickwire-server" --port "$port" --address 127.0.0.1 --status-interval 5 --log-level warn \
    --max-per-ip 2000 >"$work/server.log" 2>"$work/server.err" &
server=$!
sleep 0.5
echo "server pid $server; $bots bots in $groups groups of $per, each group leaves and rejoins every $life s, $minutes min"

end=$(( $(date +%s) + minutes * 60 ))
# One group: a bots process after another until the end.
group() {
  local g=$1 seed=$((1000 * $1))
  sleep $(( g * life / groups ))
  while [ "$(date +%s)" -lt "$end" ]; do
    local left=$(( end - $(date +%s) ))
    local d=$(( left < life ? left : life ))
    [ "$d" -gt 0 ] || break
    "$bin/tickwire-bots" "ws://127.0.0.1:$port/room/auto" --count "$per" --duration "$d" --seed "$seed" \
        --name "g$g" --quiet >>"$work/bots-$g.log" 2>&1 &
    echo $! >"$work/pid-$g"
    wait $! || true
    echo run >>"$work/runs"
    seed=$((seed + 1))
  done
}
for g in $(seq 0 $((groups - 1))); do group "$g" & groups_pids="$groups_pids $!"; done

sleep "$life"  # every group has started once
t0=$(date +%s)
rss0=$(rss_kb "$server"); fd0=$(fds "$server")
printf '%6s %10s %6s  %s\n' "t(s)" "RSS kB" "fds" "status"
printf '%6d %10d %6d  %s\n' 0 "$rss0" "$fd0" "$(players)"
# The last figures are taken 3 s before the end, while everyone still plays.
last=$((end - 3))
while [ $(( $(date +%s) + sample )) -lt "$last" ]; do
  sleep "$sample"
  printf '%6d %10d %6d  %s\n' $(( $(date +%s) - t0 )) "$(rss_kb "$server")" "$(fds "$server")" "$(players)"
done
sleep $(( last > $(date +%s) ? last - $(date +%s) : 0 ))
rss1=$(rss_kb "$server"); fd1=$(fds "$server"); t1=$(( $(date +%s) - t0 ))
for p in $groups_pids; do wait "$p" 2>/dev/null || true; done
groups_pids=
sleep 15  # rooms linger 10 s after their last player
rss2=$(rss_kb "$server"); fd2=$(fds "$server")
echo "start (t=0, all groups playing): RSS $rss0 kB, fds $fd0"
echo "end   (t=${t1}s):                RSS $rss1 kB, fds $fd1"
echo "idle  (bots gone, rooms expired): RSS $rss2 kB, fds $fd2, $(players)"
echo "bots processes run: $(wc -l <"$work/runs") (each: $per bots join, play, leave)"
echo "server warnings by kind (addresses and ids elided):"
sed -E 's/#[0-9]+/#N/g; s/[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+/ADDR/g; s/\([^)]*\)//g' "$work/server.err" |
  sort | uniq -c | sort -rn | head -8
