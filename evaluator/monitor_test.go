package evaluator

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
)

type instKey struct {
	dir, obl string
	n        int
}

// monitorRun feeds the events up to asOf to a monitor in time order, with
// Advance calls at random moments in between, and returns the last
// finding reported for each instance in Evaluate's order, and every
// report in the order made.
func monitorRun(t *testing.T, r *rand.Rand, set *direction.Set, evs []event.Event, asOf time.Time) ([]Finding, []Finding, EventCounts) {
	t.Helper()
	var all []Finding
	// Replaying, the monitor is given the set as known at asOf: it
	// applies every direction it holds (see Monitor).
	m := NewMonitor(set.AsOf(asOf), func(f Finding) { all = append(all, f) })
	sorted := event.Sort(evs)
	for i := range sorted {
		ev := sorted[i] // a copy the test then scribbles over: the monitor must not keep it
		if ev.At.After(asOf) {
			break
		}
		if r.IntN(4) == 0 && i > 0 {
			// Advance to a moment between the previous event and this one.
			gap := ev.At.Sub(sorted[i-1].At)
			if gap > 0 {
				require.NoError(t, m.Advance(sorted[i-1].At.Add(time.Duration(r.Int64N(int64(gap))))))
			}
		}
		require.NoError(t, m.Observe(&ev))
		ev.ID, ev.Attrs = "scribbled", map[string]any{"request": "x"}
	}
	counts, err := m.Finish(asOf)
	require.NoError(t, err)
	last := map[instKey]Finding{}
	var order []instKey
	for _, f := range all {
		k := instKey{f.Direction, f.Obligation, f.Instance}
		if _, seen := last[k]; !seen {
			order = append(order, k)
		}
		last[k] = f
	}
	out := make([]Finding, 0, len(last))
	for _, k := range order {
		out = append(out, last[k])
	}
	return out, all, counts
}

// byInstance indexes findings for comparison regardless of order.
func indexByInstance(fs []Finding) map[instKey]Finding {
	m := make(map[instKey]Finding, len(fs))
	for _, f := range fs {
		m[instKey{f.Direction, f.Obligation, f.Instance}] = f
	}
	return m
}

func TestMonitorAgreesWithEvaluate(t *testing.T) {
	set := barnetAndStress(t)
	histories := 1000 / raceScale
	if testing.Short() {
		histories = 100
	}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 2))
		evs := chaosHistory(r, 1+r.IntN(60))
		asOf := randomAsOf(r)
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		got, _, counts := monitorRun(t, r, set, evs, asOf)
		require.Equal(t, len(res.Findings), len(got), "seed %d", seed)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(got), "seed %d", seed)
		want := res.Events
		want.AfterAsOf = 0
		want.Read -= res.Events.AfterAsOf
		require.Equal(t, want, counts, "seed %d", seed)
	}
}

// The generated national data: each council's direction and history, in
// batch and through the monitor, give identical findings.
func TestMonitorAgreesWithEvaluateOnGeneratedCouncils(t *testing.T) {
	dir := t.TempDir()
	for c := range 6 {
		council := fmt.Sprintf("council-%d", c)
		issued := civil.New(2018, time.Month(1+c), 10+c)
		path := filepath.Join(dir, council+".yaml")
		require.NoError(t, writeFile(path, synth.Direction(council, issued)))
		set := loadSet(t, path)
		evs, _ := synth.History(synth.Options{Seed: uint64(c), Council: council, Issued: issued, Years: 3, Noise: 0.9, RequestsPerMonth: 3})
		asOf := EndOfDay(2020, time.June, 30, event.London())
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		got, _, _ := monitorRun(t, rand.New(rand.NewPCG(uint64(c), 3)), set, evs, asOf)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(got), council)
		assert.Positive(t, res.Count(Late), council)
		assert.Positive(t, res.Count(Missed), council)
	}
}

// A missed finding comes the moment the deadline passes: after advancing
// to any time T, the instances the monitor has last reported as missed are
// exactly those Evaluate as of T finds missed.
func TestMonitorReportsMissedWhenDeadlinePasses(t *testing.T) {
	set := barnetAndStress(t)
	for seed := range uint64(150 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 4))
		evs := event.Sort(chaosHistory(r, 1+r.IntN(40)))
		latest := map[instKey]Finding{}
		m := NewMonitor(set, func(f Finding) { latest[instKey{f.Direction, f.Obligation, f.Instance}] = f })
		at := civil.New(2017, 9, 1).Start(event.London())
		for i := 0; i < 12; i++ {
			at = at.Add(time.Duration(r.IntN(100*24)) * time.Hour)
			for len(evs) > 0 && !evs[0].At.After(at) {
				require.NoError(t, m.Observe(&evs[0]))
				evs = evs[1:]
			}
			require.NoError(t, m.Advance(at))
			res, err := Evaluate(set, event.Sort(chaosHistoryUpTo(seed, at)), Options{AsOf: at})
			require.NoError(t, err)
			want := map[instKey]bool{}
			for _, f := range res.Findings {
				if f.Status == Missed {
					want[instKey{f.Direction, f.Obligation, f.Instance}] = true
				}
			}
			got := map[instKey]bool{}
			for k, f := range latest {
				if f.Status == Missed {
					got[k] = true
				}
			}
			require.Equal(t, want, got, "seed %d at %s", seed, at)
		}
	}
}

// chaosHistoryUpTo regenerates the history of TestMonitorReportsMissed...
// for seed and keeps the events up to t.
func chaosHistoryUpTo(seed uint64, t time.Time) []event.Event {
	r := rand.New(rand.NewPCG(seed, 4))
	var out []event.Event
	for _, e := range chaosHistory(r, 1+r.IntN(40)) {
		if !e.At.After(t) {
			out = append(out, e)
		}
	}
	return out
}

func TestMonitorRejectsEventsOutOfOrder(t *testing.T) {
	set := barnetAndStress(t)
	m := NewMonitor(set, func(Finding) {})
	day := func(s string) time.Time {
		d, err := civil.Parse(s)
		require.NoError(t, err)
		return d.Start(event.London())
	}
	require.NoError(t, m.Observe(&event.Event{ID: "a", Type: "visit", At: day("2018-03-02")}))
	require.NoError(t, m.Observe(&event.Event{ID: "b", Type: "visit", At: day("2018-03-02")}), "a tie is in order")
	err := m.Observe(&event.Event{ID: "c", Type: "visit", At: day("2018-03-01")})
	var oe *OrderError
	require.True(t, errors.As(err, &oe), "got %v", err)
	assert.Equal(t, "b", oe.LastEvent)
	assert.Contains(t, err.Error(), `event "c" at 2018-03-01T00:00:00Z is out of time order: event "b"`)
	require.NoError(t, m.Advance(day("2018-04-01")))
	err = m.Observe(&event.Event{ID: "d", Type: "visit", At: day("2018-03-31")})
	require.True(t, errors.As(err, &oe), "got %v", err)
	assert.Contains(t, err.Error(), "already advanced to 2018-04-01")
	require.Error(t, m.Advance(day("2018-03-01")))
	_, err = m.Finish(day("2018-05-01"))
	require.NoError(t, err)
	require.ErrorIs(t, m.Observe(&event.Event{ID: "e", Type: "visit", At: day("2018-06-01")}), ErrFinished)
}

// The scenario of rule 4 told as a council system would: the monitor
// reports the quarterly report missed when its deadline passes, then late
// when it arrives.
func TestMonitorMissedThenLate(t *testing.T) {
	set := loadSet(t, filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"))
	var got []string
	m := NewMonitor(set, func(f Finding) {
		if f.Obligation == "chair-quarterly-report" {
			got = append(got, fmt.Sprintf("%d %s %s", f.Instance, f.Status, f.Reason))
		}
	})
	// The first chair's report is due 25 Apr 2018 (three months after
	// the direction of 25 Jan 2018). The day itself is in time.
	require.NoError(t, m.Advance(EndOfDay(2018, time.April, 25, event.London())))
	assert.Empty(t, got)
	require.NoError(t, m.Advance(time.Date(2018, time.April, 26, 0, 0, 0, 0, event.London())))
	require.Equal(t, []string{"1 missed due 25 Apr 2018; no event satisfying clause 8(f) by 26 Apr 2018"}, got)
	at := time.Date(2018, time.May, 2, 0, 0, 0, 0, event.London())
	require.NoError(t, m.Observe(&event.Event{ID: "chair-q1", Type: "report", At: at,
		Attrs: map[string]any{"from": "board-chair", "to": "secretary-of-state", "kind": "progress"}}))
	require.Len(t, got, 2)
	assert.Equal(t, "1 late due 25 Apr 2018; met by chair-q1 on 2 May 2018, 7 days late", got[1])
}

// Stream gives Evaluate's findings and counts, reading events one at a
// time from a source that reuses its event.
func TestStreamAgreesWithEvaluate(t *testing.T) {
	set := barnetAndStress(t)
	for seed := range uint64(500 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 5))
		evs := event.Sort(chaosHistory(r, 1+r.IntN(60)))
		asOf := randomAsOf(r)
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		var got []Finding
		var buf event.Event
		i := 0
		sres, err := Stream(set, func() (*event.Event, error) {
			if i == len(evs) {
				return nil, io.EOF
			}
			buf = evs[i]
			buf.Attrs = maps.Clone(evs[i].Attrs)
			i++
			return &buf, nil
		}, Options{AsOf: asOf}, func(f Finding) { got = append(got, f) })
		require.NoError(t, err)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(got), "seed %d", seed)
		require.Len(t, got, len(res.Findings))
		require.Equal(t, res.Events, sres.Events, "seed %d", seed)
		require.Equal(t, res.Directions, sres.Directions)
	}
	_, err := Stream(set, func() (*event.Event, error) { return nil, errors.New("boom") }, Options{}, func(Finding) {})
	require.ErrorIs(t, err, ErrNoAsOf)
}

// Monitor and Stream give Evaluate's findings on the schedule shapes and
// attribution rules too: events held for an instance whose window has
// not opened are claimed when it opens, whichever way the events arrive.
func TestMonitorAndStreamAgreeOnScheduleShapes(t *testing.T) {
	set := shapesSet(t)
	for seed := range uint64(400 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 13))
		evs := event.Sort(shapesHistory(r, set, 1+r.IntN(50)))
		asOf := civil.New(2018, 1, 20).AddDays(r.IntN(750)).End(event.London())
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		got, _, counts := monitorRun(t, r, set, evs, asOf)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(got), "monitor, seed %d", seed)
		want := res.Events
		want.AfterAsOf = 0
		want.Read -= res.Events.AfterAsOf
		require.Equal(t, want, counts, "monitor, seed %d", seed)
		var streamed []Finding
		var buf event.Event // reused: events held for a later instance must be copied
		i := 0
		sres, err := Stream(set, func() (*event.Event, error) {
			if i == len(evs) {
				return nil, io.EOF
			}
			buf = evs[i]
			buf.Attrs = maps.Clone(evs[i].Attrs)
			i++
			return &buf, nil
		}, Options{AsOf: asOf}, func(f Finding) { streamed = append(streamed, f) })
		require.NoError(t, err)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(streamed), "stream, seed %d", seed)
		require.Equal(t, res.Events, sres.Events, "stream, seed %d", seed)
	}
}

// TestMonitorWake checks that a timer set to Wake is enough: nothing is
// reported by advancing to just before it, and jumping from wake to wake
// finds the same missed instances as Evaluate.
func TestMonitorWake(t *testing.T) {
	set := barnetAndStress(t)
	for seed := range uint64(40 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 4))
		evs := event.Sort(chaosHistory(r, 1+r.IntN(40)))
		end := civil.New(2020, 1, 1).Start(event.London())
		if last := evs[len(evs)-1].At; !last.Before(end) {
			end = last.AddDate(1, 0, 0)
		}
		reported := 0
		latest := map[instKey]Finding{}
		m := NewMonitor(set, func(f Finding) { reported++; latest[instKey{f.Direction, f.Obligation, f.Instance}] = f })
		for _, ev := range evs {
			require.NoError(t, m.Observe(&ev))
		}
		for steps := 0; ; steps++ {
			require.Less(t, steps, 10000, "wake does not move forward")
			w, ok := m.Wake()
			if !ok || w.After(end) {
				break
			}
			before := reported
			require.NoError(t, m.Advance(w.Add(-time.Nanosecond)))
			require.Equal(t, before, reported, "seed %d: advancing to just before the wake %s reported something", seed, w)
			require.NoError(t, m.Advance(w))
			next, ok := m.Wake()
			require.True(t, !ok || next.After(w), "seed %d: wake %s did not move on", seed, w)
		}
		require.NoError(t, m.Advance(end))
		res, err := Evaluate(set, evs, Options{AsOf: end})
		require.NoError(t, err)
		for _, f := range res.Findings {
			if f.Status == Missed {
				require.Equal(t, Missed, latest[instKey{f.Direction, f.Obligation, f.Instance}].Status, "seed %d: %s/%s #%d", seed, f.Direction, f.Obligation, f.Instance)
			}
		}
	}
}
