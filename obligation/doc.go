// Package obligation models the duties a direction imposes: what kind of
// duty each is (recurring, once, triggered by an event, or a prohibition),
// how its due dates are computed, the compiled CEL conditions that say which
// events trigger, discharge or breach it, and the instances it generates.
//
// # Due dates
//
// Deadlines are civil dates. A date deadline is met by anything up to the
// last instant of that day in the direction's time zone. A recurring duty's
// k-th due date is computed from its anchor each time,
// anchor + first + (k-1)·every, with months clamped to the month's last day,
// so a series anchored on 31 August runs 30 Nov, 28 Feb, 31 May, 31 Aug and
// never drifts to the 28th.
//
// # Concurrency
//
// An Obligation is immutable once built and safe for concurrent use.
package obligation
