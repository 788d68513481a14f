#!/usr/bin/env bash
# Build the libFuzzer targets with clang (-DTICKWIRE_FUZZ=ON: coverage, ASan
# and UBSan over the whole build) and run each one from its committed seed
# corpus for a bounded time. Exit 1 on any crash, leak, sanitizer report or
# timeout; the reproducer (crash-*, leak-*, timeout-*) is left in the build
# directory's fuzz-artifacts/.
#
#   scripts/fuzz.sh [--build-dir build-fuzz] [--seconds 60] [--jobs 2] [--only NAME]
#
# --seconds is the total budget, split evenly across the targets
# (-max_total_time each). New inputs the fuzzers find go to a scratch copy of
# the corpus, never into fuzz/corpus.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"; seconds=60; jobs=2; only=
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="$(realpath -m "$2")"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh" --fuzz >/dev/null

targets=(session_packet game_message protocol_decode url room_code resume_token ws_frame)
[ -n "$only" ] && targets=("$only")

start=$(date +%s)
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTICKWIRE_FUZZ=ON -DTICKWIRE_BUILD_TESTS=OFF -DTICKWIRE_BUILD_BENCH=OFF -DTICKWIRE_GAME_CLIENT_APP=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/tickwire_fuzz_}"
built=$(date +%s)

per=$(( seconds / ${#targets[@]} )); [ "$per" -ge 1 ] || per=1
artifacts="$build/fuzz-artifacts"; mkdir -p "$artifacts"
failed=()
for t in "${targets[@]}"; do
  scratch="$build/fuzz-corpus/$t"
  mkdir -p "$scratch"
  echo "== $t: ${per}s from fuzz/corpus/$t"
  if ! "$build/bin/tickwire_fuzz_$t" -max_total_time="$per" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$t-" "$scratch" "$root/fuzz/corpus/$t" >"$build/fuzz-$t.log" 2>&1; then
    failed+=("$t")
    tail -40 "$build/fuzz-$t.log"
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz-$t.log" | sed "s/^/   /"
  fi
done
end=$(date +%s)
echo "fuzz: build $((built - start)) s, run $((end - built)) s"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (reproducers in $artifacts)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets clean"
