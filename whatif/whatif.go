package whatif

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
	"github.com/dfe-tools/directions/scenario"
)

// TestingT is the part of *testing.T that whatif uses.
type TestingT interface {
	Errorf(format string, args ...any)
	FailNow()
	Helper()
}

// Case is one scenario under construction: the directions and a history.
type Case struct {
	t      TestingT
	set    *direction.Set
	loc    *time.Location
	events []*Ev
}

// Load reads direction files and starts a case with an empty history. A
// file that does not load fails the test.
func Load(t TestingT, files ...string) *Case {
	t.Helper()
	var dirs []*direction.Direction
	for _, f := range files {
		d, err := direction.Load(f, direction.Options{})
		if err != nil {
			t.Errorf("whatif: loading %s:\n%v", f, err)
			t.FailNow()
			return nil
		}
		dirs = append(dirs, d)
	}
	return New(t, dirs...)
}

// New starts a case on directions already loaded.
func New(t TestingT, dirs ...*direction.Direction) *Case {
	t.Helper()
	if len(dirs) == 0 {
		t.Errorf("whatif: a case needs at least one direction")
		t.FailNow()
		return nil
	}
	set, err := direction.NewSet(dirs...)
	if err != nil {
		t.Errorf("whatif: %v", err)
		t.FailNow()
		return nil
	}
	return &Case{t: t, set: set, loc: dirs[0].Location}
}

// RevokedFrom is the what-if "revoked on date": the direction is treated as
// revoked from the start of date (YYYY-MM-DD), as if a later direction
// issued that day revoked it. The loaded direction is not changed.
func (c *Case) RevokedFrom(directionID, date string) *Case {
	c.t.Helper()
	on, err := civil.Parse(date)
	if err != nil {
		c.fail("RevokedFrom(%q, %q): %v", directionID, date, err)
		return c
	}
	dirs := slices.Clone(c.set.Directions)
	i := slices.IndexFunc(dirs, func(d *direction.Direction) bool { return d.ID == directionID })
	switch {
	case i < 0:
		c.fail("RevokedFrom(%q): no such direction; there are %s", directionID, c.dirIDs())
		return c
	case !on.After(dirs[i].Issued):
		c.fail("RevokedFrom(%q, %q): it was issued on %s; a revocation must come after that", directionID, date, dirs[i].Issued)
		return c
	}
	d := *dirs[i]
	if end := on.AddDays(-1); d.Ends.IsZero() || end.Before(d.Ends) {
		d.Ends = end
	}
	dirs[i] = &d
	set, err := direction.NewSet(dirs...)
	if err != nil {
		c.fail("%v", err)
		return c
	}
	c.set = set
	return c
}

// Set returns the directions of the case.
func (c *Case) Set() *direction.Set { return c.set }

// fail reports a mistake in the test itself and stops it.
func (c *Case) fail(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("whatif: "+format, args...)
	c.t.FailNow()
}

// When is a point in time, possibly relative to a direction's deadlines;
// it is resolved against the case it is used in.
type When struct {
	desc    string
	resolve func(c *Case) (t time.Time, dateOnly bool, err error)
	// span is set for a day known only to a month or a range (During).
	span string
}

// String describes the time as written: "14 days after the 1st due date of 8(f)".
func (w When) String() string { return w.desc }

// On is a date (YYYY-MM-DD).
func On(date string) When {
	return When{desc: date, resolve: func(c *Case) (time.Time, bool, error) {
		d, err := civil.Parse(date)
		if err == nil {
			err = d.CheckIn(c.loc)
		}
		if err != nil {
			return time.Time{}, false, err
		}
		return d.Start(c.loc), true, nil
	}}
}

// During is a day known only to a month ("2018-04") or a range of days
// ("2018-04-20..2018-05-10"), as a council paper may give it; the
// evaluation weighs every day (findings may be indeterminate or possible).
func During(monthOrRange string) When {
	return When{desc: monthOrRange, span: monthOrRange, resolve: func(c *Case) (time.Time, bool, error) {
		t, dateOnly, _, err := event.ParseAt(monthOrRange, c.loc)
		return t, dateOnly, err
	}}
}

// At is an RFC 3339 instant, such as 2018-04-25T23:30:00+01:00.
func At(rfc3339 string) When {
	return When{desc: rfc3339, resolve: func(*Case) (time.Time, bool, error) {
		t, err := time.Parse(time.RFC3339, rfc3339)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%q is not an RFC 3339 time such as 2018-04-25T23:30:00+01:00", rfc3339)
		}
		return t, false, nil
	}}
}

// Due is the k-th scheduled due date (counting from 1) of a recurring or
// once obligation, named by id or clause: the date itself, as [On] would
// give it.
func Due(obligationOrClause string, k int) When {
	return When{desc: fmt.Sprintf("the %s due date of %s", ordinal(k), obligationOrClause), resolve: func(c *Case) (time.Time, bool, error) {
		_, o, err := c.lookup(obligationOrClause)
		if err != nil {
			return time.Time{}, false, err
		}
		var due civil.Date
		switch {
		case k < 1:
			return time.Time{}, false, fmt.Errorf("due dates are counted from 1, not %d", k)
		case o.Kind == obligation.Recurring && o.Schedule.Limit() > 0 && k > o.Schedule.Limit():
			return time.Time{}, false, fmt.Errorf("%s falls due %d times; it has no %s due date", o.ID, o.Schedule.Limit(), ordinal(k))
		case o.Kind == obligation.Recurring:
			due, _ = o.DueDate(k)
		case o.Kind == obligation.Once && k == 1:
			due = o.Schedule.On
		case o.Kind == obligation.Once:
			return time.Time{}, false, fmt.Errorf("%s falls due once; it has no %s due date", o.ID, ordinal(k))
		default:
			return time.Time{}, false, fmt.Errorf("%s is a %s obligation: its due dates depend on events; give a date", o.ID, o.Kind)
		}
		return due.Start(c.loc), true, nil
	}}
}

// FirstDue is Due(obligationOrClause, 1).
func FirstDue(obligationOrClause string) When { return Due(obligationOrClause, 1) }

// Span is a length of civil time to move a When by.
type Span struct {
	n      int
	months bool
}

// Days is a number of calendar days.
func Days(n int) Span { return Span{n: n} }

// Months is a number of calendar months; a day the target month lacks
// becomes its last day, as in the directions' own schedules.
func Months(n int) Span { return Span{n: n, months: true} }

func (s Span) String() string {
	unit := "day"
	if s.months {
		unit = "month"
	}
	if s.n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", s.n, unit)
}

// After is the span after w, keeping w's time of day.
func (s Span) After(w When) When { return s.move(w, s.n, "after") }

// Before is the span before w.
func (s Span) Before(w When) When { return s.move(w, -s.n, "before") }

func (s Span) move(w When, n int, word string) When {
	return When{desc: fmt.Sprintf("%s %s %s", s, word, w.desc), resolve: func(c *Case) (time.Time, bool, error) {
		t, dateOnly, err := w.resolve(c)
		if err != nil {
			return t, dateOnly, err
		}
		in := t.In(c.loc)
		d := civil.In(t, c.loc)
		if s.months {
			d = d.AddMonths(n)
		} else {
			d = d.AddDays(n)
		}
		return time.Date(d.Year, d.Month, d.Day, in.Hour(), in.Minute(), in.Second(), in.Nanosecond(), c.loc), dateOnly, nil
	}}
}

// At sets the clock time (HH:MM, in the direction's time zone) on w's day:
// FirstDue("8(f)").At("23:30") is half an hour before the deadline.
func (w When) At(clock string) When {
	return When{desc: w.desc + " at " + clock, resolve: func(c *Case) (time.Time, bool, error) {
		t, _, err := w.resolve(c)
		if err != nil {
			return t, false, err
		}
		hm, err := time.Parse("15:04", clock)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("clock time %q is not HH:MM", clock)
		}
		d := civil.In(t, c.loc)
		return time.Date(d.Year, d.Month, d.Day, hm.Hour(), hm.Minute(), 0, 0, c.loc), false, nil
	}}
}

func ordinal(k int) string {
	switch {
	case k%100 >= 11 && k%100 <= 13:
		return fmt.Sprintf("%dth", k)
	case k%10 == 1:
		return fmt.Sprintf("%dst", k)
	case k%10 == 2:
		return fmt.Sprintf("%dnd", k)
	case k%10 == 3:
		return fmt.Sprintf("%drd", k)
	}
	return fmt.Sprintf("%dth", k)
}

// lookup finds one obligation by id or clause across the case's directions.
func (c *Case) lookup(name string) (*direction.Direction, *obligation.Obligation, error) {
	var dirs []*direction.Direction
	var obls []*obligation.Obligation
	var known []string
	for _, d := range c.set.Directions {
		for _, o := range d.Obligations {
			known = append(known, o.Clause+" ("+o.ID+")")
			if o.ID == name || o.Clause == name {
				dirs, obls = append(dirs, d), append(obls, o)
			}
		}
	}
	switch len(obls) {
	case 0:
		return nil, nil, fmt.Errorf("no obligation or clause %q in %s; there are %s", name, c.dirIDs(), strings.Join(known, ", "))
	case 1:
		return dirs[0], obls[0], nil
	}
	var ids []string
	for i, o := range obls {
		ids = append(ids, dirs[i].ID+" "+o.ID)
	}
	return nil, nil, fmt.Errorf("%q names %d obligations (%s); use the obligation's id", name, len(obls), strings.Join(ids, ", "))
}

func (c *Case) dirIDs() string {
	var ids []string
	for _, d := range c.set.Directions {
		ids = append(ids, d.ID)
	}
	return strings.Join(ids, ", ")
}

// Ev is an event being added to the history; its methods add attributes.
type Ev struct {
	ev   event.Event
	when string
}

// Event adds an event of any type.
func (c *Case) Event(id, typ string, when When) *Ev {
	c.t.Helper()
	t, dateOnly, err := when.resolve(c)
	if err != nil {
		c.fail("event %s at %s: %v", id, when, err)
		return &Ev{}
	}
	e := &Ev{ev: event.Event{ID: id, Type: typ, At: t, DateOnly: dateOnly, Attrs: map[string]any{}}, when: when.desc}
	if when.span != "" {
		_, _, e.ev.Through, _ = event.ParseAt(when.span, c.loc)
	}
	c.events = append(c.events, e)
	return e
}

// BoardMeeting adds an Improvement Board meeting.
func (c *Case) BoardMeeting(id string, when When) *Ev {
	c.t.Helper()
	return c.Event(id, "board-meeting", when)
}

// Report adds a report from one party to another; kind is progress,
// review, commissioner, performance and so on.
func (c *Case) Report(id string, when When, from, to, kind string) *Ev {
	c.t.Helper()
	return c.Event(id, "report", when).With("from", from).With("to", to).With("kind", kind)
}

// Review adds a completed review.
func (c *Case) Review(id string, when When, by string) *Ev {
	c.t.Helper()
	return c.Event(id, "review", when).With("by", by)
}

// Request adds a request or instruction; kind is access, support,
// instruction or review (what an adviser's review needs from the council).
func (c *Case) Request(id string, when When, from, to, kind string) *Ev {
	c.t.Helper()
	return c.Event(id, "request", when).With("from", from).With("to", to).With("kind", kind)
}

// Response adds the answer to a request; outcome is granted, refused or
// complied. Use To to name the party that made the request.
func (c *Case) Response(id string, when When, request, outcome string) *Ev {
	c.t.Helper()
	return c.Event(id, "response", when).With("request", request).With("outcome", outcome)
}

// MonitoringVisit adds an Ofsted monitoring visit.
func (c *Case) MonitoringVisit(id string, when When) *Ev {
	c.t.Helper()
	return c.Event(id, "monitoring-visit", when).With("by", "ofsted")
}

// Inspection adds an Ofsted inspection with its judgement.
func (c *Case) Inspection(id string, when When, judgement string) *Ev {
	c.t.Helper()
	return c.Event(id, "inspection", when).With("by", "ofsted").With("judgement", judgement)
}

// Extension adds an extension granted by a party of instance k of an
// obligation (its id); give the new date with To or the length with
// ByPeriod (docs/extensions.md).
func (c *Case) Extension(id string, when When, by, obligationID string, k int) *Ev {
	c.t.Helper()
	return c.Event(id, "extension", when).With("by", by).With("obligation", obligationID).With("instance", int64(k))
}

// Waiver adds a waiver granted by a party of instance k of an obligation.
func (c *Case) Waiver(id string, when When, by, obligationID string, k int) *Ev {
	c.t.Helper()
	return c.Event(id, "waiver", when).With("by", by).With("obligation", obligationID).With("instance", int64(k))
}

// ByPeriod sets how far an extension moves the deadline in effect, such
// as "2 weeks".
func (e *Ev) ByPeriod(period string) *Ev { return e.With("by_period", period) }

// With sets an attribute.
func (e *Ev) With(key string, value any) *Ev {
	if e.ev.Attrs != nil {
		e.ev.Attrs[key] = value
	}
	return e
}

// To sets the to attribute (for a response, the party that asked).
func (e *Ev) To(party string) *Ev { return e.With("to", party) }

// Meeting names the board meeting a report is for.
func (e *Ev) Meeting(id string) *Ev { return e.With("meeting", id) }

// Chair names who chaired a board meeting.
func (e *Ev) Chair(party string) *Ev { return e.With("chair", party) }

// DueBy sets a request's own due date (attribute due, YYYY-MM-DD).
func (e *Ev) DueBy(date string) *Ev { return e.With("due", date) }

// History adds the events of a history file, checked against the
// directions' vocabulary as the command line checks them.
func (c *Case) History(path string) *Case {
	c.t.Helper()
	evs, err := c.set.LoadHistory(path, event.Options{Location: c.loc})
	if err != nil {
		c.fail("loading history %s:\n%v", path, err)
		return c
	}
	for _, ev := range evs {
		c.events = append(c.events, &Ev{ev: ev})
	}
	return c
}

// Without drops events from the history by id; an unknown id fails the
// test, as it is almost certainly a typo.
func (c *Case) Without(ids ...string) *Case {
	c.t.Helper()
	for _, id := range ids {
		i := slices.IndexFunc(c.events, func(e *Ev) bool { return e.ev.ID == id })
		if i < 0 {
			c.fail("Without(%q): no such event in the history", id)
			return c
		}
		c.events = slices.Delete(c.events, i, i+1)
	}
	return c
}

// Events returns a copy of the history built so far.
func (c *Case) Events() []event.Event {
	out := make([]event.Event, len(c.events))
	for i, e := range c.events {
		out[i] = e.ev
		out[i].Attrs = make(map[string]any, len(e.ev.Attrs))
		for k, v := range e.ev.Attrs {
			out[i].Attrs[k] = v
		}
	}
	return out
}

// AsOf evaluates the history as of when: a date means the end of that day.
func (c *Case) AsOf(when When) *Result {
	c.t.Helper()
	t, dateOnly, err := when.resolve(c)
	if err != nil {
		c.fail("as of %s: %v", when, err)
		return nil
	}
	if dateOnly {
		t = civil.In(t, c.loc).End(c.loc)
	}
	evs := c.Events()
	// Events made here are held to the directions' vocabulary, as a
	// history file is: a misspelt type would otherwise match nothing.
	if err := c.set.CheckEvents(evs); err != nil {
		c.fail("the events are not valid:\n%v", err)
		return nil
	}
	res, err := evaluator.Evaluate(c.set, evs, evaluator.Options{AsOf: t})
	if err != nil {
		c.fail("evaluation failed:\n%v", err)
		return nil
	}
	return &Result{c: c, res: res}
}

// Result is an evaluation to assert on.
type Result struct {
	c   *Case
	res *evaluator.Result
}

// Result returns the evaluator's result, for assertions whatif lacks.
func (r *Result) Result() *evaluator.Result { return r.res }

// Breaches asserts the number of breaches (late, missed and breached
// findings of the council's duties), listing them when it differs.
func (r *Result) Breaches(n int) bool {
	r.c.t.Helper()
	got := r.res.Breaches()
	if len(got) == n {
		return true
	}
	lines := []string{"breaches (late, missed and breached findings of the council's duties):"}
	for _, f := range got {
		lines = append(lines, fmt.Sprintf("  %s %s #%d %s: %s", f.Clause, f.Obligation, f.Instance, f.Status, f.Reason))
	}
	return assert.Equal(r.c.t, n, len(got), strings.Join(lines, "\n"))
}

// ExpectationsUnmet asserts the number of other parties' expectations met
// late, missed or breached (never breaches of the direction), listing them
// when it differs.
func (r *Result) ExpectationsUnmet(n int) bool {
	r.c.t.Helper()
	got := r.res.UnmetExpectations()
	if len(got) == n {
		return true
	}
	lines := []string{"expectations of others not met (late, missed and breached findings of expectations):"}
	for _, f := range got {
		lines = append(lines, fmt.Sprintf("  %s %s #%d %s (%s): %s", f.Clause, f.Obligation, f.Instance, f.Status, f.Holder, f.Reason))
	}
	return assert.Equal(r.c.t, n, len(got), strings.Join(lines, "\n"))
}

// InForce asserts whether a direction is in force at the as-of time.
func (r *Result) InForce(directionID string, want bool) bool {
	r.c.t.Helper()
	for _, d := range r.res.Directions {
		if d.ID == directionID {
			return assert.Equal(r.c.t, want, d.InForce, "direction %s in force at the as-of time (%s)", d.ID, d.Reason)
		}
	}
	r.c.fail("no direction %q; there are %s", directionID, r.c.dirIDs())
	return false
}

// Instance selects the k-th instance of an obligation named by id or
// clause.
func (r *Result) Instance(obligationOrClause string, k int) *Check {
	r.c.t.Helper()
	return r.check(obligationOrClause, scenario.Expected{Instance: k})
}

// Triggered selects the instance an event (a board meeting, a request)
// created, or the breach an event caused.
func (r *Result) Triggered(obligationOrClause, eventID string) *Check {
	r.c.t.Helper()
	return r.check(obligationOrClause, scenario.Expected{Trigger: eventID})
}

func (r *Result) check(name string, e scenario.Expected) *Check {
	r.c.t.Helper()
	d, o, err := r.c.lookup(name)
	if err != nil {
		r.c.fail("%v", err)
		return nil
	}
	e.Direction, e.Obligation, e.Clause = d.ID, o.ID, o.Clause
	return &Check{r: r, e: e, f: scenario.Find(&e, r.res)}
}

// Check asserts on one instance. Each method reports a failure naming the
// clause and instance and returns the Check for chaining. Asserting a field
// (due, role, assumed, version, discharge, extension) of an instance that does not
// exist fails.
type Check struct {
	r *Result
	e scenario.Expected
	f *evaluator.Finding
	// reported is set once the instance's absence has been reported, so
	// that a chain of assertions on it fails once.
	reported bool
}

// Finding returns the finding, or nil when there is no such instance.
func (k *Check) Finding() *evaluator.Finding { return k.f }

func (k *Check) name() string {
	s := fmt.Sprintf("clause %s (%s, %s) ", k.e.Clause, k.e.Obligation, k.e.Direction)
	if k.e.Trigger != "" {
		return s + "instance for " + k.e.Trigger
	}
	return s + fmt.Sprintf("instance %d", k.e.Instance)
}

// errorf reports a difference through testify, so that the output has
// testify's expected/actual block; the message names the clause and
// instance and gives the engine's reason.
func (k *Check) errorf(field string, want, got any) {
	k.r.c.t.Helper()
	msg := fmt.Sprintf("%s: %s", k.name(), field)
	if k.f != nil {
		msg += "\nengine's reason: " + k.f.Reason
	}
	assert.Equal(k.r.c.t, fmt.Sprint(want), fmt.Sprint(got), msg)
}

// missing reports that there is no such instance, once, for an assertion
// about one of its fields: an assertion on an instance that does not exist
// fails rather than pass unchecked. It tells whether the instance is missing.
func (k *Check) missing(field string, want any) bool {
	k.r.c.t.Helper()
	if k.f != nil {
		return false
	}
	if !k.reported {
		k.reported = true
		k.errorf(field, want, "no such instance")
	}
	return true
}

func (k *Check) status(want evaluator.Status) *Check {
	k.r.c.t.Helper()
	if k.f == nil && k.reported {
		return k
	}
	if k.f == nil {
		k.reported = true
		var have []string
		for _, f := range k.r.res.Findings {
			if f.Direction == k.e.Direction && f.Obligation == k.e.Obligation {
				have = append(have, fmt.Sprintf("#%d %s", f.Instance, f.Status))
			}
		}
		if len(have) == 0 {
			have = []string{"none"}
		}
		k.errorf("status", want, "no such instance (instances: "+strings.Join(have, ", ")+")")
		return k
	}
	if k.f.Status != want {
		k.errorf("status", want, k.f.Status)
	}
	return k
}

// Met asserts the instance was discharged by its due time.
func (k *Check) Met() *Check { k.r.c.t.Helper(); return k.status(evaluator.Met) }

// Open asserts the instance is not yet discharged nor due.
func (k *Check) Open() *Check { k.r.c.t.Helper(); return k.status(evaluator.Open) }

// Missed asserts the instance was not discharged by its due time, nor since.
func (k *Check) Missed() *Check { k.r.c.t.Helper(); return k.status(evaluator.Missed) }

// Breached asserts a prohibition was breached by the event.
func (k *Check) Breached() *Check { k.r.c.t.Helper(); return k.status(evaluator.Breached) }

// Indeterminate asserts the verdict depends on a date known only to a
// range (see Cases).
func (k *Check) Indeterminate() *Check { k.r.c.t.Helper(); return k.status(evaluator.Indeterminate) }

// Possible asserts the instance exists only on some days of a date known
// only to a range (see Cases).
func (k *Check) Possible() *Check { k.r.c.t.Helper(); return k.status(evaluator.Possible) }

// Cases asserts the finding's cases, each written as evaluator.Case.String
// gives it: "met 2018-04-01..2018-04-25", "late 1-5 days
// 2018-04-26..2018-04-30".
func (k *Check) Cases(want ...string) *Check {
	k.r.c.t.Helper()
	if k.f == nil {
		return k
	}
	var got []string
	for _, c := range k.f.Cases {
		got = append(got, c.String())
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		k.errorf("cases", strings.Join(want, "; "), strings.Join(got, "; "))
	}
	return k
}

// Late asserts the instance was discharged days whole days after its due
// day.
func (k *Check) Late(days int) *Check {
	k.r.c.t.Helper()
	k.status(evaluator.Late)
	if k.f != nil && k.f.Status == evaluator.Late && k.f.DaysLate != days {
		k.errorf("days late", days, k.f.DaysLate)
	}
	return k
}

// Absent asserts there is no such instance: it never fell due while the
// direction was in force, or no event triggered it.
func (k *Check) Absent() *Check {
	k.r.c.t.Helper()
	if k.f != nil {
		k.errorf("status", "no such instance", k.f.Status)
	}
	return k
}

// Due asserts the due date (YYYY-MM-DD).
func (k *Check) Due(date string) *Check {
	k.r.c.t.Helper()
	if !k.missing("due", date) && k.f.Due != date {
		k.errorf("due", date, k.f.Due)
	}
	return k
}

// Duty asserts the instance is a duty of the council (a failure is a breach).
func (k *Check) Duty() *Check { k.r.c.t.Helper(); return k.role(obligation.Duty) }

// Expectation asserts the instance is another party's expectation (never a
// breach of the direction).
func (k *Check) Expectation() *Check { k.r.c.t.Helper(); return k.role(obligation.Expectation) }

func (k *Check) role(want obligation.Role) *Check {
	k.r.c.t.Helper()
	if k.missing("role", want) {
		return k
	}
	got := k.f.Role
	if got == "" {
		got = obligation.Duty
	}
	if got != want {
		k.errorf("role", want, got)
	}
	return k
}

// Waived asserts the instance was waived.
func (k *Check) Waived() *Check { k.r.c.t.Helper(); return k.status(evaluator.Waived) }

// ExtendedTo asserts an extension moved the due date from original to
// extended (both YYYY-MM-DD).
func (k *Check) ExtendedTo(original, extended string) *Check {
	k.r.c.t.Helper()
	if !k.missing("extension", original+" -> "+extended) && (k.f.OriginalDue != original || k.f.ExtendedTo != extended) {
		k.errorf("extension", original+" -> "+extended, orDash(k.f.OriginalDue)+" -> "+orDash(k.f.ExtendedTo))
	}
	return k
}

// Assumed asserts whether the due date rests on a modelling assumption
// rather than the text.
func (k *Check) Assumed(want bool) *Check {
	k.r.c.t.Helper()
	if !k.missing("assumed", want) && (k.f.Assumed != "") != want {
		k.errorf("assumed", want, k.f.Assumed != "")
	}
	return k
}

// Version asserts under which direction's text the instance fell due
// (Finding.Version): the id of the direction, or "" when the obligation
// was not varied as of the evaluation time.
func (k *Check) Version(id string) *Check {
	k.r.c.t.Helper()
	if !k.missing("version", orDash(id)) && k.f.Version != id {
		k.errorf("version", orDash(id), orDash(k.f.Version))
	}
	return k
}

// DaysLateOriginal asserts how many days after the original due date an
// extended instance was discharged.
func (k *Check) DaysLateOriginal(days int) *Check {
	k.r.c.t.Helper()
	if !k.missing("days late by the original due date", days) && k.f.DaysLateOriginal != days {
		k.errorf("days late by the original due date", days, k.f.DaysLateOriginal)
	}
	return k
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// DischargedBy asserts which event discharged the instance.
func (k *Check) DischargedBy(eventID string) *Check {
	k.r.c.t.Helper()
	if k.missing("discharged by", eventID) {
		return k
	}
	got := "nothing"
	if k.f.DischargedBy != nil {
		got = k.f.DischargedBy.ID
	}
	if got != eventID {
		k.errorf("discharged by", eventID, got)
	}
	return k
}
