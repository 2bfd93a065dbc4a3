package event_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

// BenchmarkValidate checks the ids of a million events in two layouts.
// layout=scattered: the id strings lie scattered in memory, as a history
// sorted after it was built has them (internal/synth's): the case where
// every id is a cache miss. layout=loaded: a history of about a million
// events (90% noise, RFC 3339 times) written as JSON Lines and read back
// with Load, as evaluator's BenchmarkEvaluateLoaded has it: the ids lie
// in the order they were read, among the attributes. Validate of a valid
// history is the one pass Evaluate makes over it (hooks.ScanEvents).
func BenchmarkValidate(b *testing.B) {
	const n = 1_000_000
	b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 1))
		evs := make([]event.Event, n)
		at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, i := range r.Perm(n) { // allocated out of order
			evs[i] = event.Event{ID: fmt.Sprintf("e-%d", i), Type: "visit", At: at.Add(time.Duration(i) * time.Second)}
		}
		b.ResetTimer()
		benchValidate(b, evs)
	})
	b.Run(fmt.Sprintf("events=%d/layout=loaded", n), func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "history.jsonl")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		// evaluator's newLoadedCouncil for 10^6 events: 10% of them the
		// duties' own over 10 years.
		perMonth := (n/10/10 - 60) / 24
		_, _, err = synth.WriteHistory(f, synth.Options{Seed: 1, Council: "bench", Issued: civil.New(2018, 1, 25), Years: 10, Noise: 0.9, RequestsPerMonth: perMonth, Times: true})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		evs, err := event.Load(path, event.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		benchValidate(b, evs)
	})
}

func benchValidate(b *testing.B, evs []event.Event) {
	b.ReportAllocs()
	for b.Loop() {
		if err := event.Validate(evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(len(evs)*b.N), "ns/event")
}
