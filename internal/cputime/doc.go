// Package cputime reads the CPU time the process has used, for benchmarks
// and load tests that report CPU seconds beside wall time: on a shared
// machine CPU time is the steadier measure.
package cputime
