package evaluator

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
//
// Extensions and waivers are applied as the walk reaches them, before the
// event is weighed as a discharge. refEvaluate returns the index in time
// order of the first grant the rules refuse, or -1; the engine must stop
// with a GrantError at that event.
func refEvaluate(t testing.TB, set *direction.Set, events []event.Event, asOf time.Time) ([]Finding, EventCounts, string) {
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
	grantsOf, badGrant := refResolveGrants(set, evs)
	refuse := func(i int) {
		if badGrant < 0 || i < badGrant {
			badGrant = i
		}
	}
	// blocked[obligation][i]: event i discharged an instance of an
	// obligation this one replaces, directly or down a chain, so it
	// discharges nothing of this one (docs/lifecycle.md). Directions are
	// walked in issue order, so the replaced obligation is weighed first.
	blocked := map[[2]string]map[int]bool{}
	for _, d := range set.Directions {
		loc := d.Location
		v := d.Vars()
		for _, o := range d.Obligations {
			// Rule 1: the obligation is in force while the direction is,
			// and no later than a later direction revoking or replacing it.
			f := refForce(set, d, o, asOf)
			version := refVersion(set, d, o, asOf)
			// The obligations that take over from o, in order, each with
			// the time its direction comes into force.
			succs := refSuccessors(set, d, o, asOf)
			block := func(i int) {
				for _, x := range succs {
					k := [2]string{x.d.ID, x.o.ID}
					if blocked[k] == nil {
						blocked[k] = map[int]bool{}
					}
					blocked[k][i] = true
				}
			}
			type inst struct {
				number      int
				opens       time.Time
				due         civil.Date
				dueAt       time.Time
				trigger, by int // indexes into evs, -1 for none
				// the latest extension (index, new date, granted after the
				// original deadline, how many) and the waiver, -1 for none
				ext, extN, waived     int
				extDue                civil.Date
				extAfter, waivedAfter bool
				// rule placed the discharging event, when a replacing
				// obligation's rule did (empty: o's own rule).
				rule string
			}
			deadline := func(in *inst) (civil.Date, time.Time) {
				if in.ext >= 0 {
					return in.extDue, in.extDue.End(loc)
				}
				return in.due, in.dueAt
			}
			var insts []*inst
			afterEnd := func(dueAt time.Time) bool { return !f.Until.IsZero() && !dueAt.Before(f.Until) }
			switch o.Kind {
			case obligation.Recurring:
				s := o.Schedule
				for k := 1; ; k++ {
					if lim := s.Limit(); lim > 0 && k > lim {
						break
					}
					due, _ := o.DueDate(k)
					dueAt := due.End(loc)
					if (!s.Until.IsZero() && due.After(s.Until)) || due.Year > 9999 || afterEnd(dueAt) {
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
					// A step onto a day the zone skipped is due on the day
					// its deadline falls in, the day before.
					insts = append(insts, &inst{number: k, opens: opens, due: civil.In(dueAt, loc), dueAt: dueAt, trigger: -1, by: -1, ext: -1, waived: -1})
				}
			case obligation.Once:
				due := o.Schedule.On
				// It opens at the start of the direction: as of an earlier
				// time it does not exist yet.
				if !afterEnd(due.End(loc)) && !asOf.Before(f.From) {
					insts = append(insts, &inst{number: 1, opens: f.From, due: due, dueAt: due.End(loc), trigger: -1, by: -1, ext: -1, waived: -1})
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
					insts = append(insts, &inst{number: len(insts) + 1, opens: f.From, due: due, dueAt: due.End(loc), trigger: i, by: -1, ext: -1, waived: -1})
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
			// candidates lists the instances event i may go to under the
			// obligation's attribution (rule 4 and docs/schedules.md): every
			// instance whose window has opened, oldest first; only the
			// latest of them (window); or only the one whose due date the
			// event's attribute names, opened or not (attribute).
			a := o.Attribution
			// ruleFor is the rule that places event i on o's instances: o's
			// own, or, once an obligation replacing o is in force, the
			// latest such obligation's; governed says which.
			ruleFor := func(i int) (obligation.Attribution, bool) {
				g, governed := a, false
				for _, x := range succs {
					if !evs[i].At.Before(x.from) {
						g, governed = x.o.Attribution, true
					}
				}
				return g, governed
			}
			candidates := func(i int) ([]*inst, string) {
				a, governed := ruleFor(i)
				rule := a.Rule
				if rule == obligation.ByAttribute {
					if v, ok := evs[i].Attrs[a.Attribute]; ok && v != nil && v != "" {
						d := civil.In(mustTime(t, v.(string), loc), loc)
						if governed && !d.Start(loc).Before(succs[0].from) {
							return nil, "" // a due date of the replacing series
						}
						for _, in := range insts {
							if in.due == d && (!governed || exists(in, i)) {
								return []*inst{in}, a.Name()
							}
						}
						return nil, ""
					}
					rule = a.Otherwise
				}
				if governed && rule == obligation.Window {
					return nil, "" // it falls in the replacing series' window
				}
				if governed {
					rule = obligation.OldestOutstanding
				}
				var out []*inst
				for _, in := range insts {
					if exists(in, i) {
						out = append(out, in)
					}
				}
				if rule == obligation.Window && len(out) > 0 {
					// The latest window, after any extended instance whose
					// extended deadline the event is not past: an extension
					// stretches its instance's window (docs/extensions.md).
					last := out[len(out)-1]
					var w []*inst
					for _, in := range out[:len(out)-1] {
						if in.ext >= 0 && !evs[i].At.After(in.extDue.End(loc)) {
							w = append(w, in)
						}
					}
					out = append(w, last)
				}
				if governed {
					return out, string(obligation.OldestOutstanding)
				}
				return out, ""
			}
			// neverDue: recurring instance k, due on due, never arises.
			neverDue := func(k int, due civil.Date) bool {
				s := o.Schedule
				return (s.Limit() > 0 && k > s.Limit()) || due.IsZero() || (!s.Until.IsZero() && due.After(s.Until)) || afterEnd(due.End(loc))
			}
			virtual := map[int]*inst{} // recurring instances granted for that arise after asOf
			recurringInst := func(k int) *inst {
				for _, in := range insts {
					if in.number == k {
						return in
					}
				}
				if virtual[k] == nil {
					due, _ := o.DueDate(k)
					virtual[k] = &inst{number: k, due: due, dueAt: due.End(loc), trigger: -1, by: -1, ext: -1, waived: -1}
				}
				return virtual[k]
			}
			// target finds the instance grant g at event i names, or nil
			// when the rules refuse it: it must be outstanding at i (arisen,
			// neither discharged nor waived), or a recurring instance whose
			// window has not opened yet and that will arise.
			outstanding := func(in *inst, i int) bool { return in.by < 0 && in.waived < 0 && exists(in, i) }
			target := func(i int, g grantSpec) *inst {
				if g.number > 0 {
					k := g.number
					var in *inst
					switch o.Kind {
					case obligation.Recurring:
						due, _ := o.DueDate(k)
						if neverDue(k, due) {
							return nil
						}
						in = recurringInst(k)
						if (in.by >= 0 || in.waived >= 0) || (in.opens != (time.Time{}) && exists(in, i) && !outstanding(in, i)) {
							return nil
						}
					default:
						if k > len(insts) || !outstanding(insts[k-1], i) {
							return nil
						}
						in = insts[k-1]
					}
					if g.hasDue && in.due != g.due {
						return nil
					}
					return in
				}
				var hits []*inst
				for _, in := range insts {
					if in.due == g.due && outstanding(in, i) {
						hits = append(hits, in)
					}
				}
				if len(hits) == 1 {
					return hits[0]
				}
				if len(hits) > 1 || o.Kind != obligation.Recurring {
					return nil
				}
				for k := 1; ; k++ {
					due, _ := o.DueDate(k)
					if due.After(g.due) || due.IsZero() || (o.Schedule.Limit() > 0 && k > o.Schedule.Limit()) {
						return nil
					}
					if due != g.due {
						continue
					}
					if neverDue(k, due) {
						return nil
					}
					in := recurringInst(k)
					if in.waived >= 0 || (in.opens != (time.Time{}) && exists(in, i)) {
						return nil // waived in advance, or arisen and not outstanding
					}
					return in
				}
			}
			grant := func(i int, g grantSpec) {
				in := target(i, g)
				if in == nil {
					refuse(i)
					return
				}
				cur, curAt := deadline(in)
				if g.waiver {
					in.waived, in.waivedAfter = i, evs[i].At.After(curAt)
					return
				}
				to := g.to
				if g.hasPeriod {
					to = g.period.AddTo(cur)
					to = civil.In(to.End(loc), loc)
				}
				if !to.After(in.due) || afterEnd(to.End(loc)) || (g.hasTo && !g.to.ExistsIn(loc)) {
					refuse(i)
					return
				}
				in.ext, in.extDue, in.extAfter = i, to, evs[i].At.After(in.dueAt)
				in.extN++
			}
			grantAt := map[int]grantSpec{}
			for _, x := range grantsOf[[2]string{d.ID, o.ID}] {
				grantAt[x.i] = x.spec
			}
			var free []int // events a later trigger may still claim
			for i := range evs {
				if evs[i].At.Before(f.From) {
					continue
				}
				if g, ok := grantAt[i]; ok {
					grant(i, g)
				}
				taken := blocked[[2]string{d.ID, o.ID}][i]
				cands, rule := candidates(i)
				if taken {
					cands = nil
				}
				for _, in := range cands {
					if in.by < 0 && in.waived < 0 && satisfies(i, in) {
						in.by, in.rule, taken = i, rule, true
						fl[i].discharged = true
						block(i)
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
				due, dueAt := deadline(in)
				fd := Finding{Direction: d.ID, Obligation: o.ID, Role: o.Role, Kind: o.Kind, Instance: in.number, Opens: in.opens,
					Due: due.String(), DueAt: dueAt, Version: version, Assumed: o.DeadlineAssumed}
				if in.trigger >= 0 {
					fd.Trigger = ref(&evs[in.trigger])
					fd.Assumed = o.AssumedFor(v, &evs[in.trigger])
				}
				if in.ext >= 0 {
					fd.OriginalDue, fd.ExtendedTo, fd.Extension = in.due.String(), in.extDue.String(), ref(&evs[in.ext])
					if in.by >= 0 && evs[in.by].At.After(in.dueAt) {
						fd.DaysLateOriginal = in.due.DaysUntil(civil.In(evs[in.by].At, loc))
					}
				}
				switch {
				case in.waived >= 0:
					fd.Status = Waived
					fd.Waiver = ref(&evs[in.waived])
				case in.by >= 0 && !evs[in.by].At.After(dueAt):
					fd.Status = Met
				case in.by >= 0:
					fd.Status = Late
					fd.DaysLate = due.DaysUntil(civil.In(evs[in.by].At, loc))
				case dueAt.Before(asOf):
					fd.Status = Missed
				default:
					fd.Status = Open
				}
				if in.by >= 0 {
					fd.DischargedBy = ref(&evs[in.by])
					fd.Attribution = a.Name()
					if in.rule != "" {
						fd.Attribution = in.rule
					} else if a.Rule == obligation.ByAttribute {
						if v, ok := evs[in.by].Attrs[a.Attribute]; !ok || v == nil || v == "" {
							fd.Attribution = obligation.Attribution{Rule: a.Otherwise}.Name()
						}
					}
				}
				out = append(out, fd)
			}
		}
	}
	c := EventCounts{Read: len(events), AfterAsOf: len(events) - len(evs)}
	for i, x := range fl {
		if x.discharged || x.triggered || x.breached || evs[i].Type == ExtensionEvent || evs[i].Type == WaiverEvent {
			c.Used++
		} else {
			c.Irrelevant++
		}
		c.Discharged += b2i(x.discharged)
		c.Triggered += b2i(x.triggered)
		c.Breached += b2i(x.breached)
	}
	if badGrant >= 0 {
		return nil, c, evs[badGrant].ID
	}
	refTies(t, set, evs, out)
	return out, c, ""
}

// refTies states rule 4's tie, pair by pair: findings x and y of one
// obligation whose triggers share an instant and whose (status, days late)
// differ are tied when the event that discharged one of them under
// oldest-outstanding satisfies the other's condition, the other not yet
// discharged or waived before that event's instant, and the condition
// reads nothing of the trigger but trigger.at. At most five ids are named
// (by instance number), all counted.
func refTies(t testing.TB, set *direction.Set, evs []event.Event, out []Finding) {
	byID := map[string]*event.Event{}
	for i := range evs {
		byID[evs[i].ID] = &evs[i]
	}
	varsOf := func(f *Finding) *obligation.Vars {
		for _, d := range set.Directions {
			if d.ID == f.Direction {
				return d.Vars()
			}
		}
		return nil
	}
	oblOf := func(f *Finding) *obligation.Obligation {
		for _, d := range set.Directions {
			for _, o := range d.Obligations {
				if d.ID == f.Direction && o.ID == f.Obligation {
					return o
				}
			}
		}
		return nil
	}
	doneAt := func(f *Finding) (time.Time, bool) {
		if f.DischargedBy != nil {
			return f.DischargedBy.At, true
		}
		if f.Waiver != nil {
			return f.Waiver.At, true
		}
		return time.Time{}, false
	}
	answers := func(x, y *Finding) bool { // x's discharging event could have gone to y
		if x.DischargedBy == nil || x.Attribution != string(obligation.OldestOutstanding) {
			return false
		}
		if d, ok := doneAt(y); ok && d.Before(x.DischargedBy.At) {
			return false
		}
		// y discharged at the same instant took another event of it: the
		// two events exchanged, neither verdict changes.
		if y.DischargedBy != nil && y.DischargedBy.At.Equal(x.DischargedBy.At) {
			return false
		}
		o := oblOf(y)
		oi := &obligation.Instance{Obligation: o, Number: y.Instance, Trigger: byID[y.Trigger.ID]}
		ok, err := o.Satisfies(varsOf(y), byID[x.DischargedBy.ID], oi)
		require.NoError(t, err)
		return ok
	}
	var marks [][]string
	var counts []int
	for i := range out {
		x := &out[i]
		var ids []string
		n := 0
		for j := range out {
			y := &out[j]
			if i == j || x.Trigger == nil || y.Trigger == nil || x.Direction != y.Direction || x.Obligation != y.Obligation ||
				!x.Trigger.At.Equal(y.Trigger.At) || (x.Status == y.Status && x.DaysLate == y.DaysLate) ||
				x.Kind != obligation.Triggered || !readsOnlyTriggerAt(oblOf(x).SatisfiedBy()) {
				continue
			}
			if answers(x, y) || answers(y, x) {
				n++
				if len(ids) < maxTiedListed {
					ids = append(ids, y.Trigger.ID)
				}
			}
		}
		marks, counts = append(marks, ids), append(counts, n)
	}
	for i := range out {
		out[i].TiedWith, out[i].TiedCount = marks[i], counts[i]
	}
}

type refGrant struct {
	i    int
	spec grantSpec
}

// refResolveGrants reads the extension and waiver events and finds the
// obligation each names. A grant that names none, or several, or comes
// from a party the direction does not allow, or predates the direction,
// is refused: the index of the first refused is returned, else -1.
func refResolveGrants(set *direction.Set, evs []event.Event) (map[[2]string][]refGrant, int) {
	out := map[[2]string][]refGrant{}
	for i := range evs {
		ev := &evs[i]
		if ev.Type != ExtensionEvent && ev.Type != WaiverEvent {
			continue
		}
		g, bad := readGrant(ev)
		var hits [][2]string
		var dir *direction.Direction
		var obl *obligation.Obligation
		for _, d := range set.Directions {
			if o := d.Obligation(g.obligation); o != nil && (g.direction == "" || g.direction == d.ID) {
				hits = append(hits, [2]string{d.ID, o.ID})
				dir, obl = d, o
			}
		}
		if bad != "" || len(hits) != 1 || obl.Kind == obligation.Prohibition ||
			!slices.Contains(dir.Grantors(obl), g.by) || ev.At.Before(set.Force(dir).From) {
			return out, i
		}
		out[hits[0]] = append(out[hits[0]], refGrant{i, g})
	}
	return out, -1
}

// refForce restates when o may fall due without Set.ObligationForce: the
// direction's period, cut at the start of the earliest issue date of a
// direction in the set that revokes or replaces o by id or by clause.
// A direction issued after asOf revokes and varies nothing (rule 5).
func refForce(set *direction.Set, d *direction.Direction, o *obligation.Obligation, asOf time.Time) direction.Force {
	f := set.AsOf(asOf).Force(d)
	for _, x := range set.Directions {
		if x.Issued.Start(d.Location).After(asOf) {
			continue
		}
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

type refSuccessor struct {
	d    *direction.Direction
	o    *obligation.Obligation
	from time.Time
}

// refSuccessors lists the obligations that take over from o, in turn: the
// first direction of the set, issued by asOf, whose obligation replaces o
// by id or clause, then the first that replaces that one, and so on.
func refSuccessors(set *direction.Set, d *direction.Direction, o *obligation.Obligation, asOf time.Time) []refSuccessor {
	var out []refSuccessor
	for {
		var next *refSuccessor
		for _, x := range set.Directions {
			if x.Issued.Start(d.Location).After(asOf) {
				continue
			}
			for _, v := range x.Varies {
				if next == nil && v.ReplacedBy != "" && v.Direction == d.ID && (slices.Contains(v.Obligations, o.ID) || slices.Contains(v.Clauses, o.Clause)) {
					next = &refSuccessor{x, x.Obligation(v.ReplacedBy), set.AsOf(asOf).Force(x).From}
				}
			}
		}
		if next == nil {
			return out
		}
		out = append(out, *next)
		d, o = next.d, next.o
	}
}

// refVersion restates Finding.Version: d's id when o replaces an earlier
// obligation or a direction of the set issued by asOf varies o, by id or
// by clause.
func refVersion(set *direction.Set, d *direction.Direction, o *obligation.Obligation, asOf time.Time) string {
	for _, x := range set.Directions {
		for _, v := range x.Varies {
			if x == d && v.ReplacedBy == o.ID {
				return d.ID
			}
			if !x.Issued.Start(d.Location).After(asOf) && v.Direction == d.ID && (slices.Contains(v.Obligations, o.ID) || slices.Contains(v.Clauses, o.Clause)) {
				return d.ID
			}
		}
	}
	return ""
}

func mustTime(t testing.TB, s string, loc *time.Location) time.Time {
	at, _, err := event.ParseTime(s, loc)
	require.NoError(t, err, s)
	return at
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
	return fmt.Sprintf("%s/%s#%d %s %s %s opens=%s due=%s dueAt=%s trigger=%s by=%s late=%d version=%s assumed=%q attribution=%s orig=%s ext=%s/%s waiver=%s lateOrig=%d tied=%v/%d",
		f.Direction, f.Obligation, f.Instance, f.Role, f.Kind, f.Status, f.Opens.Format(time.RFC3339), f.Due,
		f.DueAt.Format(time.RFC3339), id(f.Trigger), id(f.DischargedBy), f.DaysLate, f.Version, f.Assumed, f.Attribution,
		f.OriginalDue, f.ExtendedTo, id(f.Extension), id(f.Waiver), f.DaysLateOriginal, f.TiedWith, f.TiedCount)
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
		at, dateOnly := d.Start(event.London()), true
		if r.IntN(4) == 0 {
			// A time of day, sometimes the last minutes of the day, to probe
			// deadlines at the end of the due day.
			at = at.Add(time.Duration(r.IntN(24*60)) * time.Minute)
			if r.IntN(3) == 0 {
				at = d.End(event.London()).Add(-time.Duration(r.IntN(3)) * time.Minute)
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
		return d.Start(event.London()).Add(time.Duration(r.IntN(24*3600)) * time.Second)
	}
	return d.End(event.London())
}

func TestEvaluateAgreesWithReference(t *testing.T) {
	set := barnetAndStress(t)
	histories := 2000 / raceScale
	if testing.Short() {
		histories = 300
	}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 1))
		evs := grantHistory(r, set, 1+r.IntN(60))
		asOf := randomAsOf(r)
		// A refused grant stops both; it is then dropped and the rest
		// evaluated again, until both accept the history.
		want, wantCounts, res := agreeOnRefusals(t, seed, set, &evs, asOf)
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
	asOf := EndOfDay(2020, time.April, 30, event.London())
	fs, counts, _ := refEvaluate(t, set, evs, asOf)
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

// shapesHistory makes a random history for testdata/shapes.yaml: updates,
// reviews, notes and, for the obligations placed by an attribute, returns
// and plans that name the due date they are for (a real due date, one
// after the direction ends, or none), at awkward times as chaosHistory
// does.
func shapesHistory(r *rand.Rand, set *direction.Set, n int) []event.Event {
	d := set.Directions[len(set.Directions)-1]
	dues := map[string][]string{}
	for _, id := range []string{"named-quarterly", "named-dates-then-cadence"} {
		o := d.Obligation(id)
		for k := 1; k <= 12; k++ {
			if lim := o.Schedule.Limit(); lim > 0 && k > lim {
				break
			}
			due, _ := o.DueDate(k)
			dues[id] = append(dues[id], due.String())
		}
	}
	start := civil.New(2018, 1, 1)
	var evs []event.Event
	for len(evs) < n {
		day := start.AddDays(r.IntN(700))
		at := day.Start(event.London())
		dateOnly := true
		switch r.IntN(5) {
		case 0:
			at, dateOnly = day.End(event.London()).Add(-time.Duration(r.IntN(3))*time.Minute), false
		case 1:
			at, dateOnly = at.Add(time.Duration(r.IntN(24*60))*time.Minute), false
		}
		if len(evs) > 0 && r.IntN(6) == 0 {
			at, dateOnly = evs[r.IntN(len(evs))].At, false
		}
		attrs := map[string]any{}
		typ := []string{"update", "review", "note", "return", "plan", "noise"}[r.IntN(6)]
		name := map[string]string{"return": "named-quarterly", "plan": "named-dates-then-cadence"}[typ]
		if name != "" && r.IntN(4) != 0 {
			ds := dues[name]
			attrs["for"] = ds[r.IntN(len(ds))]
			if r.IntN(10) == 0 {
				attrs["for"] = "" // an empty cell names nothing
			}
		}
		evs = append(evs, event.Event{ID: fmt.Sprintf("s%d", len(evs)), Type: typ, At: at, DateOnly: dateOnly, Attrs: attrs})
	}
	return evs
}

func shapesSet(t testing.TB) *direction.Set {
	return loadSet(t, filepath.Join("testdata", "shapes.yaml"))
}

func TestEvaluateAgreesWithReferenceOnScheduleShapes(t *testing.T) {
	set := shapesSet(t)
	histories := 1500 / raceScale
	if testing.Short() {
		histories = 200
	}
	seen := map[string]int{}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 11))
		evs := shapesHistory(r, set, 1+r.IntN(50))
		asOf := civil.New(2018, 1, 20).AddDays(r.IntN(750)).End(event.London())
		want, wantCounts, _ := refEvaluate(t, set, evs, asOf)
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		for _, f := range res.Findings {
			seen[f.Obligation+" "+string(f.Status)+" "+f.Attribution]++
			if f.DischargedBy != nil && f.DischargedBy.At.Before(f.Opens) {
				seen["discharged before its window opened"]++
			}
		}
		if !equalStrings(essences(want), essences(res.Findings)) || wantCounts != res.Events {
			t.Fatalf("seed %d, as of %s: the engine disagrees with the reference\nreference:\n%s\ncounts %+v\nengine:\n%s\ncounts %+v\nhistory:\n%s",
				seed, asOf, join(essences(want)), wantCounts, join(essences(res.Findings)), res.Events, dump(evs))
		}
	}
	// The histories reach every case the rules distinguish, so that the
	// agreement above means something.
	for _, k := range []string{
		"lead-then-cadence late oldest-outstanding", "lead-then-cadence-window met window", "lead-then-cadence-window late window",
		"lead-then-cadence-window missed ", "fixed-dates late oldest-outstanding", "fixed-dates-window late window",
		"named-quarterly met attribute:for", "named-quarterly late attribute:for", "named-quarterly met window",
		"named-dates-then-cadence late attribute:for", "named-dates-then-cadence met oldest-outstanding",
		"weeks-after-window late window", "discharged before its window opened",
	} {
		assert.Positive(t, seen[k], k)
	}
	// The histories reach every case the rules distinguish, so that the
	// agreement above means something.
	for _, k := range []string{
		"lead-then-cadence late oldest-outstanding", "lead-then-cadence-window met window", "lead-then-cadence-window late window",
		"lead-then-cadence-window missed ", "fixed-dates late oldest-outstanding", "fixed-dates-window late window",
		"named-quarterly met attribute:for", "named-quarterly late attribute:for", "named-quarterly met window",
		"named-dates-then-cadence late attribute:for", "named-dates-then-cadence met oldest-outstanding",
		"weeks-after-window late window", "discharged before its window opened",
	} {
		assert.Positive(t, seen[k], k)
	}
}

// Properties of attribution that hold whatever the history, checked
// directly rather than against the reference: an event discharges at most
// one instance of an obligation; an event placed by window falls in the
// instance's window (the last instance's window has no end); an event
// placed by an attribute names the instance's due date; and the rule
// recorded is the obligation's (or its otherwise rule for events without
// the attribute).
func TestPropertyAttributionInvariants(t *testing.T) {
	set := shapesSet(t)
	d := set.Directions[0]
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 17))
		evs := shapesHistory(r, set, 1+r.IntN(50))
		byID := map[string]*event.Event{}
		for i := range evs {
			byID[evs[i].ID] = &evs[i]
		}
		asOf := civil.New(2018, 1, 20).AddDays(r.IntN(750)).End(event.London())
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		used := map[[2]string]int{}
		last := map[string]int{}
		for _, f := range res.Findings {
			last[f.Obligation] = max(last[f.Obligation], f.Instance)
		}
		for _, f := range res.Findings {
			if f.DischargedBy == nil {
				assert.Empty(t, f.Attribution, "seed %d: %s", seed, essence(f))
				continue
			}
			k := [2]string{f.Obligation, f.DischargedBy.ID}
			used[k]++
			require.Equal(t, 1, used[k], "seed %d: %s discharges two instances of %s", seed, f.DischargedBy.ID, f.Obligation)
			a := d.Obligation(f.Obligation).Attribution
			ev := byID[f.DischargedBy.ID]
			_, named := a.Named(ev)
			want := a.Name()
			if a.Rule == obligation.ByAttribute && !named {
				want = obligation.Attribution{Rule: a.Otherwise}.Name()
			}
			require.Equal(t, want, f.Attribution, "seed %d: %s", seed, essence(f))
			switch {
			case f.Attribution == "window":
				inWindow := ev.At.After(f.Opens) || (f.Instance == 1 && !ev.At.Before(f.Opens))
				require.True(t, inWindow, "seed %d: %s before its window", seed, essence(f))
				if f.Instance < last[f.Obligation] {
					require.False(t, ev.At.After(f.DueAt), "seed %d: %s after its window", seed, essence(f))
				}
			case strings.HasPrefix(f.Attribution, "attribute:"):
				require.Equal(t, f.Due, ev.Attrs[a.Attribute], "seed %d: %s", seed, essence(f))
			}
		}
	}
}

// TestEvaluateAgreesWithReferenceAcrossReplacements runs the shapes
// histories against shapes-2018 with four of its obligations replaced
// from 20 Sep 2018 under other attribution rules: the replaced and the
// replacing obligation are one series, so no event discharges an instance
// of both, and the rule in force when the event happens places it.
func TestEvaluateAgreesWithReferenceAcrossReplacements(t *testing.T) {
	shapes := shapesSet(t)
	set := loadSet(t, filepath.Join("testdata", "shapes.yaml"), filepath.Join("testdata", "shapes-replaced.yaml"))
	histories := 800 / raceScale
	if testing.Short() {
		histories = 150
	}
	seen := map[string]int{}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 23))
		evs := shapesHistory(r, shapes, 1+r.IntN(50))
		asOf := civil.New(2018, 1, 20).AddDays(r.IntN(750)).End(event.London())
		want, wantCounts, _ := refEvaluate(t, set, evs, asOf)
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err, "seed %d", seed)
		by := map[string][]string{}
		for _, f := range res.Findings {
			if f.DischargedBy != nil {
				by[f.DischargedBy.ID] = append(by[f.DischargedBy.ID], f.Direction+"/"+f.Obligation)
				if f.Direction == "shapes-2018" && f.DischargedBy.At.After(civil.New(2018, 9, 20).Start(event.London())) {
					seen[f.Obligation+" after the replacement "+f.Attribution]++
				}
			}
		}
		for id, obls := range by {
			for _, pair := range [][2]string{{"lead-then-cadence", "monthly-window"}, {"lead-then-cadence-window", "bimonthly-oldest"},
				{"named-quarterly", "quarterly-named"}, {"named-dates-then-cadence", "plans-window"}} {
				require.False(t, slices.Contains(obls, "shapes-2018/"+pair[0]) && slices.Contains(obls, "shapes-replaced-2018/"+pair[1]),
					"seed %d: event %s discharged %s and the obligation replacing it", seed, id, pair[0])
			}
		}
		if !equalStrings(essences(want), essences(res.Findings)) || wantCounts != res.Events {
			t.Fatalf("seed %d, as of %s: the engine disagrees with the reference\nreference:\n%s\ncounts %+v\nengine:\n%s\ncounts %+v\nhistory:\n%s",
				seed, asOf, join(essences(want)), wantCounts, join(essences(res.Findings)), res.Events, dump(evs))
		}
	}
	// Replaced instances still taken after the replacement, under the
	// replacing rule: oldest outstanding, and by the named due date.
	for _, k := range []string{"lead-then-cadence-window after the replacement oldest-outstanding",
		"named-quarterly after the replacement attribute:for"} {
		assert.Positive(t, seen[k], k)
	}
	t.Log(seen)
}
