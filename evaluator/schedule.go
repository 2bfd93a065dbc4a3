package evaluator

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// ScheduleOptions choose the deadlines Schedule lists.
type ScheduleOptions struct {
	// From and Until bound the due times listed, both inclusive: a
	// deadline is listed when its last instant (DueAt) is in [From, Until].
	// Until is required; use a day's End for "until 31 Dec".
	From, Until time.Time
	// Now is when the schedule is read. A deadline not yet discharged whose
	// due time is before Now is overdue; with Now zero none is. The library
	// never reads the clock.
	Now time.Time
}

// DeadlineState says where a listed deadline stands.
type DeadlineState string

// The states of a deadline.
const (
	StateMet     DeadlineState = "met"     // discharged by its due time
	StateLate    DeadlineState = "late"    // discharged after its due time
	StateOverdue DeadlineState = "overdue" // not discharged, and due before Now
	StateDue     DeadlineState = "due"     // not discharged, not yet overdue
	StateWaived  DeadlineState = "waived"  // excused by a waiver event
	// The finding is Indeterminate or Possible: it depends on a date known
	// only to a range (Deadline.Cases say how).
	StateIndeterminate DeadlineState = "indeterminate"
	StatePossible      DeadlineState = "possible"
)

// Deadline is one obligation instance falling due in a schedule's range.
type Deadline struct {
	// Key identifies the instance across runs: direction/obligation/N for
	// recurring and once obligations, and direction/obligation@event-id for
	// triggered ones, whose numbers change when an earlier trigger is added.
	Key        string `json:"key"`
	Direction  string `json:"direction"`
	Title      string `json:"direction_title"`
	Obligation string `json:"obligation"`
	Clause     string `json:"clause"`
	Holder     string `json:"holder"`
	// Role is whose obligation it is: the council's duty or another
	// party's expectation (as Finding.Role).
	Role     obligation.Role `json:"role"`
	Kind     obligation.Kind `json:"kind"`
	Instance int             `json:"instance"`
	// Assumed is the assumption the due date rests on, if any (as
	// Finding.Assumed).
	Assumed string `json:"assumed,omitempty"`
	// Summary says what is due, from the direction.
	Summary string    `json:"summary"`
	Due     string    `json:"due"`
	DueAt   time.Time `json:"due_at"`
	// Basis says how the due date was computed.
	Basis        string        `json:"basis,omitempty"`
	Trigger      *EventRef     `json:"trigger,omitempty"`
	State        DeadlineState `json:"state"`
	DischargedBy *EventRef     `json:"discharged_by,omitempty"`
	DaysLate     int           `json:"days_late,omitempty"`
	// Version is Finding.Version: the direction whose text it falls due
	// under, when a later direction varied the obligation.
	Version string `json:"version,omitempty"`
	// Due is the deadline in effect: for an extended instance the
	// extended date, with OriginalDue the date it had before Extension.
	// Waiver is the event that waived a waived deadline.
	OriginalDue string    `json:"original_due,omitempty"`
	Extension   *EventRef `json:"extension,omitempty"`
	Waiver      *EventRef `json:"waiver,omitempty"`
	// DueLatest, Cases and Uncertain are set when the deadline depends on
	// a date known only to a range: the latest due date when it varies,
	// the finding's cases, and its reason in words.
	DueLatest string `json:"due_latest,omitempty"`
	Cases     []Case `json:"cases,omitempty"`
	Uncertain string `json:"uncertain,omitempty"`
}

// Discharged reports whether an event has discharged the deadline.
func (d Deadline) Discharged() bool { return d.DischargedBy != nil }

// ErrNoUntil is returned when ScheduleOptions.Until is zero.
var ErrNoUntil = errors.New("evaluator: ScheduleOptions.Until is required (the library never reads the clock)")

// Schedule lists every obligation instance of set due between opts.From and
// opts.Until, earliest first, with whether the events discharge it. It
// generates every recurring instance due by Until, but knows only what was
// known at Now: events after Now are ignored, as Evaluate as of Now ignores
// them (a report dated after Now does not meet a deadline, and a planned
// meeting dated after Now creates none yet). With Now zero every event up
// to Until counts. Prohibitions have no deadlines and are not listed. Like
// Evaluate it never modifies its inputs.
func Schedule(set *direction.Set, events []event.Event, opts ScheduleOptions) ([]Deadline, error) {
	return ScheduleContext(context.Background(), set, events, opts)
}

// ScheduleContext is Schedule, stopping with ctx's error soon after ctx is
// done, as EvaluateContext does (it evaluates through it).
func ScheduleContext(ctx context.Context, set *direction.Set, events []event.Event, opts ScheduleOptions) ([]Deadline, error) {
	if err := checkRange(opts); err != nil {
		return nil, err
	}
	if !opts.Now.IsZero() {
		// Read as of Now, a direction issued later revokes or varies
		// nothing yet (Evaluate as of Until would apply it).
		set = set.AsOf(opts.Now)
	}
	res, err := EvaluateContext(ctx, set, events, Options{AsOf: opts.Until, known: opts.Now})
	if err != nil {
		return nil, err
	}
	return deadlines(set, res, opts), nil
}

// checkRange refuses a schedule range without an end or ending before it
// starts.
func checkRange(opts ScheduleOptions) error {
	if opts.Until.IsZero() {
		return ErrNoUntil
	}
	if opts.Until.Before(opts.From) {
		return fmt.Errorf("evaluator: schedule range ends (%s) before it starts (%s)", opts.Until.Format(time.RFC3339), opts.From.Format(time.RFC3339))
	}
	return nil
}

// deadlines lists res's findings due in opts' range as deadlines, earliest
// first; res's findings are in Evaluate's order.
func deadlines(set *direction.Set, res *Result, opts ScheduleOptions) []Deadline {
	dirs := make(map[string]*direction.Direction, len(set.Directions))
	for _, d := range set.Directions {
		dirs[d.ID] = d
	}
	var out []Deadline
	for _, f := range res.Findings {
		if f.Kind == obligation.Prohibition || f.DueAt.Before(opts.From) || f.DueAt.After(opts.Until) {
			continue
		}
		dl := Deadline{
			Key:       fmt.Sprintf("%s/%s/%d", f.Direction, f.Obligation, f.Instance),
			Direction: f.Direction, Obligation: f.Obligation, Clause: f.Clause, Holder: f.Holder, Role: f.Role, Kind: f.Kind,
			Instance: f.Instance, Assumed: f.Assumed, Due: f.Due, DueAt: f.DueAt, Basis: f.Basis, Trigger: f.Trigger,
			DischargedBy: f.DischargedBy, DaysLate: f.DaysLate, Version: f.Version,
			OriginalDue: f.OriginalDue, Extension: f.Extension, Waiver: f.Waiver, DueLatest: f.DueLatest, Cases: f.Cases,
		}
		if f.Status == Indeterminate || f.Status == Possible {
			dl.Uncertain = f.Reason
		}
		if f.Trigger != nil {
			dl.Key = fmt.Sprintf("%s/%s@%s", f.Direction, f.Obligation, f.Trigger.ID)
		}
		if d := dirs[f.Direction]; d != nil {
			dl.Title = d.Title
			if o := d.Obligation(f.Obligation); o != nil {
				dl.Summary = o.Summary
			}
		}
		switch {
		case f.Status == Indeterminate:
			dl.State = StateIndeterminate
		case f.Status == Possible:
			dl.State = StatePossible
		case f.Status == Met:
			dl.State = StateMet
		case f.Status == Late:
			dl.State = StateLate
		case f.Status == Waived:
			dl.State = StateWaived
		case !opts.Now.IsZero() && f.DueAt.Before(opts.Now):
			dl.State = StateOverdue
		default:
			dl.State = StateDue
		}
		out = append(out, dl)
	}
	// Findings come grouped by direction and obligation; keep that order
	// among deadlines due at the same instant.
	sort.SliceStable(out, func(i, j int) bool { return out[i].DueAt.Before(out[j].DueAt) })
	return out
}
