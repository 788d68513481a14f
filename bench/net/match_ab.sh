#!/usr/bin/env bash
# bench/net/match_ab.sh — the same match load against two (or more) builds'
# tickwire-server, or one build with different options, alternated round by
# round, to tell a server change from the machine's mood (issue 14). The bots
# are one tickwire-load (the first --bin's), so only the server differs
# between rows.
#
#   bench/net/match_ab.sh --bin DIR [--with 'SERVER ARGS'] [--bin DIR [--with '...']]...
#                         [--bots N] [--rounds R] [--seconds S]
#
# --with adds options to the server of the --bin before it, e.g.
#   --bin build/bin --with '--read-pace-us 0' --bin build/bin
# Server on core 0, tickwire-load on core 1 (as compare.sh). One row per run:
# snapshots a second and superseded snapshots (did the bots keep up?), the
# generator's CPU (at ~100 % the bots, not the server, set the pace), and the
# server's CPU, in all and per client (user and system apart). Defaults:
# build/bin, 500 bots, 2 rounds, 8 s after 3 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

bins=(); withs=(); bots=500; rounds=2; seconds=8
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bins+=("$(cd "$2" && pwd)"); withs+=(""); shift 2 ;;
    --with) [ ${#bins[@]} -gt 0 ] || { echo "match_ab.sh: --with comes after a --bin" >&2; exit 2; }
            withs[${#withs[@]}-1]="$2"; shift 2 ;;
    --bots) bots="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "match_ab.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ ${#bins[@]} -gt 0 ] || { bins=("$root/build/bin"); withs=(""); }
load="${bins[0]}/tickwire-load"
# shellcheck source=../echo_servers.sh
. "$root/bench/echo_servers.sh"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

printf '%-40s %5s %6s %10s %11s %8s %11s %8s %8s %8s %8s %8s\n' server round snap/s superseded "gen CPU %" \
  "srv CPU %" "CPU/client" user sys "tick p99" "work p99" "B in/s"
for round in $(seq "$rounds"); do
  for i in "${!bins[@]}"; do
    bin="${bins[$i]}"
    port=$((20000 + RANDOM % 10000))
    match_server_command "$bin" "$port"
    # shellcheck disable=SC2206  # --with's words are the server's arguments
    extra=(${withs[$i]})
    taskset -c 0 "${match_cmd[@]}" "${extra[@]}" >/dev/null 2>&1 &
    server_pid=$!
    sleep 1
    json=$(taskset -c 1 "$load" match "ws://127.0.0.1:$port/room/auto" -c "$bots" -w 3 -d "$seconds" \
             --server-pid "$server_pid" --json --no-progress 2>/dev/null || true)
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
    server_pid=""
    /usr/bin/python3 -c '
import json, sys
label, rnd, text = sys.argv[1:4]
try:
    d = json.loads(text)
except ValueError:
    print(f"{label:<40} {rnd:>5}  (no result)")
    sys.exit()
cols = [("snapshot_rate_hz", 1, 6), ("superseded", 0, 10), ("self_cpu_pct", 1, 11), ("server_cpu_pct", 1, 8),
        ("cpu_per_client_pct", 3, 11), ("user_per_client_pct", 3, 8), ("sys_per_client_pct", 3, 8),
        ("tick_p99_ms", 2, 8), ("work_p99_ms", 2, 8), ("bytes_in_per_client_s", 0, 8)]
cells = [format(d[k], f",.{p}f").rjust(w) if k in d else "-".rjust(w) for k, p, w in cols]
print(f"{label:<40} {rnd:>5} " + " ".join(cells))
' "$bin${withs[$i]:+ ${withs[$i]}}" "$round" "$json"
  done
done
