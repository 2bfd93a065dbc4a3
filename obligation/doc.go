// Package obligation models the duties a direction imposes: what kind of
// duty each is (recurring, once, triggered by an event, or a prohibition),
// how its due dates are computed, the compiled CEL conditions that say which
// events trigger, discharge or breach it, and the instances it generates.
// Its Role says whose it is: a Duty of the directed council, or an
// Expectation of another party that the direction records (never a
// breach); DeadlineAssumed says when its due dates are the model's
// assumption rather than the text's.
//
// # Due dates
//
// Deadlines are civil dates. A date deadline is met by anything up to the
// last instant of that day in the direction's time zone. A recurring duty's
// k-th due date is computed from its anchor each time, read left to right:
// the anchor plus first, then plus (k-1)·every, each month step clamped to
// the month's last day. A series anchored on 31 August runs 30 Nov, 28 Feb,
// 31 May, 31 Aug and never drifts to the 28th; one anchored on 21 January
// with first "10 days" and every "1 month" runs 31 Jan, 28 Feb, 31 Mar.
// A series may also start with a list of offsets (after 3 months, after 6
// months) or of fixed dates, optionally followed by a cadence counted from
// the last of them (then_every); every shape goes through the same date
// rule. An obligation's Attribution says how an event finds its instance.
//
// # Concurrency
//
// An Obligation is immutable once built and safe for concurrent use.
package obligation
