package evaluator_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// shaped is a direction issued on issued with one report obligation whose
// schedule (and attribution) is given as YAML lines.
func shaped(issued, schedule string) string {
	return fmt.Sprintf(`
id: d
title: test direction
council: council
issued_by: sos
issued: %s
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: r
    clause: "1"
    holder: council
    summary: report
    source: test
%s
    satisfied_by: event.type == "report" && event.to == "sos"
`, issued, schedule)
}

// Leading offsets clamp to the month's end from the anchor each time, and
// the cadence after them counts from the last offset: a direction of
// 31 Aug 2018 with updates after 1 month and after 6 months, then every
// 3 months, has them due 30 Sep 2018 (September has 30 days), 28 Feb 2019
// (31 Aug + 6 months, February has 28), 31 May 2019 (31 Aug + 9 months,
// not 28 May) and 31 Aug 2019.
func TestLeadingOffsetsClampFromTheAnchor(t *testing.T) {
	set := load(t, shaped("2018-08-31", "    recurring: {after: [1 month, 6 months], then_every: 3 months}"))
	res := eval(t, set, nil, "2019-09-01")
	assert.Equal(t, []row{
		{"r", 1, "2018-09-30", "missed", "", 0},
		{"r", 2, "2019-02-28", "missed", "", 0},
		{"r", 3, "2019-05-31", "missed", "", 0},
		{"r", 4, "2019-08-31", "missed", "", 0},
		{"r", 5, "2019-11-30", "open", "", 0},
	}, rows(res, ""))
	assert.Equal(t, "31 Aug 2018 (the direction's date) + 6 months + 1 × 3 months = 31 May 2019", res.Findings[2].Basis)
	assert.Equal(t, "31 Aug 2018 (the direction's date) + 6 months = 28 Feb 2019 (the February has no day 31, so the month's last day)", res.Findings[1].Basis)
}

// A list without then_every is the whole series, and an event after the
// last deadline still counts for the last instance (late), under every
// attribution rule: the last window has no end.
func TestFiniteListsEndAndTheirLastWindowStaysOpen(t *testing.T) {
	for _, attribution := range []string{"", "    attribution: window"} {
		set := load(t, shaped("2019-01-15", "    recurring: {dates: [2019-05-31, 2019-11-30]}\n"+attribution))
		res := eval(t, set, []event.Event{report(t, "may", "2019-05-31"), report(t, "late", "2019-12-03")}, "2020-12-31")
		assert.Equal(t, []row{
			{"r", 1, "2019-05-31", "met", "may", 0},
			{"r", 2, "2019-11-30", "late", "late", 3}, // 30 Nov + 3 days = 3 Dec
		}, rows(res, ""), attribution)
		assert.Equal(t, "30 Nov 2019 (the 2nd of the 2 dates the direction sets)", res.Findings[1].Basis)
	}
}

// Dates followed by a cadence count it from the last date.
func TestDatesThenCadence(t *testing.T) {
	set := load(t, shaped("2019-01-15", "    recurring: {dates: [2019-03-31, 2019-08-31], then_every: 6 months, count: 4}"))
	res := eval(t, set, nil, "2021-01-01")
	assert.Equal(t, []row{
		{"r", 1, "2019-03-31", "missed", "", 0},
		{"r", 2, "2019-08-31", "missed", "", 0},
		{"r", 3, "2020-02-29", "missed", "", 0}, // 31 Aug 2019 + 6 months: 2020 is a leap year
		{"r", 4, "2020-08-31", "missed", "", 0}, // + 2 × 6 months, from 31 Aug again
	}, rows(res, ""))
	assert.Equal(t, "31 Aug 2019 (the last of the dates the direction sets) + 2 × 6 months = 31 Aug 2020", res.Findings[3].Basis)
}

// Window: an event at the very deadline instant belongs to that instance;
// one a nanosecond later to the next; an event in the window of an
// instance already discharged discharges nothing, while oldest-outstanding
// would give it to the earlier instance still outstanding.
func TestWindowAttributionAtTheDeadline(t *testing.T) {
	win := load(t, shaped("2018-01-25", "    recurring: {every: 3 months}\n    attribution: window"))
	old := load(t, shaped("2018-01-25", "    recurring: {every: 3 months}"))
	deadline := at(t, "2018-04-25").AddDate(0, 0, 1).Add(-1) // 23:59:59.999999999 BST on 25 Apr 2018
	onTime := event.Event{ID: "on-time", Type: "report", At: deadline, Attrs: map[string]any{"to": "sos"}}
	after := event.Event{ID: "after", Type: "report", At: deadline.Add(1), Attrs: map[string]any{"to": "sos"}}
	res := eval(t, win, []event.Event{onTime, after}, "2018-09-30")
	assert.Equal(t, []row{
		{"r", 1, "2018-04-25", "met", "on-time", 0},
		{"r", 2, "2018-07-25", "met", "after", 0},
		{"r", 3, "2018-10-25", "open", "", 0},
	}, rows(res, ""))
	assert.Equal(t, "window", res.Findings[0].Attribution)

	// Two reports in the second quarter, none in the first.
	evs := []event.Event{report(t, "a", "2018-05-10"), report(t, "b", "2018-06-10")}
	assert.Equal(t, []row{
		{"r", 1, "2018-04-25", "missed", "", 0},
		{"r", 2, "2018-07-25", "met", "a", 0},
		{"r", 3, "2018-10-25", "open", "", 0},
	}, rows(eval(t, win, evs, "2018-09-30"), ""), "window: b falls in a discharged window")
	assert.Equal(t, []row{
		{"r", 1, "2018-04-25", "late", "a", 15}, // 25 Apr + 15 days = 10 May
		{"r", 2, "2018-07-25", "met", "b", 0},
		{"r", 3, "2018-10-25", "open", "", 0},
	}, rows(eval(t, old, evs, "2018-09-30"), ""), "oldest-outstanding")
}

// An attribute naming the due date places the event whatever its window;
// a value that names no instance is an error naming the event and the
// nearest due dates, not silently dropped; an event the obligation does
// not accept is no concern of it, whatever it names.
func TestAttributeAttribution(t *testing.T) {
	set := load(t, shaped("2018-01-25", "    recurring: {every: 3 months}\n    attribution: {attribute: for, otherwise: window}"))
	named := func(id, when, forDate string) event.Event {
		return ev(t, id, "report", when, "to", "sos", "for", forDate)
	}
	res := eval(t, set, []event.Event{
		named("q2-early", "2018-03-01", "2018-07-25"), // before its window opens: held, then met
		named("q1-late", "2018-05-02", "2018-04-25"),  // in q2's window, but for q1: late 7 days
		report(t, "unnamed", "2018-05-03"),            // no for: by window, q2 is taken, so nothing
		named("q1-again", "2018-05-04", "2018-04-25"), // q1 already discharged: nothing
	}, "2018-09-30")
	assert.Equal(t, []row{
		{"r", 1, "2018-04-25", "late", "q1-late", 7},
		{"r", 2, "2018-07-25", "met", "q2-early", 0},
		{"r", 3, "2018-10-25", "open", "", 0},
	}, rows(res, ""))
	assert.Equal(t, "attribute:for", res.Findings[0].Attribution)
	assert.Equal(t, 2, res.Events.Irrelevant, "unnamed and q1-again discharge nothing")

	_, err := evaluatorEvaluate(set, []event.Event{named("typo", "2018-05-02", "2018-04-26")}, t)
	var ee *obligation.EvalError
	require.True(t, errors.As(err, &ee), "an error naming the event: %v", err)
	assert.Equal(t, "typo", ee.Event)
	assert.Contains(t, err.Error(), "its for attribute names 26 Apr 2018, but no instance of clause 1 is due that day (the nearest due dates: before it 25 Apr 2018, after it 25 Jul 2018)")
	assert.Contains(t, err.Error(), "d0.yaml:17:18")

	_, err = evaluatorEvaluate(set, []event.Event{named("junk", "2018-05-02", "the second quarter")}, t)
	assert.ErrorContains(t, err, `its for attribute "the second quarter" is not a date`)

	// Not a report to the Secretary of State: not this obligation's event.
	other := ev(t, "other", "report", "2018-05-02", "to", "essex", "for", "2018-04-26")
	res = eval(t, set, []event.Event{other}, "2018-09-30")
	assert.Equal(t, 1, res.Events.Irrelevant)
}

func evaluatorEvaluate(set *direction.Set, evs []event.Event, t *testing.T) (*evaluator.Result, error) {
	return evaluator.Evaluate(set, evs, asOfDay(t, "2018-09-30"))
}
