package event_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dfe-tools/directions/event"
)

// BenchmarkValidate checks the ids of a million events whose id strings
// lie scattered in memory, as a history sorted after it was built has
// them (internal/synth's): the case where every id is a cache miss.
func BenchmarkValidate(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(1, 1))
	evs := make([]event.Event, n)
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, i := range r.Perm(n) { // allocated out of order
		evs[i] = event.Event{ID: fmt.Sprintf("e-%d", i), Type: "visit", At: at.Add(time.Duration(i) * time.Second)}
	}
	b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
		for b.Loop() {
			if err := event.Validate(evs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/event")
	})
}
