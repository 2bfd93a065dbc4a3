package evaluator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/evaluator"
)

// A response that discharges the instance its request made tells the
// seen-id set that the request's id was seen (seenIDs.known), so that the
// other keyed obligations do not retain it. That holds only for an id of
// an earlier event: here a board meeting triggers two keyed obligations,
// "papers" (keyed on event.meeting) and then "minutes" (keyed on the
// event's own id, as in "the meeting itself is the record"). When
// "minutes" tests bm1 for discharge, "papers" has just filed an instance
// under bm1, made by bm1 itself; bm1 must still be retained for the
// instance of "minutes" it triggers a moment later, and meets it. The
// reports p1 and p2 are responses of the usual kind: p1 meets bm1's
// "papers", and is not retained for "minutes", which nothing else
// discharges. The plain path (a trace turns keys off) and a monitor
// agree.
func TestKnownSeenIsOnlyAnEarlierEvent(t *testing.T) {
	src := advDirection("d", "2018-01-25", "", `
  - id: papers
    clause: "1"
    holder: council
    summary: papers for each board meeting
    source: test
    triggered:
      when: event.type == "board-meeting"
      due: addDays(trigger.at, 7)
    satisfied_by: event.type == "report" && event.meeting == trigger.id
  - id: minutes
    clause: "2"
    holder: council
    summary: each board meeting is its own record
    source: test
    triggered:
      when: event.type == "board-meeting"
      due: trigger.at
    satisfied_by: event.id == trigger.id
`)
	set := advSet(t, src)
	evs := []event.Event{
		advEv(t, "bm1", "board-meeting", "2018-02-14"),
		advEv(t, "p1", "report", "2018-02-15", "meeting", "bm1"),
		advEv(t, "bm2", "board-meeting", "2018-03-20"),
		advEv(t, "p2", "report", "2018-03-21", "meeting", "bm2"),
	}
	asOf := endOf(2018, 4, 30)
	res := advEval(t, set, evs, asOf)
	require.Len(t, res.Findings, 4)
	want := []struct{ obligation, by string }{{"papers", "p1"}, {"papers", "p2"}, {"minutes", "bm1"}, {"minutes", "bm2"}}
	for i, w := range want {
		f := res.Findings[i]
		assert.Equal(t, w.obligation, f.Obligation)
		assert.Equal(t, evaluator.Met, f.Status, "%s %d: %s", f.Obligation, f.Instance, f.Reason)
		if assert.NotNil(t, f.DischargedBy, "%s %d", f.Obligation, f.Instance) {
			assert.Equal(t, w.by, f.DischargedBy.ID)
		}
	}
	plain, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf, Trace: func(evaluator.Step) {}})
	require.NoError(t, err)
	assert.Equal(t, plain.Findings, res.Findings)
	assert.Equal(t, plain.Events, res.Events)
}
