// Package evaluator checks a council's event history against a set of
// directions as of a given time and reports, instance by instance, which
// duties were met, met late, missed or are still open, and which events
// breached a prohibition, with the reason in words.
//
// # Semantics
//
//  1. A direction is in force from the start of its issue date until the
//     earliest of the end of its ends date, the start of the day its own
//     revoked record gives, and the start of the issue date of a direction
//     in the set that revokes it. An obligation a direction in the set
//     revokes or replaces (by clause or id) is in force until the start of
//     that direction's issue date at the latest (direction.Set.ObligationForce).
//     Instances that would fall due after the end are not generated,
//     including a triggered instance whose trigger came while the obligation
//     was in force; what fell due before stays due and may still be met
//     late. Findings of a varied or replacing obligation carry Version.
//  2. A recurring obligation's k-th due date is the anchor plus first, then
//     plus (k-1)·every, computed from the anchor each time (never by stepping
//     from the previous due date), each month step clamped to the month's end.
//     With a leading list (after offsets or fixed dates) instance k is the
//     anchor plus its offset, or its date, and later ones the last of them
//     plus multiples of then_every.
//  3. A date deadline is the last instant of that day in the direction's time
//     zone.
//  4. Events are taken in time order, ties in input order. An event that
//     satisfies an obligation's condition discharges the oldest outstanding
//     instance whose window has opened, or, when a recurring obligation's
//     attribution says so, the instance whose window it falls in (window;
//     the last instance's window has no end) or the one whose due date an
//     attribute of the event names (held until that instance's window
//     opens; a value naming no instance is an error). Recurring instance 1 opens at the
//     start of the direction and instance k > 1 just after instance k-1's
//     deadline (an event at that deadline instant belongs to k-1); once and
//     triggered instances are open from the start of the direction, so a
//     report sent before the board meeting it is for still counts. Events
//     before the direction is in force count for nothing under it. An event
//     discharges at most one instance of an obligation, and may discharge
//     instances of several; an obligation and the one replacing it are one
//     series, placed by the rule of the one in force at the event
//     (Set.ReplacedBy, chain.go). Of instances triggered at one instant the
//     first listed is the older; where that input order alone gave an
//     event to one of two whose verdicts differ, a Result's findings carry
//     TiedWith and TiedCount (ties.go); Monitor's and Stream's reports as
//     findings become final do not.
//  5. As of a time T, events after T are ignored, and each instance whose
//     window has opened by T is met (discharged by its due time), late
//     (discharged after it; DaysLate counts whole days), missed (not
//     discharged and due before T) or open. Each event caught by a
//     prohibition while the direction is in force is breached. Breaches are
//     the late, missed and breached findings of the council's duties
//     (Finding.IsBreach); those of other parties' expectations are
//     counted apart (Result.UnmetExpectations) and are never breaches.
//     A finding's Assumed says when its due date is the model's
//     assumption rather than the text's.
//  6. The same inputs give the same findings in the same order.
//  7. Events of type extension and waiver are grants (docs/extensions.md):
//     one moves the deadline of an instance still outstanding when it is
//     granted (the latest extension applies; the next window still opens at
//     the original deadline, but under window attribution an extended
//     instance's window runs to its new one and takes an event there first) and the status is judged against the new date, the
//     finding keeping the original; the other makes the instance Waived,
//     after a miss too. A grant that names no outstanding instance,
//     extends a deadline past the day the obligation stops falling due
//     (rule 1), or comes from a party the direction does not allow, stops
//     the evaluation with a *GrantError at the event's position.
//  8. When an issue, end or recorded revocation date, or an event's date,
//     is known only to a month or a range of days, Evaluate gives each such
//     date every day it may be (the days of an event after T are one case),
//     evaluates every combination with rules 1-7, and merges the findings
//     instance by instance (by number for recurring and once instances, by
//     triggering event otherwise). A finding the same in every case is
//     definite; one whose status differs is Indeterminate; an instance found
//     in some cases only is Possible. Both carry Cases, the runs of days
//     giving each status. Neither is a breach, except an Indeterminate
//     finding that is a breach in every case. Over Options.MaxCases cases
//     Evaluate returns an *UncertainError rather than guess
//     (docs/uncertain-dates.md).
//
// # Streaming
//
// Evaluate, Stream and Monitor share one engine that walks the events once
// and keeps only outstanding instances and the events a future trigger may
// claim. Stream reads events one at a time and reports each finding when
// it becomes final; Monitor is fed events as they happen, advanced as time
// passes, and reports a missed deadline the moment it passes. Both give
// Evaluate's findings for the same events (docs/streaming.md). Neither can
// weigh a date known only to a range (rule 8): both refuse one with an
// error naming it. EvaluateStream and ScheduleStream are Evaluate and
// Schedule over a stream: the same Result and deadlines, holding the
// findings but not the history, for events in time order and dated to the
// day (the CLI's check, schedule and explain read JSON histories through
// them and load only what they refuse).
//
// # Concurrency
//
// Evaluate never reads the wall clock and never modifies its inputs; the
// as-of time is always given. Many evaluations may run at once on the same
// loaded directions. A Monitor is for one goroutine.
package evaluator
