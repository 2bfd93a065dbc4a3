package evaluator

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/obligation"
)

// Options control an evaluation.
type Options struct {
	// AsOf is the evaluation time: events after it are ignored and
	// deadlines before it have passed. It is required; the library never
	// reads the clock. Use EndOfDay to evaluate as of a whole day.
	AsOf time.Time
	// Trace, when set, is told each step of the evaluation (see Trace).
	// When dates are known only to a range it is told the steps of one
	// case only: every such date at the earliest day it may be.
	Trace Trace
	// MaxCases bounds the number of cases Evaluate weighs when dates are
	// known only to a range (the product of the ranges' lengths in days);
	// zero means DefaultMaxCases. Over it, Evaluate refuses with an
	// *UncertainError rather than guess.
	MaxCases int
	// known, when set and before AsOf, is the time the history is read
	// at: events after it are ignored although deadlines run to AsOf
	// (Schedule as of ScheduleOptions.Now).
	known time.Time
	// traceOnly, when set, limits Trace to the obligations it admits
	// (by direction and obligation id); the others keep the keyed
	// lookups and filters a trace turns off, and cost no trace work.
	// Package explain sets it through hooks.TraceOnly.
	traceOnly func(dir, obl string) bool
}

// cutoff is the time after which events are ignored.
func (o Options) cutoff() time.Time {
	if !o.known.IsZero() && o.known.Before(o.AsOf) {
		return o.known
	}
	return o.AsOf
}

// ErrNoAsOf is returned when Options.AsOf is zero.
var ErrNoAsOf = errors.New("evaluator: Options.AsOf is required (the library never reads the clock)")

// EndOfDay returns the last instant of date in loc, the usual as-of time
// for "as of 25 April 2018".
func EndOfDay(year int, month time.Month, day int, loc *time.Location) time.Time {
	return civil.New(year, month, day).End(loc)
}

// Evaluate checks events against every direction in set as of opts.AsOf.
// It does not modify set or events. An expression that fails on an event
// gives an *obligation.EvalError naming the obligation and the event.
// It does not hold events to the set's vocabulary: an event of a type no
// condition names is simply irrelevant. Read histories with
// set.LoadHistory, or check events made in code with set.CheckEvents, so
// that a misspelt type is refused rather than ignored.
//
// When a direction's issue or end date, or an event's date, is known only
// to a month or a range of days, Evaluate weighs every day it may be and
// reports a verdict that depends on the day as Indeterminate, and an
// instance that exists only for some days as Possible, each with its
// Cases (see uncertain.go and docs/uncertain-dates.md).
func Evaluate(set *direction.Set, events []event.Event, opts Options) (*Result, error) {
	return EvaluateContext(context.Background(), set, events, opts)
}

// EvaluateContext is Evaluate, stopping with ctx's error (context.Canceled,
// context.DeadlineExceeded) soon after ctx is done: it looks every
// CheckEvery events and after the last.
func EvaluateContext(ctx context.Context, set *direction.Set, events []event.Event, opts Options) (*Result, error) {
	if opts.AsOf.IsZero() {
		return nil, ErrNoAsOf
	}
	// One pass learns whether the events are valid, in time order and
	// all dated to the day; Validate words the errors when they are not.
	valid, inOrder, uncertain := scanEvents(events)
	if !valid {
		if err := event.Validate(events); err != nil {
			return nil, err
		}
		// Valid after all (two ids shared a hash).
		inOrder, uncertain = isSorted(events), slices.ContainsFunc(events, func(e event.Event) bool { return e.Uncertain() })
	}
	// A direction issued after the as-of time revokes and varies nothing
	// yet, as events after it are ignored.
	set = set.AsOf(opts.AsOf)
	maybeUncertain := events
	if !uncertain {
		maybeUncertain = nil // no event's date is a range: nothing to look for
	}
	if u := unknownsOf(set, maybeUncertain, opts.cutoff()); len(u) > 0 {
		return evaluateCases(ctx, set, events, opts, u)
	}
	if !inOrder {
		events = event.Sort(events)
	}
	return evaluate(ctx, set, events, opts)
}

// scanEvents is event's one pass over a history (see hooks.ScanEvents).
var scanEvents = hooks.ScanEvents.(func([]event.Event) (valid, sorted, uncertain bool))

// evaluate is Evaluate for inputs whose dates are all known to the day,
// sorted by time.
func evaluate(ctx context.Context, set *direction.Set, sorted []event.Event, opts Options) (*Result, error) {
	set = set.AsOf(opts.AsOf) // also when called per case
	res := &Result{AsOf: opts.AsOf}
	// Findings arrive as they become final; the report lists them by
	// direction, obligation and instance. They are kept in blocks that
	// never move (a finding is a few hundred bytes, and growing one slice
	// of them copied each several times), and each obligation's bucket
	// lists where its findings are, by instance number.
	sc := getScratch()
	store := findingStore{spare: sc.findings}
	var buckets [][]bucket
	// Instances of an obligation are numbered 1, 2, ... and each gets one
	// finding here, so a finding goes straight to its place; the sort
	// below is then only a check.
	e := newEngine(set, opts.Trace, opts.traceOnly, func(ds *dirState, st *oblState, f *Finding) {
		buckets[ds.idx][st.idx].put(f.Instance, store.n) // f is the store's last finding (slot below)
	})
	e.slot = store.next
	buckets = make([][]bucket, len(e.states))
	e.blocks, e.spareInsts, e.traced = true, sc.insts, opts.Trace != nil
	for i, ds := range e.states {
		buckets[i] = make([]bucket, len(ds.obls))
		for j := range buckets[i] {
			// A list from an earlier evaluation, emptied: put writes
			// every place it extends the list by, zeros included.
			if k := len(sc.places); k > 0 {
				buckets[i][j].at, sc.places = sc.places[k-1], sc.places[:k-1]
			}
		}
		ds.seen.spare = &sc.ids
	}
	n := len(sorted)
	cut := opts.cutoff()
	for i := range sorted {
		ev := &sorted[i]
		if ev.At.After(cut) {
			n = i
			break
		}
		if i%CheckEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := e.observe(ev); err != nil {
			return nil, err
		}
	}
	// Finishing reports what is missed or open at the end of the history:
	// a caller that has given up must not get it as if it were complete.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := e.finish(opts.AsOf); err != nil {
		return nil, err
	}
	res.Events = e.counts
	res.Events.Read, res.Events.AfterAsOf = len(sorted), len(sorted)-n
	for _, ds := range e.states {
		res.Directions = append(res.Directions, ds.status(opts.AsOf))
	}
	res.Findings = make([]Finding, store.n)
	k := 0
	for _, d := range buckets {
		for j := range d {
			k += store.copyOut(res.Findings[k:], d[j].inOrder(&store))
		}
	}
	res.Findings = res.Findings[:k] // k is store.n: each finding is in one bucket
	markTies(set, res.Findings)
	sc.release(&store, e, buckets)
	return res, nil
}

// bucket lists where an obligation's findings are in the store, by
// instance number: at[n-1] is the place of instance n's finding, 0 where
// none has that number (yet).
type bucket struct {
	at []int32
	// unsorted is set once a finding could not go to its number's place
	// (a number far beyond the others, or one seen twice): it was
	// appended, and inOrder sorts.
	unsorted bool
}

// put records that the finding of instance number n is at place at.
func (b *bucket) put(n int, at int32) {
	if i := n - 1; i >= len(b.at) && i < 2*len(b.at)+16 {
		b.at = append(b.at, make([]int32, i+1-len(b.at))...)
		b.at[i] = at
	} else if i >= 0 && i < len(b.at) && b.at[i] == 0 {
		b.at[i] = at
	} else {
		b.at = append(b.at, at)
		b.unsorted = true
	}
}

// inOrder returns the places of b's findings by instance number (unique
// within an obligation), slots left empty dropped.
func (b *bucket) inOrder(s *findingStore) []int32 {
	at := slices.DeleteFunc(b.at, func(x int32) bool { return x == 0 })
	if b.unsorted {
		slices.SortFunc(at, func(x, y int32) int { return s.get(x).Instance - s.get(y).Instance })
	}
	return at
}

// findingStore keeps findings in blocks that never move; a finding's
// place is counted from 1 so that 0 can mean none.
type findingStore struct {
	blocks [][]Finding
	n      int32
	// spare blocks from an earlier evaluation (see scratch).
	spare [][]Finding
}

const findingBlock = 256

// next returns the place of a new finding, zeroed, for the engine to
// build the finding in (engine.slot); it is s.n from then on.
func (s *findingStore) next() *Finding {
	if s.n%findingBlock == 0 {
		s.blocks = append(s.blocks, takeBlock(&s.spare, findingBlock))
	}
	last := &s.blocks[len(s.blocks)-1]
	*last = (*last)[:len(*last)+1]
	s.n++
	return &(*last)[len(*last)-1]
}

func (s *findingStore) get(at int32) *Finding {
	i := at - 1
	return &s.blocks[i/findingBlock][i%findingBlock]
}

// copyOut copies the findings at places at into dst, in that order, and
// returns how many. Findings usually become final in the order of their
// instances, so places run on (at, at+1, ...): each such run within one
// block is copied in one go rather than a finding at a time.
func (s *findingStore) copyOut(dst []Finding, at []int32) int {
	for i := 0; i < len(at); {
		first := at[i] - 1
		blk, off := first/findingBlock, first%findingBlock
		j := i + 1
		for j < len(at) && at[j] == at[j-1]+1 && (at[j]-1)/findingBlock == blk {
			j++
		}
		copy(dst[i:j], s.blocks[blk][off:off+int32(j-i)])
		i = j
	}
	return len(at)
}

func isSorted(events []event.Event) bool {
	for i := 1; i < len(events); i++ {
		if events[i].At.Before(events[i-1].At) {
			return false
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (ds *dirState) status(asOf time.Time) DirectionStatus {
	d, set := ds.d, ds.eng.set
	s := DirectionStatus{
		ID: d.ID, Title: d.Title, Council: d.Council, File: d.File, SHA256: d.Digest,
		From: ds.force.From, Until: ds.force.Until, RevokedBy: ds.force.RevokedBy,
		RevokedByInstrument: ds.force.RevokedByInstrument,
		InForce:             ds.force.InForce(asOf), Reason: ds.force.Reason,
		RevokesOnly: d.RevokesOnly(), Revokes: set.RevokesWords(d),
	}
	for _, o := range d.Obligations {
		if f := set.ObligationForce(d, o); f.Varied {
			s.Varied = append(s.Varied, f.Reason)
		}
	}
	s.NotGenerated = ds.notGen
	return s
}

// notGenerated records that ev triggered st's obligation in force, but the
// instance, due on due, would fall due after the obligation's end.
func (ds *dirState) notGenerated(st *oblState, ev *event.Event, due civil.Date) {
	reason := ds.force.Reason
	if f := ds.eng.set.ObligationForce(ds.d, st.o); f.Varied {
		reason = f.Reason
	}
	ds.notGen = append(ds.notGen, NotGenerated{Obligation: st.o.ID, Clause: st.o.Clause, Trigger: ref(ev), Due: due.String(), Reason: reason})
}

func ref(ev *event.Event) *EventRef {
	if ev == nil {
		return nil
	}
	return &EventRef{ID: ev.ID, At: ev.At, Pos: ev.Pos}
}

// report makes the finding of instance in of st (see finding) and hands
// it to the engine's report. An Evaluate engine builds it in the place
// its store gives (engine.slot), so that the few hundred bytes of a
// finding are written once rather than copied on their way; the others
// build it in the engine's own, whose report copies it out.
func (ds *dirState) report(st *oblState, in *instance, by *event.Event, asOf time.Time) {
	e := ds.eng
	var f *Finding
	if e.slot != nil {
		if in.Number == 0 {
			return // not numbered: never reported
		}
		f = e.slot()
	} else {
		e.f = Finding{}
		f = &e.f
	}
	ds.finding(f, st, in, by, asOf)
	e.report(ds, st, f)
}

// finding writes into f, which is zero, the finding of instance in of st:
// discharged by by, or, when by is nil, as of asOf (missed or open). A
// prohibition's instance is a breach.
func (ds *dirState) finding(f *Finding, st *oblState, in *instance, by *event.Event, asOf time.Time) {
	loc := ds.d.Location
	o := st.o
	f.Direction, f.Obligation, f.Clause, f.Holder, f.Role, f.Kind = ds.d.ID, o.ID, o.Clause, o.Holder, o.Role, o.Kind
	f.Instance, f.Opens, f.Trigger, f.DischargedBy = in.Number, in.Opens, ds.eng.ref(in.Trigger), ds.eng.ref(by)
	f.Basis, f.Version = in.Basis, st.version
	if !in.dateGiven {
		f.Assumed = o.DeadlineAssumed
	}
	if by != nil {
		f.Attribution = in.placed
		if f.Attribution == "" {
			f.Attribution = string(obligation.OldestOutstanding)
		}
	}
	if o.Kind == obligation.Prohibition {
		f.Status = Breached
		f.Reason = "event " + in.Trigger.ID + " on " + longDate(in.trigDay) + " is forbidden by clause " + o.Clause
		return
	}
	// The due day and the reason are built in one buffer: a finding is
	// made for nearly every duty event of a national check.
	var buf [192]byte
	// An extension moves the deadline the status is judged by (extend.go).
	dueDay, dueAt := in.deadline()
	g := in.grant
	b := appendISODate(buf[:0], dueDay)
	due := len(b)
	if in.Trigger != nil {
		b = append(b, "for "...)
		b = append(b, in.Trigger.ID...)
		b = append(b, " on "...)
		b = appendLongDate(b, in.trigDay)
		b = append(b, ": "...)
	}
	b = append(b, "due "...)
	b = appendLongDate(b, in.Due)
	if g != nil {
		b = appendGrant(b, g, loc)
	}
	switch {
	case g != nil && g.waiver != nil:
		f.Status = Waived
		if g.waivedAfter {
			b = append(b, "; missed (not discharged by "...)
			b = appendLongDate(b, dueDay)
			b = append(b, "), then waived by "...)
		} else {
			b = append(b, "; waived by "...)
		}
		b = appendGrantor(b, g.waiver, loc)
	case by != nil && !by.At.After(dueAt):
		f.Status = Met
		byDay := ds.dayOf(by.At)
		early := byDay.DaysUntil(dueDay)
		b = appendMetBy(b, by, byDay)
		if early > 0 {
			b = append(b, ", "...)
			b = appendDays(b, early)
			b = append(b, " early"...)
		} else {
			b = append(b, ", on the due day"...)
		}
		if g != nil && g.ext != nil {
			b = append(b, " by the extended date"...)
		}
	case by != nil:
		f.Status = Late
		byDay := ds.dayOf(by.At)
		f.DaysLate = dueDay.DaysUntil(byDay)
		b = appendMetBy(b, by, byDay)
		b = append(b, ", "...)
		b = appendDays(b, f.DaysLate)
		b = append(b, " late"...)
		if g != nil && g.ext != nil {
			b = append(b, " by the extended date"...)
		}
	case dueAt.Before(asOf):
		f.Status = Missed
		b = append(b, "; no event satisfying clause "...)
		b = append(b, o.Clause...)
		b = append(b, " by "...)
		b = appendLongDate(b, civil.In(asOf, loc))
	default:
		f.Status = Open
		b = append(b, "; not yet discharged"...)
	}
	switch {
	case by == nil || in.placed == "":
	case in.placed == string(obligation.Window):
		b = append(b, " (placed by window: it falls in this instance's window)"...)
	default:
		b = append(b, " (placed by its "...)
		b = append(b, strings.TrimPrefix(in.placed, "attribute:")...)
		b = append(b, " attribute, which names this due date)"...)
	}
	if g != nil {
		if g.ext != nil {
			f.OriginalDue, f.ExtendedTo, f.Extension = in.Due.String(), g.extDue.String(), ds.eng.ref(g.ext)
			if by != nil && by.At.After(in.DueAt) {
				// Late by the original deadline whatever the extension
				// made of it: the finding says both.
				f.DaysLateOriginal = in.Due.DaysUntil(civil.In(by.At, loc))
				b = append(b, "; "...)
				b = appendDays(b, f.DaysLateOriginal)
				b = append(b, " late by the original due date"...)
			}
		}
		f.Waiver = ds.eng.ref(g.waiver)
	}
	text := ds.eng.str(b)
	f.Due, f.DueAt, f.Reason = text[:due], dueAt, text[due:]
}

// appendMetBy appends "; met by <id> on <day>", day being by's date in
// the direction's zone.
func appendMetBy(b []byte, by *event.Event, day civil.Date) []byte {
	b = append(b, "; met by "...)
	b = append(b, by.ID...)
	b = append(b, " on "...)
	return appendLongDate(b, day)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ParseAsOf reads an as-of time as the CLI's --as-of and the server's
// ?as_of= take it: a date means the end of that day in loc (a deadline
// on that day has not yet passed), an RFC 3339 time means that instant.
func ParseAsOf(s string, loc *time.Location) (time.Time, error) {
	t, dateOnly, err := event.ParseTime(s, loc)
	if err != nil {
		return time.Time{}, err
	}
	if dateOnly {
		return civil.In(t, loc).End(loc), nil
	}
	return t, nil
}
