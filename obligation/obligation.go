package obligation

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/celenv"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/yamlx"
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

// Kinds returns the kinds in the order the format documents them.
func Kinds() []Kind { return []Kind{Recurring, Once, Triggered, Prohibition} }

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

// maxPeriod bounds a period in each unit at 100 years, far beyond any
// direction's and well inside the date arithmetic: a longer one (first:
// 9223372036854775807 days) used to wrap round to a date before the
// direction (see docs/limits.md).
var maxPeriod = map[string]int{"months": 1200, "weeks": 5218, "days": 36525, "years": 100}

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
		limit, known := maxPeriod[unit]
		if known && (errors.Is(err, strconv.ErrRange) || (err == nil && (n > limit || n < -limit))) {
			return Period{}, fmt.Errorf("%q is too long: a period may be at most 100 years (1200 months, 5218 weeks or 36525 days), so that due dates stay within the years 1 to 9999", s)
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

// AddTo returns d plus p, a month step clamped to the month's last day.
func (p Period) AddTo(d civil.Date) civil.Date {
	m, days := p.parts()
	return d.AddMonths(m).AddDays(days)
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

// Extensions says who may grant an extension or a waiver of an instance
// (events of type extension and waiver). When Set is false the rule is
// inherited: an obligation's from its direction, a direction's default is
// its issuer alone.
type Extensions struct {
	GrantedBy []string
	Set       bool
}

// Schedule is when a recurring or once obligation falls due.
//
// A recurring series is one of three shapes, each optionally limited by
// Count and Until:
//
//   - a cadence: instance k is due on Anchor + First + (k-1)·Every;
//   - leading offsets (After), then optionally a cadence: instance k <= n is
//     due on Anchor + After[k-1], and instance n+j on Anchor + After[n-1] +
//     j·Every ("after 3 months, after 6 months, and thereafter
//     six-monthly");
//   - leading fixed dates (Dates), then optionally a cadence counted from
//     the last of them.
//
// With After or Dates and no Every the list is the whole series.
type Schedule struct {
	// Recurring: instance k is due on Anchor + First + (k-1)·Every.
	Every  Period
	First  Period
	Anchor civil.Date
	// AnchorIs describes the anchor for explanations ("the direction's date").
	AnchorIs string
	// After lists leading offsets from Anchor, strictly increasing; First
	// is then unused and Every, when set, continues from the last.
	After []Period
	// Dates lists leading fixed due dates, strictly increasing; Every,
	// when set, continues from the last.
	Dates []civil.Date
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

// Limit returns the most instances the schedule can have before Until is
// considered, or 0 when the series is unbounded.
func (s Schedule) Limit() int {
	n := 0
	switch {
	case len(s.Dates) > 0 && s.Every.IsZero():
		n = len(s.Dates)
	case len(s.After) > 0 && s.Every.IsZero():
		n = len(s.After)
	}
	if s.Count > 0 && (n == 0 || s.Count < n) {
		n = s.Count
	}
	return n
}

// Rule is how an event that satisfies a recurring obligation finds the
// instance it discharges.
type Rule string

// The attribution rules.
const (
	// OldestOutstanding gives the event to the oldest instance not yet
	// discharged whose window has opened: the default, and the rule for
	// once and triggered obligations.
	OldestOutstanding Rule = "oldest-outstanding"
	// Window gives the event to the instance whose window it falls in
	// (after the previous instance's deadline, up to its own; the last
	// instance's window has no end). Earlier outstanding instances stay
	// outstanding, and an event in the window of an instance already
	// discharged discharges nothing.
	Window Rule = "window"
	// ByAttribute gives the event to the instance whose due date the
	// event's attribute names (for: 2018-07-25), whether or not its window
	// has opened; events without the attribute follow Otherwise.
	ByAttribute Rule = "attribute"
)

// Attribution says how an event finds its instance.
type Attribution struct {
	Rule Rule
	// Attribute is the event attribute naming the instance's due date
	// (ByAttribute only), and Otherwise the rule for events without it.
	Attribute string
	Otherwise Rule
	// Pos is where the direction states the attribution.
	Pos diag.Position
}

// Named returns the value of ev's naming attribute, when the rule is
// ByAttribute and ev carries it: an absent, null or empty attribute (an
// empty CSV cell) names nothing, and the Otherwise rule applies.
func (a Attribution) Named(ev *event.Event) (any, bool) {
	if a.Rule != ByAttribute {
		return nil, false
	}
	v, ok := ev.Attrs[a.Attribute]
	if !ok || v == nil || v == "" {
		return nil, false
	}
	return v, true
}

// RuleFor is the rule that places ev: ByAttribute, with the value ev names,
// when ev names an instance; otherwise the Otherwise rule, or the rule
// itself when it is not ByAttribute.
func (a Attribution) RuleFor(ev *event.Event) (Rule, any) {
	if a.Rule != ByAttribute {
		return a.Rule, nil
	}
	if v, ok := a.Named(ev); ok {
		return ByAttribute, v
	}
	return a.Otherwise, nil
}

// Name is the rule as findings report it: oldest-outstanding, window or
// attribute:NAME.
func (a Attribution) Name() string {
	switch a.Rule {
	case "", OldestOutstanding:
		return string(OldestOutstanding)
	case ByAttribute:
		return "attribute:" + a.Attribute
	}
	return string(a.Rule)
}

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
	// Attribution says how an event finds its instance; the zero value is
	// oldest-outstanding.
	Attribution Attribution
	// Extensions, when Set, says who may extend or waive this
	// obligation's instances instead of the direction's rule.
	Extensions Extensions
	Pos        diag.Position

	satisfiedBy, when, due *celenv.Program
	// assumedUnless, for a triggered obligation, is true of the triggers
	// whose instance's due date the text (or the trigger) gives.
	assumedUnless *celenv.Program
}

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
	v.a.Event, v.a.Instance = nil, nil
	v.a.Trigger = celenv.EventValue{Ev: trigger}
	if given, err := o.assumedUnless.EvalBool(&v.a); err == nil && given {
		return ""
	}
	return o.DeadlineAssumed
}

// newObligation assembles an obligation from its description and compiled
// expressions. The direction loader, which compiles them, calls it through
// internal/hooks.
func newObligation(o Obligation, p celenv.Programs) *Obligation {
	o.satisfiedBy, o.when, o.due, o.assumedUnless = p.SatisfiedBy, p.When, p.Due, p.AssumedUnless
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

// Vars are the values one evaluation binds to the CEL variables: the
// direction's and its params are fixed, the event, trigger and instance
// change per call. Get them from direction.Direction.Vars; they are reused
// from call to call, so each goroutine needs its own.
type Vars struct {
	a celenv.Activation
}

func newVars(direction, params celenv.Value) *Vars {
	return &Vars{a: celenv.Activation{Direction: direction, Params: params}}
}

func init() {
	hooks.NewObligation = newObligation
	hooks.NewVars = newVars
}

// Satisfies reports whether ev discharges inst.
func (o *Obligation) Satisfies(v *Vars, ev *event.Event, inst *Instance) (bool, error) {
	v.a.Event = celenv.EventValue{Ev: ev}
	v.a.Instance = inst.value()
	v.a.Trigger = nil
	if inst.Trigger != nil {
		v.a.Trigger = celenv.EventValue{Ev: inst.Trigger}
	}
	ok, err := o.satisfiedBy.EvalBool(&v.a)
	return ok, o.wrap(err, "satisfied_by", ev, inst.Trigger)
}

// Matches reports whether ev triggers (or, for a prohibition, breaches) o.
func (o *Obligation) Matches(v *Vars, ev *event.Event) (bool, error) {
	v.a.Event = celenv.EventValue{Ev: ev}
	v.a.Trigger, v.a.Instance = nil, nil
	ok, err := o.when.EvalBool(&v.a)
	key := "triggered.when"
	if o.Kind == Prohibition {
		key = "prohibition.when"
	}
	return ok, o.wrap(err, key, ev)
}

// DueFor computes the due date of the instance trigger creates.
func (o *Obligation) DueFor(v *Vars, trigger *event.Event, loc *time.Location) (civil.Date, error) {
	v.a.Event, v.a.Instance = nil, nil
	v.a.Trigger = celenv.EventValue{Ev: trigger}
	t, err := o.due.EvalTime(&v.a)
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

func (o *Obligation) wrap(err error, key string, ev *event.Event, others ...*event.Event) error {
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "no such overload") {
		err = fractional(err, append([]*event.Event{ev}, others...))
	}
	if strings.Contains(err.Error(), "actual cost limit exceeded") {
		err = fmt.Errorf("%w (%s)", err, yamlx.RaiseLimit("Cost.MaxEval"))
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

// fractional names the attributes of evs holding a number with a
// fraction, the likely cause of a "no such overload" error: a function
// such as addWorkingDays takes a whole number, and 2.5 is not one.
func fractional(err error, evs []*event.Event) error {
	var names []string
	for _, ev := range evs {
		if ev == nil {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(ev.Attrs)) {
			if x, ok := ev.Attrs[k].(float64); ok {
				if _, whole := event.WholeNumber(x); !whole {
					names = append(names, fmt.Sprintf("attribute %q of event %q is %v", k, ev.ID, x))
				}
			}
		}
	}
	if len(names) == 0 {
		return err
	}
	return fmt.Errorf("%w (%s, not a whole number; the date functions take whole numbers of days and months)", err, strings.Join(names, "; "))
}

// DueDate returns the k-th (1-based) due date of a recurring obligation and
// says in words how it was computed. k must be within the schedule's Limit
// (when it has one); beyond it the result is the zero date.
func (o *Obligation) DueDate(k int) (civil.Date, string) {
	s := o.Schedule
	if k < 1 || (s.Every.IsZero() && (len(s.Dates) > 0 || len(s.After) > 0) && k > len(s.Dates)+len(s.After)) {
		return civil.Date{}, ""
	}
	switch n := len(s.Dates); {
	case n > 0 && k <= n:
		d := s.Dates[k-1]
		if n == 1 {
			return d, d.Long() + " (the date the direction sets)"
		}
		return d, fmt.Sprintf("%s (the %s of the %d dates the direction sets)", d.Long(), Ordinal(k), n)
	case n > 0:
		is := "the date the direction sets"
		if n > 1 {
			is = "the last of the dates the direction sets"
		}
		return s.step(s.Dates[n-1], is, Period{}, k-n)
	}
	switch n := len(s.After); {
	case n > 0 && k <= n:
		return s.step(s.Anchor, s.AnchorIs, s.After[k-1], 0)
	case n > 0:
		return s.step(s.Anchor, s.AnchorIs, s.After[n-1], k-n)
	}
	return s.step(s.Anchor, s.AnchorIs, s.First, k-1)
}

// step computes anchor + first + n·Every, the one date rule every recurring
// shape uses, and says how.
func (s Schedule) step(anchor civil.Date, anchorIs string, first Period, n int) (civil.Date, string) {
	fm, fd := first.parts()
	em, ed := s.Every.parts()
	if n == 0 {
		em, ed = 0, 0
	}
	// Read left to right: with first in days or weeks and every in months,
	// the months run from anchor + first (21 Jan + 10 days = 31 Jan, then
	// 28 Feb, 31 Mar), not from the anchor (21 Feb + 10 days = 3 Mar).
	// Months are still added in one step, so clamping never drifts.
	base := anchor
	if fd != 0 && em != 0 {
		base, fd = anchor.AddDays(fd), 0
	}
	months, days := fm+n*em, fd+n*ed
	byMonths := base.AddMonths(months)
	due := byMonths.AddDays(days)
	var b strings.Builder
	fmt.Fprintf(&b, "%s", anchor.Long())
	if anchorIs != "" {
		fmt.Fprintf(&b, " (%s)", anchorIs)
	}
	offset := []string{}
	if !first.IsZero() {
		offset = append(offset, first.String())
	}
	if n > 0 {
		offset = append(offset, fmt.Sprintf("%d × %s", n, s.Every))
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

// InstanceDueOn returns the number of the recurring instance due on d, if
// the schedule has one (Until is not considered); otherwise ok is false
// and k is the number of the first instance due after d. Due dates
// strictly increase with k, so a binary search finds it.
func (o *Obligation) InstanceDueOn(d civil.Date) (int, bool) {
	lim := o.Schedule.Limit()
	due := func(k int) civil.Date { x, _ := o.DueDate(k); return x }
	lo, hi := 1, 1
	for due(hi).Before(d) {
		if lim > 0 && hi >= lim {
			return lim + 1, false
		}
		lo, hi = hi+1, 2*hi
		if lim > 0 && hi > lim {
			hi = lim
		}
		if hi > min(1<<40, math.MaxInt/4) { // no schedule has this many instances; min keeps 32-bit int in range
			return 0, false
		}
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if due(mid).Before(d) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, due(lo) == d
}

// Ordinal writes 1st, 2nd, 3rd, 4th ...
func Ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
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
