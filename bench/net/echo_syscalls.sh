#!/usr/bin/env bash
# bench/net/echo_syscalls.sh — system calls per echoed message (issue 14):
# one echo server on core 0, tickwire-load's closed-loop echo on core 1, and
# perf stat counting the server's syscall tracepoints over the measured
# window. Says where an echo server's kernel crossings go (the floor makes
# one read and one write per message; what more does each server make?).
#
#   bench/net/echo_syscalls.sh [--server floor|beast|tickwire|tickwire-1t|node]...
#                              [--bin DIR] [--connections N] [--size B]
#                              [--seconds S] [--warmup S]
#
# Defaults: all five servers in turn, build/bin, 100 connections, 32 B,
# 8 s measured after 2 s. Servers as bench/compare.sh starts them (floor:
# bench/peers/tcp_echo over plain TCP; tickwire-1t: tickwire-echo
# --network-on-main-thread; node: the ws package). Prints, per server, the
# messages per second the load generator saw and each syscall's calls per
# message, then the server's context switches per second. The tracepoints
# slow the server, so the rate here is a denominator, not a throughput
# figure (compare.sh's echo is). Needs Debian's linux-perf and root (or
# perf_event_paranoid <= -1) for the tracepoints.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/build/bin"; conns=100; size=32; seconds=8; warmup=2; servers=()
while [ $# -gt 0 ]; do
  case "$1" in
    --server) servers+=("$2"); shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --connections) conns="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^set -euo/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "echo_syscalls.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
peers="$root/bench/peers"
# shellcheck source=../echo_servers.sh
. "$root/bench/echo_servers.sh"
[ ${#servers[@]} -gt 0 ] || read -r -a servers <<<"$echo_server_kinds"
command -v perf >/dev/null || { echo "echo_syscalls.sh: needs perf (Debian package linux-perf)" >&2; exit 1; }

out="$(mktemp -d)"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
# The calls an echo server may make per message; perf counts each at entry.
events="syscalls:sys_enter_recvfrom,syscalls:sys_enter_recvmsg,syscalls:sys_enter_read,syscalls:sys_enter_readv"
events+=",syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_write,syscalls:sys_enter_writev"
events+=",syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_ctl"
events+=",syscalls:sys_enter_futex,context-switches"

for server in "${servers[@]}"; do
  port=$((20000 + RANDOM % 10000))
  echo_server_command "$server" "$port" || { echo "echo_syscalls.sh: unknown server $server" >&2; exit 2; }
  taskset -c 0 "${echo_cmd[@]}" >"$out/server.log" 2>&1 &
  server_pid=$!
  wait_listening "$out/server.log" || { echo "echo_syscalls.sh: $server did not start: $(cat "$out/server.log")" >&2; exit 1; }
  taskset -c 1 "$bin/tickwire-load" "$(echo_load_mode "$server")" "$(echo_url "$server" "$port")" \
    -c "$conns" -s "$size" -d "$seconds" -w "$warmup" --json --no-progress >"$out/load.json" 2>"$out/load.err" &
  load_pid=$!
  # Count over about the load generator's measured window: it connects (a
  # few ms for 100 connections), warms up, then measures.
  sleep "$warmup"
  perf stat -e "$events" -x, -o "$out/perf.txt" -p "$server_pid" -- sleep "$seconds" >/dev/null 2>&1 || true
  wait "$load_pid" || { echo "$server: load generator failed: $(cat "$out/load.err")" >&2; }
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; server_pid=""
  rate=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["msgs_per_s"])' "$out/load.json" 2>/dev/null || echo 0)
  echo "== $server: $conns connections, $size B, $(printf '%.0f' "$rate") messages/s"
  awk -F, -v rate="$rate" -v secs="$seconds" '
    $1 ~ /^[0-9]+$/ && $1 > 0 {
      name = $3; sub("syscalls:sys_enter_", "", name)
      if (name == "context-switches") { printf "  %-16s %10.0f per second\n", name, $1 / secs; next }
      total += $1
      if (rate > 0) printf "  %-16s %8.2f per message\n", name, $1 / secs / rate }
    END { if (rate > 0) printf "  %-16s %8.2f per message\n", "all counted", total / secs / rate }' "$out/perf.txt"
done
