package evaluator_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// A reader told by ReadsAttributes which types' attributes to skip must
// still build those of extensions and waivers, which name the instance
// they grant for even when no obligation's type guard admits their type.
// Regression: an extension in a JSON Lines history made Stream fail
// ("no obligation" read from empty attributes) where Evaluate met the
// report (Barnet 25 January 2018, para 8(f): due 25 Apr 2018, extended to
// 9 May, sent 4 May: met).
func TestReadsAttributesKeepsGrants(t *testing.T) {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	reads := evaluator.ReadsAttributes(set)
	require.True(t, reads(evaluator.ExtensionEvent))
	require.True(t, reads(evaluator.WaiverEvent))
	history := []byte(`{"id":"v1","type":"visit","at":"2018-04-01","child":"c1"}
{"id":"ext-q1","type":"extension","at":"2018-04-20","by":"dfe","obligation":"chair-quarterly-report","instance":1,"to":"2018-05-09"}
{"id":"chair-q1-may","type":"report","at":"2018-05-04","from":"board-chair","to":"secretary-of-state","kind":"progress"}
`)
	asOf := evaluator.EndOfDay(2018, time.June, 30, event.London())
	r := event.NewReader("h.jsonl", bytes.NewReader(history), event.Options{ReadsAttributes: reads})
	var streamed []evaluator.Finding
	_, err = evaluator.Stream(set, r.Next, evaluator.Options{AsOf: asOf}, func(f evaluator.Finding) {
		if f.Obligation == "chair-quarterly-report" {
			streamed = append(streamed, f)
		}
	})
	require.NoError(t, err)
	evs, err := event.Parse("h.jsonl", history, event.Options{})
	require.NoError(t, err)
	res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	var loaded []evaluator.Finding
	for _, f := range res.Findings {
		if f.Obligation == "chair-quarterly-report" {
			loaded = append(loaded, f)
		}
	}
	require.NotEmpty(t, streamed)
	require.Equal(t, evaluator.Met, streamed[0].Status)
	require.NotNil(t, streamed[0].Extension)
	require.Equal(t, "ext-q1", streamed[0].Extension.ID)
	require.Equal(t, len(loaded), len(streamed))
	for i := range loaded {
		require.Equal(t, loaded[i].Reason, streamed[i].Reason)
	}
}
