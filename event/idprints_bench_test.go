package event

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkIDPrints adds a million fingerprints and asks for the repeated
// ones.
func BenchmarkIDPrints(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	prints := make([]uint64, 1_000_000)
	for i := range prints {
		prints[i] = rng.Uint64()
	}
	for b.Loop() {
		s := NewIDPrints()
		for _, p := range prints {
			s.add(p)
		}
		if len(s.Repeated()) != 0 {
			b.Fatal("repeats")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(prints)), "ns/id")
}
