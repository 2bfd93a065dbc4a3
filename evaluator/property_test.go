package evaluator_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

// Properties of Evaluate checked on generated histories. Every generator
// is seeded, so a failure names a seed that reproduces it.

const propertySeeds = 12

type generatedCase struct {
	seed   uint64
	set    *direction.Set
	events []event.Event
	asOfs  []time.Time // increasing
}

// generate makes a council's direction (the Barnet obligations: recurring,
// once, triggered, prohibitions) and two years of history with planted late
// and missed duties and refusals. Events get distinct times, a few seconds
// apart within their day, so that order among them is only their time.
func generate(t *testing.T, seed uint64) generatedCase {
	t.Helper()
	issued := civil.New(2018, time.Month(1+seed%12), 1+int(seed%28))
	council := fmt.Sprintf("council-%d", seed)
	d, err := direction.Parse(council+".yaml", synth.Direction(council, issued), direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	evs, _ := synth.History(synth.Options{Seed: seed, Council: council, Issued: issued, Years: 2, Noise: 0.3, RequestsPerMonth: 2, Late: 0.1, Missed: 0.1})
	require.NotEmpty(t, evs)
	for i := range evs {
		evs[i].At = evs[i].At.Add(time.Duration(i) * time.Second)
		evs[i].DateOnly = false
	}
	r := rand.New(rand.NewPCG(seed, 1))
	first, last := evs[0].At, evs[len(evs)-1].At
	var asOfs []time.Time
	for range 4 {
		asOfs = append(asOfs, first.Add(time.Duration(r.Int64N(int64(last.Sub(first))+int64(60*24*time.Hour)))))
	}
	slices.SortFunc(asOfs, func(a, b time.Time) int { return a.Compare(b) })
	return generatedCase{seed: seed, set: set, events: evs, asOfs: asOfs}
}

func eachCase(t *testing.T, f func(t *testing.T, c generatedCase)) {
	for seed := range uint64(propertySeeds) {
		c := generate(t, seed)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { f(t, c) })
	}
}

func evaluate(t *testing.T, set *direction.Set, evs []event.Event, asOf time.Time) *evaluator.Result {
	t.Helper()
	res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	return res
}

// Every event is accounted for: after the as-of time, or used, or
// irrelevant; and the per-use counts agree with the findings that cite the
// events.
func TestPropertyEveryEventAccountedFor(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) {
		for _, asOf := range c.asOfs {
			res := evaluate(t, c.set, c.events, asOf)
			n := res.Events
			after := 0
			for _, ev := range c.events {
				if ev.At.After(asOf) {
					after++
				}
			}
			assert.Equal(t, len(c.events), n.Read, "read")
			assert.Equal(t, after, n.AfterAsOf, "after the as-of time")
			assert.Equal(t, n.Read, n.AfterAsOf+n.Used+n.Irrelevant, "read = after as-of + used + irrelevant")
			assert.LessOrEqual(t, max(n.Discharged, n.Triggered, n.Breached), n.Used, "each kind of use is a use")
			assert.LessOrEqual(t, n.Used, n.Discharged+n.Triggered+n.Breached, "each use is of some kind")

			discharged, triggered, breached := map[string]bool{}, map[string]bool{}, map[string]bool{}
			for _, f := range res.Findings {
				if f.DischargedBy != nil {
					discharged[f.DischargedBy.ID] = true
				}
				if f.Trigger != nil && f.Status == evaluator.Breached {
					breached[f.Trigger.ID] = true
				} else if f.Trigger != nil {
					triggered[f.Trigger.ID] = true
				}
			}
			assert.Equal(t, len(discharged), n.Discharged, "events cited as discharging")
			assert.Equal(t, len(triggered), n.Triggered, "events cited as triggers")
			assert.Equal(t, len(breached), n.Breached, "events cited as breaches")
			assert.Positive(t, n.Irrelevant+n.AfterAsOf+n.Used, "the history is not empty")
		}
	})
}

// Reordering events whose times are distinct changes nothing.
func TestPropertyOrderOfDistinctTimesDoesNotMatter(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) {
		r := rand.New(rand.NewPCG(c.seed, 2))
		for _, asOf := range c.asOfs {
			want := evaluate(t, c.set, c.events, asOf)
			shuffled := slices.Clone(c.events)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			got := evaluate(t, c.set, shuffled, asOf)
			assert.Equal(t, want.Findings, got.Findings)
			assert.Equal(t, want.Events, got.Events)
		}
	})
}

// An event no condition matches changes only the irrelevant count (and
// the number read).
func TestPropertyUnmatchedEventOnlyCountsAsIrrelevant(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) {
		r := rand.New(rand.NewPCG(c.seed, 3))
		for _, asOf := range c.asOfs {
			want := evaluate(t, c.set, c.events, asOf)
			i := r.IntN(len(c.events))
			// Half a second after event i: distinct from every other time.
			extra := event.Event{ID: "unrelated-note", Type: "case-note", At: c.events[i].At.Add(500 * time.Millisecond),
				Attrs: map[string]any{"from": "essex", "to": "dfe", "kind": "progress", "outcome": "refused", "request": c.events[i].ID}}
			evs := slices.Insert(slices.Clone(c.events), r.IntN(len(c.events)+1), extra)
			got := evaluate(t, c.set, evs, asOf)
			assert.Equal(t, want.Findings, got.Findings)
			w := want.Events
			w.Read++
			if extra.At.After(asOf) {
				w.AfterAsOf++
			} else {
				w.Irrelevant++
			}
			assert.Equal(t, w, got.Events)
		}
	})
}

// What is met as of T stays met, by the same event, as of any later T';
// what is late or missed as of T stays a breach.
func TestPropertyMetStaysMet(t *testing.T) {
	type key struct {
		dir, obl string
		n        int
	}
	eachCase(t, func(t *testing.T, c generatedCase) {
		var prev map[key]evaluator.Finding
		met := 0
		for _, asOf := range c.asOfs {
			res := evaluate(t, c.set, c.events, asOf)
			now := map[key]evaluator.Finding{}
			for _, f := range res.Findings {
				now[key{f.Direction, f.Obligation, f.Instance}] = f
			}
			for k, before := range prev {
				after, ok := now[k]
				if !assert.True(t, ok, "%v found as of an earlier time is gone", k) {
					continue
				}
				switch before.Status {
				case evaluator.Met:
					met++
					assert.Equal(t, evaluator.Met, after.Status, "%v was met", k)
					assert.Equal(t, before.DischargedBy, after.DischargedBy, "%v is met by the same event", k)
				case evaluator.Late, evaluator.Missed, evaluator.Breached:
					assert.True(t, after.Status.IsBreach(), "%v was a breach (%s), now %s", k, before.Status, after.Status)
				}
			}
			prev = now
		}
		assert.Positive(t, met, "the property was exercised")
	})
}

// Evaluate changes neither the events nor the directions it is given.
func TestPropertyInputsAreNotModified(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) {
		events := slices.Clone(c.events)
		copied := deepCopyEvents(events)
		before := snapshot(t, c.set)
		for _, asOf := range c.asOfs {
			evaluate(t, c.set, events, asOf)
		}
		assert.Equal(t, copied, events, "events after evaluation")
		assert.Equal(t, before, snapshot(t, c.set), "directions after evaluation")
	})
}

func deepCopyEvents(evs []event.Event) []event.Event {
	out := slices.Clone(evs)
	for i := range out {
		out[i].Attrs = deepCopy(out[i].Attrs).(map[string]any)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := maps.Clone(x)
		for k, e := range m {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := slices.Clone(x)
		for i, e := range l {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// snapshot records everything exported about the set's directions and
// their obligations, and when each is in force.
func snapshot(t *testing.T, set *direction.Set) string {
	t.Helper()
	b, err := json.Marshal(set.Directions)
	require.NoError(t, err)
	for _, d := range set.Directions {
		b = fmt.Appendf(b, "\n%s %+v", d.ID, set.Force(d))
		for _, o := range d.Obligations {
			b = fmt.Appendf(b, "\n%s: %q %q %q %v", o.ID, o.SatisfiedBy(), o.When(), o.DueExpr(), o.EventTypes())
		}
	}
	return string(b)
}

// Many goroutines evaluating different histories against one loaded set at
// once get what one goroutine gets (run with -race).
func TestPropertyConcurrentEvaluationsOfGeneratedHistories(t *testing.T) {
	c := generate(t, 99)
	want := make([]*evaluator.Result, len(c.asOfs))
	for i, asOf := range c.asOfs {
		want[i] = evaluate(t, c.set, c.events, asOf)
	}
	const goroutines = 8
	got := make([]*evaluator.Result, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			got[g], errs[g] = evaluator.Evaluate(c.set, c.events, evaluator.Options{AsOf: c.asOfs[g%len(c.asOfs)]})
		})
	}
	wg.Wait()
	for g := range goroutines {
		require.NoError(t, errs[g])
		assert.Equal(t, want[g%len(c.asOfs)], got[g], "goroutine %d", g)
	}
}

// Evaluate learns in one pass over the events whether they are valid, in
// order and dated to the day (event's scan); when that pass cannot vouch
// for them it checks each itself. Both ways give the same result, for
// histories in order, shuffled, and with a date known only to a month.
func TestPropertyOnePassScanAgreesWithChecks(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) {
		r := rand.New(rand.NewPCG(c.seed, 7))
		shuffled := slices.Clone(c.events)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		uncertain := slices.Clone(c.events)
		i := r.IntN(len(uncertain))
		first := civil.In(uncertain[i].At, event.London())
		uncertain[i].At = civil.New(first.Year, first.Month, 1).Start(event.London())
		uncertain[i].Through = civil.New(first.Year, first.Month, 1).AddMonths(1).AddDays(-1)
		uncertain[i].DateOnly = true
		for name, evs := range map[string][]event.Event{"in order": c.events, "shuffled": shuffled, "uncertain": uncertain} {
			for _, asOf := range c.asOfs {
				want, werr := evaluator.Evaluate(c.set, evs, evaluator.Options{AsOf: asOf})
				restore := evaluator.ScanUnsure()
				got, gerr := evaluator.Evaluate(c.set, evs, evaluator.Options{AsOf: asOf})
				restore()
				require.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr), "%s, as of %s", name, asOf)
				if werr == nil {
					assert.Equal(t, want, got, "%s, as of %s", name, asOf)
				}
			}
		}
	})
}
