package evaluator_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// costly is a direction whose conditions are cheap to estimate (CEL
// assumes event data holds up to 100 elements) but can be made expensive
// by an event carrying much more.
const costly = `id: d
title: t
council: c
issued_by: c
issued: 2018-01-01
parties: {c: {name: C}}
obligations:
  - id: pairs
    clause: "1"
    holder: c
    summary: s
    source: s
    once: {date: 2018-06-30}
    satisfied_by: event.type == "pairs" && event.items.all(a, event.items.all(b, a != b || a == b))
  - id: strings
    clause: "2"
    holder: c
    summary: s
    source: s
    once: {date: 2018-06-30}
    satisfied_by: event.type == "text" && event.items.exists(i, (event.text + event.text + event.text + event.text).size() == i)
`

func costlySet(t *testing.T, opts direction.Options) *direction.Set {
	t.Helper()
	d, err := direction.Parse("costly.yaml", []byte(costly), opts)
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	return set
}

func items(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

func TestRuntimeCostLimitStopsNestedComprehension(t *testing.T) {
	ev := event.Event{ID: "e1", Type: "pairs", At: time.Date(2018, 3, 1, 12, 0, 0, 0, time.UTC),
		Attrs: map[string]any{"items": items(600)}} // 360,000 pairs
	asOf := evaluator.EndOfDay(2018, time.June, 30, event.London())

	_, err := evaluator.Evaluate(costlySet(t, direction.Options{}), []event.Event{ev}, evaluator.Options{AsOf: asOf})
	require.Error(t, err)
	var ee *obligation.EvalError
	require.True(t, errors.As(err, &ee), "an *obligation.EvalError, got %T", err)
	assert.Equal(t, "pairs", ee.Obligation, "the error names the obligation")
	assert.Equal(t, "e1", ee.Event, "and the event")
	assert.Contains(t, err.Error(), "cost limit exceeded (raise Cost.MaxEval)", "names the option that raises it")
	assert.True(t, strings.HasPrefix(err.Error(), "costly.yaml:14:19: obligation pairs"), "positioned at the expression: %v", err)

	// The budget is configurable: with more, the same evaluation completes.
	res, err := evaluator.Evaluate(costlySet(t, direction.Options{Cost: direction.CostLimits{MaxEval: 100_000_000}}),
		[]event.Event{ev}, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Count(evaluator.Met))
}

func TestRuntimeCostLimitStopsHugeStringBuilding(t *testing.T) {
	ev := event.Event{ID: "e2", Type: "text", At: time.Date(2018, 3, 1, 12, 0, 0, 0, time.UTC),
		Attrs: map[string]any{"items": items(50), "text": strings.Repeat("x", 1<<20)}}
	_, err := evaluator.Evaluate(costlySet(t, direction.Options{}), []event.Event{ev},
		evaluator.Options{AsOf: evaluator.EndOfDay(2018, time.June, 30, event.London())})
	var ee *obligation.EvalError
	require.True(t, errors.As(err, &ee), "an *obligation.EvalError, got %T: %v", err, err)
	assert.Equal(t, "strings", ee.Obligation)
	assert.Contains(t, err.Error(), "cost limit exceeded")
}

// The load-time estimate is configurable too: a tiny limit rejects even
// ordinary conditions, at the expression, saying what the limit is.
func TestEstimatedCostLimitIsConfigurable(t *testing.T) {
	_, err := direction.Parse("costly.yaml", []byte(costly), direction.Options{Cost: direction.CostLimits{MaxEstimated: 5}})
	var list diag.List
	require.True(t, errors.As(err, &list), "a diag.List, got %T: %v", err, err)
	require.Len(t, list, 2)
	assert.Equal(t, "costly.yaml:14:19", list[0].Pos.String())
	assert.Contains(t, list[0].Msg, "over the limit of 5")
}

// Working-day functions refuse spans that would loop for long, whatever
// the cost budget.
func TestWorkingDaySpansAreBounded(t *testing.T) {
	src := strings.Replace(costly, `event.type == "pairs" && event.items.all(a, event.items.all(b, a != b || a == b))`,
		`event.type == "pairs" && addWorkingDays(event.at, event.n) > event.at`, 1)
	src = strings.Replace(src, "issued: 2018-01-01\n", "issued: 2018-01-01\ncalendar: england-and-wales\n", 1)
	d, err := direction.Parse("wd.yaml", []byte(src), direction.Options{})
	if err != nil && strings.Contains(err.Error(), `unknown key "calendar"`) {
		t.Skip("no working-day calendars in this build")
	}
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	ev := event.Event{ID: "e3", Type: "pairs", At: time.Date(2018, 3, 1, 12, 0, 0, 0, time.UTC), Attrs: map[string]any{"n": int64(1) << 40}}
	_, err = evaluator.Evaluate(set, []event.Event{ev}, evaluator.Options{AsOf: evaluator.EndOfDay(2018, time.June, 30, event.London())})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than the limit of 10000")
}
