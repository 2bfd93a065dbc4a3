package event_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/cputime"
	"github.com/dfe-tools/directions/internal/synth"
)

// BenchmarkLoad is event.Load of a generated JSON Lines history of about
// 10^5 events (90% noise) with RFC 3339 times, as users' exports write
// them: CPU time an event, and the heap the loaded history holds.
func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	n, _, err := synth.WriteHistory(f, synth.Options{Seed: 1, Council: "bench", Issued: civil.New(2018, 1, 25), Years: 10, Noise: 0.9, RequestsPerMonth: 37, Times: true})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	var held []event.Event
	before := liveHeap()
	b.ReportAllocs()
	cpu := cputime.Process()
	for b.Loop() {
		held = nil
		if held, err = event.Load(path, event.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	used := cputime.Process() - cpu
	b.ReportMetric(float64(used.Nanoseconds())/float64(n)/float64(b.N), "cpu-ns/event")
	b.ReportMetric(float64(liveHeap()-before)/float64(n), "history-B/event")
	runtime.KeepAlive(held)
}

// liveHeap is the heap in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
