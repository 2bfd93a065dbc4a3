//go:build race

package evaluator

// The race detector slows the randomised tests about tenfold; they run on
// fewer histories under it (the plain run covers them all).
func init() { raceScale = 10 }
