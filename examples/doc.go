// Package examples holds the example directions, histories and scenarios
// (barnet/, buckinghamshire/) and the tests that keep them true: every
// shipped scenario file must pass, and the Go scenario tests in
// examples_test.go, written with package whatif, show the same semantics in
// code. It has no API; `go test ./...` runs the scenarios.
package examples
