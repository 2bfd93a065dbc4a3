package evaluator

import (
	"errors"
	"slices"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// Options control an evaluation.
type Options struct {
	// AsOf is the evaluation time: events after it are ignored and
	// deadlines before it have passed. It is required; the library never
	// reads the clock. Use EndOfDay to evaluate as of a whole day.
	AsOf time.Time
	// Trace, when set, is told each step of the evaluation (see Trace).
	Trace Trace
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
func Evaluate(set *direction.Set, events []event.Event, opts Options) (*Result, error) {
	if opts.AsOf.IsZero() {
		return nil, ErrNoAsOf
	}
	if err := event.Validate(events); err != nil {
		return nil, err
	}
	sorted := events
	if !isSorted(events) {
		sorted = event.Sort(events)
	}
	res := &Result{AsOf: opts.AsOf}
	// Findings arrive as they become final; the report lists them by
	// direction, obligation and instance, so they are gathered by
	// obligation and each bucket put in instance order at the end.
	var buckets [][][]Finding
	// Instances of an obligation are numbered 1, 2, ... and each gets one
	// finding here, so a finding goes straight to its place; the sort
	// below is then only a check.
	e := newEngine(set, opts.Trace, func(ds *dirState, st *oblState, f Finding) {
		b := buckets[ds.idx][st.idx]
		if i := f.Instance - 1; i >= len(b) && i < 2*len(b)+16 {
			b = append(b, make([]Finding, i+1-len(b))...)
			b[i] = f
		} else if i >= 0 && i < len(b) && b[i].Instance == 0 {
			b[i] = f
		} else {
			b = append(b, f)
		}
		buckets[ds.idx][st.idx] = b
	})
	buckets = make([][][]Finding, len(e.states))
	for i, ds := range e.states {
		buckets[i] = make([][]Finding, len(ds.obls))
	}
	n := len(sorted)
	for i := range sorted {
		ev := &sorted[i]
		if ev.At.After(opts.AsOf) {
			n = i
			break
		}
		if err := e.observe(ev); err != nil {
			return nil, err
		}
	}
	e.finish(opts.AsOf)
	res.Events = e.counts
	res.Events.Read, res.Events.AfterAsOf = len(sorted), len(sorted)-n
	for _, ds := range e.states {
		res.Directions = append(res.Directions, ds.status(opts.AsOf))
	}
	n = 0
	for _, d := range buckets {
		for _, b := range d {
			n += len(b)
		}
	}
	res.Findings = make([]Finding, 0, n)
	for _, d := range buckets {
		for _, b := range d {
			// Instance numbers are unique within an obligation. A slot
			// left empty (no finding had that number) is dropped.
			if !slices.IsSortedFunc(b, byInstance) {
				slices.SortFunc(b, byInstance)
			}
			for _, f := range b {
				if f.Instance != 0 {
					res.Findings = append(res.Findings, f)
				}
			}
		}
	}
	return res, nil
}

func byInstance(a, b Finding) int { return a.Instance - b.Instance }

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
	d := ds.d
	return DirectionStatus{
		ID: d.ID, Title: d.Title, Council: d.Council, File: d.File, SHA256: d.Digest,
		From: ds.force.From, Until: ds.force.Until, RevokedBy: ds.force.RevokedBy,
		InForce: ds.force.InForce(asOf), Reason: ds.force.Reason,
	}
}

func ref(ev *event.Event) *EventRef {
	if ev == nil {
		return nil
	}
	return &EventRef{ID: ev.ID, At: ev.At, Pos: ev.Pos}
}

// finding describes instance in of st: discharged by by, or, when by is
// nil, as of asOf (missed or open). A prohibition's instance is a breach.
func (ds *dirState) finding(st *oblState, in *instance, by *event.Event, asOf time.Time) Finding {
	loc := ds.d.Location
	o := st.o
	f := Finding{
		Direction: ds.d.ID, Obligation: o.ID, Clause: o.Clause, Holder: o.Holder, Kind: o.Kind,
		Instance: in.Number, Opens: in.Opens, Trigger: ref(in.Trigger), DischargedBy: ref(by),
		Basis: in.Basis,
	}
	if o.Kind == obligation.Prohibition {
		f.Status = Breached
		f.Reason = "event " + in.Trigger.ID + " on " + day(in.Trigger.At, loc) + " is forbidden by clause " + o.Clause
		return f
	}
	f.Due, f.DueAt = isoDate(in.Due), in.DueAt
	// The reason is built in one buffer: a finding is made for nearly
	// every duty event of a national check.
	var buf [160]byte
	b := buf[:0]
	if in.Trigger != nil {
		b = append(b, "for "...)
		b = append(b, in.Trigger.ID...)
		b = append(b, " on "...)
		b = appendLongDate(b, civil.In(in.Trigger.At, loc))
		b = append(b, ": "...)
	}
	b = append(b, "due "...)
	b = appendLongDate(b, in.Due)
	switch {
	case by != nil && !by.At.After(in.DueAt):
		f.Status = Met
		early := civil.In(by.At, loc).DaysUntil(in.Due)
		b = appendMetBy(b, by, loc)
		if early > 0 {
			b = append(b, ", "...)
			b = appendDays(b, early)
			b = append(b, " early"...)
		} else {
			b = append(b, ", on the due day"...)
		}
	case by != nil:
		f.Status = Late
		f.DaysLate = in.Due.DaysUntil(civil.In(by.At, loc))
		b = appendMetBy(b, by, loc)
		b = append(b, ", "...)
		b = appendDays(b, f.DaysLate)
		b = append(b, " late"...)
	case in.DueAt.Before(asOf):
		f.Status = Missed
		b = append(b, "; no event satisfying clause "...)
		b = append(b, o.Clause...)
		b = append(b, " by "...)
		b = appendLongDate(b, civil.In(asOf, loc))
	default:
		f.Status = Open
		b = append(b, "; not yet discharged"...)
	}
	f.Reason = string(b)
	return f
}

func appendMetBy(b []byte, by *event.Event, loc *time.Location) []byte {
	b = append(b, "; met by "...)
	b = append(b, by.ID...)
	b = append(b, " on "...)
	return appendLongDate(b, civil.In(by.At, loc))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
