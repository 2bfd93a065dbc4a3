package evaluator

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/obligation"
)

// Status is the state of an instance as of the evaluation time.
type Status string

// The statuses a finding can have.
const (
	Met      Status = "met"      // discharged by the due time
	Late     Status = "late"     // discharged after the due time
	Missed   Status = "missed"   // not discharged, and the due time has passed
	Open     Status = "open"     // not discharged, and not yet due
	Breached Status = "breached" // an event a prohibition forbids
	// Waived: excused by a waiver event from a party allowed to grant
	// one (docs/extensions.md); neither a breach nor open.
	Waived Status = "waived"
	// Indeterminate: the verdict depends on a day known only to a range;
	// Cases say which days give which verdict.
	Indeterminate Status = "indeterminate"
	// Possible: the instance exists only for some days of a range (a
	// revocation known only to the month, say); Cases say which.
	Possible Status = "possible"
)

// IsBreach reports whether s is a failure: late, missed or breached. Whether
// the failure is a breach of the direction depends on whose obligation it
// is: see Finding.IsBreach.
func (s Status) IsBreach() bool { return s == Late || s == Missed || s == Breached }

// EventRef identifies an event in a finding.
type EventRef struct {
	ID  string        `json:"id"`
	At  time.Time     `json:"at"`
	Pos diag.Position `json:"-"`
}

// Finding is the outcome of one obligation instance.
type Finding struct {
	Direction  string `json:"direction"`
	Obligation string `json:"obligation"`
	Clause     string `json:"clause"`
	Holder     string `json:"holder"`
	// Role is obligation.Duty for what the direction requires of the
	// council and obligation.Expectation for another party's role; only
	// duties can be breaches.
	Role     obligation.Role `json:"role"`
	Kind     obligation.Kind `json:"kind"`
	Instance int             `json:"instance"`
	Status   Status          `json:"status"`
	// Opens is when events began to count towards the instance.
	Opens time.Time `json:"opens"`
	// Due is the deadline date (YYYY-MM-DD) and DueAt its last instant;
	// both are empty for a prohibition.
	Due   string    `json:"due,omitempty"`
	DueAt time.Time `json:"due_at,omitzero"`
	// DueLatest is set when the due date depends on a date known only to
	// a range (a period counted from an issue date known only to the
	// month): Due is then the earliest it may be, DueLatest the latest.
	DueLatest string `json:"due_latest,omitempty"`
	// Trigger is the event that created a triggered instance or breached
	// a prohibition.
	Trigger *EventRef `json:"trigger,omitempty"`
	// DischargedBy is the event that discharged the instance.
	DischargedBy *EventRef `json:"discharged_by,omitempty"`
	// Attribution is the rule that placed DischargedBy on this instance:
	// oldest-outstanding (the default), window, or attribute:NAME when
	// the event's NAME attribute named the instance's due date. Empty
	// when nothing discharged it.
	Attribution string `json:"attribution,omitempty"`
	// DaysLate counts whole days between the due date and the discharge,
	// for a late instance.
	DaysLate int `json:"days_late,omitempty"`
	// OriginalDue is the due date before an extension (YYYY-MM-DD), and
	// ExtendedTo the date the latest extension moved it to, which is then
	// also Due; both are empty when the instance was not extended.
	// Extension is the latest extension event, Waiver the waiver event.
	// DaysLateOriginal counts the days late against the original due
	// date, when the instance was extended and discharged after it.
	OriginalDue      string    `json:"original_due,omitempty"`
	ExtendedTo       string    `json:"extended_to,omitempty"`
	Extension        *EventRef `json:"extension,omitempty"`
	Waiver           *EventRef `json:"waiver,omitempty"`
	DaysLateOriginal int       `json:"days_late_original,omitempty"`
	// Basis says how the due date was computed; Reason says in words why
	// the instance has its status.
	Basis  string `json:"basis,omitempty"`
	Reason string `json:"reason"`
	// Version is the id of the direction whose text the instance fell due
	// under, set when a later direction varied the obligation or the
	// obligation replaces an earlier one (see direction.Set.Version).
	Version string `json:"version,omitempty"`
	// Assumed is the modelling assumption the due date rests on (the
	// obligation's deadline_assumed); empty when the date is the text's.
	Assumed string `json:"assumed,omitempty"`
	// TiedWith names (up to five, by instance number) the triggers of
	// other instances of the obligation made at the same instant as this
	// one's whose verdict differs from this one's, where an event that
	// discharged one of the two also satisfies the other: events at one
	// instant are taken in input order and the history does not say which
	// trigger that event answered, so exchanging the two (another order of
	// the same events) would change this verdict. TiedCount counts them
	// all; Reason says so in words. Set only on a Result (rule 4): the
	// findings Monitor and Stream report as they become final lack it.
	TiedWith  []string `json:"tied_with,omitempty"`
	TiedCount int      `json:"tied_count,omitempty"`
	// Cases, when an input date is known only to a range and the finding
	// is not the same for every day of it, say which days give which
	// status (Status is then Indeterminate or Possible, or a definite
	// status whose days late or dates vary).
	Cases []Case `json:"cases,omitempty"`
}

// IsBreach reports whether f is a breach of the direction: a late, missed
// or breached finding of a council duty, or an indeterminate one that is a
// breach whatever the unknown day (late on some days, missed on the
// others). An empty Role counts as a duty.
func (f Finding) IsBreach() bool { return f.isBreach() }

func (f *Finding) isBreach() bool {
	return (f.Status.IsBreach() || f.breachEveryDay()) && f.Role != obligation.Expectation
}

// IsUnmetExpectation reports whether f is another party's expectation
// that was met late, missed or breached: shown, never a breach.
func (f Finding) IsUnmetExpectation() bool {
	return (f.Status.IsBreach() || f.breachEveryDay()) && f.Role == obligation.Expectation
}

// Case is one outcome of an instance and the days of the unknown dates
// that give it.
type Case struct {
	When   []Span `json:"when"`
	Status Status `json:"status"`
	// DaysLate is the fewest days late in the case and DaysLateMax the
	// most, when they differ.
	DaysLate    int `json:"days_late,omitempty"`
	DaysLateMax int `json:"days_late_max,omitempty"`
}

// String writes the case in one line: "late 1-5 days
// 2018-04-26..2018-04-30", with the days of each unknown date it depends on
// (joined by " & " when there are several).
func (c Case) String() string {
	s := string(c.Status)
	if c.Status == Late {
		s += fmt.Sprintf(" %d", c.DaysLate)
		if c.DaysLateMax > c.DaysLate {
			s += fmt.Sprintf("-%d", c.DaysLateMax)
		}
		s += " days"
	}
	for i, w := range c.When {
		if i == 0 {
			s += " "
		} else {
			s += " & "
		}
		s += w.From + ".." + w.To
	}
	return s
}

// Span is the days an unknown date takes in a case.
type Span struct {
	// Unknown names the date: "the date of event chair-q1", "the issue
	// date of barnet-2018-06", "the end date of ...".
	Unknown string `json:"unknown"`
	From    string `json:"from"`
	To      string `json:"to"`
	// AfterAsOf is set when the days are after the as-of time (an event
	// not yet happened).
	AfterAsOf bool `json:"after_as_of,omitempty"`
	words     string
}

// DirectionStatus says when a direction was in force.
type DirectionStatus struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Council string    `json:"council"`
	File    string    `json:"file"`
	SHA256  string    `json:"sha256"`
	From    time.Time `json:"in_force_from"`
	// Until is the first instant no longer in force; zero if in force.
	Until time.Time `json:"in_force_until,omitzero"`
	// FromLatest and UntilLatest, when a date is known only to a range,
	// are the latest From and Until may be (From and Until the earliest).
	FromLatest  time.Time `json:"in_force_from_latest,omitzero"`
	UntilLatest time.Time `json:"in_force_until_latest,omitzero"`
	RevokedBy   string    `json:"revoked_by,omitempty"`
	// RevokedByInstrument names in words the instrument that revoked it
	// when the direction file records that itself (not a loaded direction).
	RevokedByInstrument string `json:"revoked_by_instrument,omitempty"`
	InForce             bool   `json:"in_force_at_as_of"`
	Reason              string `json:"reason"`
	// RevokesOnly is set for a direction with no obligations of its own: an
	// instrument that only revokes or varies others. Revokes lists in words
	// what it revokes and varies.
	RevokesOnly bool     `json:"revokes_only,omitempty"`
	Revokes     []string `json:"revokes,omitempty"`
	// Varied says, for each of its obligations a later direction revoked or
	// replaced, from when it no longer falls due.
	Varied []string `json:"varied,omitempty"`
	// NotGenerated lists the triggered instances whose trigger came while
	// the obligation was in force but which would have fallen due after it
	// ended (rule 1), so were never generated: their triggers count among
	// the irrelevant events, and this says why.
	NotGenerated []NotGenerated `json:"not_generated,omitempty"`
}

// NotGenerated is a triggered instance a revocation, variation or end
// removed: the trigger came in time, the deadline would not have.
type NotGenerated struct {
	Obligation string    `json:"obligation"`
	Clause     string    `json:"clause"`
	Trigger    *EventRef `json:"trigger"`
	// Due is the date it would have fallen due; Reason says when and why
	// the obligation stopped falling due.
	Due    string `json:"due"`
	Reason string `json:"reason"`
}

// Words says it in one line, for text outputs.
func (n NotGenerated) Words(loc *time.Location) string {
	due := n.Due
	if d, err := civil.Parse(n.Due); err == nil {
		due = d.Long()
	}
	return fmt.Sprintf("clause %s for %s of %s would have fallen due on %s, after the obligation stopped falling due, so no instance was generated: %s",
		n.Clause, n.Trigger.ID, civil.In(n.Trigger.At, loc).Long(), due, n.Reason)
}

// EventCounts accounts for every event given: each is counted once under
// AfterAsOf, or else under Used (it discharged, triggered or breached
// something) or Irrelevant. Discharged, Triggered and Breached count uses by
// kind; one event may count under several.
type EventCounts struct {
	Read       int `json:"read"`
	AfterAsOf  int `json:"after_as_of"`
	Used       int `json:"used"`
	Irrelevant int `json:"irrelevant"`
	Discharged int `json:"discharged"`
	Triggered  int `json:"triggered"`
	Breached   int `json:"breached"`
}

// Result is the outcome of an evaluation.
type Result struct {
	AsOf       time.Time         `json:"as_of"`
	Directions []DirectionStatus `json:"directions"`
	Findings   []Finding         `json:"findings"`
	Events     EventCounts       `json:"events"`
}

// Breaches returns the findings that are breaches of the direction: late,
// missed or breached council duties (Finding.IsBreach).
func (r *Result) Breaches() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.IsBreach() {
			out = append(out, f)
		}
	}
	return out
}

// CountBreaches returns how many findings are breaches: len(r.Breaches()),
// without copying them (a national check has tens of thousands, each a few
// hundred bytes).
func (r *Result) CountBreaches() int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].isBreach() {
			n++
		}
	}
	return n
}

// UnmetExpectations returns the findings of other parties' expectations
// that were met late, missed or breached (Finding.IsUnmetExpectation).
func (r *Result) UnmetExpectations() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.IsUnmetExpectation() {
			out = append(out, f)
		}
	}
	return out
}

// Indeterminate returns the indeterminate findings of council duties that
// are a breach on some days of a date known only to a range and not on
// others: what a strict check counts as breaches too.
func (r *Result) Indeterminate() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Status == Indeterminate && f.Role != obligation.Expectation && !f.breachEveryDay() && f.breachSomeDay() {
			out = append(out, f)
		}
	}
	return out
}

func (f *Finding) breachEveryDay() bool {
	if f.Status != Indeterminate || len(f.Cases) == 0 {
		return false
	}
	for _, c := range f.Cases {
		if !c.Status.IsBreach() {
			return false
		}
	}
	return true
}

func (f *Finding) breachSomeDay() bool {
	for _, c := range f.Cases {
		if c.Status.IsBreach() {
			return true
		}
	}
	return false
}

// Count returns how many findings have status s.
func (r *Result) Count(s Status) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Status == s {
			n++
		}
	}
	return n
}

// Version is the engine's version, recorded in reports so that a result can
// be audited later.
const Version = "0.1.0"

// Period says in words when the direction was in force, in loc: "in force
// from 25 Jan 2018", "in force from 12 Sep 2017 to 24 Jan 2018", or "never
// in force" for one revoked on the day it was made.
func (d DirectionStatus) Period(loc *time.Location) string {
	from := civil.In(d.From, loc).Long()
	if !d.FromLatest.IsZero() {
		from = "a day in " + civil.Range{First: civil.In(d.From, loc), Last: civil.In(d.FromLatest, loc)}.Long()
	}
	switch {
	case d.Until.IsZero():
		return "in force from " + from
	case d.UntilLatest.IsZero() && !d.Until.After(d.From):
		return "never in force"
	case !d.UntilLatest.IsZero():
		last := civil.Range{First: civil.In(d.Until, loc).AddDays(-1), Last: civil.In(d.UntilLatest, loc).AddDays(-1)}
		return "in force from " + from + " to a day in " + last.Long()
	}
	return "in force from " + from + " to " + civil.In(d.Until, loc).AddDays(-1).Long()
}
