package evaluator

import (
	"errors"
	"fmt"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/civil"
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
	sorted := event.Sort(events)
	res := &Result{AsOf: opts.AsOf}
	res.Events.Read = len(sorted)
	uses := make([]use, len(sorted))
	states := make([]*dirState, len(set.Directions))
	for i, d := range set.Directions {
		states[i] = newDirState(d, set.Force(d))
		if states[i].trace = opts.Trace; opts.Trace != nil {
			states[i].traceExisting()
		}
	}
	for i := range sorted {
		ev := &sorted[i]
		if ev.At.After(opts.AsOf) {
			res.Events.AfterAsOf = len(sorted) - i
			break
		}
		for _, ds := range states {
			if err := ds.observe(ev, &uses[i]); err != nil {
				return nil, err
			}
		}
	}
	for i := 0; i < len(sorted)-res.Events.AfterAsOf; i++ {
		u := uses[i]
		switch {
		case u.discharged || u.triggered || u.breached:
			res.Events.Used++
		default:
			res.Events.Irrelevant++
		}
		res.Events.Discharged += b2i(u.discharged)
		res.Events.Triggered += b2i(u.triggered)
		res.Events.Breached += b2i(u.breached)
	}
	for _, ds := range states {
		ds.advance(opts.AsOf)
		res.Directions = append(res.Directions, ds.status(opts.AsOf))
		res.Findings = append(res.Findings, ds.findings(opts.AsOf)...)
	}
	return res, nil
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

// findings classifies every instance as of asOf.
func (ds *dirState) findings(asOf time.Time) []Finding {
	loc := ds.d.Location
	var out []Finding
	for _, st := range ds.obls {
		o := st.o
		for _, in := range st.all {
			f := Finding{
				Direction: ds.d.ID, Obligation: o.ID, Clause: o.Clause, Holder: o.Holder, Kind: o.Kind,
				Instance: in.Number, Opens: in.Opens, Trigger: ref(in.Trigger), DischargedBy: ref(in.discharged),
				Basis: in.Basis,
			}
			if o.Kind == obligation.Prohibition {
				f.Status = Breached
				f.Reason = fmt.Sprintf("event %s on %s is forbidden by clause %s", in.Trigger.ID, day(in.Trigger.At, loc), o.Clause)
				out = append(out, f)
				continue
			}
			f.Due, f.DueAt = in.Due.String(), in.DueAt
			switch {
			case in.discharged != nil && !in.discharged.At.After(in.DueAt):
				f.Status = Met
				early := civil.In(in.discharged.At, loc).DaysUntil(in.Due)
				f.Reason = fmt.Sprintf("due %s; met by %s on %s", in.Due.Long(), in.discharged.ID, day(in.discharged.At, loc))
				if early > 0 {
					f.Reason += fmt.Sprintf(", %d day%s early", early, plural(early))
				} else {
					f.Reason += ", on the due day"
				}
			case in.discharged != nil:
				f.Status = Late
				f.DaysLate = in.Due.DaysUntil(civil.In(in.discharged.At, loc))
				f.Reason = fmt.Sprintf("due %s; met by %s on %s, %d day%s late", in.Due.Long(), in.discharged.ID, day(in.discharged.At, loc), f.DaysLate, plural(f.DaysLate))
			case in.DueAt.Before(asOf):
				f.Status = Missed
				f.Reason = fmt.Sprintf("due %s; no event satisfying clause %s by %s", in.Due.Long(), o.Clause, day(asOf, loc))
			default:
				f.Status = Open
				f.Reason = fmt.Sprintf("due %s; not yet discharged", in.Due.Long())
			}
			if in.Trigger != nil {
				f.Reason = fmt.Sprintf("for %s on %s: %s", in.Trigger.ID, day(in.Trigger.At, loc), f.Reason)
			}
			out = append(out, f)
		}
	}
	return out
}

func day(t time.Time, loc *time.Location) string { return civil.In(t, loc).Long() }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
