package evaluator

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
	"github.com/dfe-tools/directions/obligation"
)

// refEvaluate is the reference evaluator: a plain restatement of the rules
// in doc.go with no prefilters, indexes or incremental state. It builds
// every instance up front (triggered ones from a first scan for triggers),
// then walks the events in order and, for each, scans every instance of
// every obligation. It is slow on purpose; the fast engine must agree with
// it on every history.
func refEvaluate(t testing.TB, set *direction.Set, events []event.Event, asOf time.Time) ([]Finding, EventCounts) {
	sorted := append([]event.Event(nil), events...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	n := len(sorted)
	for n > 0 && sorted[n-1].At.After(asOf) {
		n--
	}
	evs := sorted[:n]
	type flags struct{ discharged, triggered, breached bool }
	fl := make([]flags, len(evs))
	var out []Finding
	must := func(ok bool, err error) bool {
		require.NoError(t, err)
		return ok
	}
	for _, d := range set.Directions {
		loc := d.Location
		v := d.Vars()
		for _, o := range d.Obligations {
			// Rule 1: the obligation is in force while the direction is,
			// and no later than a later direction revoking or replacing it.
			f := refForce(set, d, o)
			version := refVersion(set, d, o)
			type inst struct {
				number      int
				opens       time.Time
				due         civil.Date
				dueAt       time.Time
				trigger, by int // indexes into evs, -1 for none
			}
			var insts []*inst
			afterEnd := func(dueAt time.Time) bool { return !f.Until.IsZero() && !dueAt.Before(f.Until) }
			switch o.Kind {
			case obligation.Recurring:
				s := o.Schedule
				for k := 1; ; k++ {
					due, _ := o.DueDate(k)
					dueAt := due.End(loc)
					if (s.Count > 0 && k > s.Count) || (!s.Until.IsZero() && due.After(s.Until)) || afterEnd(dueAt) {
						break
					}
					opens := f.From
					if k > 1 {
						opens = insts[k-2].dueAt
					}
					// Instance k exists once its window has opened by asOf.
					if (k == 1 && asOf.Before(opens)) || (k > 1 && !asOf.After(opens)) {
						break
					}
					insts = append(insts, &inst{number: k, opens: opens, due: due, dueAt: dueAt, trigger: -1, by: -1})
				}
			case obligation.Once:
				due := o.Schedule.On
				// It opens at the start of the direction: as of an earlier
				// time it does not exist yet.
				if !afterEnd(due.End(loc)) && !asOf.Before(f.From) {
					insts = append(insts, &inst{number: 1, opens: f.From, due: due, dueAt: due.End(loc), trigger: -1, by: -1})
				}
			case obligation.Triggered:
				for i := range evs {
					ev := &evs[i]
					if !f.InForce(ev.At) || !must(o.Matches(v, ev)) {
						continue
					}
					due, err := o.DueFor(v, ev, loc)
					require.NoError(t, err)
					if afterEnd(due.End(loc)) {
						continue
					}
					insts = append(insts, &inst{number: len(insts) + 1, opens: f.From, due: due, dueAt: due.End(loc), trigger: i, by: -1})
					fl[i].triggered = true
				}
			case obligation.Prohibition:
				k := 0
				for i := range evs {
					ev := &evs[i]
					if f.InForce(ev.At) && must(o.Matches(v, ev)) {
						k++
						fl[i].breached = true
						out = append(out, Finding{Direction: d.ID, Obligation: o.ID, Role: o.Role, Kind: o.Kind, Instance: k, Status: Breached,
							Opens: f.From, Trigger: ref(ev), Version: version})
					}
				}
				continue
			}
			// exists says whether instance in can take the event at index i
			// in the ordinary way (not as an event retained for a trigger).
			exists := func(in *inst, i int) bool {
				at := evs[i].At
				switch o.Kind {
				case obligation.Recurring:
					if in.number == 1 {
						return !at.Before(in.opens)
					}
					return at.After(in.opens)
				case obligation.Triggered:
					return in.trigger < i
				}
				return true
			}
			satisfies := func(i int, in *inst) bool {
				oi := &obligation.Instance{Obligation: o, Number: in.number, Opens: in.opens, Due: in.due, DueAt: in.dueAt}
				if in.trigger >= 0 {
					oi.Trigger = &evs[in.trigger]
				}
				return must(o.Satisfies(v, &evs[i], oi))
			}
			var free []int // events a later trigger may still claim
			for i := range evs {
				if evs[i].At.Before(f.From) {
					continue
				}
				taken := false
				for _, in := range insts {
					if in.by < 0 && exists(in, i) && satisfies(i, in) {
						in.by, taken = i, true
						fl[i].discharged = true
						break
					}
				}
				if !taken && o.Kind == obligation.Triggered && f.InForce(evs[i].At) {
					free = append(free, i)
				}
				for _, in := range insts {
					if in.trigger != i {
						continue
					}
					for j, e := range free {
						if satisfies(e, in) {
							in.by = e
							fl[e].discharged = true
							free = append(free[:j:j], free[j+1:]...)
							break
						}
					}
				}
			}
			for _, in := range insts {
				fd := Finding{Direction: d.ID, Obligation: o.ID, Role: o.Role, Kind: o.Kind, Instance: in.number, Opens: in.opens,
					Due: in.due.String(), DueAt: in.dueAt, Version: version, Assumed: o.DeadlineAssumed}
				if in.trigger >= 0 {
					fd.Trigger = ref(&evs[in.trigger])
					fd.Assumed = o.AssumedFor(v, &evs[in.trigger])
				}
				switch {
				case in.by >= 0 && !evs[in.by].At.After(in.dueAt):
					fd.Status = Met
				case in.by >= 0:
					fd.Status = Late
					fd.DaysLate = in.due.DaysUntil(civil.In(evs[in.by].At, loc))
				case in.dueAt.Before(asOf):
					fd.Status = Missed
				default:
					fd.Status = Open
				}
				if in.by >= 0 {
					fd.DischargedBy = ref(&evs[in.by])
				}
				out = append(out, fd)
			}
		}
	}
	c := EventCounts{Read: len(events), AfterAsOf: len(events) - len(evs)}
	for _, x := range fl {
		if x.discharged || x.triggered || x.breached {
			c.Used++
		} else {
			c.Irrelevant++
		}
		c.Discharged += b2i(x.discharged)
		c.Triggered += b2i(x.triggered)
		c.Breached += b2i(x.breached)
	}
	return out, c
}

// refForce restates when o may fall due without Set.ObligationForce: the
// direction's period, cut at the start of the earliest issue date of a
// direction in the set that revokes or replaces o by id or by clause.
func refForce(set *direction.Set, d *direction.Direction, o *obligation.Obligation) direction.Force {
	f := set.Force(d)
	for _, x := range set.Directions {
		for _, v := range x.Varies {
			if v.Direction != d.ID || !(slices.Contains(v.Obligations, o.ID) || slices.Contains(v.Clauses, o.Clause)) {
				continue
			}
			if at := x.Issued.Start(d.Location); f.Until.IsZero() || at.Before(f.Until) {
				f.Until = at
			}
		}
	}
	return f
}

// refVersion restates Finding.Version: d's id when o replaces an earlier
// obligation or a direction of the set varies o, by id or by clause.
func refVersion(set *direction.Set, d *direction.Direction, o *obligation.Obligation) string {
	for _, x := range set.Directions {
		for _, v := range x.Varies {
			if x == d && v.ReplacedBy == o.ID {
				return d.ID
			}
			if v.Direction == d.ID && (slices.Contains(v.Obligations, o.ID) || slices.Contains(v.Clauses, o.Clause)) {
				return d.ID
			}
		}
	}
	return ""
}

// essence keeps the fields of a finding that the reference computes; the
// words (Reason, Basis) are written by one function shared by all paths.
func essence(f Finding) string {
	id := func(r *EventRef) string {
		if r == nil {
			return "-"
		}
		return r.ID
	}
	return fmt.Sprintf("%s/%s#%d %s %s %s opens=%s due=%s dueAt=%s trigger=%s by=%s late=%d version=%s assumed=%q",
		f.Direction, f.Obligation, f.Instance, f.Role, f.Kind, f.Status, f.Opens.Format(time.RFC3339), f.Due,
		f.DueAt.Format(time.RFC3339), id(f.Trigger), id(f.DischargedBy), f.DaysLate, f.Version, f.Assumed)
}

func essences(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = essence(f)
	}
	return out
}

// loadSet loads direction files from the examples and testdata.
func loadSet(t testing.TB, paths ...string) *direction.Set {
	t.Helper()
	var dirs []*direction.Direction
	for _, p := range paths {
		d, err := direction.Load(p, direction.Options{})
		require.NoError(t, err, p)
		dirs = append(dirs, d)
	}
	set, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	return set
}

func barnetAndStress(t testing.TB) *direction.Set {
	return loadSet(t,
		filepath.Join("..", "examples", "barnet", "direction-2017-09.yaml"),
		filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"),
		filepath.Join("testdata", "stress.yaml"),
		filepath.Join("testdata", "variation.yaml"))
}

// chaosHistory makes a small random history in the vocabulary of the
// Barnet and stress directions, with the awkward cases the rules speak
// to: reports before the meeting they are for, responses before and after
// their requests, ties in time, events before a direction and after its
// end, refusals, due dates given on requests, and noise.
func chaosHistory(r *rand.Rand, n int) []event.Event {
	start := civil.New(2017, 6, 1)
	day := func() civil.Date { return start.AddDays(r.IntN(1000)) }
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var evs []event.Event
	var ids []string
	add := func(typ string, attrs map[string]any) {
		id := fmt.Sprintf("e%d", len(evs))
		d := day()
		at, dateOnly := d.Start(event.London), true
		if r.IntN(4) == 0 {
			// A time of day, sometimes the last minutes of the day, to probe
			// deadlines at the end of the due day.
			at = at.Add(time.Duration(r.IntN(24*60)) * time.Minute)
			if r.IntN(3) == 0 {
				at = d.End(event.London).Add(-time.Duration(r.IntN(3)) * time.Minute)
			}
			dateOnly = false
		}
		if len(evs) > 0 && r.IntN(6) == 0 {
			at, dateOnly = evs[r.IntN(len(evs))].At, false // a tie
		}
		evs = append(evs, event.Event{ID: id, Type: typ, At: at, DateOnly: dateOnly, Attrs: attrs})
		ids = append(ids, id)
	}
	ref := func() string {
		if len(ids) == 0 || r.IntN(5) == 0 {
			return fmt.Sprintf("e%d", len(evs)+1+r.IntN(3)) // a later event
		}
		return ids[r.IntN(len(ids))]
	}
	for len(evs) < n {
		switch r.IntN(14) {
		case 0:
			a := map[string]any{"from": pick("essex", "commissioner", "dfe"), "to": "barnet", "kind": pick("instruction", "access", "support")}
			if r.IntN(3) == 0 {
				a["due"] = day().String()
			}
			add("request", a)
		case 1:
			add("response", map[string]any{"request": ref(), "outcome": pick("granted", "complied", "refused"), "to": pick("essex", "commissioner")})
		case 2:
			add("board-meeting", map[string]any{})
		case 3:
			add("report", map[string]any{"from": "dcs", "to": "improvement-board", "kind": "progress", "meeting": ref()})
		case 4:
			add("report", map[string]any{"from": pick("board-chair", "essex", "commissioner"), "to": pick("secretary-of-state", "dfe"),
				"kind": pick("progress", "commissioner")})
		case 5:
			add("review", map[string]any{"by": pick("essex", "ofsted")})
		case 6:
			add("return", map[string]any{"final": r.IntN(2) == 0})
		case 7:
			add("plan", map[string]any{"final": r.IntN(2) == 0})
		case 8:
			add(pick("visit", "note"), map[string]any{"note": pick("weekly", "closed", "other")})
		case 9:
			add(pick("email", "letter"), map[string]any{"ask": r.IntN(2) == 0})
		case 10:
			add("letter", map[string]any{"reply_to": ref()})
		case 11:
			add("closure", map[string]any{})
		default:
			add(pick("visit", "assessment"), map[string]any{"child": fmt.Sprintf("c%d", r.IntN(50))})
		}
	}
	return evs
}

func randomAsOf(r *rand.Rand) time.Time {
	d := civil.New(2017, 9, 1).AddDays(r.IntN(900))
	if r.IntN(3) == 0 {
		return d.Start(event.London).Add(time.Duration(r.IntN(24*3600)) * time.Second)
	}
	return d.End(event.London)
}

func TestEvaluateAgreesWithReference(t *testing.T) {
	set := barnetAndStress(t)
	histories := 2000 / raceScale
	if testing.Short() {
		histories = 300
	}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 1))
		evs := chaosHistory(r, 1+r.IntN(60))
		asOf := randomAsOf(r)
		want, wantCounts := refEvaluate(t, set, evs, asOf)
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		if !equalStrings(essences(want), essences(res.Findings)) || wantCounts != res.Events {
			t.Fatalf("seed %d, as of %s: the engine disagrees with the reference\nreference:\n%s\ncounts %+v\nengine:\n%s\ncounts %+v\nhistory:\n%s",
				seed, asOf, join(essences(want)), wantCounts, join(essences(res.Findings)), res.Events, dump(evs))
		}
	}
}

// TestReferenceSeesPlantedDuties checks the reference itself against what
// the generator planted, so that a bug shared by both evaluators cannot
// hide: every planted miss and lateness must show up.
func TestReferenceSeesPlantedDuties(t *testing.T) {
	// Fixed by hand: the synthetic direction is issued 1 Apr 2019 and the
	// history runs a year; as of the end of the following 30 Apr every
	// instance due in the year is decided.
	issued := civil.New(2019, 4, 1)
	dir := filepath.Join(t.TempDir(), "d.yaml")
	require.NoError(t, writeFile(dir, synth.Direction("c1", issued)))
	set := loadSet(t, dir)
	evs, planted := synth.History(synth.Options{Seed: 7, Council: "c1", Issued: issued, Years: 1, Noise: 0.5})
	asOf := EndOfDay(2020, time.April, 30, event.London)
	fs, counts := refEvaluate(t, set, evs, asOf)
	var late, missedOrOpen, breached int
	for _, f := range fs {
		switch f.Status {
		case Late:
			late++
		case Missed, Open:
			missedOrOpen++
		case Breached:
			breached++
		}
	}
	// Each refused response breaches a prohibition once, when it answers
	// the adviser or the commissioner (all requests come from them).
	require.Equal(t, planted.Refused, breached)
	// A planted late duty is late; a refused response does not discharge,
	// so its request is missed. Quarterly duties beyond the year may add
	// open instances, never fewer.
	require.GreaterOrEqual(t, late, planted.Late-planted.Refused)
	require.GreaterOrEqual(t, missedOrOpen, planted.Missed)
	// Every planted duty event is used, so the irrelevant events are the
	// noise.
	require.Equal(t, planted.Noise, counts.Irrelevant)
}

// raceScale divides the number of random histories under -race.
var raceScale = 1

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func join(xs []string) string {
	s := ""
	for _, x := range xs {
		s += "  " + x + "\n"
	}
	return s
}

func dump(evs []event.Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf("  %s %s %s %v\n", e.ID, e.Type, e.At.Format(time.RFC3339), e.Attrs)
	}
	return s
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
