package evaluator_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// answerWithin is a direction whose requests say how many working days
// the council has to answer them.
func answerWithin(t *testing.T, vocab *event.Vocabulary) *direction.Set {
	t.Helper()
	d, err := direction.New(direction.Spec{
		ID: "d", Title: "Answer requests", Council: "council", IssuedBy: "sos",
		Issued:     civil.New(2018, time.January, 1),
		Parties:    []direction.Party{{ID: "council", Name: "Council"}, {ID: "sos", Name: "Secretary of State"}},
		Vocabulary: vocab,
		Obligations: []obligation.Spec{{
			ID: "answer", Clause: "1", Holder: "council", Summary: "Answer each request in the days it sets.", Source: "test",
			Triggered:   &obligation.TriggeredSpec{When: `event.type == "request"`, Due: "addWorkingDays(trigger.at, trigger.days)"},
			SatisfiedBy: `event.type == "answer"`,
		}},
	}, direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	return set
}

// history decodes attributes as a program using encoding/json would: every
// number is a float64.
func history(t *testing.T, days string) []event.Event {
	t.Helper()
	var attrs map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"days": `+days+`}`), &attrs))
	return []event.Event{
		{ID: "req", Type: "request", At: time.Date(2018, time.June, 4, 9, 0, 0, 0, event.London()), Attrs: attrs},
		{ID: "ans", Type: "answer", At: time.Date(2018, time.June, 7, 16, 0, 0, 0, event.London()), Attrs: map[string]any{}},
	}
}

// A whole-number float works where an int is expected: 3.0 working days
// from Monday 4 June 2018 is Thursday 7 June, as 3 is, and the answer on
// 7 June meets it.
func TestWholeNumberFloatIsAnInt(t *testing.T) {
	asOf := evaluator.EndOfDay(2018, time.June, 30, event.London())
	for _, days := range []string{"3", "3.0", "3e0"} {
		res, err := evaluator.Evaluate(answerWithin(t, nil), history(t, days), evaluator.Options{AsOf: asOf})
		require.NoError(t, err, "Evaluate with days %s", days)
		require.Len(t, res.Findings, 1, "days %s", days)
		f := res.Findings[0]
		assert.Equal(t, "2018-06-07", f.Due, "days %s", days)
		assert.Equal(t, evaluator.Met, f.Status, "days %s", days)
	}
	// As an event from YAML, where 3 is an int64.
	evs := history(t, "3")
	evs[0].Attrs["days"] = int64(3)
	res, err := evaluator.Evaluate(answerWithin(t, nil), evs, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, "2018-06-07", res.Findings[0].Due)
}

// A number with a fraction is not a number of days: evaluation fails
// naming the attribute and its value, and with a vocabulary declaring the
// attribute an int the history is refused at load.
func TestFractionalDaysNamed(t *testing.T) {
	asOf := evaluator.EndOfDay(2018, time.June, 30, event.London())
	_, err := evaluator.Evaluate(answerWithin(t, nil), history(t, "2.5"), evaluator.Options{AsOf: asOf})
	require.Error(t, err)
	var ee *obligation.EvalError
	require.True(t, errors.As(err, &ee), "an EvalError: %v", err)
	assert.Contains(t, err.Error(), `attribute "days" of event "req" is 2.5, not a whole number`)

	vocab := &event.Vocabulary{Types: map[string]map[string]event.AttrType{
		"request": {"days": event.Int}, "answer": {},
	}}
	set := answerWithin(t, vocab)
	voc := direction.VocabularyOf(set.Directions...)
	for days, ok := range map[string]bool{"3.0": true, "2.5": false} {
		var errs diag.List
		ev := history(t, days)[0]
		good := voc.CheckEvent(&ev, "events[0]", func(string) diag.Position { return ev.Pos }, &errs)
		assert.Equal(t, ok, good, "days %s", days)
		if !ok && assert.Error(t, errs.Err(), "days %s", days) {
			assert.Contains(t, errs.Err().Error(), `attribute "days" of a "request" event must be a whole number, found the number 2.5`)
		}
	}
}
