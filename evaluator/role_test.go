package evaluator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// A direction binds only its council: the adviser's quarterly report (an
// expectation) and the council's access duty. Issued 31 Jan 2018, the
// adviser's reports are due 30 Apr (31 Jan + 3 months, clamped) and 31 Jul
// 2018; access requested on Friday 1 Jun without a date is due 1 Jun + 5
// working days = 8 Jun (an assumed date), one with a date on that date.
const roles = `
id: roles
title: roles
council: council
issued_by: sos
issued: 2018-01-31
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
  adviser: {name: Adviser}
  dcs: {name: The council's DCS, officer_of: council}
obligations:
  - id: adviser-report
    clause: Annex A 3
    holder: adviser
    role: expectation
    deadline_assumed: regular read as quarterly
    summary: the adviser reports regularly
    source: test
    recurring: {every: 3 months}
    satisfied_by: event.type == "report" && event.from == "adviser"
  - id: access
    clause: 8(b)
    holder: dcs
    role: duty
    summary: access on request
    source: test
    triggered:
      when: event.type == "request"
      due: 'has(trigger.due) ? date(trigger.due) : addWorkingDays(trigger.at, 5)'
    deadline_assumed: {why: reasonable time read as 5 working days, unless: has(trigger.due)}
    satisfied_by: event.type == "response" && event.request == trigger.id
  - id: old-style
    clause: 9
    holder: adviser
    summary: no role given, so a duty as before roles existed
    source: test
    once: {date: 2018-03-01}
    satisfied_by: event.type == "report" && event.from == "nobody"
`

func TestRolesAndAssumedDates(t *testing.T) {
	set := load(t, roles)
	dueFree := ev(t, "r1", "request", "2018-06-01")
	dated := ev(t, "r2", "request", "2018-06-01", "due", "2018-06-20")
	events := []event.Event{
		ev(t, "q1", "report", "2018-04-30", "from", "adviser"),
		dueFree, dated,
		ev(t, "ok2", "response", "2018-06-19", "request", "r2"),
	}
	res := eval(t, set, events, "2018-08-01")
	byKey := map[string]evaluator.Finding{}
	for _, f := range res.Findings {
		key := f.Obligation
		if f.Trigger != nil {
			key += "@" + f.Trigger.ID
		}
		if f.Kind != obligation.Triggered {
			key += "#" + string(rune('0'+f.Instance))
		}
		byKey[key] = f
	}
	q2 := byKey["adviser-report#2"]
	require.Equal(t, evaluator.Missed, q2.Status, "the adviser's report due 31 Jul is missed")
	assert.Equal(t, obligation.Expectation, q2.Role)
	assert.Equal(t, "regular read as quarterly", q2.Assumed)
	assert.False(t, q2.IsBreach(), "an expectation is never a breach")
	assert.True(t, q2.IsUnmetExpectation())

	free := byKey["access@r1"]
	assert.Equal(t, evaluator.Missed, free.Status)
	assert.Equal(t, "2018-06-08", free.Due)
	assert.Equal(t, obligation.Duty, free.Role)
	assert.Equal(t, "reasonable time read as 5 working days", free.Assumed, "no date in the request: the model's")
	assert.True(t, free.IsBreach())
	withDate := byKey["access@r2"]
	assert.Equal(t, evaluator.Met, withDate.Status)
	assert.Empty(t, withDate.Assumed, "the request's own date is not an assumption")

	old := byKey["old-style#1"]
	assert.Equal(t, obligation.Duty, old.Role, "no role key: a duty, whoever holds it")
	assert.True(t, old.IsBreach())

	// Breaches: access@r1 missed and old-style missed; adviser-report #2
	// is the one expectation unmet.
	assert.Len(t, res.Breaches(), 2)
	assert.Len(t, res.UnmetExpectations(), 1)
	assert.True(t, evaluator.Finding{Status: evaluator.Missed}.IsBreach(), "an empty role counts as a duty")
}
