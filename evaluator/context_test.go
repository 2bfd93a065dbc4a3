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

// StreamContext stops at the first event it would read after the
// cancellation.
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
	assert.Equal(t, 100, read, "events read: none after cancelling")

	read = 0
	var n int
	res, err := evaluator.StreamContext(context.Background(), set, next, opts, func(evaluator.Finding) { n++ })
	require.NoError(t, err)
	assert.Equal(t, 6000, res.Events.Read)
	assert.Equal(t, 3000, n, "one finding per request")
	assert.False(t, errors.Is(err, context.Canceled))
}

// An input that ends after the context is done (a producer stopped by the
// same Ctrl-C) is not the end of the history: StreamContext and
// EvaluateContext return the context's error and report nothing that only
// the end makes final. Two requests, never answered, due 5 working days
// later: to the end of 2019 each would be missed.
func TestContextCancelledAtEndOfInput(t *testing.T) {
	set := answerWithin(t, nil)
	opts := evaluator.Options{AsOf: evaluator.EndOfDay(2019, time.December, 31, event.London())}
	evs := requests(2)
	evs = []event.Event{evs[0], evs[2]} // the requests, without their answers

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	read := 0
	next := func() (*event.Event, error) {
		if read == len(evs) {
			cancel() // the input ends because of the cancellation
			return nil, io.EOF
		}
		read++
		return &evs[read-1], nil
	}
	var found []evaluator.Finding
	res, err := evaluator.StreamContext(ctx, set, next, opts, func(f evaluator.Finding) { found = append(found, f) })
	assert.ErrorIs(t, err, context.Canceled, "StreamContext cancelled at the end of input")
	assert.Nil(t, res)
	assert.Empty(t, found, "no missed findings from a history cut off")

	// The same history to its end has both requests missed: the test can
	// tell.
	read = 0
	found = nil
	_, err = evaluator.StreamContext(context.Background(), set, next, opts, func(f evaluator.Finding) { found = append(found, f) })
	require.NoError(t, err)
	require.Len(t, found, 2)
	assert.Equal(t, evaluator.Missed, found[0].Status)

	// EvaluateContext cancelled while evaluating the first of two events
	// (it looks every CheckEvery events, so not before the second) stops
	// before finishing.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	opts.Trace = func(evaluator.Step) { cancel() }
	got, err := evaluator.EvaluateContext(ctx, set, evs, opts)
	assert.ErrorIs(t, err, context.Canceled, "EvaluateContext cancelled before the end")
	assert.Nil(t, got)
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
