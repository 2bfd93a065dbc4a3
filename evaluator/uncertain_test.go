package evaluator_test

import (
	"io"
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

// Two events each known only to a range of 101 days give 10,201 cases,
// over a limit of 10,000: refused, naming both dates, never guessed.
func TestUncertainTooManyCases(t *testing.T) {
	set := load(t, quarterly("d", "2018-01-01", ""))
	h := []event.Event{report(t, "a", "2018-01-01"), report(t, "b", "2018-01-01")}
	for i := range h {
		_, _, h[i].Through, _ = event.ParseAt("2018-01-01..2018-04-11", london) // 101 days
		h[i].DateOnly = true
	}
	_, err := evaluator.Evaluate(set, h, asOfDay(t, "2018-12-31"))
	var ue *evaluator.UncertainError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, 10_201, ue.Cases)
	assert.Contains(t, err.Error(), "the date of event a (1 Jan–11 Apr 2018, 101 days)")
	assert.Contains(t, err.Error(), "the date of event b (1 Jan–11 Apr 2018, 101 days)")
	// Ranges of 8 days (28 Mar-4 Apr 2018) give 64 cases: refused over a
	// limit of 63, evaluated at 64. The first report, due 1 Apr 2018, is
	// met if either report came by 1 Apr, else late.
	for i := range h {
		h[i].At = at(t, "2018-03-28")
		_, _, h[i].Through, _ = event.ParseAt("2018-03-28..2018-04-04", london)
	}
	_, err = evaluator.Evaluate(set, h, evaluator.Options{AsOf: asOfDay(t, "2018-12-31").AsOf, MaxCases: 63})
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, 64, ue.Cases)
	res, err := evaluator.Evaluate(set, h, evaluator.Options{AsOf: asOfDay(t, "2018-12-31").AsOf, MaxCases: 64})
	require.NoError(t, err)
	assert.Equal(t, evaluator.Indeterminate, res.Findings[0].Status)
}

// Streaming cannot weigh every day: Stream and Monitor refuse a date known
// only to a range with a clear error instead of guessing.
func TestUncertainStreamRefuses(t *testing.T) {
	set := load(t, quarterly("d", "2018-06", ""))
	_, err := evaluator.Stream(set, func() (*event.Event, error) { return nil, io.EOF }, asOfDay(t, "2018-12-31"), func(evaluator.Finding) {})
	assert.ErrorContains(t, err, "d has a date known only to a range (issued 2018-06)")
	m := evaluator.NewMonitor(set, func(evaluator.Finding) {})
	assert.ErrorContains(t, m.Advance(at(t, "2018-07-01")), "known only to a range")

	set = load(t, quarterly("d", "2018-01-01", ""))
	e := report(t, "r", "2018-04-01")
	_, _, e.Through, _ = event.ParseAt("2018-04", london)
	sent := false
	_, err = evaluator.Stream(set, func() (*event.Event, error) {
		if sent {
			return nil, io.EOF
		}
		sent = true
		return &e, nil
	}, asOfDay(t, "2018-12-31"), func(evaluator.Finding) {})
	assert.ErrorContains(t, err, `event "r" is dated only to April 2018`)
	m = evaluator.NewMonitor(set, func(evaluator.Finding) {})
	assert.ErrorContains(t, m.Observe(&e), "dated only to April 2018")
}

// A direction whose end is known only to the month: issued 1 Jan 2018,
// quarterly reports from 1 Apr (1 Jan + 3 months), last day in force a day
// in July 2018. The report due 1 Jul is generated only if the direction is
// still in force after the end of 1 Jul, i.e. its last day is 1-31 July:
// always (the end of 1 Jul is before the start of 2 Jul, and the last day
// is at least 1 Jul). The one due 1 Oct never is. With no reports, both
// instances up to July are missed in every case: definite.
func TestUncertainEndDate(t *testing.T) {
	set := load(t, quarterly("d", "2018-01-01", "ends: 2018-07"))
	res, err := evaluator.Evaluate(set, nil, asOfDay(t, "2018-12-31"))
	require.NoError(t, err)
	require.Len(t, res.Findings, 2)
	assert.Equal(t, "2018-04-01", res.Findings[0].Due)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	assert.Equal(t, "2018-07-01", res.Findings[1].Due)
	assert.Equal(t, evaluator.Missed, res.Findings[1].Status)
	assert.Empty(t, res.Findings[1].Cases)
	assert.Equal(t, "in force from 1 Jan 2018 to a day in July 2018", res.Directions[0].Period(london))
	assert.Len(t, res.Breaches(), 2)
}

// An event known only to February 2016 (a leap year: 29 days) against a
// report due 29 Feb 2016 (30 Nov 2015 + 3 months, clamped): met on every
// day of the month, definite. Against one due 15 Feb: met 1-15, late 1-14
// days 16-29 (29 Feb is 14 days after 15 Feb).
func TestUncertainLeapMonth(t *testing.T) {
	set := load(t, quarterly("d", "2015-11-30", ""))
	e := report(t, "r", "2016-02-01")
	_, _, e.Through, _ = event.ParseAt("2016-02", london)
	res, err := evaluator.Evaluate(set, []event.Event{e}, asOfDay(t, "2016-03-31"))
	require.NoError(t, err)
	assert.Equal(t, "2016-02-29", res.Findings[0].Due)
	assert.Equal(t, evaluator.Met, res.Findings[0].Status)
	assert.Empty(t, res.Findings[0].Cases)
	assert.Equal(t, "due 29 Feb 2016; met whatever the unknown day (by r on a day in February 2016)", res.Findings[0].Reason)

	set = load(t, quarterly("d", "2015-11-15", ""))
	res, err = evaluator.Evaluate(set, []event.Event{e}, asOfDay(t, "2016-03-31"))
	require.NoError(t, err)
	f := res.Findings[0]
	assert.Equal(t, evaluator.Indeterminate, f.Status)
	require.Len(t, f.Cases, 2)
	assert.Equal(t, "met 2016-02-01..2016-02-15", f.Cases[0].String())
	assert.Equal(t, "late 1-14 days 2016-02-16..2016-02-29", f.Cases[1].String())
}

// Late in every case (a report in May 2018 against 25 Apr): a breach
// whatever the day, counted as one; the days late vary from 6 (1 May) to
// 36 (31 May).
func TestUncertainLateEveryDay(t *testing.T) {
	set := load(t, quarterly("d", "2018-01-25", ""))
	e := report(t, "r", "2018-05-01")
	_, _, e.Through, _ = event.ParseAt("2018-05", london)
	res, err := evaluator.Evaluate(set, []event.Event{e}, asOfDay(t, "2018-06-30"))
	require.NoError(t, err)
	f := res.Findings[0]
	assert.Equal(t, evaluator.Late, f.Status)
	assert.Equal(t, 6, f.DaysLate, "the fewest days late")
	require.Len(t, f.Cases, 1)
	assert.Equal(t, "late 6-36 days 2018-05-01..2018-05-31", f.Cases[0].String())
	assert.Len(t, res.Breaches(), 1)
	assert.Empty(t, res.Indeterminate())
}

// Missed on some days and late on others is a breach whatever the day: as
// of 10 May 2018, a report dated 1-20 May against 25 Apr is late (6-15
// days) on 1-10 May and not yet sent (so the instance is missed) on 11-20
// May. Indeterminate in status, but a breach in every case.
func TestUncertainBreachEveryDay(t *testing.T) {
	set := load(t, quarterly("d", "2018-01-25", ""))
	e := report(t, "r", "2018-05-01")
	_, _, e.Through, _ = event.ParseAt("2018-05-01..2018-05-20", london)
	res, err := evaluator.Evaluate(set, []event.Event{e}, asOfDay(t, "2018-05-10"))
	require.NoError(t, err)
	f := res.Findings[0]
	assert.Equal(t, evaluator.Indeterminate, f.Status)
	require.Len(t, f.Cases, 2)
	assert.Equal(t, "late 6-15 days 2018-05-01..2018-05-10", f.Cases[0].String())
	assert.Equal(t, "missed 2018-05-11..2018-05-20", f.Cases[1].String())
	assert.True(t, f.Cases[1].When[0].AfterAsOf)
	assert.Contains(t, f.Reason, "missed if r came after the as-of date")
	assert.Len(t, res.Breaches(), 1, "a breach in every case")
	assert.Empty(t, res.Indeterminate(), "not left to --strict")
}

// A direction that records its own revocation known only to the month:
// issued 1 Jan 2018, quarterly reports due 1 Apr, 1 Jul, 1 Oct 2018;
// revoked on a day d in July 2018, so in force until the start of d. The
// report due 1 Jul (last instant 23:59:59 BST on 1 Jul) falls due only if
// d >= 2 July: possible, missed (no report) for 2-31 July. The one due
// 1 Apr is missed whatever d; the one due 1 Oct never falls due.
func TestUncertainRecordedRevocation(t *testing.T) {
	set := load(t, quarterly("d", "2018-01-01", `revoked: {on: 2018-07, by: "a direction of July 2018 (not modelled)"}`))
	res, err := evaluator.Evaluate(set, nil, asOfDay(t, "2018-12-31"))
	require.NoError(t, err)
	require.Len(t, res.Findings, 2)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	assert.Equal(t, "2018-07-01", res.Findings[1].Due)
	assert.Equal(t, evaluator.Possible, res.Findings[1].Status)
	require.Len(t, res.Findings[1].Cases, 1)
	assert.Equal(t, "missed 2018-07-02..2018-07-31", res.Findings[1].Cases[0].String())
	assert.Equal(t, "the recorded revocation date of d", res.Findings[1].Cases[0].When[0].Unknown)
	assert.Equal(t, "in force from 1 Jan 2018 to a day in 30 Jun–30 Jul 2018", res.Directions[0].Period(london))
	assert.Len(t, res.Breaches(), 1, "only the definite miss")
	_, err = evaluator.Stream(set, func() (*event.Event, error) { return nil, io.EOF }, asOfDay(t, "2018-12-31"), func(evaluator.Finding) {})
	assert.ErrorContains(t, err, "(revoked 2018-07)")
}
