#!/bin/sh
# Measures `directions check` and `stream` against the peers in main.go on
# one generated council of about 10^6 JSON Lines events (RFC 3339 times,
# 99.8% case-level noise), alternating the contenders ROUNDS times so that
# a shared machine's load falls on all alike. Prints one line a run: wall
# seconds, CPU seconds (user+system), peak RSS in KB. Bounded: about two
# minutes a round on a quiet 2-core machine.
#
#   sh bench/peers/run.sh [ROUNDS] [BASELINE_BINARY]
set -eu
ROUNDS=${1:-3}
BASE=${2:-}
T=${TMPDIR:-/tmp}/directions-peers
mkdir -p "$T"
go build -o "$T/directions" ./cmd/directions
go build -o "$T/gendata" ./cmd/gendata
go build -o "$T/peers" ./bench/peers
[ -d "$T/n6" ] || "$T/gendata" -out "$T/n6" -councils 1 -years 10 -noise 0.998 -requests 7 -seed 1
H="$T/n6/council-001/history.jsonl"
# check and stream exit 1 when a duty was breached, as they do on this
# council; any other failure is reported, not timed.
run() {
  name=$1; shift
  rc=0; /usr/bin/time -f "$name %e s wall %U+%S s cpu %M KB" "$@" > /dev/null 2>"$T/err" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "$name FAILED (exit $rc):" >&2; cat "$T/err" >&2; return 1; fi
  tail -1 "$T/err"
}
for r in $(seq "$ROUNDS"); do
  run check "$T/directions" check --quiet --as-of 2028-12-31 --format json "$T/n6/council-001"
  [ -n "$BASE" ] && run check-baseline "$BASE" check --as-of 2028-12-31 --format json "$T/n6/council-001"
  run stream "$T/directions" stream --quiet --as-of 2028-12-31 "$T/n6/council-001"
  run floor "$T/peers" floor "$H"
  run naive "$T/peers" naive "$H"
  run cel "$T/peers" cel "$H"
done
wc -l < "$H"
