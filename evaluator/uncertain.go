package evaluator

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// Dates known only to a month or a range of days are evaluated by
// supervaluation: each unknown date is given, in turn, each day it may be
// (a case), the concrete engine evaluates every combination, and the
// findings are merged instance by instance. A finding the same in every
// case is definite; one whose status differs is Indeterminate; an instance
// found in some cases only is Possible. Each keeps its Cases. The engine's
// rules are untouched, so whatever it says of a day it says here of that
// day's case.

// DefaultMaxCases is the default bound on the cases Evaluate weighs.
const DefaultMaxCases = 10_000

// UncertainError is returned when the dates known only to a range give
// more cases than Options.MaxCases allows.
type UncertainError struct {
	Cases, Max int
	// Unknowns describes each date known only to a range.
	Unknowns []string
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("evaluator: the dates known only to a range give %d cases to weigh, over the limit of %d: %s; give some of them to the day or narrow their ranges",
		e.Cases, e.Max, strings.Join(e.Unknowns, ", "))
}

// unknown is one date known only to a range.
type unknown struct {
	name string // for Span.Unknown
	// subject and verb word a case: "barnet-2018-06 was issued on".
	subject string
	days    []civil.Date
	rng     civil.Range
	// after: the last day stands for every day after the as-of time (an
	// event not yet happened); those days all give the same case.
	after bool
	// what it sets: an event (ev >= 0) or a direction's issue (field 0),
	// end (1) or recorded revocation (2) date.
	ev    int
	dir   *direction.Direction
	field int
}

func (u *unknown) words(from, to int) string {
	if u.after && to == len(u.days)-1 && from == to {
		return strings.TrimSuffix(u.subject, " was dated") + " came after the as-of date"
	}
	r := civil.Range{First: u.days[from], Last: u.days[to]}
	if u.after && to == len(u.days)-1 {
		r.Last = u.rng.Last
	}
	return u.subject + " " + r.Long()
}

// unknownsOf lists the dates known only to a range, in a fixed order:
// directions in the set's order, then events in input order.
func unknownsOf(set *direction.Set, events []event.Event, asOf time.Time) []*unknown {
	var out []*unknown
	for _, d := range set.Directions {
		if !d.IssuedThrough.IsZero() {
			r := d.IssuedRange()
			out = append(out, &unknown{name: "the issue date of " + d.ID, subject: d.ID + " was issued on", days: daysOf(r), rng: r, ev: -1, dir: d})
		}
		if !d.EndsThrough.IsZero() {
			r := d.EndsRange()
			out = append(out, &unknown{name: "the end date of " + d.ID, subject: d.ID + "'s last day was", days: daysOf(r), rng: r, ev: -1, dir: d, field: 1})
		}
		if d.Revoked != nil && !d.Revoked.Through.IsZero() {
			r := d.Revoked.Range()
			out = append(out, &unknown{name: "the recorded revocation date of " + d.ID, subject: d.ID + " was revoked on", days: daysOf(r), rng: r, ev: -1, dir: d, field: 2})
		}
	}
	for i := range events {
		e := &events[i]
		if e.Through.IsZero() {
			continue
		}
		loc := e.At.Location()
		r := e.Days(loc)
		u := &unknown{name: "the date of event " + e.ID, subject: e.ID + " was dated", rng: r, ev: i}
		for d := r.First; !d.After(r.Last); d = d.AddDays(1) {
			if d.Start(loc).After(asOf) {
				// Every later day leaves the event after the as-of
				// time: one case stands for them all.
				u.days, u.after = append(u.days, d), true
				break
			}
			u.days = append(u.days, d)
		}
		if len(u.days) == 1 && u.after {
			continue // wholly after the as-of time: ignored on any day
		}
		out = append(out, u)
	}
	return out
}

func daysOf(r civil.Range) []civil.Date {
	var out []civil.Date
	for d := r.First; !d.After(r.Last); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// caseOutcome is what one case made of one instance.
type caseOutcome struct {
	world int
	f     Finding
}

type group struct {
	dir, obl int
	key      string
	minInst  int
	seq      int
	kind     obligation.Kind
	cases    []caseOutcome
}

func evaluateCases(ctx context.Context, set *direction.Set, events []event.Event, opts Options, us []*unknown) (*Result, error) {
	limit := opts.MaxCases
	if limit <= 0 {
		limit = DefaultMaxCases
	}
	total := 1
	for _, u := range us {
		total *= len(u.days)
		if total > limit {
			break
		}
	}
	if total > limit {
		err := &UncertainError{Cases: total, Max: limit}
		total = 1
		for _, u := range us {
			err.Unknowns = append(err.Unknowns, fmt.Sprintf("%s (%s, %d days)", u.name, u.rng.Long(), u.rng.Days()))
			if total <= limit {
				total *= len(u.days)
			}
		}
		err.Cases = total
		return nil, err
	}
	dirIdx := map[string]int{}
	oblIdx := map[[2]string]int{}
	for i, d := range set.Directions {
		dirIdx[d.ID] = i
		for j, o := range d.Obligations {
			oblIdx[[2]string{d.ID, o.ID}] = j
		}
	}
	origAt := map[string]time.Time{}
	for _, u := range us {
		if u.ev >= 0 {
			origAt[events[u.ev].ID] = events[u.ev].At
		}
	}
	groups := map[[3]string]*group{}
	var order []*group
	ng := notGenMerge{seen: map[[3]string]*notGenSeen{}}
	var first *Result
	var valid []int // the worlds evaluated; the others are impossible
	// refused lists the worlds in which a grant is refused (a GrantError).
	var refused []int
	var firstRefusal *GrantError
	choice := make([]int, len(us))
	fixed := map[*direction.Direction]map[[3]civil.Date]*direction.Direction{}
	for w := 0; w < total; w++ {
		// choice is w in mixed radix, the last unknown varying fastest.
		x := w
		for i := len(us) - 1; i >= 0; i-- {
			choice[i] = x % len(us[i].days)
			x /= len(us[i].days)
		}
		wset, wevents, ok := worldOf(set, events, us, choice, fixed)
		if !ok {
			continue
		}
		wopts := Options{AsOf: opts.AsOf, known: opts.known}
		if first == nil {
			// Only one case can be traced: the first consistent one,
			// each unknown date at the earliest day it may be.
			wopts.Trace, wopts.traceOnly = opts.Trace, opts.traceOnly
		}
		if !isSorted(wevents) {
			wevents = event.Sort(wevents)
		}
		res, err := evaluate(ctx, wset, wevents, wopts)
		var ge *GrantError
		if errors.As(err, &ge) {
			// Whether a grant can apply may depend on the day (an
			// extension past a revocation known only to a month): weigh
			// every case before saying so.
			refused = append(refused, w)
			if firstRefusal == nil {
				firstRefusal = ge
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		valid = append(valid, w)
		if first == nil {
			first = res
		}
		ng.add(res)
		for _, f := range res.Findings {
			key := [3]string{f.Direction, f.Obligation, fmt.Sprint("n", f.Instance)}
			if f.Kind == obligation.Triggered || f.Kind == obligation.Prohibition {
				key[2] = "t" + f.Trigger.ID
			}
			g := groups[key]
			if g == nil {
				g = &group{dir: dirIdx[f.Direction], obl: oblIdx[[2]string{f.Direction, f.Obligation}], key: key[2], minInst: f.Instance, seq: len(order), kind: f.Kind}
				groups[key] = g
				order = append(order, g)
			}
			g.minInst = min(g.minInst, f.Instance)
			g.cases = append(g.cases, caseOutcome{world: w, f: f})
		}
	}
	if firstRefusal != nil {
		return nil, refusalError(us, total, refused, valid, firstRefusal)
	}
	if first == nil {
		return nil, fmt.Errorf("evaluator: no day of the dates known only to a range is consistent (a direction would revoke one issued after it): %s", us[0].name)
	}
	slices.SortStableFunc(order, func(a, b *group) int {
		if a.dir != b.dir {
			return a.dir - b.dir
		}
		if a.obl != b.obl {
			return a.obl - b.obl
		}
		if a.minInst != b.minInst {
			return a.minInst - b.minInst
		}
		return a.seq - b.seq
	})
	res := &Result{AsOf: opts.AsOf, Events: first.Events}
	for _, d := range set.Directions {
		res.Directions = append(res.Directions, statusOf(set, d, opts.AsOf))
	}
	for i := range res.Directions {
		res.Directions[i].NotGenerated = ng.every(res.Directions[i].ID, len(valid))
	}
	m := merger{us: us, valid: valid, total: total, origAt: origAt, asOf: opts.AsOf}
	number := map[[2]int]int{}
	for _, g := range order {
		f := m.merge(g, set.Directions[g.dir].Location)
		if g.kind == obligation.Triggered || g.kind == obligation.Prohibition {
			// Numbers follow creation order, which can differ between
			// cases: number the merged instances afresh.
			number[[2]int{g.dir, g.obl}]++
			f.Instance = number[[2]int{g.dir, g.obl}]
		}
		res.Findings = append(res.Findings, f)
	}
	return res, nil
}

// refusalError is the error when a grant is refused in some cases. Refused
// in every case, it is the grant's own error; refused in some only, whether
// it may apply depends on the unknown day, and the evaluation cannot weigh
// that soundly: in the refused cases the instance has no verdict at all
// (docs/uncertain-dates.md). The error says on which days it is refused
// and on which it applies, so that the day can be given or the range
// narrowed.
func refusalError(us []*unknown, total int, refused, valid []int, ge *GrantError) error {
	if len(valid) == 0 {
		return ge
	}
	msg := fmt.Sprintf("whether it can apply depends on a date known only to a range: it is refused if %s (if %s: %s), and applies if %s; give the day, or narrow the range so that the grant is valid whatever the day",
		worldWords(us, total, refused), worldWords(us, total, refused[:1]), ge.Msg, worldWords(us, total, valid))
	return &GrantError{Event: ge.Event, Type: ge.Type, Pos: ge.Pos, Msg: msg}
}

// worldWords says which days the cases ws stand for: runs of days when one
// date is unknown, else the first case and how many others.
func worldWords(us []*unknown, total int, ws []int) string {
	choice := func(w int) []int {
		c := make([]int, len(us))
		for i := len(us) - 1; i >= 0; i-- {
			c[i] = w % len(us[i].days)
			w /= len(us[i].days)
		}
		return c
	}
	if len(us) == 1 {
		var runs []string
		for i := 0; i < len(ws); {
			j := i
			for j+1 < len(ws) && ws[j+1] == ws[j]+1 {
				j++
			}
			runs = append(runs, us[0].words(ws[i], ws[j]))
			i = j + 1
		}
		return strings.Join(runs, " or ")
	}
	c := choice(ws[0])
	var parts []string
	for i, u := range us {
		parts = append(parts, u.words(c[i], c[i]))
	}
	s := strings.Join(parts, " and ")
	if len(ws) > 1 {
		s += fmt.Sprintf(" (and %d other of the %d cases)", len(ws)-1, total)
	}
	return s
}

// notGenMerge keeps the triggered instances not generated in every case:
// one not generated in some cases only is a Possible finding already.
type notGenMerge struct {
	seen  map[[3]string]*notGenSeen
	order [][3]string
}

type notGenSeen struct {
	n      NotGenerated
	cases  int
	varies bool
}

func (m *notGenMerge) add(res *Result) {
	for _, d := range res.Directions {
		for _, n := range d.NotGenerated {
			k := [3]string{d.ID, n.Obligation, n.Trigger.ID}
			s := m.seen[k]
			if s == nil {
				s = &notGenSeen{n: n}
				m.seen[k] = s
				m.order = append(m.order, k)
			}
			s.cases++
			s.varies = s.varies || s.n.Due != n.Due || s.n.Reason != n.Reason
		}
	}
}

func (m *notGenMerge) every(dir string, cases int) []NotGenerated {
	var out []NotGenerated
	for _, k := range m.order {
		if s := m.seen[k]; k[0] == dir && s.cases == cases {
			n := s.n
			if s.varies {
				n.Reason += "; the dates depend on a date known only to a range: this is the earliest case"
			}
			out = append(out, n)
		}
	}
	return out
}

// worldOf fixes every unknown to its chosen day. ok is false when the
// case is impossible (a direction would revoke one issued after it).
func worldOf(set *direction.Set, events []event.Event, us []*unknown, choice []int, fixed map[*direction.Direction]map[[3]civil.Date]*direction.Direction) (*direction.Set, []event.Event, bool) {
	wevents := events
	dates := map[*direction.Direction][3]civil.Date{}
	for i, u := range us {
		day := u.days[choice[i]]
		switch {
		case u.ev >= 0:
			if len(wevents) > 0 && &wevents[0] == &events[0] {
				wevents = slices.Clone(events)
			}
			e := &wevents[u.ev]
			e.At, e.Through = day.Start(e.At.Location()), civil.Date{}
		default:
			d, seen := dates[u.dir]
			if !seen {
				d = [3]civil.Date{u.dir.Issued, u.dir.Ends}
				if u.dir.Revoked != nil {
					d[2] = u.dir.Revoked.On
				}
			}
			d[u.field] = day
			dates[u.dir] = d
		}
	}
	if len(dates) == 0 {
		return set, wevents, true
	}
	dirs := make([]*direction.Direction, len(set.Directions))
	for i, d := range set.Directions {
		dd, ok := dates[d]
		if !ok {
			dirs[i] = d
			continue
		}
		if (dd[1] != civil.Date{} && dd[1].Before(dd[0])) || (dd[2] != civil.Date{} && dd[2].Before(dd[0])) {
			return nil, nil, false // ends or is revoked before it was made
		}
		byDates := fixed[d]
		if byDates == nil {
			byDates = map[[3]civil.Date]*direction.Direction{}
			fixed[d] = byDates
		}
		if byDates[dd] == nil {
			byDates[dd] = d.Fixed(dd[0], dd[1], dd[2])
		}
		dirs[i] = byDates[dd]
	}
	wset, err := direction.NewSet(dirs...)
	if err != nil {
		return nil, nil, false
	}
	return wset, wevents, true
}

// statusOf is dirState.status for the set as loaded, dates known only to a
// range included (direction.Set.Force gives their earliest and latest).
func statusOf(set *direction.Set, d *direction.Direction, asOf time.Time) DirectionStatus {
	f := set.Force(d)
	s := DirectionStatus{
		ID: d.ID, Title: d.Title, Council: d.Council, File: d.File, SHA256: d.Digest,
		From: f.From, Until: f.Until, FromLatest: f.FromLatest, UntilLatest: f.UntilLatest,
		RevokedBy: f.RevokedBy, RevokedByInstrument: f.RevokedByInstrument, Reason: f.Reason,
		RevokesOnly: d.RevokesOnly(), Revokes: set.RevokesWords(d),
	}
	for _, o := range d.Obligations {
		if of := set.ObligationForce(d, o); of.Varied {
			s.Varied = append(s.Varied, of.Reason)
		}
	}
	// In force at the as-of time whatever the unknown days.
	latestFrom := f.From
	if !f.FromLatest.IsZero() {
		latestFrom = f.FromLatest
	}
	s.InForce = !asOf.Before(latestFrom) && (f.Until.IsZero() || asOf.Before(f.Until))
	return s
}

type merger struct {
	us     []*unknown
	valid  []int
	total  int
	origAt map[string]time.Time
	asOf   time.Time
}

// merge makes one finding of an instance's outcomes in every case.
func (m *merger) merge(g *group, loc *time.Location) Finding {
	all := len(g.cases) == len(m.valid)
	same := all
	for _, c := range g.cases[1:] {
		// A triggered instance's number may differ between cases (an
		// earlier one exists only in some); it is numbered afresh anyway.
		// Opens follows the direction's start, which may be the unknown
		// day; the earliest is reported.
		a, b := c.f, g.cases[0].f
		a.Instance, b.Instance = 0, 0
		a.Opens, b.Opens = time.Time{}, time.Time{}
		if same && !reflect.DeepEqual(a, b) {
			same = false
		}
	}
	if same {
		f := g.cases[0].f
		for _, c := range g.cases {
			if c.f.Opens.Before(f.Opens) {
				f.Opens = c.f.Opens
			}
		}
		return f
	}
	f := g.cases[0].f
	f.DaysLate = 0
	// A tie in any case (rule 4) is kept: the triggers named in the
	// cases, at most maxTiedListed, and the most counted in one case.
	f.TiedWith, f.TiedCount = nil, 0
	tiedEvery := true
	for _, c := range g.cases {
		tiedEvery = tiedEvery && c.f.TiedCount > 0
		f.TiedCount = max(f.TiedCount, c.f.TiedCount)
		for _, id := range c.f.TiedWith {
			if len(f.TiedWith) < maxTiedListed && !slices.Contains(f.TiedWith, id) {
				f.TiedWith = append(f.TiedWith, id)
			}
		}
	}
	f.TiedCount = max(f.TiedCount, len(f.TiedWith))
	statuses := map[Status]bool{}
	ids := map[string]bool{}
	dueMin, dueMax := civil.Date{}, civil.Date{}
	lateMin, lateMax := -1, -1
	for _, c := range g.cases {
		statuses[c.f.Status] = true
		if c.f.DischargedBy != nil {
			ids[c.f.DischargedBy.ID] = true
		} else {
			ids[""] = true
		}
		if c.f.Due != "" {
			d := civil.In(c.f.DueAt, loc)
			if dueMin.IsZero() || d.Before(dueMin) {
				dueMin, f.Due, f.DueAt = d, c.f.Due, c.f.DueAt
			}
			if dueMax.IsZero() || d.After(dueMax) {
				dueMax = d
			}
		}
		if c.f.Opens.Before(f.Opens) {
			f.Opens = c.f.Opens
		}
		if c.f.Status == Late {
			if lateMin < 0 || c.f.DaysLate < lateMin {
				lateMin = c.f.DaysLate
			}
			lateMax = max(lateMax, c.f.DaysLate)
		}
	}
	f.Trigger = m.orig(f.Trigger)
	if len(ids) == 1 {
		f.DischargedBy = m.orig(f.DischargedBy)
	} else {
		f.DischargedBy = nil
	}
	switch {
	case !all:
		f.Status = Possible
	case len(statuses) > 1:
		f.Status = Indeterminate
	default:
		if f.Status == Late {
			f.DaysLate = lateMin
		}
	}
	// A definite status keeps its cases only when the days late vary.
	if f.Status == Possible || f.Status == Indeterminate || lateMin != lateMax {
		f.Cases = m.cases(g)
	}
	// The reason, in words.
	var b strings.Builder
	if f.Trigger != nil {
		fmt.Fprintf(&b, "for %s on %s: ", f.Trigger.ID, dayWords(m.dayOf(f.Trigger, loc)))
	}
	if f.Due != "" {
		fmt.Fprintf(&b, "due %s", civil.Range{First: dueMin, Last: dueMax}.Long())
		if dueMin != dueMax {
			b.WriteString(" (depending on the unknown day)")
			f.DueLatest = dueMax.String()
			f.Basis = "depending on the unknown day, from " + g.cases[0].f.Basis + " to " + g.cases[len(g.cases)-1].f.Basis
		}
		b.WriteString("; ")
	}
	switch f.Status {
	case Possible:
		b.WriteString("this instance exists only in some cases: ")
		b.WriteString(m.caseWords(f.Cases))
		b.WriteString("; on the other days there is no such instance by the as-of date")
	case Indeterminate:
		b.WriteString("depends on the unknown day: ")
		b.WriteString(m.caseWords(f.Cases))
	default:
		fmt.Fprintf(&b, "%s whatever the unknown day", statusWords(f.Status, lateMin, lateMax))
		if f.DischargedBy != nil {
			fmt.Fprintf(&b, " (by %s on %s)", f.DischargedBy.ID, dayWords(m.dayOf(f.DischargedBy, loc)))
		}
		if f.Status == Late && lateMin != lateMax {
			b.WriteString(": ")
			b.WriteString(m.caseWords(f.Cases))
		}
		if f.DischargedBy == nil && len(ids) > 1 {
			b.WriteString(", by a different event on different days")
		}
	}
	if f.TiedCount > 0 {
		b.WriteString(tieWords(f.TiedWith, f.TiedCount, !tiedEvery || !all))
	}
	f.Reason = b.String()
	return f
}

// orig returns r with the event's own time: the first instant of its
// range for an event known only to a range.
func (m *merger) orig(r *EventRef) *EventRef {
	if r == nil {
		return nil
	}
	if at, ok := m.origAt[r.ID]; ok {
		c := *r
		c.At = at
		return &c
	}
	return r
}

// dayOf words the days an event may have been on.
func (m *merger) dayOf(r *EventRef, loc *time.Location) civil.Range {
	for _, u := range m.us {
		if u.ev >= 0 && u.name == "the date of event "+r.ID {
			return u.rng
		}
	}
	d := civil.In(r.At, loc)
	return civil.Range{First: d, Last: d}
}

// dayWords is "20 Apr 2018", or "a day in April 2018" for a range.
func dayWords(r civil.Range) string {
	if r.Exact() {
		return r.Long()
	}
	return "a day in " + r.Long()
}

func statusWords(s Status, lateMin, lateMax int) string {
	if s != Late {
		return string(s)
	}
	if lateMin == lateMax {
		return fmt.Sprintf("late (%d day%s)", lateMin, plural(lateMin))
	}
	return fmt.Sprintf("late (%d–%d days)", lateMin, lateMax)
}

func (m *merger) caseWords(cs []Case) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		words := statusWords(c.Status, c.DaysLate, max(c.DaysLate, c.DaysLateMax))
		var when []string
		for _, s := range c.When {
			when = append(when, s.words)
		}
		parts = append(parts, words+" if "+strings.Join(when, " and "))
	}
	return strings.Join(parts, "; ")
}

// cases groups an instance's outcomes by the unknown dates they depend on:
// runs of consecutive days with the same status become one case.
func (m *merger) cases(g *group) []Case {
	byWorld := make(map[int]*Finding, len(g.cases))
	for i := range g.cases {
		byWorld[g.cases[i].world] = &g.cases[i].f
	}
	validSet := make(map[int]bool, len(m.valid))
	for _, w := range m.valid {
		validSet[w] = true
	}
	detail := false
	outcome := func(w int) string {
		if !validSet[w] {
			return "impossible"
		}
		f := byWorld[w]
		switch {
		case f == nil:
			return "none"
		case detail:
			return fmt.Sprint(f.Status, f.DaysLate, f.Due, f.DischargedBy != nil && f.DischargedBy.ID != "")
		}
		return string(f.Status)
	}
	// The unknowns the outcome depends on: those where changing the day
	// alone changes the status (or whether the instance exists).
	radix := make([]int, len(m.us))
	stride := make([]int, len(m.us))
	s := 1
	for i := len(m.us) - 1; i >= 0; i-- {
		radix[i], stride[i] = len(m.us[i].days), s
		s *= radix[i]
	}
	var rel []int
	for pass := 0; pass < 2 && len(rel) == 0; pass++ {
		// Second pass: the status is the same throughout, so find what
		// moves the days late, the due date or the discharge instead.
		detail = pass == 1
		rel = m.relevant(outcome, radix, stride)
	}
	if len(rel) == 0 {
		rel = []int{0}
	}
	// Enumerate the relevant unknowns' days, the others held at their
	// days in the first case where the instance exists, merging runs of
	// the same status along the last relevant unknown.
	base := g.cases[0].world
	last := rel[len(rel)-1]
	lead := rel[:len(rel)-1]
	nlead := 1
	for _, i := range lead {
		nlead *= radix[i]
	}
	var out []Case
	for k := 0; k < nlead; k++ {
		w := base
		x := k
		var prefix []Span
		for j := len(lead) - 1; j >= 0; j-- {
			i := lead[j]
			digit := x % radix[i]
			x /= radix[i]
			w += (digit - (base/stride[i])%radix[i]) * stride[i]
			u := m.us[i]
			prefix = append([]Span{u.span(digit, digit)}, prefix...)
		}
		w -= ((base / stride[last]) % radix[last]) * stride[last]
		var cur *Case
		from := 0
		flush := func(to int) {
			if cur != nil {
				cur.When = append(slices.Clone(prefix), m.us[last].span(from, to))
				out = append(out, *cur)
				cur = nil
			}
		}
		for d := 0; d < radix[last]; d++ {
			f := byWorld[w+d*stride[last]]
			switch {
			case f == nil:
				flush(d - 1)
			case cur != nil && cur.Status == f.Status:
				cur.DaysLate = min(cur.DaysLate, f.DaysLate)
				cur.DaysLateMax = max(cur.DaysLateMax, f.DaysLate)
			default:
				flush(d - 1)
				cur = &Case{Status: f.Status, DaysLate: f.DaysLate, DaysLateMax: f.DaysLate}
				from = d
			}
		}
		flush(radix[last] - 1)
	}
	for i := range out {
		if out[i].DaysLateMax == out[i].DaysLate {
			out[i].DaysLateMax = 0
		}
	}
	return out
}

// relevant returns the unknowns on which outcome depends: those where
// changing that day alone changes it.
func (m *merger) relevant(outcome func(int) string, radix, stride []int) []int {
	var rel []int
	for i := range m.us {
		dep := false
		for w := 0; w < m.total && !dep; w++ {
			if (w/stride[i])%radix[i]+1 < radix[i] {
				a, b := outcome(w), outcome(w+stride[i])
				dep = a != b && a != "impossible" && b != "impossible"
			}
		}
		if dep {
			rel = append(rel, i)
		}
	}
	return rel
}

// span is the days from..to (indexes into days) as a Span.
func (u *unknown) span(from, to int) Span {
	sp := Span{Unknown: u.name, From: u.days[from].String(), To: u.days[to].String(), words: u.words(from, to)}
	if u.after && to == len(u.days)-1 {
		sp.To = u.rng.Last.String()
		sp.AfterAsOf = from == to
	}
	return sp
}

// uncertainDirection and uncertainEvent refuse what Stream and Monitor cannot do: weighing
// every day of a date known only to a range needs the whole history, and
// a finding a stream reported could be undone by a later day.
func uncertainDirection(set *direction.Set) error {
	for _, d := range set.Directions {
		if d.Uncertain() {
			what := "issued " + d.IssuedRange().String()
			switch {
			case !d.EndsThrough.IsZero():
				what = "ends " + d.EndsRange().String()
			case d.IssuedThrough.IsZero():
				what = "revoked " + d.Revoked.Range().String()
			}
			return fmt.Errorf("evaluator: %s has a date known only to a range (%s): streaming cannot weigh every day it may be; evaluate the history in memory (Evaluate, or check on a YAML, JSON or CSV history), or give the day", d.ID, what)
		}
	}
	return nil
}

func uncertainEvent(ev *event.Event) error {
	if ev.Through.IsZero() {
		return nil
	}
	return fmt.Errorf("%s: event %q is dated only to %s: streaming cannot weigh every day it may be; evaluate the history in memory (Evaluate, or check on a YAML, JSON or CSV history), or give the day", ev.Pos, ev.ID, ev.Days(ev.At.Location()).Long())
}
