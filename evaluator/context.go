package evaluator

import (
	"context"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// CheckEvery is how many events EvaluateContext, StreamContext and
// ScheduleContext read between looks at their context: often enough to
// stop within milliseconds, rarely enough to cost nothing measurable.
const CheckEvery = 1024

// StreamContext is Stream, stopping with ctx's error soon after ctx is
// done: it looks every CheckEvery events, before reading the next.
func StreamContext(ctx context.Context, set *direction.Set, next func() (*event.Event, error), opts Options, report func(Finding)) (*Result, error) {
	n := 0
	return Stream(set, func() (*event.Event, error) {
		if n%CheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		n++
		return next()
	}, opts, report)
}
