package evaluator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/obligation"
)

// CountBreaches counts what Breaches lists: a late or missed council duty,
// a breached prohibition whose role is empty (a duty), an indeterminate
// duty late or missed on every day; not an expectation missed, an expectation late, a duty met,
// open or waived, nor one indeterminate that is a breach on some days only.
func TestCountBreachesCountsWhatBreachesLists(t *testing.T) {
	breachCases := []evaluator.Case{{Status: evaluator.Late}, {Status: evaluator.Missed}}
	mixed := []evaluator.Case{{Status: evaluator.Met}, {Status: evaluator.Missed}}
	res := &evaluator.Result{Findings: []evaluator.Finding{
		{Instance: 1, Status: evaluator.Late, Role: obligation.Duty},
		{Instance: 2, Status: evaluator.Missed, Role: obligation.Expectation},
		{Instance: 3, Status: evaluator.Breached},
		{Instance: 4, Status: evaluator.Met, Role: obligation.Duty},
		{Instance: 5, Status: evaluator.Indeterminate, Role: obligation.Duty, Cases: breachCases},
		{Instance: 6, Status: evaluator.Indeterminate, Role: obligation.Duty, Cases: mixed},
		{Instance: 7, Status: evaluator.Open},
		{Instance: 8, Status: evaluator.Waived, Role: obligation.Duty},
		{Instance: 9, Status: evaluator.Missed, Role: obligation.Duty},
		{Instance: 10, Status: evaluator.Late, Role: obligation.Expectation},
	}}
	var listed []int
	for _, f := range res.Breaches() {
		listed = append(listed, f.Instance)
	}
	assert.Equal(t, []int{1, 3, 5, 9}, listed)
	assert.Equal(t, 4, res.CountBreaches())
	assert.Equal(t, 0, (&evaluator.Result{}).CountBreaches())
}
