package evaluator_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// requests is a history of n requests a day apart, each answered.
func requests(n int) []event.Event {
	var evs []event.Event
	start := time.Date(2018, time.January, 2, 9, 0, 0, 0, event.London())
	for i := range n {
		at := start.Add(time.Duration(i) * time.Hour)
		evs = append(evs,
			event.Event{ID: fmt.Sprintf("req-%d", i), Type: "request", At: at, Attrs: map[string]any{"days": int64(5)}},
			event.Event{ID: fmt.Sprintf("ans-%d", i), Type: "answer", At: at.Add(time.Minute), Attrs: map[string]any{}})
	}
	return evs
}

func TestEvaluateContextCancelled(t *testing.T) {
	set := answerWithin(t, nil)
	opts := evaluator.Options{AsOf: evaluator.EndOfDay(2019, time.December, 31, event.London())}
	evs := requests(3000)

	want, err := evaluator.Evaluate(set, evs, opts)
	require.NoError(t, err)
	got, err := evaluator.EvaluateContext(context.Background(), set, evs, opts)
	require.NoError(t, err)
	assert.Equal(t, want, got, "EvaluateContext with a live context is Evaluate")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = evaluator.EvaluateContext(ctx, set, evs, opts)
	assert.ErrorIs(t, err, context.Canceled, "EvaluateContext")
	_, err = evaluator.EvaluateContext(ctx, set, evs[:2], opts)
	assert.ErrorIs(t, err, context.Canceled, "EvaluateContext looks before the first event")

	// Cancelled while running (at the 100th event tested): it stops
	// within CheckEvery events.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	tested := 0
	opts.Trace = func(s evaluator.Step) {
		if s.Kind == evaluator.StepTested {
			if tested++; tested == 100 {
				cancel()
			}
		}
	}
	_, err = evaluator.EvaluateContext(ctx, set, evs, opts)
	assert.ErrorIs(t, err, context.Canceled, "EvaluateContext cancelled while running")
	assert.LessOrEqual(t, tested, 100+evaluator.CheckEvery, "events tested after cancelling")
}

// StreamContext stops within CheckEvery events of the cancellation.
func TestStreamContextCancelled(t *testing.T) {
	set := answerWithin(t, nil)
	opts := evaluator.Options{AsOf: evaluator.EndOfDay(2019, time.December, 31, event.London())}
	evs := requests(3000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	read := 0
	next := func() (*event.Event, error) {
		if read == len(evs) {
			return nil, io.EOF
		}
		read++
		if read == 100 {
			cancel()
		}
		return &evs[read-1], nil
	}
	_, err := evaluator.StreamContext(ctx, set, next, opts, func(evaluator.Finding) {})
	assert.ErrorIs(t, err, context.Canceled)
	assert.LessOrEqual(t, read, 100+evaluator.CheckEvery, "events read after cancelling")
	assert.Less(t, read, len(evs))

	read = 0
	var n int
	res, err := evaluator.StreamContext(context.Background(), set, next, opts, func(evaluator.Finding) { n++ })
	require.NoError(t, err)
	assert.Equal(t, 6000, res.Events.Read)
	assert.Equal(t, 3000, n, "one finding per request")
	assert.False(t, errors.Is(err, context.Canceled))
}

// ScheduleContext is Schedule with a live context, and stops with the
// context's error once it is done.
func TestScheduleContextCancelled(t *testing.T) {
	set := answerWithin(t, nil)
	evs := requests(3000)
	opts := evaluator.ScheduleOptions{
		From:  time.Date(2018, time.January, 1, 0, 0, 0, 0, event.London()),
		Until: evaluator.EndOfDay(2019, time.December, 31, event.London()),
	}
	want, err := evaluator.Schedule(set, evs, opts)
	require.NoError(t, err)
	require.Len(t, want, 3000, "one deadline per request")
	got, err := evaluator.ScheduleContext(context.Background(), set, evs, opts)
	require.NoError(t, err)
	assert.Equal(t, want, got, "ScheduleContext with a live context is Schedule")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err = evaluator.ScheduleContext(ctx, set, evs, opts)
	assert.ErrorIs(t, err, context.Canceled, "ScheduleContext")
	assert.Nil(t, got, "no deadlines from a cancelled schedule")
}
