#!/usr/bin/env bash
# bench/net/syscalls.sh — system calls of the match server per client per
# second (issue 14): strace -c -f on tickwire-server while tickwire-bots play,
# or on the Colyseus 0.16 room of bench/peers while its bots play
# (--server colyseus: the same game shape, what compare.sh's match runs).
# Syscall counts depend little on how loaded the machine is, so this is the
# figure to develop against on a shared box (a loaded server finds more
# bytes per read, so it reads a little less often).
#
#   bench/net/syscalls.sh [--server tickwire|colyseus] [--bin DIR] [--bots N]
#                         [--seconds S] [--warmup S] [--no-session]
#                         [--server-arg ARG]...   (tickwire: passed on, e.g.
#                                                  --network-on-game-thread)
#                         [--bots-arg ARG]...     (tickwire-bots, e.g.
#                                                  --input-interval 2)
#
# Defaults: tickwire, build/bin, 64 bots (rooms of 32), 10 s counted after 4 s
# of play. Server on core 0, bots on core 1 (taskset). Prints strace's table,
# then one line per syscall: calls (errors) per client per second; then, with
# Debian's linux-perf, the server's context switches and CPU per client per
# second over another S seconds without strace (perf stat), and its kernel
# and user time from the kernel's share of 4 kHz cpu-clock samples over
# another S seconds (perf record), and the TCP segments its sockets sent and
# received over the perf stat interval, data and pure ACKs apart (ss -ti).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"; bots=64; seconds=10; warmup=4; session=(); server=tickwire; server_args=(); bots_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --bots) bots="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --no-session) session=(--no-session); shift ;;
    --server) server="$2"; shift 2 ;;
    --server-arg) server_args+=("$2"); shift 2 ;;
    --bots-arg) bots_args+=("$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^set -euo/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "syscalls.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v strace >/dev/null || { echo "syscalls.sh: needs strace (Debian package strace)" >&2; exit 1; }
if [ "$server" != tickwire ] && [ $(( ${#server_args[@]} + ${#bots_args[@]} )) -gt 0 ]; then
  echo "syscalls.sh: --server-arg and --bots-arg are for --server tickwire" >&2; exit 2
fi

out="$(mktemp -d)"
port=$((20000 + RANDOM % 10000))
cleanup() {
  [ -n "${bots_pid:-}" ] && kill "$bots_pid" 2>/dev/null
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT

peers="$root/bench/peers"
# shellcheck source=../echo_servers.sh
. "$root/bench/echo_servers.sh"
case "$server" in
  tickwire)
    match_server_command "$bin" "$port"
    taskset -c 0 "${match_cmd[@]}" "${session[@]}" "${server_args[@]}" >"$out/server.log" 2>&1 &
    server_pid=$!
    sleep 0.5
    taskset -c 1 "$bin/tickwire-bots" --count "$bots" --quiet "${session[@]}" "${bots_args[@]}" "ws://127.0.0.1:$port/room/auto" \
      >"$out/bots.log" 2>&1 &
    bots_pid=$! ;;
  colyseus)
    [ -d "$peers/node_modules/@colyseus/core" ] || { echo "syscalls.sh: run npm ci in bench/peers first" >&2; exit 1; }
    taskset -c 0 node "$peers/colyseus_server.js" "$port" >"$out/server.log" 2>&1 &
    server_pid=$!
    sleep 1
    taskset -c 1 node "$peers/colyseus_bots.js" "ws://127.0.0.1:$port" "$bots" $((warmup + 3 * seconds + 4)) 3 \
      >"$out/bots.log" 2>&1 &
    bots_pid=$! ;;
  *) echo "syscalls.sh: --server is tickwire or colyseus" >&2; exit 2 ;;
esac
sleep "$warmup"
timeout -s INT "$seconds" strace -c -f -q -o "$out/strace.txt" -p "$server_pid" >/dev/null 2>&1 || true
cat "$out/strace.txt"
echo
awk -v clients="$bots" -v secs="$seconds" '
  # strace -c rows: % time, seconds, usecs/call, calls, [errors], syscall
  NF >= 5 && $1 ~ /^[0-9.]+$/ {
    errs = (NF == 6) ? $5 : 0
    printf "%-16s %8.1f calls/client/s  (%6.1f errors)\n", $NF, $4 / clients / secs, errs / clients / secs
  }' "$out/strace.txt"
# TCP segments of the server's sockets by direction, data or pure ACK (ss -ti
# counters), over the perf stat interval below: on loopback the kernel time
# of a segment is paid on the server's core at both ends.
segments() {
  ss -tin state established "( sport = :$port )" 2>/dev/null | tr ' ' '\n' | awk -F: '
    $1 == "segs_out" { so += $2 } $1 == "data_segs_out" { dso += $2 }
    $1 == "segs_in" { si += $2 } $1 == "data_segs_in" { dsi += $2 }
    END { printf "%d %d %d %d\n", so, dso, si, dsi }'
}
# CPU seconds the bots' process has used (utime + stime, /proc/PID/stat): a
# bots' core at ~100 % means they, not the server, set the pace, and the
# per-client figures are not the server's at that many bots.
bots_cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$bots_pid/stat" 2>/dev/null
}
if command -v perf >/dev/null; then
  bots_cpu_before=$(bots_cpu_s)
  segs_before=$(segments); segs_from=$(date +%s.%N)
  perf stat -e task-clock,context-switches,cpu-migrations -x, -o "$out/perf.txt" -p "$server_pid" -- sleep "$seconds" \
    >/dev/null 2>&1 || true
  segs_after=$(segments); segs_to=$(date +%s.%N)
  bots_cpu_after=$(bots_cpu_s)
  interval_s=$(awk -v a="$segs_from" -v b="$segs_to" 'BEGIN { print b - a }')
  # Per second of the time between the two counts (perf's start-up included).
  awk -v a="$segs_before" -v b="$segs_after" -v clients="$bots" -v secs="$interval_s" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    if (y[1] == 0) { print "segments: ss found no sockets"; exit }
    f = 1 / clients / secs
    printf "%-16s %8.1f data + %5.1f pure ACKs per client per second (ss -ti)\n", "segments out",
      (y[2] - x[2]) * f, ((y[1] - x[1]) - (y[2] - x[2])) * f
    printf "%-16s %8.1f data + %5.1f pure ACKs per client per second\n", "segments in",
      (y[4] - x[4]) * f, ((y[3] - x[3]) - (y[4] - x[4])) * f }'
  awk -F, -v clients="$bots" -v secs="$seconds" '
    $3 == "context-switches" { printf "%-16s %8.1f per client per second (perf stat, no strace)\n", $3, $1 / clients / secs }
    $3 == "task-clock" { printf "%-16s %8.3f ms per client per second\n", $3, $1 / clients / secs }' "$out/perf.txt"
  # The kernel's share of that CPU time: samples of cpu-clock at 4 kHz for
  # another S seconds (the user/sys split of /proc is sampled at the
  # kernel's tick, 250 Hz here, too coarse for a few % of a core).
  perf record -q -e cpu-clock -F 4000 -o "$out/perf.data" -p "$server_pid" -- sleep "$seconds" >/dev/null 2>&1 || true
  kernel_share=$(perf report -i "$out/perf.data" --sort dso --stdio 2>/dev/null |
    awk '/\[kernel.kallsyms\]/ { gsub("%", "", $1); k += $1 } END { printf "%.1f", k }')
  task_ms=$(awk -F, -v clients="$bots" -v secs="$seconds" '$3 == "task-clock" { printf "%.4f", $1 / clients / secs }' "$out/perf.txt")
  [ -s "$out/perf.data" ] || kernel_share=""  # no samples: say nothing rather than 0 % kernel
  awk -v share="$kernel_share" -v task="$task_ms" 'BEGIN {
    if (task == "" || share == "") { print "kernel/user split: perf record took no samples"; exit }
    printf "%-16s %8.1f %% of samples (perf record -e cpu-clock -F 4000)\n", "kernel share", share
    printf "%-16s %8.3f ms per client per second (task-clock x share)\n", "kernel time", task * share / 100
    printf "%-16s %8.3f ms per client per second\n", "user time", task * (100 - share) / 100 }'
  awk -v a="$bots_cpu_before" -v b="$bots_cpu_after" -v secs="$interval_s" 'BEGIN {
    if (a == "" || b == "") exit
    pct = (b - a) / secs * 100
    printf "%-16s %8.1f %% of their core\n", "bots CPU", pct
    if (pct >= 95) print "WARNING: the bots filled their core and fell behind: these are not the server'"'"'s figures at this many bots" }'
fi
