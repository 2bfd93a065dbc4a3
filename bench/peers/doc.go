// Command peers reads a JSON Lines history the ways a user might without
// this project, so that `directions check` and `stream` are measured
// against them on the same file, in one run (see run.sh and
// docs/benchmarks.md):
//
//	floor  jsontext tokenises every line and builds nothing: the speed of
//	       reading the JSON at all;
//	naive  encoding/json decodes each line into a map and time.Parse reads
//	       its at: what a first program does;
//	cel    the naive decode, then two CEL clauses compiled once with cel-go
//	       and evaluated on every event (a refusal to an adviser's request,
//	       8(g)'s prohibition, and the chair's quarterly report, 8(f)):
//	       a hand-written cel-go checker with no deadlines.
//
// It prints the events read and matched; time and memory are measured
// from outside (/usr/bin/time). ab.sh runs `directions check` on the same
// council with two or more binaries in turn, for A/B comparisons of CPU
// time and page faults.
package main
