package report_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
	"github.com/dfe-tools/directions/report"
)

// The summary's next deadline is the council's next duty: another party's
// expectation falling due earlier does not count, and a duty whose date is
// assumed is marked as check marks it. As of 30 Sep 2018 the open
// instances are the adviser's report (an expectation) due 1 Oct, a duty
// with an assumed date due 10 Oct and a duty due 1 Nov: next is 10 Oct,
// marked "*".
func TestBatchNextDeadlineIsTheCouncilsDuty(t *testing.T) {
	asOf := evaluator.EndOfDay(2018, time.September, 30, event.London())
	due := func(d int, m time.Month) time.Time { return evaluator.EndOfDay(2018, m, d, event.London()) }
	res := &evaluator.Result{AsOf: asOf, Findings: []evaluator.Finding{
		{Direction: "x", Obligation: "adviser", Clause: "A3", Role: obligation.Expectation, Status: evaluator.Open, Due: "2018-10-01", DueAt: due(1, time.October)},
		{Direction: "x", Obligation: "late-one", Clause: "9", Role: obligation.Duty, Status: evaluator.Open, Due: "2018-11-01", DueAt: due(1, time.November)},
		{Direction: "x", Obligation: "assumed", Clause: "8(e)", Role: obligation.Duty, Status: evaluator.Open, Due: "2018-10-10", DueAt: due(10, time.October), Assumed: "not in the text"},
	}}
	c := report.Council{Name: "c", Folder: "c", Result: res}
	row := c.Row()
	assert.Equal(t, "2018-10-10", row.Next)
	assert.Equal(t, "8(e)", row.NextClause)
	assert.Equal(t, "not in the text", row.NextAssumed)
	var out bytes.Buffer
	require.NoError(t, report.WriteBatchText(&out, []report.Council{c}))
	assert.Contains(t, out.String(), "10 Oct 2018* (8(e))")
}
