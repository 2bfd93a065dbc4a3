package obligation

import "github.com/dfe-tools/directions/civil"

// Spec describes an obligation built in Go: the fields of an entry under
// obligations in a direction file, with CEL expressions as strings. Set
// exactly one of Recurring, Once, Triggered and Prohibition. A Spec is
// data only; direction.New compiles and checks it exactly as the direction
// loader checks a file.
type Spec struct {
	ID     string
	Clause string // as printed in the direction, e.g. 8(f)
	Holder string // the party id of the duty holder
	// Role is Duty or Expectation; empty means a duty, unchecked against
	// the holder, as in a file without role.
	Role Role
	// Summary says what the duty is; Source cites where it comes from.
	Summary, Source string
	Assumptions     []string
	// DeadlineAssumed, when set, says why the due dates are the model's
	// assumption; for a triggered obligation DeadlineAssumedUnless is a
	// CEL condition on trigger under which the trigger gives the date.
	DeadlineAssumed, DeadlineAssumedUnless string

	Recurring   *RecurringSpec
	Once        *OnceSpec
	Triggered   *TriggeredSpec
	Prohibition *ProhibitionSpec

	// SatisfiedBy is the CEL condition on event (and instance, trigger,
	// direction, params) that discharges an instance; not for a
	// prohibition.
	SatisfiedBy string
	// Attribution says how an event finds its recurring instance; the
	// zero value is oldest-outstanding. Pos is ignored.
	Attribution Attribution
}

// RecurringSpec is a recurring schedule (see Schedule): a cadence Every
// from the issue date (first after First, or on FirstDue), leading After
// offsets or fixed Dates optionally continued by ThenEvery, limited by
// Count and Until.
type RecurringSpec struct {
	Every, First, ThenEvery Period
	FirstDue                civil.Date
	After                   []Period
	Dates                   []civil.Date
	Count                   int
	Until                   civil.Date
}

// OnceSpec is a single deadline: a Date, or Due, a CEL timestamp over
// direction and params (such as addMonths(direction.issued, 3)).
type OnceSpec struct {
	Date civil.Date
	Due  string
}

// TriggeredSpec creates an instance for each event When (CEL on event)
// holds of, due at Due (a CEL timestamp on trigger).
type TriggeredSpec struct {
	When, Due string
}

// ProhibitionSpec is breached by each event When (CEL on event) holds of.
type ProhibitionSpec struct {
	When string
}
