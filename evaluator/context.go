package evaluator

import (
	"context"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// CheckEvery is how many events EvaluateContext and ScheduleContext
// evaluate between looks at their context: often enough to stop within
// milliseconds, rarely enough to cost nothing measurable. They look once
// more after the last event, before finishing.
const CheckEvery = 1024

// StreamContext is Stream, stopping with ctx's error once ctx is done: it
// looks before reading each event (a slow feed may take seconds an event,
// so counting events would not be prompt; a look is a receive from a
// channel not yet closed, which takes no lock), and again when next
// returns an error or io.EOF. An input that ends after ctx is done may
// have ended because of it (a producer killed by the same Ctrl-C): that
// is not the end of the history, so StreamContext returns ctx's error and
// reports none of the findings that only the end of the history makes
// final (missed or open as of the as-of time). The findings reported
// before it stopped stay true: each was final when reported, whatever
// events follow (see Stream).
func StreamContext(ctx context.Context, set *direction.Set, next func() (*event.Event, error), opts Options, report func(Finding)) (*Result, error) {
	done := ctx.Done()
	return Stream(set, func() (*event.Event, error) {
		select {
		case <-done:
			return nil, ctx.Err()
		default:
		}
		ev, err := next()
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return ev, err
	}, opts, report)
}
