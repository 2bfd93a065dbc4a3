package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/obligation"
)

// The summary's next deadline is the council's next duty: another party's
// expectation falling due earlier does not count, and a duty whose date is
// assumed is marked as check marks it. As of 30 Sep 2018 the open
// instances are the adviser's report (an expectation) due 1 Oct, a duty
// with an assumed date due 10 Oct and a duty due 1 Nov: next is 10 Oct,
// marked "*".
func TestBatchNextDeadlineIsTheCouncilsDuty(t *testing.T) {
	asOf := evaluator.EndOfDay(2018, time.September, 30, event.London)
	due := func(d int, m time.Month) time.Time { return evaluator.EndOfDay(2018, m, d, event.London) }
	res := &evaluator.Result{AsOf: asOf, Findings: []evaluator.Finding{
		{Direction: "x", Obligation: "adviser", Clause: "A3", Role: obligation.Expectation, Status: evaluator.Open, Due: "2018-10-01", DueAt: due(1, time.October)},
		{Direction: "x", Obligation: "late-one", Clause: "9", Role: obligation.Duty, Status: evaluator.Open, Due: "2018-11-01", DueAt: due(1, time.November)},
		{Direction: "x", Obligation: "assumed", Clause: "8(e)", Role: obligation.Duty, Status: evaluator.Open, Due: "2018-10-10", DueAt: due(10, time.October), Assumed: "not in the text"},
	}}
	row := councilRow(workspace.Council{Name: "c", Dir: "c"}, nil, res)
	assert.Equal(t, "2018-10-10", row.Next)
	assert.Equal(t, "8(e)", row.NextClause)
	assert.Equal(t, "not in the text", row.NextAssumed)
	var out bytes.Buffer
	require.NoError(t, writeBatchText(&out, []councilResult{{Council: workspace.Council{Name: "c", Dir: "c"}, Row: row, Res: res, WS: &workspace.Workspace{Location: event.London}}}))
	assert.Contains(t, out.String(), "10 Oct 2018* (8(e))")
}

// Counts agree with their nouns. Ambridge as of 30 Sep 2018 (docs/batch.md)
// has 0 breaches and 1 expectation unmet (Felpersham's report due 1 Sep).
func TestCountsAreSingularOrPlural(t *testing.T) {
	out, _, _ := runCLI("check", "--as-of", "2018-09-30", national+"/ambridge")
	assert.Contains(t, out, "; 0 breaches of the council's duties; 1 expectation of others not met.")
	assert.NotContains(t, out, "1 expectations")
	out, _, _ = runCLI("check", "--as-of", "2018-09-30", national)
	assert.Contains(t, out, "3 councils as of")
}
