// Command gendata writes a synthetic national data set for benchmarks and
// load tests: one folder per council holding a direction (the obligations
// of the Barnet example of January 2018) and a JSON Lines history in time
// order, mostly case-level noise, with some late and missed duties and
// refusals planted. The same flags and seed always give the same files.
//
// Usage:
//
//	go run ./cmd/gendata -out /tmp/national -councils 150 -years 10 -noise 0.9
//
// It prints what it wrote and what it planted. The data describe no real
// council.
package main
