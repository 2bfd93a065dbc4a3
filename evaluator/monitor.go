package evaluator

import (
	"container/heap"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// Monitor evaluates a council's events one at a time, as a case-management
// system records them, and reports each finding the moment it is known:
//
//   - met or late when an event discharges an instance;
//   - breached when an event is caught by a prohibition;
//   - missed when time passes an instance's deadline without a discharge
//     (on Advance, or on Observe of a later event); if a late discharge
//     follows, the instance is reported again as late.
//
// Finish reports every instance still undischarged as of the final time
// (missed or open). For each instance the last finding reported is the
// one Evaluate gives for the same events and as-of time, field for field;
// met, late and breached findings are final when reported.
//
// The monitor holds only outstanding instances and the events a future
// trigger may claim, never the history. It copies the few events it keeps,
// so callers may reuse the event they pass. Events must arrive in time
// order (ties in arrival order); an event earlier than one already
// observed, or than the time advanced to, is rejected with an
// *OrderError and changes nothing. Event ids must be unique: the monitor
// does not keep every id to check, so a repeated id is the caller's error.
//
// A Monitor applies every direction in the set it is given from that
// direction's issue date, including one issued after the time it has
// reached. Live, that cannot happen: a revoking or varying direction is
// loaded only once it is made, and a monitor built from the new set takes
// it into account from then. Replaying a history to compare with Evaluate
// as of a time, give it the set as known then (Set.AsOf), since Evaluate
// ignores a direction issued after its as-of time.
//
// A Monitor is not safe for concurrent use; run one per council.
type Monitor struct {
	e      *engine
	report func(Finding)
	last   time.Time
	lastID []byte // a copy of the last event's id, as Stream keeps it
	read   int
	done   bool
	// uncertain refuses a set with dates known only to a range.
	uncertain error
}

// OrderError is an event that arrived out of time order.
type OrderError struct {
	Event     string
	At        time.Time
	LastEvent string // the event the monitor has already seen, or "" when it advanced to Last
	Last      time.Time
}

func (e *OrderError) Error() string {
	what := "the monitor has already advanced to " + e.Last.Format(time.RFC3339)
	if e.LastEvent != "" {
		what = fmt.Sprintf("event %q at %s has already been observed", e.LastEvent, e.Last.Format(time.RFC3339))
	}
	return fmt.Sprintf("event %q at %s is out of time order: %s; events must be given oldest first", e.Event, e.At.Format(time.RFC3339), what)
}

// ErrFinished is returned by calls after Finish.
var ErrFinished = errors.New("evaluator: the monitor has finished")

// NewMonitor returns a monitor of the directions in set that calls report
// with each finding as it becomes known. report runs on the caller's
// goroutine, inside Observe, Advance and Finish.
func NewMonitor(set *direction.Set, report func(Finding)) *Monitor {
	m := &Monitor{report: report, uncertain: uncertainDirection(set)}
	m.e = newEngine(set, nil, nil, func(_ *dirState, _ *oblState, f *Finding) { m.report(*f) })
	m.e.keep, m.e.deadlines = true, true
	for _, ds := range m.e.states {
		// Instances made with the state (once obligations) predate the
		// deadlines setting.
		for _, st := range ds.obls {
			for _, in := range st.outstanding {
				heap.Push(&ds.due, in)
			}
		}
		ds.setWake(time.Time{})
	}
	return m
}

// Observe applies one event. It first reports the deadlines that passed
// before the event's time, then what the event did.
func (m *Monitor) Observe(ev *event.Event) error {
	if m.done {
		return ErrFinished
	}
	switch {
	case ev.ID == "":
		return fmt.Errorf("evaluator: event has no id")
	case ev.Type == "":
		return fmt.Errorf("evaluator: event %q has no type", ev.ID)
	case ev.At.IsZero():
		return fmt.Errorf("evaluator: event %q has no time (at)", ev.ID)
	case ev.At.Before(m.last):
		return &OrderError{Event: strings.Clone(ev.ID), At: ev.At, LastEvent: string(m.lastID), Last: m.last}
	case !ev.Through.IsZero():
		return uncertainEvent(ev)
	case m.uncertain != nil:
		return m.uncertain
	}
	for _, ds := range m.e.states {
		ds.advance(ev.At)
	}
	m.last, m.lastID = ev.At, append(m.lastID[:0], ev.ID...)
	m.read++
	return m.e.observe(ev)
}

// Advance moves the monitor's clock to t, reporting every deadline that
// has passed by then (a deadline is the last instant of the due day, so
// advancing to the first instant of the next day reports it).
func (m *Monitor) Advance(t time.Time) error {
	if m.done {
		return ErrFinished
	}
	if m.uncertain != nil {
		return m.uncertain
	}
	if t.Before(m.last) {
		return fmt.Errorf("evaluator: cannot advance to %s, before %s already reached", t.Format(time.RFC3339), m.last.Format(time.RFC3339))
	}
	m.last, m.lastID = t, m.lastID[:0]
	for _, ds := range m.e.states {
		ds.advance(t)
		if ds.err != nil {
			return ds.err
		}
	}
	return nil
}

// Finish reports every instance not discharged, as of asOf (missed if its
// deadline is before asOf, else open), and returns the event counts as
// Evaluate would give them. The monitor cannot be used afterwards.
func (m *Monitor) Finish(asOf time.Time) (EventCounts, error) {
	if m.done {
		return EventCounts{}, ErrFinished
	}
	if m.uncertain != nil {
		return EventCounts{}, m.uncertain
	}
	if asOf.Before(m.last) {
		return EventCounts{}, fmt.Errorf("evaluator: cannot finish as of %s, before %s already reached", asOf.Format(time.RFC3339), m.last.Format(time.RFC3339))
	}
	m.done = true
	if err := m.e.finish(asOf); err != nil {
		return EventCounts{}, err
	}
	c := m.e.counts
	c.Read = m.read
	return c, nil
}

// Outstanding returns how many instances the monitor is holding: those
// not yet discharged, missed ones included.
func (m *Monitor) Outstanding() int {
	n := 0
	for _, ds := range m.e.states {
		for _, st := range ds.obls {
			n += len(st.outstanding) - st.ndone
		}
	}
	return n
}

// Wake returns the earliest time at which Advance has anything to do (a
// deadline passes, a recurring instance opens, a direction comes into
// force), so that a service can set a timer to it instead of polling; ok
// is false when nothing is pending.
func (m *Monitor) Wake() (t time.Time, ok bool) {
	t = farFuture
	for _, ds := range m.e.states {
		t = minTime(t, ds.wake)
	}
	if !t.Before(farFuture) {
		return time.Time{}, false
	}
	return t, true
}
