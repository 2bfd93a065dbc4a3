package evaluator

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/cputime"
	"github.com/dfe-tools/directions/internal/synth"
)

// benchCouncil is one synthetic council: its direction and history.
type benchCouncil struct {
	set    *direction.Set
	events []event.Event
	asOf   time.Time
}

// newBenchCouncil generates a council whose history has about n events,
// the share noise of them noise, over years years.
func newBenchCouncil(tb testing.TB, n int, noise float64, years int) benchCouncil {
	tb.Helper()
	issued := civil.New(2018, time.January, 25)
	path := filepath.Join(tb.TempDir(), "direction.yaml")
	if err := writeFile(path, synth.Direction("bench", issued)); err != nil {
		tb.Fatal(err)
	}
	// About 4 duty events a request-month plus a fixed ~60 a year.
	relevant := float64(n) * (1 - noise)
	perMonth := max(1, int((relevant/float64(years)-60)/24))
	evs, _ := synth.History(synth.Options{Seed: 1, Council: "bench", Issued: issued, Years: years, Noise: noise, RequestsPerMonth: perMonth})
	return benchCouncil{set: loadSet(tb, path), events: evs, asOf: EndOfDay(issued.Year+years, time.December, 31, event.London())}
}

func reportPerEvent(b *testing.B, events int) {
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events)/float64(b.N), "ns/event")
}

// usage is the process's CPU time and minor page faults at one moment.
type usage struct {
	cpu    time.Duration
	faults int64
}

func usageNow() usage { return usage{cputime.Process(), cputime.MinorFaults()} }

// reportCPUPerEvent reports the process's CPU time (all threads, the
// collector's included) per event since start: on a shared machine, where
// wall time also counts the waits for a core, it is the figure to compare.
// It also reports the page faults an evaluation took: each is a page of
// fresh memory written (the result, its text), and on a virtual machine
// where a fault costs microseconds they are a large share of the time.
func reportCPUPerEvent(b *testing.B, start usage, events int) {
	if start.cpu < 0 {
		return
	}
	used := cputime.Process() - start.cpu
	b.ReportMetric(float64(used.Nanoseconds())/float64(events)/float64(b.N), "cpu-ns/event")
	b.ReportMetric(float64(events)*float64(b.N)/used.Seconds(), "events/cpu-s")
	if start.faults >= 0 {
		b.ReportMetric(float64(cputime.MinorFaults()-start.faults)/float64(b.N), "faults/op")
	}
}

// BenchmarkEvaluate is in-memory evaluation of one council's history with
// 90% noise; allocs/op divided by the events gives allocs/event.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			c := newBenchCouncil(b, n, 0.9, 10)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := usageNow()
			for b.Loop() {
				if _, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPUPerEvent(b, cpu, len(c.events))
			reportPerEvent(b, len(c.events))
		})
	}
}

// BenchmarkEvaluateLoaded is BenchmarkEvaluate on a history loaded the
// way users load one: synth writes it as JSON Lines with RFC 3339 times
// (2018-04-25T09:00:07+01:00), as case management exports do, and
// set.LoadHistory reads it back, outside the timer. The events then lie
// in memory in the order they were read, ids and attribute maps
// included, where synth's slice (BenchmarkEvaluate) made them before
// sorting them by time and so left them scattered. Both are reported:
// this one is what a caller of LoadHistory and Evaluate sees. It also
// reports the heap the loaded history holds, in bytes an event.
func BenchmarkEvaluateLoaded(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			c := newLoadedCouncil(b, n, 0.9, 10)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := usageNow()
			for b.Loop() {
				if _, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPUPerEvent(b, cpu, len(c.events))
			reportPerEvent(b, len(c.events))
			b.ReportMetric(c.heapPerEvent, "history-B/event")
		})
	}
}

// BenchmarkEvaluateLoadedWarm is BenchmarkEvaluateLoaded at 10^6 events
// once the heap has reached its working size: before the timer starts it
// evaluates until the collector has finished three cycles (b.Loop starts
// the timer after that), so the pages a
// result is written to were used by earlier results. That is the state of
// an embedder that evaluates again and again (a council tool re-checking
// as events arrive). BenchmarkEvaluateLoaded, from a heap just grown by
// loading, is what a process that evaluates a few times sees: until the
// collector's first cycle after loading every result goes to pages the
// process has never touched, and a first touch of a page costs ~13 us on
// the virtual machine these figures come from (faults/op shows how many).
func BenchmarkEvaluateLoadedWarm(b *testing.B) {
	const n = 1_000_000
	c := newLoadedCouncil(b, n, 0.9, 10)
	b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
		// Inside the run: the testing package collects garbage before each
		// run, after which the runtime may hand pages back to the system.
		warmed := warmHeap(b, func() {
			if _, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf}); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportAllocs()
		cpu := usageNow()
		for b.Loop() {
			if _, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf}); err != nil {
				b.Fatal(err)
			}
		}
		reportCPUPerEvent(b, cpu, len(c.events))
		reportPerEvent(b, len(c.events))
		b.ReportMetric(float64(warmed), "warm-up-evaluations")
	})
}

// warmHeap calls eval until the collector has completed three cycles
// since the first call (at most 200 calls) and returns how many it made.
func warmHeap(tb testing.TB, eval func()) int {
	tb.Helper()
	start := numGC()
	calls := 0
	for numGC() < start+3 && calls < 200 {
		eval()
		calls++
	}
	return calls
}

func numGC() uint32 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.NumGC
}

// loadedCouncil is a benchCouncil whose history was written to a file and
// loaded from it, and the heap the loaded history holds.
type loadedCouncil struct {
	benchCouncil
	heapPerEvent float64
}

// newLoadedCouncil is newBenchCouncil, but the history is written as JSON
// Lines with RFC 3339 times and loaded with set.LoadHistory.
func newLoadedCouncil(tb testing.TB, n int, noise float64, years int) loadedCouncil {
	tb.Helper()
	issued := civil.New(2018, time.January, 25)
	dir := tb.TempDir()
	dirPath := filepath.Join(dir, "direction.yaml")
	if err := writeFile(dirPath, synth.Direction("bench", issued)); err != nil {
		tb.Fatal(err)
	}
	set := loadSet(tb, dirPath)
	relevant := float64(n) * (1 - noise)
	perMonth := max(1, int((relevant/float64(years)-60)/24))
	histPath := filepath.Join(dir, "history.jsonl")
	f, err := os.Create(histPath)
	if err != nil {
		tb.Fatal(err)
	}
	_, _, err = synth.WriteHistory(f, synth.Options{Seed: 1, Council: "bench", Issued: issued, Years: years, Noise: noise, RequestsPerMonth: perMonth, Times: true})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	before := liveHeap()
	evs, err := set.LoadHistory(histPath, event.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	held := liveHeap() - before
	runtime.KeepAlive(evs)
	return loadedCouncil{
		benchCouncil: benchCouncil{set: set, events: evs, asOf: EndOfDay(issued.Year+years, time.December, 31, event.London())},
		heapPerEvent: float64(held) / float64(len(evs)),
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkEvaluateNoise is the cost of the share of noise: the same
// duties with 0%, 90% and 99% noise.
func BenchmarkEvaluateNoise(b *testing.B) {
	for _, noise := range []float64{0, 0.9, 0.99} {
		b.Run(fmt.Sprintf("noise=%g", noise), func(b *testing.B) {
			c := newBenchCouncil(b, 100_000, noise, 10)
			b.ReportAllocs()
			cpu := usageNow()
			for b.Loop() {
				if _, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPUPerEvent(b, cpu, len(c.events))
			reportPerEvent(b, len(c.events))
		})
	}
}

// BenchmarkMonitor is the monitor's cost per event, fed one at a time.
func BenchmarkMonitor(b *testing.B) {
	c := newBenchCouncil(b, 100_000, 0.9, 10)
	b.ReportAllocs()
	for b.Loop() {
		m := NewMonitor(c.set, func(Finding) {})
		for i := range c.events {
			if err := m.Observe(&c.events[i]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := m.Finish(c.asOf); err != nil {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, len(c.events))
}

// withObligations returns a synthetic direction whose obligations are
// those of synth.Direction repeated k times (ids suffixed), to see how
// cost grows with the number of obligations.
func withObligations(tb testing.TB, k int, issued civil.Date) *direction.Set {
	src := string(synth.Direction("bench", issued))
	i := strings.Index(src, "obligations:\n")
	head, obls := src[:i+len("obligations:\n")], src[i+len("obligations:\n"):]
	var b strings.Builder
	b.WriteString(head)
	for c := range k {
		b.WriteString(strings.ReplaceAll(obls, "  - id: ", fmt.Sprintf("  - id: c%d-", c)))
	}
	path := filepath.Join(tb.TempDir(), "direction.yaml")
	if err := writeFile(path, []byte(b.String())); err != nil {
		tb.Fatal(err)
	}
	return loadSet(tb, path)
}

// BenchmarkEvaluateObligations: the same 10^5-event history against 12,
// 24 and 48 obligations.
func BenchmarkEvaluateObligations(b *testing.B) {
	c := newBenchCouncil(b, 100_000, 0.9, 10)
	for _, k := range []int{1, 2, 4} {
		set := withObligations(b, k, civil.New(2018, time.January, 25))
		b.Run(fmt.Sprintf("obligations=%d", 12*k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Evaluate(set, c.events, Options{AsOf: c.asOf}); err != nil {
					b.Fatal(err)
				}
			}
			reportPerEvent(b, len(c.events))
		})
	}
}

// BenchmarkEvaluateCouncils evaluates N independent councils of 10^4
// events each on GOMAXPROCS goroutines, as a batch check over a tree does.
func BenchmarkEvaluateCouncils(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("councils=%d", n), func(b *testing.B) {
			cs := make([]benchCouncil, n)
			total := 0
			for i := range cs {
				cs[i] = newBenchCouncil(b, 10_000, 0.9, 10)
				total += len(cs[i].events)
			}
			workers := runtime.GOMAXPROCS(0)
			b.ReportAllocs()
			for b.Loop() {
				var wg sync.WaitGroup
				jobs := make(chan int)
				for range workers {
					wg.Go(func() {
						for i := range jobs {
							if _, err := Evaluate(cs[i].set, cs[i].events, Options{AsOf: cs[i].asOf}); err != nil {
								b.Error(err)
							}
						}
					})
				}
				for i := range cs {
					jobs <- i
				}
				close(jobs)
				wg.Wait()
			}
			reportPerEvent(b, total)
		})
	}
}
