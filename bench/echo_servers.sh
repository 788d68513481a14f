# bench/echo_servers.sh — the echo servers the benchmarks measure, each
# started one way, in one place (and the match server, below). Sourced by
# bench/compare.sh, bench/net/echo_syscalls.sh, bench/net/match_ab.sh and
# bench/net/syscalls.sh. The echo servers read $bin (the build's bin/) and
# $peers (bench/peers); compare.sh --baseline sets $baseline_bin (another
# build's bin/, for tickwire-base and tickwire-1t-base).

echo_server_kinds="floor beast tickwire tickwire-1t node"

# echo_server_command KIND PORT: sets the array echo_cmd to the command line
# of KIND serving echo on PORT. False for an unknown KIND.
echo_server_command() {
  local kind="$1" port="$2"
  # One load generator, one address: tickwire-echo's per-address limit
  # (default 256) would cut it off.
  local tickwire=(--port "$port" --quiet --max-connections 20000 --max-per-ip 20000)
  case "$kind" in
    floor) echo_cmd=("$bin/tcp_echo" --port "$port") ;;  # epoll, 4-byte length-prefixed frames
    beast) echo_cmd=("$bin/beast_echo" --port "$port") ;;
    tickwire) echo_cmd=("$bin/tickwire-echo" "${tickwire[@]}") ;;
    tickwire-1t) echo_cmd=("$bin/tickwire-echo" "${tickwire[@]}" --network-on-main-thread) ;;
    node) echo_cmd=(node "$peers/ws_echo_server.js" "$port") ;;
    tickwire-base) echo_cmd=("$baseline_bin/tickwire-echo" "${tickwire[@]}") ;;
    tickwire-1t-base) echo_cmd=("$baseline_bin/tickwire-echo" "${tickwire[@]}" --network-on-main-thread) ;;
    *) return 1 ;;
  esac
}

# match_server_command BIN PORT: sets the array match_cmd to BIN's
# tickwire-server playing the match on PORT. Every bot comes from 127.0.0.1
# (the per-address limit goes up), and 500 bots in rooms of 32 need 16 rooms.
match_server_command() {
  match_cmd=("$1/tickwire-server" --port "$2" --address 127.0.0.1 --status-interval 0 --log-level warn
             --max-rooms 64 --max-per-ip 4096)
}

# What tickwire-load is given for KIND on PORT: its mode and the URL.
echo_load_mode() { if [ "$1" = floor ]; then echo raw; else echo echo; fi; }
echo_url() { if [ "$1" = floor ]; then echo "tcp://127.0.0.1:$2"; else echo "ws://127.0.0.1:$2/"; fi; }

# wait_listening LOG: true once a server's LOG says it is listening (5 s at most).
wait_listening() {
  local _
  for _ in $(seq 100); do
    grep -q listening "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
