package evaluator

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// grantHistory is chaosHistory with up to four extensions and waivers of
// the set's obligations among its events, placed near the instance they
// name so that many are granted: by instance number, by original due date
// or both (sometimes disagreeing), to a date or by a period, from the
// issuer, the Department (allowed only by the Barnet 2018 direction) or
// Essex (never allowed), now and then naming an unknown obligation.
func grantHistory(r *rand.Rand, set *direction.Set, n int) []event.Event {
	return addGrants(r, set, chaosHistory(r, n))
}

// addGrants inserts the grants grantHistory describes into evs.
func addGrants(r *rand.Rand, set *direction.Set, evs []event.Event) []event.Event {
	type ob struct {
		d *direction.Direction
		o *obligation.Obligation
	}
	var obs []ob
	for _, d := range set.Directions {
		for _, o := range d.Obligations {
			obs = append(obs, ob{d, o})
		}
	}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	for j := range r.IntN(7) {
		x := obs[r.IntN(len(obs))]
		for x.o.Kind == obligation.Prohibition && r.IntN(6) != 0 {
			x = obs[r.IntN(len(obs))]
		}
		typ := ExtensionEvent
		if r.IntN(3) == 0 {
			typ = WaiverEvent
		}
		a := map[string]any{"by": pick("secretary-of-state", "secretary-of-state", "secretary-of-state", "dfe", "dfe", "essex"), "obligation": x.o.ID}
		if r.IntN(12) == 0 {
			a["obligation"] = "no-such-duty"
		}
		if r.IntN(3) == 0 {
			a["direction"] = x.d.ID
		}
		k := 1 + r.IntN(4)
		due := civil.New(2018, 1, 1).AddDays(r.IntN(600))
		switch x.o.Kind {
		case obligation.Recurring:
			due, _ = x.o.DueDate(k)
		case obligation.Once:
			due = x.o.Schedule.On
		default:
			// Triggered: a due date near the trigger's; the instance number
			// counts the triggers so far.
			if len(evs) > 0 {
				due = civil.In(evs[r.IntN(len(evs))].At, event.London()).AddDays(r.IntN(15))
			}
		}
		switch r.IntN(4) {
		case 0, 1:
			a["instance"] = int64(k)
		case 2:
			a["due"] = due.String()
		default:
			a["instance"] = int64(k)
			a["due"] = due.AddDays(r.IntN(2) * 7).String()
		}
		if typ == ExtensionEvent {
			if r.IntN(2) == 0 {
				a["to"] = due.AddDays(r.IntN(40) - 5).String()
			} else {
				a["by_period"] = pick("1 week", "2 weeks", "1 month", "10 days")
			}
		}
		at := due.AddDays(r.IntN(60) - 40).Start(event.London())
		if len(evs) > 0 && r.IntN(5) == 0 {
			at = evs[r.IntN(len(evs))].At // a tie: input order decides
		}
		g := event.Event{ID: fmt.Sprintf("g%d", j), Type: typ, At: at, DateOnly: true, Attrs: a}
		evs = slices.Insert(evs, r.IntN(len(evs)+1), g)
		if r.IntN(3) == 0 {
			// A further extension of the same instance, by a period counted
			// from the deadline then in effect.
			b := maps.Clone(a)
			delete(b, "to")
			b["by_period"] = pick("1 week", "1 month")
			g2 := event.Event{ID: fmt.Sprintf("g%db", j), Type: ExtensionEvent, At: at.AddDate(0, 0, r.IntN(10)), DateOnly: true, Attrs: b}
			evs = append(evs, g2)
		}
	}
	return evs
}

// agreeOnRefusals evaluates evs with the reference and the engine. Where
// the reference refuses a grant, the engine must stop with a GrantError
// at the same event; that event is then dropped and both run again, until
// both accept the history.
func agreeOnRefusals(t *testing.T, seed uint64, set *direction.Set, evs *[]event.Event, asOf time.Time) ([]Finding, EventCounts, *Result) {
	t.Helper()
	for {
		want, counts, bad := refEvaluate(t, set, *evs, asOf)
		res, err := Evaluate(set, *evs, Options{AsOf: asOf})
		if bad == "" {
			require.NoError(t, err, "seed %d: the reference accepts every grant\nhistory:\n%s", seed, dump(*evs))
			return want, counts, res
		}
		var ge *GrantError
		require.True(t, errors.As(err, &ge), "seed %d: the reference refuses grant %s, the engine says %v\nhistory:\n%s", seed, bad, err, dump(*evs))
		require.Equal(t, bad, ge.Event, "seed %d: %v\nhistory:\n%s", seed, err, dump(*evs))
		*evs = slices.DeleteFunc(slices.Clone(*evs), func(e event.Event) bool { return e.ID == bad })
	}
}

// The generator must exercise what it is for: across the seeds of
// TestEvaluateAgreesWithReference, many grants are applied (extensions
// before and after the original deadline, waivers) and many refused.
func TestGrantHistoriesExerciseGrants(t *testing.T) {
	set := barnetAndStress(t)
	var extBefore, extAfter, waived, refused int
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		evs := grantHistory(r, set, 1+r.IntN(60))
		asOf := randomAsOf(r)
		n := len(evs)
		_, _, res := agreeOnRefusals(t, seed, set, &evs, asOf)
		refused += n - len(evs)
		for _, f := range res.Findings {
			switch {
			case f.Status == Waived:
				waived++
			case f.Extension != nil && f.Extension.At.After(mustDate(t, f.OriginalDue).End(event.London())):
				extAfter++
			case f.Extension != nil:
				extBefore++
			}
		}
	}
	t.Logf("extended before the deadline %d, after %d, waived %d, refused %d", extBefore, extAfter, waived, refused)
	assert.Greater(t, extBefore, 20)
	assert.Greater(t, extAfter, 5)
	assert.Greater(t, waived, 20)
	assert.Greater(t, refused, 50)
}

// Stream and Monitor give Evaluate's findings, field for field, on
// histories with grants; the monitor's last report per instance counts.
func TestGrantsStreamAndMonitorAgreeWithEvaluate(t *testing.T) {
	set := barnetAndStress(t)
	for seed := range uint64(400 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 11))
		evs := grantHistory(r, set, 1+r.IntN(60))
		asOf := randomAsOf(r)
		_, _, res := agreeOnRefusals(t, seed, set, &evs, asOf)
		sorted := event.Sort(evs)
		var got []Finding
		var buf event.Event
		i := 0
		sres, err := Stream(set, func() (*event.Event, error) {
			if i == len(sorted) {
				return nil, io.EOF
			}
			buf = sorted[i]
			buf.Attrs = maps.Clone(sorted[i].Attrs)
			i++
			return &buf, nil
		}, Options{AsOf: asOf}, func(f Finding) { got = append(got, f) })
		require.NoError(t, err)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(got), "seed %d", seed)
		require.Len(t, got, len(res.Findings))
		require.Equal(t, res.Events, sres.Events, "seed %d", seed)

		mon, _, _ := monitorRun(t, r, set, evs, asOf)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(mon), "seed %d", seed)
	}
}

// A monitor never holds a missed report that Evaluate as of the same time
// would not give: an extension granted before the deadline means no miss
// is reported at the original deadline, and one granted after it
// withdraws the miss (the instance is reported open again) until the new
// deadline passes.
func TestGrantsMonitorMissedMatchesEvaluateAtEveryStep(t *testing.T) {
	set := barnetAndStress(t)
	for seed := range uint64(150 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 12))
		evs := grantHistory(r, set, 1+r.IntN(40))
		end := EndOfDay(2021, time.January, 1, event.London())
		agreeOnRefusals(t, seed, set, &evs, end)
		sorted := event.Sort(evs)
		latest := map[instKey]Finding{}
		m := NewMonitor(set, func(f Finding) { latest[instKey{f.Direction, f.Obligation, f.Instance}] = f })
		at := civil.New(2017, 9, 1).Start(event.London())
		rest := sorted
		for range 12 {
			at = at.Add(time.Duration(r.IntN(100*24)) * time.Hour)
			var upTo []event.Event
			for len(rest) > 0 && !rest[0].At.After(at) {
				require.NoError(t, m.Observe(&rest[0]))
				rest = rest[1:]
			}
			for _, e := range sorted {
				if !e.At.After(at) {
					upTo = append(upTo, e)
				}
			}
			require.NoError(t, m.Advance(at))
			res, err := Evaluate(set, upTo, Options{AsOf: at})
			require.NoError(t, err)
			want, got := map[instKey]bool{}, map[instKey]bool{}
			for _, f := range res.Findings {
				if f.Status == Missed {
					want[instKey{f.Direction, f.Obligation, f.Instance}] = true
				}
			}
			for k, f := range latest {
				if f.Status == Missed {
					got[k] = true
				}
			}
			require.Equal(t, want, got, "seed %d at %s\nhistory:\n%s", seed, at, dump(sorted))
		}
	}
}

func mustDate(t *testing.T, s string) civil.Date {
	d, err := civil.Parse(s)
	require.NoError(t, err)
	return d
}

func barnet2018(t *testing.T) *direction.Set {
	return loadSet(t, "../examples/barnet/direction-2018-01.yaml")
}

func chairReport(id string, d civil.Date) event.Event {
	return event.Event{ID: id, Type: "report", At: d.Start(event.London()), DateOnly: true,
		Attrs: map[string]any{"from": "board-chair", "to": "secretary-of-state", "kind": "progress"}}
}

func grantEvent(id, typ string, d civil.Date, attrs map[string]any) event.Event {
	a := map[string]any{"by": "dfe", "obligation": "chair-quarterly-report"}
	maps.Copy(a, attrs)
	return event.Event{ID: id, Type: typ, At: d.Start(event.London()), DateOnly: true, Attrs: a}
}

// reports collects a monitor's reports for 8(f) #1 as "status due".
func monitor8f1(t *testing.T, evs []event.Event, advance ...civil.Date) []string {
	var got []string
	m := NewMonitor(barnet2018(t), func(f Finding) {
		if f.Obligation == "chair-quarterly-report" && f.Instance == 1 {
			got = append(got, string(f.Status)+" "+f.Due)
		}
	})
	for _, ev := range evs {
		for len(advance) > 0 && advance[0].Start(event.London()).Before(ev.At) {
			require.NoError(t, m.Advance(advance[0].Start(event.London())))
			advance = advance[1:]
		}
		require.NoError(t, m.Observe(&ev))
	}
	for _, a := range advance {
		require.NoError(t, m.Advance(a.Start(event.London())))
	}
	return got
}

// A live monitor. Extended on 20 April, before the deadline of 25 April:
// nothing is reported when 25 April passes; 9 May passes with no report,
// so it is missed then. Extended on 2 May, after the deadline: missed is
// reported on 26 April, then open again (due 16 May) when the extension
// arrives, then met by the report of 14 May.
func TestMonitorAndExtensions(t *testing.T) {
	before := []event.Event{grantEvent("ext", ExtensionEvent, civil.New(2018, 4, 20), map[string]any{"instance": int64(1), "to": "2018-05-09"})}
	assert.Equal(t, []string{"missed 2018-05-09"}, monitor8f1(t, before, civil.New(2018, 4, 26), civil.New(2018, 5, 10)))

	after := []event.Event{
		grantEvent("ext", ExtensionEvent, civil.New(2018, 5, 2), map[string]any{"due": "2018-04-25", "by_period": "3 weeks"}),
		chairReport("chair-q1", civil.New(2018, 5, 14)),
	}
	assert.Equal(t, []string{"missed 2018-04-25", "open 2018-05-16", "met 2018-05-16"}, monitor8f1(t, after, civil.New(2018, 4, 26)))

	// Extended on 20 May to 9 May, a date that had passed too: it stays
	// missed, but by 9 May, as Evaluate as of 20 May says; the monitor
	// reports it again with the extension (it reported nothing, leaving
	// "missed 2018-04-25" as its last word).
	retro := []event.Event{grantEvent("ext", ExtensionEvent, civil.New(2018, 5, 20), map[string]any{"instance": int64(1), "to": "2018-05-09"})}
	assert.Equal(t, []string{"missed 2018-04-25", "missed 2018-05-09"}, monitor8f1(t, retro, civil.New(2018, 4, 26), civil.New(2018, 6, 1)))

	// Waived after the miss: missed, then waived; nothing more when time
	// passes.
	waived := []event.Event{grantEvent("w", WaiverEvent, civil.New(2018, 5, 2), map[string]any{"instance": int64(1)})}
	assert.Equal(t, []string{"missed 2018-04-25", "waived 2018-04-25"}, monitor8f1(t, waived, civil.New(2018, 4, 26), civil.New(2018, 9, 1)))
}

// Schedule lists an extended deadline on its extended date, with the
// original, and a waived one as waived.
func TestScheduleUsesTheExtendedDate(t *testing.T) {
	evs := []event.Event{
		grantEvent("ext", ExtensionEvent, civil.New(2018, 4, 20), map[string]any{"instance": int64(1), "to": "2018-05-09"}),
		grantEvent("w", WaiverEvent, civil.New(2018, 7, 1), map[string]any{"instance": int64(2)}),
	}
	ds, err := Schedule(barnet2018(t), evs, ScheduleOptions{From: civil.New(2018, 4, 1).Start(event.London()), Until: civil.New(2018, 7, 31).End(event.London())})
	require.NoError(t, err)
	var got []string
	for _, d := range ds {
		if d.Obligation == "chair-quarterly-report" {
			got = append(got, fmt.Sprintf("%d %s %s %s", d.Instance, d.Due, d.OriginalDue, d.State))
		}
	}
	assert.Equal(t, []string{"1 2018-05-09 2018-04-25 due", "2 2018-07-25  waived"}, got)
}

// The schedule shapes and attribution rules (testdata/shapes.yaml) with
// grants: the next window opens at the original deadline while an
// extended instance's window (under window attribution) runs to its new
// one and takes an event there first, an event naming an
// instance by attribute names its original due date, and an instance
// waived before it arose takes no event. Evaluate agrees with the
// reference, and Stream and Monitor with Evaluate.
func TestGrantsOnScheduleShapes(t *testing.T) {
	set := shapesSet(t)
	applied := 0
	for seed := range uint64(400 / raceScale) {
		r := rand.New(rand.NewPCG(seed, 13))
		evs := addGrants(r, set, shapesHistory(r, set, 1+r.IntN(50)))
		asOf := civil.New(2018, 1, 20).AddDays(r.IntN(750)).End(event.London())
		want, wantCounts, res := agreeOnRefusals(t, seed, set, &evs, asOf)
		if !equalStrings(essences(want), essences(res.Findings)) || wantCounts != res.Events {
			t.Fatalf("seed %d, as of %s: the engine disagrees with the reference\nreference:\n%s\ncounts %+v\nengine:\n%s\ncounts %+v\nhistory:\n%s",
				seed, asOf, join(essences(want)), wantCounts, join(essences(res.Findings)), res.Events, dump(evs))
		}
		for _, f := range res.Findings {
			if f.Extension != nil || f.Waiver != nil {
				applied++
			}
		}
		mon, _, _ := monitorRun(t, r, set, evs, asOf)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(mon), "seed %d", seed)
		sorted := event.Sort(evs)
		var got []Finding
		i := 0
		_, err := Stream(set, func() (*event.Event, error) {
			if i == len(sorted) {
				return nil, io.EOF
			}
			e := sorted[i]
			i++
			return &e, nil
		}, Options{AsOf: asOf}, func(f Finding) { got = append(got, f) })
		require.NoError(t, err)
		require.Equal(t, indexByInstance(res.Findings), indexByInstance(got), "seed %d", seed)
	}
	t.Logf("%d findings extended or waived", applied)
	assert.Greater(t, applied, 50/raceScale, "grants applied over %d histories", 400/raceScale)
}
