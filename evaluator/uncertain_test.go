package evaluator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// revoker is a direction to Barnet issued on issued (a date or a month)
// that revokes the direction of 25 January 2018. Its one obligation is a
// placeholder no event satisfies: only the revocation matters here.
func revoker(issued string) string {
	return `
id: barnet-revoker
title: a later direction to Barnet
council: barnet
issued_by: secretary-of-state
issued: ` + issued + `
revokes: [barnet-2018-01]
parties:
  barnet: {name: London Borough of Barnet}
  secretary-of-state: {name: Secretary of State}
obligations:
  - id: placeholder
    clause: "1"
    holder: barnet
    summary: a duty no event in these tests discharges
    source: test
    once: {date: 2019-12-31}
    satisfied_by: event.type == "never"
`
}

func barnetSet(t *testing.T, revokerIssued string) *direction.Set {
	t.Helper()
	jan, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	require.NoError(t, err)
	dirs := []*direction.Direction{jan}
	if revokerIssued != "" {
		r, err := direction.Parse("revoker.yaml", []byte(revoker(revokerIssued)), direction.Options{})
		require.NoError(t, err)
		dirs = append(dirs, r)
	}
	set, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	return set
}

func barnetHistory(t *testing.T) []event.Event {
	t.Helper()
	h, err := event.Load("../examples/barnet/history.yaml", event.Options{})
	require.NoError(t, err)
	return h
}

func findings(res *evaluator.Result, dir, obl string) []evaluator.Finding {
	var out []evaluator.Finding
	for _, f := range res.Findings {
		if f.Direction == dir && f.Obligation == obl {
			out = append(out, f)
		}
	}
	return out
}

// (a) The January 2018 direction revoked by one dated only "2018-06". The
// revocation takes effect at the start of its issue day, some day d in
// 1..30 June 2018, so the January direction is in force until the end of
// d-1 (31 May..29 Jun). 8(f) instance 1 is due 25 Jan + 3 months = 25 Apr
// 2018, before 31 May: generated on every day, met by chair-q1 on 20 Apr
// (5 days early) on every day: definite. Instance 2 is due 25 Jul 2018,
// after 29 Jun, the latest the direction can be in force: never generated,
// on any day: definite, and absent.
func TestUncertainRevocationInJune(t *testing.T) {
	res, err := evaluator.Evaluate(barnetSet(t, "2018-06"), barnetHistory(t), asOfDay(t, "2018-09-30"))
	require.NoError(t, err)
	q := findings(res, "barnet-2018-01", "chair-quarterly-report")
	require.Len(t, q, 1, "only the instance due 25 Apr 2018: the one due 25 Jul 2018 is never generated")
	assert.Equal(t, "2018-04-25", q[0].Due)
	assert.Equal(t, evaluator.Met, q[0].Status)
	assert.Empty(t, q[0].Cases, "the same on every day: definite")
	assert.Equal(t, "due 25 Apr 2018; met by chair-q1 on 20 Apr 2018, 5 days early", q[0].Reason)
	st := res.Directions[0]
	assert.Equal(t, "barnet-2018-01", st.ID)
	assert.Equal(t, "in force from 25 Jan 2018 to a day in 31 May–29 Jun 2018", st.Period(london))
	assert.False(t, st.InForce)
	// The 8(d) instance for the board meeting of 20 Jun 2018 exists only
	// if the direction was still in force at the end of 20 Jun: revoked
	// on 21..30 June. Then dcs-2018-06 (18 Jun) meets it, 2 days early.
	d := findings(res, "barnet-2018-01", "dcs-progress-report")
	require.Len(t, d, 3, "meetings of 14 Feb, 18 Apr, 20 Jun 2018")
	assert.Equal(t, evaluator.Possible, d[2].Status)
	require.Len(t, d[2].Cases, 1)
	assert.Equal(t, evaluator.Case{Status: evaluator.Met, When: d[2].Cases[0].When}, d[2].Cases[0])
	assert.Equal(t, "the issue date of barnet-revoker", d[2].Cases[0].When[0].Unknown)
	assert.Equal(t, "2018-06-21", d[2].Cases[0].When[0].From)
	assert.Equal(t, "2018-06-30", d[2].Cases[0].When[0].To)
	assert.Contains(t, d[2].Reason, "met if barnet-revoker was issued on 21–30 Jun 2018")
}

// (b) Revoked by one dated only "2018-04", day d in 1..30 April. Instance
// 1 of 8(f), due 25 Apr 2018 (last instant 23:59:59 BST on 25 Apr), is
// generated only if that is before the start of d: d >= 26. So it is
// possible, existing for 26-30 April, and then met by chair-q1 (20 Apr,
// while the direction was in force).
func TestUncertainRevocationInApril(t *testing.T) {
	res, err := evaluator.Evaluate(barnetSet(t, "2018-04"), barnetHistory(t), asOfDay(t, "2018-09-30"))
	require.NoError(t, err)
	q := findings(res, "barnet-2018-01", "chair-quarterly-report")
	require.Len(t, q, 1)
	assert.Equal(t, "2018-04-25", q[0].Due)
	assert.Equal(t, evaluator.Possible, q[0].Status)
	require.Len(t, q[0].Cases, 1)
	c := q[0].Cases[0]
	assert.Equal(t, evaluator.Met, c.Status)
	require.Len(t, c.When, 1)
	assert.Equal(t, evaluator.Span{Unknown: "the issue date of barnet-revoker", From: "2018-04-26", To: "2018-04-30"}, evaluator.StripWords(c.When[0]))
	assert.Equal(t, "due 25 Apr 2018; this instance exists only in some cases: met if barnet-revoker was issued on 26–30 Apr 2018; on the other days there is no such instance by the as-of date", q[0].Reason)
	assert.Equal(t, 0, len(res.Breaches()), "possible is not a breach")
}

// (c) A chair's report dated only "2018-04" against the 8(f) deadline of
// 25 Apr 2018 (the January direction not revoked). On days 1..25 April it
// is on time; on day 26..30 it is 1..5 days late (26 Apr is 1 day after 25
// Apr, 30 Apr 5 days). Instance 2, due 25 Jul 2018, is met by chair-q2 on
// 19 Jul whatever the day: definite.
func TestUncertainChairReportInApril(t *testing.T) {
	h := barnetHistory(t)
	for i := range h {
		if h[i].ID == "chair-q1" {
			tm, dateOnly, through, err := event.ParseAt("2018-04", london)
			require.NoError(t, err)
			h[i].At, h[i].DateOnly, h[i].Through = tm, dateOnly, through
		}
	}
	res, err := evaluator.Evaluate(barnetSet(t, ""), h, asOfDay(t, "2018-09-30"))
	require.NoError(t, err)
	q := findings(res, "barnet-2018-01", "chair-quarterly-report")
	require.Len(t, q, 3, "due 25 Apr, 25 Jul, 25 Oct 2018")
	assert.Equal(t, evaluator.Indeterminate, q[0].Status)
	assert.NotNil(t, q[0].DischargedBy, "chair-q1 discharges it on every day")
	require.Len(t, q[0].Cases, 2)
	assert.Equal(t, evaluator.Met, q[0].Cases[0].Status)
	assert.Equal(t, evaluator.Span{Unknown: "the date of event chair-q1", From: "2018-04-01", To: "2018-04-25"}, evaluator.StripWords(q[0].Cases[0].When[0]))
	assert.Equal(t, evaluator.Late, q[0].Cases[1].Status)
	assert.Equal(t, 1, q[0].Cases[1].DaysLate)
	assert.Equal(t, 5, q[0].Cases[1].DaysLateMax)
	assert.Equal(t, evaluator.Span{Unknown: "the date of event chair-q1", From: "2018-04-26", To: "2018-04-30"}, evaluator.StripWords(q[0].Cases[1].When[0]))
	assert.Equal(t, "due 25 Apr 2018; depends on the unknown day: met if chair-q1 was dated 1–25 Apr 2018; late (1–5 days) if chair-q1 was dated 26–30 Apr 2018", q[0].Reason)
	assert.Equal(t, evaluator.Met, q[1].Status)
	assert.Empty(t, q[1].Cases)
	assert.Equal(t, "due 25 Jul 2018; met by chair-q2 on 19 Jul 2018, 6 days early", q[1].Reason)
	assert.Equal(t, evaluator.Open, q[2].Status)
	assert.Equal(t, 0, len(res.Breaches()), "indeterminate is not a definite breach")
	assert.Equal(t, 1, res.Count(evaluator.Indeterminate))
}
