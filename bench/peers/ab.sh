#!/bin/sh
# Runs `directions check` on the peers' council (see run.sh, which makes
# it) with each binary in turn, ROUNDS times, and prints one line a run:
# CPU seconds (user+system), wall seconds, page faults, peak RSS in KB;
# then each binary's median CPU time and page faults. For A/B comparisons
# on a shared machine, where only alternating runs compare fairly.
#
#   sh bench/peers/ab.sh ROUNDS BINARY...
set -eu
ROUNDS=$1
shift
T=${TMPDIR:-/tmp}/directions-peers
D="$T/n6/council-001"
[ -d "$D" ] || { echo "no $D: run bench/peers/run.sh first" >&2; exit 2; }
for r in $(seq "$ROUNDS"); do
  i=0
  for b in "$@"; do
    i=$((i + 1))
    /usr/bin/time -f "$i %U %S %e %R %M" "$b" check --quiet --as-of 2028-12-31 --format json "$D" 2>&1 >/dev/null | tail -1
  done
done | awk -v bins="$*" '
  { cpu = $2 + $3; printf "%s cpu %.2f s wall %s s faults %s rss %s KB\n", $1, cpu, $4, $5, $6; c[$1, ++n[$1]] = cpu; f[$1, n[$1]] = $5 }
  function median(a, k, m,   i, j, t, v) {
    for (i = 1; i <= m; i++) v[i] = a[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  END { split(bins, b, " "); for (k = 1; k in n; k++) printf "binary %d (%s): median cpu %.3f s, median faults %d\n", k, b[k], median(c, k, n[k]), median(f, k, n[k]) }'
