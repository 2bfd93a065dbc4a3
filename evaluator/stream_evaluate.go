package evaluator

import (
	"cmp"
	"context"
	"slices"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// EvaluateStream is EvaluateContext reading the events one at a time from
// next (io.EOF after the last), as StreamContext does: it returns the
// Result Evaluate gives, findings included and in Evaluate's order, while
// holding only the findings and what StreamContext holds, not the
// history. It takes what Stream takes, events in time order and dated to
// the day, and refuses the rest with Stream's errors (an *OrderError, an
// event or direction dated only to a range), where Evaluate would sort the
// events or weigh every day: a caller holding a file can load it and call
// Evaluate instead, which is what the CLI does. Like Stream it does not
// check that ids are unique. A Trace in opts is told the steps as
// Evaluate tells them, but a step's Event is next's, which next may
// reuse: copy what is kept.
func EvaluateStream(ctx context.Context, set *direction.Set, next func() (*event.Event, error), opts Options) (*Result, error) {
	var findings []Finding
	res, err := StreamContext(ctx, set, next, opts, func(f Finding) {
		if f.Instance != 0 { // as Evaluate: an unnumbered finding is never reported
			findings = append(findings, f)
		}
	})
	if err != nil {
		return nil, err
	}
	sortFindings(set, findings)
	res.Findings = append(make([]Finding, 0, len(findings)), findings...) // never nil, as Evaluate's
	markTies(set, res.Findings)
	return res, nil
}

// ScheduleStream is ScheduleContext reading the events one at a time from
// next, as EvaluateStream does: the same deadlines, holding the findings
// rather than the history, for events in time order and dated to the day
// (the rest are refused with Stream's errors; ScheduleContext takes them).
// Events after opts.Now are read, to check their order, and ignored, as
// ScheduleContext ignores them.
func ScheduleStream(ctx context.Context, set *direction.Set, next func() (*event.Event, error), opts ScheduleOptions) ([]Deadline, error) {
	if err := checkRange(opts); err != nil {
		return nil, err
	}
	if !opts.Now.IsZero() {
		set = set.AsOf(opts.Now) // as ScheduleContext
	}
	res, err := EvaluateStream(ctx, set, next, Options{AsOf: opts.Until, known: opts.Now})
	if err != nil {
		return nil, err
	}
	return deadlines(set, res, opts), nil
}

// sortFindings puts findings reported as they became final in Evaluate's
// order: by direction and obligation as the set lists them, then by
// instance.
func sortFindings(set *direction.Set, findings []Finding) {
	type pos struct{ dir, obl int }
	order := map[[2]string]pos{}
	for i, d := range set.Directions {
		for j, o := range d.Obligations {
			order[[2]string{d.ID, o.ID}] = pos{i, j}
		}
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		pa, pb := order[[2]string{a.Direction, a.Obligation}], order[[2]string{b.Direction, b.Obligation}]
		return cmp.Or(cmp.Compare(pa.dir, pb.dir), cmp.Compare(pa.obl, pb.obl), cmp.Compare(a.Instance, b.Instance))
	})
}
