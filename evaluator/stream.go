package evaluator

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// Stream evaluates events as Evaluate does, but reads them one at a time
// from next (which returns io.EOF after the last) and reports each finding
// through report instead of returning it: met, late and breached findings
// the moment they are final, then, after the last event, every instance
// still undischarged as of opts.AsOf. The findings are Evaluate's, in the
// order they became final rather than Evaluate's order. The Result has
// the directions and event counts and no findings.
//
// Memory is bounded by the instances outstanding and the events a future
// trigger may still claim, not by the length of the history: an event is
// copied only if it is kept, so next may reuse its event (as
// event.Reader does). Events must come in time order; an event earlier
// than the one before is an *OrderError. Stream does not check that ids
// are unique, which would need memory growing with the history; Evaluate
// does.
func Stream(set *direction.Set, next func() (*event.Event, error), opts Options, report func(Finding)) (*Result, error) {
	if opts.AsOf.IsZero() {
		return nil, ErrNoAsOf
	}
	if err := uncertainDirection(set); err != nil {
		return nil, err
	}
	set = set.AsOf(opts.AsOf) // as Evaluate
	e := newEngine(set, opts.Trace, opts.traceOnly, func(_ *dirState, _ *oblState, f *Finding) { report(*f) })
	e.keep = true
	res := &Result{AsOf: opts.AsOf}
	var last time.Time
	// lastID holds a copy of the last event's id, not the id: next may
	// hand out ids that live only until its next call (the CLI's reader
	// does, event.Reader's lineIDs), so the bytes are copied into a
	// buffer reused from event to event and made a string only for an
	// *OrderError.
	var lastID []byte
	cut := opts.cutoff() // AsOf, or ScheduleOptions.Now for ScheduleStream
	for {
		ev, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch {
		case ev.ID == "" || ev.Type == "" || ev.At.IsZero():
			return nil, fmt.Errorf("%s: event %q needs an id, a type and a time", ev.Pos, ev.ID)
		case ev.At.Before(last):
			return nil, &OrderError{Event: strings.Clone(ev.ID), At: ev.At, LastEvent: string(lastID), Last: last}
		case !ev.Through.IsZero():
			return nil, uncertainEvent(ev)
		}
		last, lastID = ev.At, append(lastID[:0], ev.ID...)
		res.Events.Read++
		if ev.At.After(cut) {
			res.Events.AfterAsOf++
			continue
		}
		if err := e.observe(ev); err != nil {
			return nil, err
		}
	}
	if err := e.finish(opts.AsOf); err != nil {
		return nil, err
	}
	read, after := res.Events.Read, res.Events.AfterAsOf
	res.Events = e.counts
	res.Events.Read, res.Events.AfterAsOf = read, after
	for _, ds := range e.states {
		res.Directions = append(res.Directions, ds.status(opts.AsOf))
	}
	return res, nil
}

// ReadsAttributes returns a function reporting whether evaluating set can
// read any attribute of an event of a given type. It is false for a type
// that no obligation's type guard admits when every obligation has a
// guard: such an event costs the engine a map lookup and nothing else
// (see dirState.observe), so a reader may leave its attributes undecoded.
// It is always true for extension and waiver events, whose attributes
// name the instance they grant for (see engine.grant).
func ReadsAttributes(set *direction.Set) func(eventType string) bool {
	types := map[string]bool{ExtensionEvent: true, WaiverEvent: true}
	for _, d := range set.Directions {
		p := planFor(d)
		if len(p.anyType) > 0 {
			return func(string) bool { return true }
		}
		for t := range p.byType {
			types[t] = true
		}
	}
	return func(t string) bool { return types[t] }
}
