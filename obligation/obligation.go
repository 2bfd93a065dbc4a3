package obligation

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/celenv"
)

// Kind says how an obligation falls due.
type Kind string

// The kinds of obligation.
const (
	// Recurring falls due every period from an anchor.
	Recurring Kind = "recurring"
	// Once falls due on one date.
	Once Kind = "once"
	// Triggered falls due once for each event matching its trigger.
	Triggered Kind = "triggered"
	// Prohibition is breached by each event matching its condition.
	Prohibition Kind = "prohibition"
)

// Kinds lists the kinds in the order the format documents them.
var Kinds = []Kind{Recurring, Once, Triggered, Prohibition}

// Unit is the unit of a Period.
type Unit string

// Period units.
const (
	Months Unit = "months"
	Weeks  Unit = "weeks"
	Days   Unit = "days"
)

// Period is a length of civil time such as 3 months.
type Period struct {
	N    int
	Unit Unit
}

// ParsePeriod reads "3 months", "1 month", "2 weeks" or "10 days", and the
// words quarterly, monthly, weekly, six-monthly and annually.
func ParsePeriod(s string) (Period, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "monthly":
		return Period{1, Months}, nil
	case "quarterly":
		return Period{3, Months}, nil
	case "six-monthly", "six monthly", "half-yearly":
		return Period{6, Months}, nil
	case "annually", "yearly":
		return Period{12, Months}, nil
	case "weekly":
		return Period{1, Weeks}, nil
	}
	f := strings.Fields(s)
	if len(f) == 2 {
		n, err := strconv.Atoi(f[0])
		unit := strings.ToLower(f[1])
		if !strings.HasSuffix(unit, "s") {
			unit += "s"
		}
		if err == nil {
			switch Unit(unit) {
			case Months, Weeks, Days:
				return Period{n, Unit(unit)}, nil
			case "years":
				return Period{12 * n, Months}, nil
			}
		}
	}
	return Period{}, fmt.Errorf("%q is not a period: write a whole number and a unit, such as \"3 months\", \"2 weeks\" or \"10 days\", or one of quarterly, monthly, six-monthly, annually, weekly", s)
}

// String formats p as "3 months".
func (p Period) String() string {
	unit := string(p.Unit)
	if p.N == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return fmt.Sprintf("%d %s", p.N, unit)
}

// IsZero reports whether p is empty.
func (p Period) IsZero() bool { return p.N == 0 }

func (p Period) parts() (months, days int) {
	switch p.Unit {
	case Months:
		return p.N, 0
	case Weeks:
		return 0, 7 * p.N
	}
	return 0, p.N
}

// Schedule is when a recurring or once obligation falls due.
type Schedule struct {
	// Recurring: instance k is due on Anchor + First + (k-1)·Every.
	Every  Period
	First  Period
	Anchor civil.Date
	// AnchorIs describes the anchor for explanations ("the direction's date").
	AnchorIs string
	// Count limits the number of instances; 0 means no limit.
	Count int
	// Until is the last date an instance may fall due; zero means none.
	Until civil.Date

	// Once: the due date, and how it was written.
	On       civil.Date
	OnSource string
}

// Role says whose obligation it is in law. A direction under section
// 497A(4B) binds only the council it is made to, so only the council's
// duties can be breaches of it; what the direction records as another
// party's role (an improvement adviser's or a Commissioner's terms of
// reference) is an expectation of that party: tracked and shown, never a
// breach of the direction.
type Role string

// The roles an obligation can have.
const (
	// Duty is what the direction requires of the directed council (the
	// default, so files written before roles existed keep their meaning).
	Duty Role = "duty"
	// Expectation is another party's role that the direction records.
	Expectation Role = "expectation"
)

// Obligation is one duty in a direction.
type Obligation struct {
	ID     string
	Clause string // as printed in the direction, e.g. 8(f) or Annex B 3
	Holder string // the party id of the duty holder
	// Role is Duty or Expectation; never empty once loaded.
	Role Role
	// DeadlineAssumed, when not empty, says why the due dates rest on a
	// modelling assumption rather than on the text ("regular" read as
	// quarterly, say); every finding of the obligation carries it.
	DeadlineAssumed string
	// Summary says what the duty is, in the project's own words; Source
	// cites the file and paragraph it comes from.
	Summary, Source string
	// Assumptions the sources do not settle, stated next to the model.
	Assumptions []string
	Kind        Kind
	Schedule    Schedule
	Pos         diag.Position

	satisfiedBy, when, due *celenv.Program
	// assumedUnless, for a triggered obligation, is true of the triggers
	// whose instance's due date the text (or the trigger) gives.
	assumedUnless *celenv.Program
}

// SetAssumedUnless sets the condition on the trigger under which a triggered
// obligation's due date is not an assumption (a request that sets its own
// date, say). It is for the direction loader, before the obligation is
// shared.
func (o *Obligation) SetAssumedUnless(p *celenv.Program) { o.assumedUnless = p }

// AssumedUnless returns the text of that condition, or "".
func (o *Obligation) AssumedUnless() string { return text(o.assumedUnless) }

// AssumedFor returns the assumption the due date of the instance trigger
// created rests on: DeadlineAssumed, or "" when the obligation has none or
// its deadline_assumed.unless holds of trigger. If the condition cannot be
// evaluated the date is reported as assumed, the cautious answer.
func (o *Obligation) AssumedFor(v *Vars, trigger *event.Event) string {
	if o.DeadlineAssumed == "" || o.assumedUnless == nil || trigger == nil {
		return o.DeadlineAssumed
	}
	v.Event, v.Instance = nil, nil
	v.Trigger = celenv.EventValue{Ev: trigger}
	if given, err := o.assumedUnless.EvalBool(v); err == nil && given {
		return ""
	}
	return o.DeadlineAssumed
}

// New assembles an obligation from its description and compiled
// expressions. It is used by the direction loader; satisfiedBy is nil for a
// prohibition, when is set for triggered and prohibition obligations, and due
// for triggered ones.
func New(o Obligation, satisfiedBy, when, due *celenv.Program) *Obligation {
	o.satisfiedBy, o.when, o.due = satisfiedBy, when, due
	if o.Role == "" {
		o.Role = Duty
	}
	return &o
}

// SatisfiedBy returns the text of the discharge condition.
func (o *Obligation) SatisfiedBy() string { return text(o.satisfiedBy) }

// When returns the text of the trigger or breach condition.
func (o *Obligation) When() string { return text(o.when) }

// DueExpr returns the text of a triggered obligation's due expression.
func (o *Obligation) DueExpr() string { return text(o.due) }

func text(p *celenv.Program) string {
	if p == nil {
		return ""
	}
	return p.Text
}

// mayMatch reports whether p could be true for an event of type t, from
// its event.type guards, so that other events skip CEL entirely.
func mayMatch(p *celenv.Program, t string) bool {
	if p == nil {
		return false
	}
	if p.EventTypes == nil {
		return true
	}
	for _, x := range p.EventTypes {
		if x == t {
			return true
		}
	}
	return false
}

// MaySatisfy reports whether an event of type t could discharge an instance.
func (o *Obligation) MaySatisfy(t string) bool { return mayMatch(o.satisfiedBy, t) }

// MayTrigger reports whether an event of type t could trigger (or, for a
// prohibition, breach) the obligation.
func (o *Obligation) MayTrigger(t string) bool { return mayMatch(o.when, t) }

// EventTypes returns the event types the obligation can react to, or nil
// when any type might.
func (o *Obligation) EventTypes() []string {
	var out []string
	for _, p := range []*celenv.Program{o.satisfiedBy, o.when} {
		if p == nil {
			continue
		}
		if p.EventTypes == nil {
			return nil
		}
		out = append(out, p.EventTypes...)
	}
	return out
}

// Vars are the values an evaluation binds; Direction and Params are fixed
// for a direction, the rest change per call.
type Vars = celenv.Activation

// Satisfies reports whether ev discharges inst.
func (o *Obligation) Satisfies(v *Vars, ev *event.Event, inst *Instance) (bool, error) {
	v.Event = celenv.EventValue{Ev: ev}
	v.Instance = inst.value()
	v.Trigger = nil
	if inst.Trigger != nil {
		v.Trigger = celenv.EventValue{Ev: inst.Trigger}
	}
	ok, err := o.satisfiedBy.EvalBool(v)
	return ok, o.wrap(err, "satisfied_by", ev)
}

// Matches reports whether ev triggers (or, for a prohibition, breaches) o.
func (o *Obligation) Matches(v *Vars, ev *event.Event) (bool, error) {
	v.Event = celenv.EventValue{Ev: ev}
	v.Trigger, v.Instance = nil, nil
	ok, err := o.when.EvalBool(v)
	key := "triggered.when"
	if o.Kind == Prohibition {
		key = "prohibition.when"
	}
	return ok, o.wrap(err, key, ev)
}

// DueFor computes the due date of the instance trigger creates.
func (o *Obligation) DueFor(v *Vars, trigger *event.Event, loc *time.Location) (civil.Date, error) {
	v.Event, v.Instance = nil, nil
	v.Trigger = celenv.EventValue{Ev: trigger}
	t, err := o.due.EvalTime(v)
	if err != nil {
		return civil.Date{}, o.wrap(err, "triggered.due", trigger)
	}
	return civil.In(t, loc), nil
}

// EvalError is an expression that failed while evaluating an event.
type EvalError struct {
	Obligation string
	Clause     string
	Expr       string // the key, such as satisfied_by
	Pos        diag.Position
	Event      string
	EventPos   diag.Position
	Err        error
}

func (e *EvalError) Error() string {
	where := ""
	if e.EventPos.IsValid() {
		where = " (" + e.EventPos.String() + ")"
	}
	return fmt.Sprintf("%s: obligation %s (clause %s): %s failed on event %q%s: %v", e.Pos, e.Obligation, e.Clause, e.Expr, e.Event, where, e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

func (o *Obligation) wrap(err error, key string, ev *event.Event) error {
	if err == nil {
		return nil
	}
	var p diag.Position
	switch key {
	case "satisfied_by":
		p = o.satisfiedBy.Pos
	case "triggered.due":
		p = o.due.Pos
	default:
		p = o.when.Pos
	}
	return &EvalError{Obligation: o.ID, Clause: o.Clause, Expr: key, Pos: p, Event: ev.ID, EventPos: ev.Pos, Err: err}
}

// DueDate returns the k-th (1-based) due date of a recurring obligation and
// says in words how it was computed.
func (o *Obligation) DueDate(k int) (civil.Date, string) {
	s := o.Schedule
	fm, fd := s.First.parts()
	em, ed := s.Every.parts()
	// Read left to right: with first in days or weeks and every in months,
	// the months run from anchor + first (21 Jan + 10 days = 31 Jan, then
	// 28 Feb, 31 Mar), not from the anchor (21 Feb + 10 days = 3 Mar).
	// Months are still added in one step, so clamping never drifts.
	base := s.Anchor
	if fd != 0 && em != 0 {
		base, fd = s.Anchor.AddDays(fd), 0
	}
	months, days := fm+(k-1)*em, fd+(k-1)*ed
	byMonths := base.AddMonths(months)
	due := byMonths.AddDays(days)
	var b strings.Builder
	fmt.Fprintf(&b, "%s", s.Anchor.Long())
	if s.AnchorIs != "" {
		fmt.Fprintf(&b, " (%s)", s.AnchorIs)
	}
	offset := []string{}
	if !s.First.IsZero() {
		offset = append(offset, s.First.String())
	}
	if k > 1 {
		offset = append(offset, fmt.Sprintf("%d × %s", k-1, s.Every))
	}
	if len(offset) > 0 {
		fmt.Fprintf(&b, " + %s", strings.Join(offset, " + "))
	}
	fmt.Fprintf(&b, " = %s", due.Long())
	if months != 0 && byMonths.Day != base.Day {
		fmt.Fprintf(&b, " (the %s has no day %d, so the month's last day)", byMonths.Month, base.Day)
	}
	return due, b.String()
}

// Instance is one occurrence of an obligation: a report that falls due, a
// request to be answered, a breach.
type Instance struct {
	Obligation *Obligation
	// Number counts from 1 in due order (recurring), trigger order
	// (triggered) or event order (prohibition).
	Number int
	// Opens is when events start to count towards this instance.
	Opens time.Time
	// Due is the deadline date; DueAt its last instant in the direction's
	// time zone. Both are zero for a prohibition.
	Due   civil.Date
	DueAt time.Time
	// Trigger is the event that created a triggered instance or that
	// breached a prohibition.
	Trigger *event.Event
	// Basis says how the due date was computed.
	Basis string

	val celenv.Value
}

func (in *Instance) value() celenv.Value {
	if in.val == nil {
		in.val = celenv.Map(map[string]any{
			"number": int64(in.Number),
			"opens":  in.Opens,
			"due":    in.DueAt,
		})
	}
	return in.val
}
