package evaluator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Adversarial cases for the evaluator. Every expectation is worked out by
// hand from the semantics (README "Semantics", evaluator/doc.go) in the
// comment beside it. London is on GMT (= UTC) from the last Sunday of
// October to the last Sunday of March, BST (UTC+1) otherwise: in 2018 BST
// ran from 25 Mar 01:00Z to 28 Oct 01:00Z.

// advDirection is a direction issued on issued, with extra top-level keys
// and the given obligations (YAML list items, indented by two spaces).
func advDirection(id, issued, extra, obligations string) string {
	return fmt.Sprintf(`
id: %s
title: adversarial
council: council
issued_by: sos
issued: %s
%s
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
  chair: {name: Board Chair}
obligations:
%s`, id, issued, extra, obligations)
}

// advRecurring is one recurring report obligation with the given schedule
// (the inside of the recurring mapping).
func advRecurring(schedule string) string {
	return fmt.Sprintf(`
  - id: r
    clause: "1"
    holder: council
    summary: periodic report
    source: test
    recurring: {%s}
    satisfied_by: event.type == "report"
`, schedule)
}

func advOnce(date string) string {
	return fmt.Sprintf(`
  - id: o
    clause: "2"
    holder: council
    summary: one report
    source: test
    once: {date: %s}
    satisfied_by: event.type == "report"
`, date)
}

func advSet(t *testing.T, srcs ...string) *direction.Set {
	t.Helper()
	var dirs []*direction.Direction
	for i, src := range srcs {
		d, err := direction.Parse(fmt.Sprintf("adv%d.yaml", i), []byte(src), direction.Options{})
		require.NoError(t, err, "direction.Parse:\n%s", src)
		dirs = append(dirs, d)
	}
	set, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	return set
}

func advAt(t *testing.T, s string) time.Time {
	t.Helper()
	tm, _, err := event.ParseTime(s, event.London())
	require.NoError(t, err, s)
	return tm
}

// advEv makes an event; attrs are key, value pairs.
func advEv(t *testing.T, id, typ, when string, attrs ...string) event.Event {
	t.Helper()
	e := event.Event{ID: id, Type: typ, At: advAt(t, when), Attrs: map[string]any{}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs[attrs[i]] = attrs[i+1]
	}
	return e
}

func advEval(t *testing.T, set *direction.Set, evs []event.Event, asOf time.Time) *evaluator.Result {
	t.Helper()
	res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	// Every case is also run through a Monitor, which must end with the
	// same findings (evaluator/doc.go, Streaming).
	advCheckMonitor(t, set, evs, asOf, res)
	return res
}

func endOf(y int, m time.Month, d int) time.Time { return evaluator.EndOfDay(y, m, d, event.London()) }

func dueDates(fs []evaluator.Finding, obligation string) []string {
	var out []string
	for _, f := range fs {
		if f.Obligation == obligation {
			out = append(out, f.Due)
		}
	}
	return out
}

// --- Rule 2: recurring due dates ---------------------------------------

func TestAdversarialRecurringMonthEnds(t *testing.T) {
	for _, c := range []struct {
		name, issued, schedule string
		want                   []string
	}{
		{
			// 29 Feb 2020 + 12k months: 2021, 2022, 2023 have no 29 Feb
			// (not divisible by 4); 2024 does.
			"29 Feb annual", "2020-02-29", "every: annually, count: 5",
			[]string{"2021-02-28", "2022-02-28", "2023-02-28", "2024-02-29", "2025-02-28"},
		},
		{
			// 31 Jan 2019 + k months, clamped: Feb 28 (2019 not leap), 30
			// for Apr/Jun/Sep/Nov, 31 otherwise; never drifting to 28.
			"31 Jan monthly for a year", "2019-01-31", "every: monthly, count: 12",
			[]string{"2019-02-28", "2019-03-31", "2019-04-30", "2019-05-31", "2019-06-30", "2019-07-31",
				"2019-08-31", "2019-09-30", "2019-10-31", "2019-11-30", "2019-12-31", "2020-01-31"},
		},
		{
			// 2020 is leap: 31 Jan + 1 = 29 Feb.
			"31 Jan 2020 monthly", "2020-01-31", "every: monthly, count: 3",
			[]string{"2020-02-29", "2020-03-31", "2020-04-30"},
		},
		{
			// 30 Nov 2018 + 3k: Feb 2019 clamps to 28; May, Aug, Nov keep
			// 30; Feb 2020 (+15 months) clamps to 29; May 2020 30.
			"30 Nov quarterly", "2018-11-30", "every: quarterly, count: 6",
			[]string{"2019-02-28", "2019-05-30", "2019-08-30", "2019-11-30", "2020-02-29", "2020-05-30"},
		},
		{
			// The issue's own example.
			"31 Aug quarterly", "2018-08-31", "every: 3 months, first: 3 months, count: 4",
			[]string{"2018-11-30", "2019-02-28", "2019-05-31", "2019-08-31"},
		},
		{
			// 31 Aug 2019 + 6k: Feb 2020 29 (leap), Aug 31, Feb 2021 28.
			"31 Aug six-monthly", "2019-08-31", "every: six-monthly, count: 4",
			[]string{"2020-02-29", "2020-08-31", "2021-02-28", "2021-08-31"},
		},
		{
			// 30 Jan 2019 monthly: 28 Feb, then back to 30 Mar, 30 Apr.
			"30 Jan monthly", "2019-01-30", "every: monthly, count: 3",
			[]string{"2019-02-28", "2019-03-30", "2019-04-30"},
		},
		{
			// 29 Jan: 28 Feb 2019 but 29 Feb 2020.
			"29 Jan 2019 monthly", "2019-01-29", "every: monthly, count: 2",
			[]string{"2019-02-28", "2019-03-29"},
		},
		{
			"29 Jan 2020 monthly", "2020-01-29", "every: monthly, count: 2",
			[]string{"2020-02-29", "2020-03-29"},
		},
		{
			// 21 Mar 2018 (Wed) + 14k days: 4 Apr, 18 Apr, 2 May (30 days
			// in April: 18 + 14 = 32 = 2 May).
			"fortnightly", "2018-03-21", "every: 2 weeks, count: 3",
			[]string{"2018-04-04", "2018-04-18", "2018-05-02"},
		},
		{
			// 20 Feb 2020 + 10k days: 21..29 Feb is 9 days, so +10 = 1 Mar;
			// 11 Mar; 21 Mar.
			"10 days across a leap day", "2020-02-20", "every: 10 days, count: 3",
			[]string{"2020-03-01", "2020-03-11", "2020-03-21"},
		},
		{
			// 22 Dec 2018 + 7k: 29 Dec, 5 Jan 2019, 12 Jan.
			"weekly across a year end", "2018-12-22", "every: weekly, count: 3",
			[]string{"2018-12-29", "2019-01-05", "2019-01-12"},
		},
		{
			// first_due is the anchor: 31 Jan, then +1, +2, +3 months clamped.
			"first_due month end", "2018-01-10", "every: monthly, first_due: 2018-01-31, count: 4",
			[]string{"2018-01-31", "2018-02-28", "2018-03-31", "2018-04-30"},
		},
		{
			"first_due 29 Feb annual", "2020-01-01", "every: annually, first_due: 2020-02-29, count: 3",
			[]string{"2020-02-29", "2021-02-28", "2022-02-28"},
		},
		{
			// first_due on the issue day itself is instance 1.
			"first_due on issue day", "2018-05-31", "every: monthly, first_due: 2018-05-31, count: 2",
			[]string{"2018-05-31", "2018-06-30"},
		},
		{
			// until is the last date an instance may fall due, inclusive:
			// 28 Feb, 31 Mar, 30 Apr; 31 May is after until.
			"until inclusive", "2018-01-31", "every: monthly, until: 2018-04-30",
			[]string{"2018-02-28", "2018-03-31", "2018-04-30"},
		},
		{
			"until a day short", "2018-01-31", "every: monthly, until: 2018-04-29",
			[]string{"2018-02-28", "2018-03-31"},
		},
		{
			// count and until: whichever stops first (count 2).
			"count before until", "2018-01-31", "every: monthly, count: 2, until: 2018-12-31",
			[]string{"2018-02-28", "2018-03-31"},
		},
		{
			// first in months, every in weeks: 31 Jan 2019 + 1 month = 28
			// Feb; then + 14 days = 14 Mar, + 28 = 28 Mar.
			"first months, every weeks", "2019-01-31", "every: 2 weeks, first: 1 month, count: 3",
			[]string{"2019-02-28", "2019-03-14", "2019-03-28"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := advSet(t, advDirection("d", c.issued, "", advRecurring(c.schedule)))
			res := advEval(t, set, nil, endOf(2030, 12, 31))
			assert.Equal(t, c.want, dueDates(res.Findings, "r"))
		})
	}
}

// anchor + first + (k-1)·every, read left to right: when first is in days
// or weeks and every in months, the months are added to anchor + first,
// so a "monthly" series stays monthly.
func TestAdversarialRecurringFirstDaysEveryMonths(t *testing.T) {
	for _, c := range []struct {
		name, issued, schedule string
		want                   []string
	}{
		{
			// 21 Jan 2019 + 10 days = 31 Jan; + 1 month = 28 Feb; + 2 =
			// 31 Mar; + 3 = 30 Apr. (Adding the months first would give
			// 21 Feb + 10 = 3 Mar and 21 Apr + 10 = 1 May: not monthly.)
			"10 days then monthly", "2019-01-21", "every: monthly, first: 10 days, count: 4",
			[]string{"2019-01-31", "2019-02-28", "2019-03-31", "2019-04-30"},
		},
		{
			// 16 Nov 2018 + 2 weeks = 30 Nov; + 3 months = 28 Feb 2019;
			// + 6 = 30 May 2019.
			"2 weeks then quarterly", "2018-11-16", "every: quarterly, first: 2 weeks, count: 3",
			[]string{"2018-11-30", "2019-02-28", "2019-05-30"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := advSet(t, advDirection("d", c.issued, "", advRecurring(c.schedule)))
			res := advEval(t, set, nil, endOf(2030, 12, 31))
			assert.Equal(t, c.want, dueDates(res.Findings, "r"))
			require.Len(t, res.Findings, len(c.want))
			// The basis must state arithmetic that gives the date it names.
			assert.Contains(t, res.Findings[1].Basis, "= "+longDay(c.want[1]))
		})
	}
}

func longDay(iso string) string {
	tm, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%d %s %d", tm.Day(), tm.Month().String()[:3], tm.Year())
}

// --- Rule 3: deadlines on BST change days -------------------------------

func TestAdversarialDeadlineOnBSTChangeDays(t *testing.T) {
	for _, c := range []struct {
		due, at  string
		status   evaluator.Status
		daysLate int
		why      string
	}{
		// 25 Mar 2018: clocks go 01:00 GMT -> 02:00 BST; the day ends at 26
		// Mar 00:00 BST = 25 Mar 23:00Z.
		{"2018-03-25", "2018-03-25T00:30:00Z", evaluator.Met, 0, "00:30 GMT"},
		{"2018-03-25", "2018-03-25T01:30:00Z", evaluator.Met, 0, "01:30Z = 02:30 BST (01:30 local does not exist)"},
		{"2018-03-25", "2018-03-25T23:30:00+01:00", evaluator.Met, 0, "23:30 BST = 22:30Z"},
		{"2018-03-25", "2018-03-25T23:59:59.999999999+01:00", evaluator.Met, 0, "the last instant"},
		{"2018-03-25", "2018-03-26T00:00:00+01:00", evaluator.Late, 1, "first instant of 26 Mar"},
		{"2018-03-25", "2018-03-25T23:30:00Z", evaluator.Late, 1, "23:30Z = 00:30 BST on 26 Mar"},
		{"2018-03-25", "2018-03-25T19:30:00-04:00", evaluator.Late, 1, "19:30-04 = 23:30Z = 00:30 BST 26 Mar"},
		{"2018-03-25", "2018-03-26T04:29:00+05:30", evaluator.Met, 0, "04:29+05:30 = 22:59Z = 23:59 BST 25 Mar"},
		{"2018-03-25", "2018-03-26T04:31:00+05:30", evaluator.Late, 1, "04:31+05:30 = 23:01Z = 00:01 BST 26 Mar"},
		// 28 Oct 2018: clocks go 02:00 BST -> 01:00 GMT; the day is
		// 27 Oct 23:00Z to 28 Oct 23:59:59.999999999Z.
		{"2018-10-28", "2018-10-28T00:30:00+01:00", evaluator.Met, 0, "00:30 BST"},
		{"2018-10-28", "2018-10-28T01:30:00+01:00", evaluator.Met, 0, "the first 01:30 (BST)"},
		{"2018-10-28", "2018-10-28T01:30:00Z", evaluator.Met, 0, "the second 01:30 (GMT)"},
		{"2018-10-28", "2018-10-28T23:30:00Z", evaluator.Met, 0, "23:30 GMT"},
		{"2018-10-28", "2018-10-28T23:59:59.999999999Z", evaluator.Met, 0, "the last instant"},
		{"2018-10-28", "2018-10-29T00:59:00+01:00", evaluator.Met, 0, "00:59+01 = 23:59Z 28 Oct = 23:59 GMT 28 Oct"},
		{"2018-10-28", "2018-10-29T00:00:00Z", evaluator.Late, 1, "midnight GMT starts 29 Oct"},
		{"2018-10-28", "2018-10-29T00:30:00Z", evaluator.Late, 1, "00:30 GMT 29 Oct"},
		{"2018-10-28", "2018-10-28T19:30:00-05:00", evaluator.Late, 1, "19:30-05 = 00:30Z 29 Oct"},
		// The day before each change, for symmetry.
		{"2018-03-24", "2018-03-24T23:59:59.999999999Z", evaluator.Met, 0, "24 Mar ends at 23:59:59Z (GMT)"},
		{"2018-10-27", "2018-10-27T23:30:00Z", evaluator.Late, 1, "23:30Z on 27 Oct = 00:30 BST 28 Oct"},
	} {
		t.Run(c.due+" "+c.at, func(t *testing.T) {
			set := advSet(t, advDirection("d", "2018-01-01", "", advOnce(c.due)))
			res := advEval(t, set, []event.Event{advEv(t, "e", "report", c.at)}, endOf(2018, 12, 31))
			require.Len(t, res.Findings, 1)
			f := res.Findings[0]
			assert.Equal(t, c.status, f.Status, c.why)
			assert.Equal(t, c.daysLate, f.DaysLate, c.why)
		})
	}
}

// --- Days late ----------------------------------------------------------

func TestAdversarialDaysLate(t *testing.T) {
	for _, c := range []struct {
		due, at string
		want    int
		why     string
	}{
		{"2018-01-31", "2018-02-01T00:00:00Z", 1, "month end: 31 Jan -> 1 Feb"},
		{"2018-04-30", "2018-05-01T00:00:00+01:00", 1, "30 Apr -> 1 May (BST midnight)"},
		{"2018-12-31", "2019-01-02", 2, "year end: 31 Dec -> 2 Jan"},
		{"2020-02-28", "2020-03-01", 2, "leap: 28 Feb -> 29 Feb -> 1 Mar"},
		{"2019-02-28", "2019-03-01", 1, "not leap: 28 Feb -> 1 Mar"},
		{"2020-02-29", "2021-02-28", 365, "29 Feb 2020 -> 28 Feb 2021: 1 (to 1 Mar) + 306 (Mar-Dec) + 31 + 27 = 365"},
		{"2019-12-31", "2021-01-01", 367, "31 Dec 2019 -> 31 Dec 2020 is 366 (leap) + 1"},
		{"2018-03-24", "2018-03-26T00:30:00+01:00", 2, "across the 23-hour day"},
		{"2018-10-27", "2018-10-29T00:30:00Z", 2, "across the 25-hour day"},
		{"2018-10-27", "2018-10-28T23:30:00Z", 1, "23:30 GMT on 28 Oct is still 28 Oct"},
		{"2018-03-31", "2018-04-30T23:59:59+01:00", 30, "31 Mar -> 30 Apr"},
	} {
		t.Run(c.due+" "+c.at, func(t *testing.T) {
			set := advSet(t, advDirection("d", "2018-01-01", "", advOnce(c.due)))
			res := advEval(t, set, []event.Event{advEv(t, "e", "report", c.at)}, endOf(2022, 12, 31))
			require.Len(t, res.Findings, 1)
			assert.Equal(t, evaluator.Late, res.Findings[0].Status)
			assert.Equal(t, c.want, res.Findings[0].DaysLate, c.why)
		})
	}
}

// --- Rule 5: the as-of time ---------------------------------------------

func TestAdversarialAsOfAtTheDueInstant(t *testing.T) {
	set := advSet(t, advDirection("d", "2018-01-25", "", advOnce("2018-04-25")))
	// 25 Apr 2018 is BST: the deadline is 23:59:59.999999999+01:00.
	due := endOf(2018, 4, 25)
	require.Equal(t, time.Date(2018, 4, 25, 22, 59, 59, 999999999, time.UTC), due.UTC())

	// As of exactly the due instant the deadline has not passed: open.
	res := advEval(t, set, nil, due)
	assert.Equal(t, evaluator.Open, res.Findings[0].Status)
	// One nanosecond later it has: missed.
	res = advEval(t, set, nil, due.Add(time.Nanosecond))
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	// An as-of date means the end of that day: "2018-04-25" is open,
	// "2018-04-26" as a date (end of 26 Apr) is missed.
	res = advEval(t, set, nil, endOf(2018, 4, 26))
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	// As an instant, the start of 26 Apr is 1 ns after the deadline: missed.
	res = advEval(t, set, nil, advAt(t, "2018-04-26"))
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)

	// An event exactly at the as-of time counts; one a nanosecond after
	// does not (and is counted as after the as-of time).
	onTime := advEv(t, "e", "report", "2018-04-25T23:59:59.999999999+01:00")
	res = advEval(t, set, []event.Event{onTime}, due)
	assert.Equal(t, evaluator.Met, res.Findings[0].Status)
	assert.Equal(t, 0, res.Events.AfterAsOf)
	res = advEval(t, set, []event.Event{onTime}, due.Add(-time.Nanosecond))
	assert.Equal(t, evaluator.Open, res.Findings[0].Status)
	assert.Equal(t, 1, res.Events.AfterAsOf)
}

func TestAdversarialRecurringAsOfAtDueInstant(t *testing.T) {
	// Quarterly from 25 Jan 2018: 25 Apr, 25 Jul, ... As of the deadline
	// of 25 Apr, instance 1 is open and instance 2's window (opening when
	// instance 1 falls due) has not opened; one ns later instance 1 is
	// missed and instance 2 is open.
	set := advSet(t, advDirection("d", "2018-01-25", "", advRecurring("every: quarterly")))
	due := endOf(2018, 4, 25)
	res := advEval(t, set, nil, due)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, evaluator.Open, res.Findings[0].Status)
	res = advEval(t, set, nil, due.Add(time.Nanosecond))
	require.Len(t, res.Findings, 2)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	assert.Equal(t, evaluator.Open, res.Findings[1].Status)
	assert.Equal(t, "2018-07-25", res.Findings[1].Due)
}

// --- Events before the direction ---------------------------------------

func TestAdversarialEventsBeforeIssue(t *testing.T) {
	// Issued 25 Jan 2018 (GMT: from 00:00Z). A report one ns before counts
	// for nothing; instance 1 (due 25 Apr) is missed as of 30 Apr.
	set := advSet(t, advDirection("d", "2018-01-25", "", advRecurring("every: quarterly")))
	evs := []event.Event{advEv(t, "early", "report", "2018-01-24T23:59:59.999999999Z")}
	res := advEval(t, set, evs, endOf(2018, 4, 30))
	require.Len(t, res.Findings, 2)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	assert.Equal(t, 1, res.Events.Irrelevant)
	// At the very first instant it counts: met.
	evs = []event.Event{advEv(t, "first", "report", "2018-01-25T00:00:00Z")}
	res = advEval(t, set, evs, endOf(2018, 4, 30))
	assert.Equal(t, evaluator.Met, res.Findings[0].Status)
}

// --- Rule 1: revocation and ends ---------------------------------------

func TestAdversarialRevocationAndRecurring(t *testing.T) {
	// Quarterly from 25 Jan 2018: due 25 Apr, 25 Jul, 25 Oct.
	a := advDirection("a", "2018-01-25", "", advRecurring("every: quarterly"))
	// Revoked by a direction of 26 Jul: in force until 26 Jul 00:00 BST, so
	// 25 Jul (the last day in force) is generated, 25 Oct is not.
	set := advSet(t, a, advDirection("b", "2018-07-26", "revokes: [a]", advOnce("2030-01-01")))
	evs := []event.Event{
		advEv(t, "q1", "report", "2018-04-20"),
		// After the revocation a report still discharges what fell due
		// before, late: 25 Jul -> 1 Aug is 7 days.
		advEv(t, "q2", "report", "2018-08-01"),
	}
	res := advEval(t, set, evs, endOf(2019, 1, 31))
	assert.Equal(t, []string{"2018-04-25", "2018-07-25"}, dueDates(res.Findings, "r"))
	fa := findingsOf(res, "a")
	require.Len(t, fa, 2)
	assert.Equal(t, evaluator.Met, fa[0].Status)
	assert.Equal(t, evaluator.Late, fa[1].Status)
	assert.Equal(t, 7, fa[1].DaysLate)

	// Revoked by a direction of 25 Jul itself: in force until 25 Jul 00:00
	// BST, so the instance due that day is not generated.
	set = advSet(t, a, advDirection("b", "2018-07-25", "revokes: [a]", advOnce("2030-01-01")))
	res = advEval(t, set, nil, endOf(2019, 1, 31))
	assert.Equal(t, []string{"2018-04-25"}, dueDates(findingsOf(res, "a"), "r"))
}

func findingsOf(res *evaluator.Result, dir string) []evaluator.Finding {
	var out []evaluator.Finding
	for _, f := range res.Findings {
		if f.Direction == dir {
			out = append(out, f)
		}
	}
	return out
}

func TestAdversarialRevokedOnItsIssueDay(t *testing.T) {
	// a and b both issued 5 Mar 2018, b revoking a: a is never in force. Its
	// once obligation (due 5 Mar) and monthly one generate nothing, and a
	// report on 5 Mar is used only by b.
	a := advDirection("a", "2018-03-05", "", advOnce("2018-03-05")+advRecurring("every: monthly"))
	b := advDirection("b", "2018-03-05", "revokes: [a]", advOnce("2018-03-31"))
	set := advSet(t, a, b)
	res := advEval(t, set, []event.Event{advEv(t, "e", "report", "2018-03-05T12:00:00Z")}, endOf(2018, 12, 31))
	assert.Empty(t, findingsOf(res, "a"))
	fb := findingsOf(res, "b")
	require.Len(t, fb, 1)
	assert.Equal(t, evaluator.Met, fb[0].Status)
	for _, s := range res.Directions {
		if s.ID == "a" {
			assert.False(t, s.InForce)
			assert.Equal(t, "b", s.RevokedBy)
		}
	}
}

func TestAdversarialTwoRevokersAndEnds(t *testing.T) {
	// a issued 31 Dec 2017, monthly: 31 Jan, 28 Feb, ... Revoked by
	// early (1 Feb) and late (1 Mar): in force until 1 Feb 00:00, so only
	// 31 Jan (the last day in force) is generated.
	a := advDirection("a", "2017-12-31", "", advRecurring("every: monthly"))
	early := advDirection("early", "2018-02-01", "revokes: [a]", advOnce("2030-01-01"))
	late := advDirection("late", "2018-03-01", "revokes: [a]", advOnce("2030-01-01"))
	res := advEval(t, advSet(t, a, late, early), nil, endOf(2018, 12, 31))
	assert.Equal(t, []string{"2018-01-31"}, dueDates(findingsOf(res, "a"), "r"))

	// ends 25 Apr with quarterly reports from 25 Jan: 25 Apr is the last
	// day in force, so instance 1 is generated and nothing after.
	e := advDirection("e", "2018-01-25", "ends: 2018-04-25", advRecurring("every: quarterly"))
	res = advEval(t, advSet(t, e), nil, endOf(2018, 12, 31))
	assert.Equal(t, []string{"2018-04-25"}, dueDates(res.Findings, "r"))
	// ends 24 Apr: nothing could ever fall due, which the loader refuses.
	e = advDirection("e", "2018-01-25", "ends: 2018-04-24", advRecurring("every: quarterly"))
	_, err := direction.Parse("e.yaml", []byte(e), direction.Options{})
	assert.ErrorContains(t, err, "would never fall due")
}

func TestAdversarialRevokerIssuedBeforeRevoked(t *testing.T) {
	a, err := direction.Parse("a.yaml", []byte(advDirection("a", "2018-03-05", "", advOnce("2018-04-01"))), direction.Options{})
	require.NoError(t, err)
	b, err := direction.Parse("b.yaml", []byte(advDirection("b", "2018-03-04", "revokes: [a]", advOnce("2018-04-01"))), direction.Options{})
	require.NoError(t, err)
	_, err = direction.NewSet(a, b)
	assert.Error(t, err)
}

// --- Triggered obligations ---------------------------------------------

// board is a direction with a progress report due by each board meeting:
// keyed when the report must name its meeting, else any report.
func board(id, issued, extra string, keyed bool, due string) string {
	sat := `event.type == "report"`
	if keyed {
		sat = `event.type == "report" && event.meeting == trigger.id`
	}
	return advDirection(id, issued, extra, fmt.Sprintf(`
  - id: t
    clause: 8(d)
    holder: council
    summary: progress report to each board meeting
    source: test
    triggered:
      when: event.type == "board-meeting"
      due: %s
    satisfied_by: %s
`, due, sat))
}

func TestAdversarialTriggeredDischargeBeforeTrigger(t *testing.T) {
	for _, keyed := range []bool{false, true} {
		t.Run(fmt.Sprint("keyed=", keyed), func(t *testing.T) {
			set := advSet(t, board("d", "2018-01-25", "", keyed, "trigger.at"))
			evs := []event.Event{
				// Before the direction: counts for nothing.
				advEv(t, "r0", "report", "2018-01-20", "meeting", "bm1"),
				// Two days before its meeting: discharges it, 2 days early.
				advEv(t, "r1", "report", "2018-02-12", "meeting", "bm1"),
				advEv(t, "bm1", "board-meeting", "2018-02-14"),
			}
			res := advEval(t, set, evs, endOf(2018, 3, 1))
			require.Len(t, res.Findings, 1)
			f := res.Findings[0]
			assert.Equal(t, evaluator.Met, f.Status)
			require.NotNil(t, f.DischargedBy)
			assert.Equal(t, "r1", f.DischargedBy.ID)
			assert.Contains(t, f.Reason, "2 days early")
		})
	}
}

func TestAdversarialTriggeredBeforeDirectionOnly(t *testing.T) {
	// The only report predates the direction (issued 25 Jan): the meeting's
	// instance (due 14 Feb) is missed as of 1 Mar.
	set := advSet(t, board("d", "2018-01-25", "", false, "trigger.at"))
	evs := []event.Event{
		advEv(t, "r0", "report", "2018-01-24T23:59:59Z"),
		advEv(t, "bm1", "board-meeting", "2018-02-14"),
	}
	res := advEval(t, set, evs, endOf(2018, 3, 1))
	require.Len(t, res.Findings, 1)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
}

func TestAdversarialTriggersAtEqualTimes(t *testing.T) {
	// Two meetings at the same instant: instances in input order (rule 4).
	// Unkeyed: the one earlier report goes to instance 1 (bm-a, the first
	// given); keyed: to the meeting it names.
	mk := func(first, second string) []event.Event {
		return []event.Event{
			advEv(t, "r", "report", "2018-02-10", "meeting", "bm-b"),
			advEv(t, first, "board-meeting", "2018-02-14T10:00:00Z"),
			advEv(t, second, "board-meeting", "2018-02-14T10:00:00Z"),
		}
	}
	res := advEval(t, advSet(t, board("d", "2018-01-25", "", false, "trigger.at")), mk("bm-a", "bm-b"), endOf(2018, 3, 1))
	require.Len(t, res.Findings, 2)
	assert.Equal(t, "bm-a", res.Findings[0].Trigger.ID)
	assert.Equal(t, evaluator.Met, res.Findings[0].Status)
	assert.Equal(t, evaluator.Missed, res.Findings[1].Status)

	res = advEval(t, advSet(t, board("d", "2018-01-25", "", true, "trigger.at")), mk("bm-a", "bm-b"), endOf(2018, 3, 1))
	require.Len(t, res.Findings, 2)
	assert.Equal(t, "bm-a", res.Findings[0].Trigger.ID)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	assert.Equal(t, "bm-b", res.Findings[1].Trigger.ID)
	assert.Equal(t, evaluator.Met, res.Findings[1].Status)

	// Given the other way round, bm-b is instance 1.
	res = advEval(t, advSet(t, board("d", "2018-01-25", "", false, "trigger.at")), mk("bm-b", "bm-a"), endOf(2018, 3, 1))
	require.Len(t, res.Findings, 2)
	assert.Equal(t, "bm-b", res.Findings[0].Trigger.ID)
	assert.Equal(t, evaluator.Met, res.Findings[0].Status)
}

func TestAdversarialTriggerAtRevocation(t *testing.T) {
	// d revoked by r of 1 Mar 2018: in force until 1 Mar 00:00 GMT (00:00Z).
	revoker := advDirection("r", "2018-03-01", "revokes: [d]", advOnce("2030-01-01"))
	set := advSet(t, board("d", "2018-01-25", "", false, "trigger.at"), revoker)
	// A meeting at exactly 1 Mar 00:00 is not in force: no instance.
	res := advEval(t, set, []event.Event{advEv(t, "bm", "board-meeting", "2018-03-01")}, endOf(2018, 3, 31))
	assert.Empty(t, findingsOf(res, "d"))
	// One ns earlier (28 Feb, the last day in force): due 28 Feb, missed.
	res = advEval(t, set, []event.Event{advEv(t, "bm", "board-meeting", "2018-02-28T23:59:59.999999999Z")}, endOf(2018, 3, 31))
	fd := findingsOf(res, "d")
	require.Len(t, fd, 1)
	assert.Equal(t, "2018-02-28", fd[0].Due)
	assert.Equal(t, evaluator.Missed, fd[0].Status)

	// A request on 27 Feb due 5 days later (4 Mar) falls due after the
	// revocation: rule 1 says it is not generated.
	set = advSet(t, board("d", "2018-01-25", "", false, "addDays(trigger.at, 5)"), revoker)
	res = advEval(t, set, []event.Event{advEv(t, "bm", "board-meeting", "2018-02-27")}, endOf(2018, 3, 31))
	assert.Empty(t, findingsOf(res, "d"))
}

// --- Prohibitions at the force boundaries --------------------------------

func TestAdversarialProhibitionBoundaries(t *testing.T) {
	refusal := `
  - id: p
    clause: 8(b)
    holder: council
    summary: never refuse access
    source: test
    prohibition: {when: event.type == "response" && event.outcome == "refused"}
`
	// In force 25 Jan 2018 00:00Z to the end of 30 Jun 2018 (BST:
	// 1 Jul 00:00 BST = 30 Jun 23:00Z).
	set := advSet(t, advDirection("d", "2018-01-25", "ends: 2018-06-30", refusal))
	evs := []event.Event{
		advEv(t, "before", "response", "2018-01-24T23:59:59.999999999Z", "outcome", "refused"),
		advEv(t, "first", "response", "2018-01-25T00:00:00Z", "outcome", "refused"),
		advEv(t, "granted", "response", "2018-03-01", "outcome", "granted"),
		advEv(t, "last", "response", "2018-06-30T23:59:59.999999999+01:00", "outcome", "refused"),
		advEv(t, "after", "response", "2018-07-01T00:00:00+01:00", "outcome", "refused"),
		advEv(t, "after-utc", "response", "2018-06-30T23:30:00Z", "outcome", "refused"), // 00:30 BST 1 Jul
	}
	res := advEval(t, set, evs, endOf(2018, 12, 31))
	var ids []string
	for _, f := range res.Findings {
		assert.Equal(t, evaluator.Breached, f.Status)
		ids = append(ids, f.Trigger.ID)
	}
	assert.Equal(t, []string{"first", "last"}, ids)
	assert.Equal(t, 2, res.Events.Breached)
}

// --- Monitor against Evaluate -------------------------------------------

type findingKey struct {
	dir, obl string
	inst     int
}

// advCheckMonitor feeds evs to a Monitor and checks that the last finding
// it reports for each instance is Evaluate's.
func advCheckMonitor(t *testing.T, set *direction.Set, evs []event.Event, asOf time.Time, want *evaluator.Result) {
	t.Helper()
	last := map[findingKey]evaluator.Finding{}
	// A monitor applies every direction it is given; replaying, it is
	// given the set as known at the time it finishes (Set.AsOf).
	m := evaluator.NewMonitor(set.AsOf(asOf), func(f evaluator.Finding) {
		last[findingKey{f.Direction, f.Obligation, f.Instance}] = f
	})
	for _, e := range event.Sort(evs) {
		if e.At.After(asOf) {
			break
		}
		require.NoError(t, m.Observe(&e))
	}
	counts, err := m.Finish(asOf)
	require.NoError(t, err)
	counts.Read, counts.AfterAsOf = want.Events.Read, want.Events.AfterAsOf
	assert.Equal(t, want.Events, counts, "Monitor's event counts differ from Evaluate's")
	var got []evaluator.Finding
	for _, f := range last {
		got = append(got, f)
	}
	sortFindings(got)
	// Ties (rule 4) are marked on a Result only: Monitor's reports lack them.
	evaluator.MarkTies(set.AsOf(asOf), got)
	exp := append([]evaluator.Finding(nil), want.Findings...)
	sortFindings(exp)
	if len(exp) == 0 {
		exp = nil
	}
	assert.Equal(t, exp, got, "Monitor's final findings differ from Evaluate's")

	// Stream gives the same findings, in the order they became final.
	sorted, i := event.Sort(evs), 0
	var streamed []evaluator.Finding
	sres, err := evaluator.Stream(set, func() (*event.Event, error) {
		if i == len(sorted) {
			return nil, io.EOF
		}
		i++
		return &sorted[i-1], nil
	}, evaluator.Options{AsOf: asOf}, func(f evaluator.Finding) { streamed = append(streamed, f) })
	require.NoError(t, err)
	sortFindings(streamed)
	evaluator.MarkTies(set.AsOf(asOf), streamed)
	assert.Equal(t, exp, streamed, "Stream's findings differ from Evaluate's")
	assert.Equal(t, want.Events, sres.Events, "Stream's event counts differ from Evaluate's")
}

func sortFindings(fs []evaluator.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Direction != b.Direction {
			return a.Direction < b.Direction
		}
		if a.Obligation != b.Obligation {
			return a.Obligation < b.Obligation
		}
		return a.Instance < b.Instance
	})
}

func TestAdversarialMonitorAdvanceAtDeadline(t *testing.T) {
	set := advSet(t, advDirection("d", "2018-01-25", "", advOnce("2018-03-25")))
	var got []string
	m := evaluator.NewMonitor(set, func(f evaluator.Finding) {
		got = append(got, string(f.Status)+" "+f.Due)
	})
	// The deadline on the 23-hour day is 25 Mar 22:59:59.999999999Z.
	due := endOf(2018, 3, 25)
	require.Equal(t, time.Date(2018, 3, 25, 22, 59, 59, 999999999, time.UTC), due.UTC())
	require.NoError(t, m.Advance(due))
	assert.Empty(t, got, "nothing has passed at the deadline itself")
	require.NoError(t, m.Advance(due.Add(time.Nanosecond)))
	assert.Equal(t, []string{"missed 2018-03-25"}, got)
	// A discharge 1 ns after the deadline (00:00 BST 26 Mar) is 1 day late.
	e := advEv(t, "e", "report", "2018-03-26T00:00:00+01:00")
	require.NoError(t, m.Observe(&e))
	assert.Equal(t, []string{"missed 2018-03-25", "late 2018-03-25"}, got)
	_, err := m.Finish(due.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "late 2018-03-25", got[len(got)-1])
}

func TestAdversarialMonitorRecurringAtDeadline(t *testing.T) {
	// Monthly from 31 Jan 2019: 28 Feb, 31 Mar. Reports exactly at the 28
	// Feb deadline (met) and at 31 Mar 23:59:59.999999999 BST (met).
	set := advSet(t, advDirection("d", "2019-01-31", "", advRecurring("every: monthly, count: 2")))
	evs := []event.Event{
		advEv(t, "feb", "report", "2019-02-28T23:59:59.999999999Z"),
		advEv(t, "mar", "report", "2019-03-31T23:59:59.999999999+01:00"),
	}
	res := advEval(t, set, evs, endOf(2019, 4, 30))
	require.Len(t, res.Findings, 2)
	for _, f := range res.Findings {
		assert.Equal(t, evaluator.Met, f.Status, f.Reason)
		assert.True(t, strings.HasSuffix(f.Reason, "on the due day"), f.Reason)
	}
}

// --- Other time zones -----------------------------------------------------

func TestAdversarialZoneWithMidnightChange(t *testing.T) {
	// São Paulo went from -03 to -02 at 00:00 on 4 Nov 2018: 3 Nov ended
	// at 23:59:59.999999999 -03 (02:59:59.999999999Z on 4 Nov). A report at
	// 23:30 -03 on 3 Nov is on time; 00:30 -03 would not exist, so 01:30 -02
	// (03:30Z) on 4 Nov is 1 day late.
	if _, err := time.LoadLocation("America/Sao_Paulo"); err != nil {
		t.Skip("no zone data:", err)
	}
	set := advSet(t, advDirection("d", "2018-10-01", "time_zone: America/Sao_Paulo", advOnce("2018-11-03")))
	res := advEval(t, set, []event.Event{advEv(t, "e", "report", "2018-11-03T23:30:00-03:00")}, time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC))
	require.Len(t, res.Findings, 1)
	assert.Equal(t, evaluator.Met, res.Findings[0].Status, res.Findings[0].Reason)
	assert.Equal(t, time.Date(2018, 11, 4, 2, 59, 59, 999999999, time.UTC), res.Findings[0].DueAt.UTC())
	res = advEval(t, set, []event.Event{advEv(t, "e", "report", "2018-11-04T01:30:00-02:00")}, time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC))
	assert.Equal(t, evaluator.Late, res.Findings[0].Status)
	assert.Equal(t, 1, res.Findings[0].DaysLate)
}

func TestAdversarialMonitorAdvancingDayByDay(t *testing.T) {
	// Monthly from 25 Jan 2018: due 25 Feb, 25 Mar (the 23-hour day), 25
	// Apr. Advancing to the first instant of each day from 1 Mar to 30 Apr,
	// each missed deadline is reported on the first advance past it: 25
	// Feb at 1 Mar, 25 Mar at 26 Mar 00:00 BST, 25 Apr at 26 Apr 00:00 BST.
	set := advSet(t, advDirection("d", "2018-01-25", "", advRecurring("every: monthly, count: 3")))
	var day string
	seen := map[string]string{}
	m := evaluator.NewMonitor(set, func(f evaluator.Finding) {
		if f.Status == evaluator.Missed {
			seen[f.Due] = day
		}
	})
	for d := advAt(t, "2018-03-01"); d.Before(advAt(t, "2018-05-01")); d = d.AddDate(0, 0, 1) {
		day = d.In(event.London()).Format(time.DateOnly)
		require.NoError(t, m.Advance(d))
		// One ns before the start of the next day nothing new is due.
		require.NoError(t, m.Advance(d.AddDate(0, 0, 1).Add(-time.Nanosecond)))
	}
	assert.Equal(t, map[string]string{"2018-02-25": "2018-03-01", "2018-03-25": "2018-03-26", "2018-04-25": "2018-04-26"}, seen)
	assert.Equal(t, 3, m.Outstanding())
}

func TestAdversarialProhibitionAtRevocation(t *testing.T) {
	refusal := `
  - id: p
    clause: 8(b)
    holder: council
    summary: never refuse access
    source: test
    prohibition: {when: event.type == "response" && event.outcome == "refused"}
`
	// d in force from 25 Jan 2018 until r's issue date, 28 Oct 2018 (the
	// 25-hour day): until 28 Oct 00:00 BST = 27 Oct 23:00Z.
	set := advSet(t, advDirection("d", "2018-01-25", "", refusal), advDirection("r", "2018-10-28", "revokes: [d]", advOnce("2030-01-01")))
	evs := []event.Event{
		advEv(t, "last", "response", "2018-10-27T23:59:59.999999999+01:00", "outcome", "refused"), // 22:59:59.999999999Z
		advEv(t, "at-revocation", "response", "2018-10-28T00:00:00+01:00", "outcome", "refused"),
		advEv(t, "later", "response", "2018-10-28T12:00:00Z", "outcome", "refused"),
	}
	res := advEval(t, set, evs, endOf(2018, 12, 31))
	fd := findingsOf(res, "d")
	require.Len(t, fd, 1)
	assert.Equal(t, "last", fd[0].Trigger.ID)
}

func TestAdversarialReportAndMeetingAtTheSameInstant(t *testing.T) {
	// Ties are taken in input order. Report given first: it is kept and
	// claimed by the meeting; met on the due day. Report given second: it
	// discharges the instance the meeting has just made; also met.
	for _, reportFirst := range []bool{true, false} {
		for _, keyed := range []bool{false, true} {
			set := advSet(t, board("d", "2018-01-25", "", keyed, "trigger.at"))
			r := advEv(t, "r", "report", "2018-02-14T10:00:00Z", "meeting", "bm")
			bm := advEv(t, "bm", "board-meeting", "2018-02-14T10:00:00Z")
			evs := []event.Event{bm, r}
			if reportFirst {
				evs = []event.Event{r, bm}
			}
			res := advEval(t, set, evs, endOf(2018, 3, 1))
			require.Len(t, res.Findings, 1)
			assert.Equal(t, evaluator.Met, res.Findings[0].Status, "reportFirst=%v keyed=%v", reportFirst, keyed)
			assert.Contains(t, res.Findings[0].Reason, "on the due day")
			assert.Equal(t, 2, res.Events.Used)
		}
	}
}

func TestAdversarialOneEventManyInstances(t *testing.T) {
	// Two monthly obligations in one direction; one report discharges the
	// oldest open instance of each, never two of the same one (rule 4).
	// From 31 Jan 2019: due 28 Feb, 31 Mar. A report on 5 Apr (as of 30
	// Apr): for each obligation instance 1 (due 28 Feb) is late by 36 days
	// (28 Feb -> 31 Mar is 31, -> 5 Apr 5 more) and instance 2 missed.
	two := advRecurring("every: monthly, count: 2") + strings.Replace(advRecurring("every: monthly, count: 2"), "id: r", "id: r2", 1)
	set := advSet(t, advDirection("d", "2019-01-31", "", two))
	res := advEval(t, set, []event.Event{advEv(t, "e", "report", "2019-04-05")}, endOf(2019, 4, 30))
	require.Len(t, res.Findings, 4)
	for _, f := range res.Findings {
		if f.Instance == 1 {
			assert.Equal(t, evaluator.Late, f.Status)
			assert.Equal(t, 36, f.DaysLate)
		} else {
			assert.Equal(t, evaluator.Missed, f.Status)
		}
	}
	assert.Equal(t, 1, res.Events.Discharged)
}

// Rule 2 over every anchor day of 2019-2020 (a non-leap and a leap year)
// and the four month periods: the k-th due date is in the month
// anchor month + k·N, on the anchor's day or, when that month is shorter,
// its last day. Checked against the calendar directly (time.Date's day 0
// of the next month is the last day of this one), not against civil.
func TestAdversarialRecurringClampPropertyAllAnchors(t *testing.T) {
	for _, every := range []int{1, 3, 6, 12} {
		src := advDirection("d", "2019-01-01", "", advRecurring(fmt.Sprintf("every: %d months", every)))
		d, err := direction.Parse("d.yaml", []byte(src), direction.Options{})
		require.NoError(t, err)
		for day := time.Date(2019, 1, 1, 12, 0, 0, 0, time.UTC); day.Year() < 2021; day = day.AddDate(0, 0, 1) {
			// Only the anchor changes; DueDate reads nothing but the schedule.
			o := *d.Obligations[0]
			o.Schedule.Anchor = civil.Of(day)
			for k := 1; k <= 30; k++ {
				got, _ := o.DueDate(k)
				y, m := day.Year(), int(day.Month())+k*every
				y, m = y+(m-1)/12, (m-1)%12+1
				last := time.Date(y, time.Month(m)+1, 0, 12, 0, 0, 0, time.UTC).Day()
				want := min(day.Day(), last)
				if got.Year != y || int(got.Month) != m || got.Day != want {
					t.Fatalf("anchor %s every %d months, k=%d: got %s, want %04d-%02d-%02d", day.Format(time.DateOnly), every, k, got, y, m, want)
				}
			}
		}
	}
}

func TestAdversarialAsOfBeforeTheDirection(t *testing.T) {
	// Issued 1 Mar 2018; as of 1 Feb 2018 nothing of it has opened (rule 5:
	// only instances whose window has opened by T are reported; a once
	// instance opens at the issue date, like recurring instance 1).
	set := advSet(t, advDirection("d", "2018-03-01", "", advOnce("2018-05-31")+advRecurring("every: monthly")))
	res := advEval(t, set, nil, endOf(2018, 2, 1))
	assert.Empty(t, res.Findings)
	// From the first instant of 1 Mar both are open.
	res = advEval(t, set, nil, advAt(t, "2018-03-01"))
	assert.Len(t, res.Findings, 2)
}

func TestAdversarialWorkingDayDueOverChristmas(t *testing.T) {
	// Access requested on Fri 24 Dec 2021, to be given within 1 working
	// day: 25, 26 (weekend), 27, 28 (substitute bank holidays) do not
	// count, so it is due Wed 29 Dec 2021, a GMT day ending 23:59:59Z.
	access := advDirection("d", "2021-01-01", "", `
  - id: access
    clause: 8(b)
    holder: council
    summary: give access within a working day of each request
    source: test
    triggered:
      when: event.type == "request"
      due: addWorkingDays(trigger.at, 1)
    satisfied_by: event.type == "response" && event.request == trigger.id
`)
	set := advSet(t, access)
	for _, c := range []struct {
		at       string
		status   evaluator.Status
		daysLate int
	}{
		{"2021-12-29T23:59:59.999999999Z", evaluator.Met, 0},
		{"2021-12-30T00:00:00Z", evaluator.Late, 1},
		{"2022-01-04T09:00:00Z", evaluator.Late, 6}, // 29 Dec -> 4 Jan: 3 + 3 = 6
	} {
		evs := []event.Event{
			advEv(t, "req", "request", "2021-12-24T16:00:00Z"),
			advEv(t, "resp", "response", c.at, "request", "req"),
		}
		res := advEval(t, set, evs, endOf(2022, 1, 31))
		require.Len(t, res.Findings, 1)
		assert.Equal(t, "2021-12-29", res.Findings[0].Due)
		assert.Equal(t, c.status, res.Findings[0].Status, c.at)
		assert.Equal(t, c.daysLate, res.Findings[0].DaysLate, c.at)
	}
	// A request on the Monday substitute day itself, 27 Dec: day 0 is the
	// holiday; 28 Dec is not a working day either; due Wed 29 Dec.
	res := advEval(t, set, []event.Event{advEv(t, "req", "request", "2021-12-27")}, endOf(2022, 1, 31))
	require.Len(t, res.Findings, 1)
	assert.Equal(t, "2021-12-29", res.Findings[0].Due)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
}

func TestAdversarialDischargeReadsTriggerAttributes(t *testing.T) {
	// A response discharges its request within 10 days (due 11 Mar for a
	// request of 1 Mar), but an urgent request only by a response within
	// 1 day of it (by 2 Mar 00:00). The conditions read the trigger's
	// attributes in three spellings; the Monitor and Stream, which may keep
	// triggers without attributes, must agree with Evaluate.
	for _, cond := range []string{
		`event.type == "response" && event.request == trigger.id && (!has(trigger.urgent) || event.at <= addDays(trigger.at, 1))`,
		`event.type == "response" && event.request == trigger.id && (trigger["urgent"] != "yes" || event.at <= addDays(trigger.at, 1))`,
		`event.type == "response" && event.request == trigger.id && !("urgent" in trigger && event.at > addDays(trigger.at, 1))`,
	} {
		set := advSet(t, advDirection("d", "2018-01-25", "", fmt.Sprintf(`
  - id: access
    clause: 8(b)
    holder: council
    summary: answer each request
    source: test
    triggered:
      when: event.type == "request"
      due: addDays(trigger.at, 10)
    satisfied_by: '%s'
`, cond)))
		evs := []event.Event{
			advEv(t, "plain", "request", "2018-03-01"),
			advEv(t, "urgent", "request", "2018-03-01", "urgent", "yes"),
			advEv(t, "plain-ok", "response", "2018-03-05", "request", "plain"),
			advEv(t, "urgent-slow", "response", "2018-03-05", "request", "urgent"),
		}
		res := advEval(t, set, evs, endOf(2018, 3, 31))
		require.Len(t, res.Findings, 2, cond)
		assert.Equal(t, evaluator.Met, res.Findings[0].Status, cond)
		assert.Equal(t, "2018-03-11", res.Findings[1].Due, cond)
		assert.Equal(t, evaluator.Missed, res.Findings[1].Status, cond)
	}
}

// A discharge condition may compare the event's own id, type or time with
// the trigger's: id, type and at are the event's fields, not attributes.
// Here a meeting discharges its own instance ("the meeting itself is the
// record"): event.id == trigger.id holds only for the trigger itself, so
// bm1 (14 Feb) meets the instance due that day, on the due day, and bm2
// (20 Mar) meets its own; explain, check, stream and a monitor agree.
// Before the fix the keyed fast path looked for an attribute named id,
// found none and reported both instances missed.
func TestAdversarialKeyOnEventID(t *testing.T) {
	for _, sat := range []string{
		`event.id == trigger.id`,
		`trigger.id == event.id`,
		`event.type == "board-meeting" && event["id"] == trigger.id`,
	} {
		t.Run(sat, func(t *testing.T) {
			src := strings.Replace(board("d", "2018-01-25", "", false, "trigger.at"),
				`satisfied_by: event.type == "report"`, "satisfied_by: '"+sat+"'", 1)
			set := advSet(t, src)
			evs := []event.Event{
				advEv(t, "bm1", "board-meeting", "2018-02-14"),
				advEv(t, "r1", "report", "2018-02-15", "meeting", "bm1"),
				advEv(t, "bm2", "board-meeting", "2018-03-20"),
			}
			res := advEval(t, set, evs, endOf(2018, 4, 1))
			require.Len(t, res.Findings, 2)
			for i, id := range []string{"bm1", "bm2"} {
				f := res.Findings[i]
				assert.Equal(t, evaluator.Met, f.Status, f.Reason)
				if assert.NotNil(t, f.DischargedBy) {
					assert.Equal(t, id, f.DischargedBy.ID)
				}
			}
			// The plain path (a trace turns keys and filters off) agrees.
			plain, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: endOf(2018, 4, 1), Trace: func(evaluator.Step) {}})
			require.NoError(t, err)
			assert.Equal(t, plain.Findings, res.Findings)
		})
	}
}

// Samoa skipped Friday 30 December 2011 (civil.TestAdversarialSkippedDay):
// 29 Dec 23:59:59 -10:00 was followed by 31 Dec 00:00 +14:00. A report due
// on 29 Dec and sent at 23:30 that evening (-10:00) is on time, on the due
// day; one sent at 00:30 on 31 Dec is a day late by the calendar (29 Dec
// to 31 Dec is 2 days; 30 Dec never happened, but the count is of dates,
// as everywhere else: 2 days late). Before the fix, 29 Dec was taken to
// end when 28 Dec did, and the first report was "late, 0 days late".
func TestAdversarialSkippedDayDeadline(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	set := advSet(t, advDirection("d", "2011-12-01", "time_zone: Pacific/Apia", advOnce("2011-12-29")))
	at := func(s string) time.Time {
		tm, _, err := event.ParseTime(s, apia)
		require.NoError(t, err)
		return tm
	}
	asOf := evaluator.EndOfDay(2012, 1, 31, apia)
	res := advEval(t, set, []event.Event{{ID: "r1", Type: "report", At: at("2011-12-29T23:30:00-10:00")}}, asOf)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, evaluator.Met, res.Findings[0].Status, res.Findings[0].Reason)
	assert.Contains(t, res.Findings[0].Reason, "on the due day")
	assert.Equal(t, time.Date(2011, 12, 30, 9, 59, 59, 999999999, time.UTC), res.Findings[0].DueAt.UTC())

	res = advEval(t, set, []event.Event{{ID: "r1", Type: "report", At: at("2011-12-31T00:30:00+14:00")}}, asOf)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, evaluator.Late, res.Findings[0].Status)
	assert.Equal(t, 2, res.Findings[0].DaysLate)

	// A bare date that did not exist there is refused where it is read.
	_, _, err = event.ParseTime("2011-12-30", apia)
	assert.ErrorContains(t, err, "2011-12-30 did not exist in Pacific/Apia")
	_, err = direction.Parse("apia.yaml", []byte(advDirection("d", "2011-12-01", "time_zone: Pacific/Apia", advOnce("2011-12-30"))), direction.Options{})
	assert.ErrorContains(t, err, "apia.yaml:")
	assert.ErrorContains(t, err, "2011-12-30 did not exist in Pacific/Apia")
}

// An extension's to is a date a person wrote, read in the direction's
// zone like every other: one to 30 Dec 2011 in Pacific/Apia, a day that
// did not exist, was taken as the end of 29 Dec and reported as "extended
// to 30 Dec 2011" with a report at 23:00 on 29 Dec "1 day early by the
// extended date". It is refused at the event's position. A by_period
// landing on the day is computed, not written, and is the instant the day
// would have ended, as a schedule step is (30 Nov + 1 month = 30 Dec 2011,
// ending at 29 Dec 23:59:59.999999999 -10:00 = 30 Dec 09:59:59Z), and is
// shown as that real deadline day, 29 Dec (it was shown as 30 Dec).
func TestAdversarialExtensionToASkippedDay(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	set := advSet(t, advDirection("d", "2011-10-01", "time_zone: Pacific/Apia", advOnce("2011-11-30")))
	ext := func(attrs map[string]any) event.Event {
		a := map[string]any{"by": "sos", "obligation": "o", "instance": int64(1)}
		maps.Copy(a, attrs)
		return event.Event{ID: "e", Type: evaluator.ExtensionEvent, At: civil.New(2011, 11, 20).Start(apia), DateOnly: true,
			Pos: diag.Position{File: "h.yaml", Line: 3, Column: 5}, Attrs: a}
	}
	asOf := evaluator.EndOfDay(2012, 1, 31, apia)
	_, err = evaluator.Evaluate(set, []event.Event{ext(map[string]any{"to": "2011-12-30"})}, evaluator.Options{AsOf: asOf})
	var ge *evaluator.GrantError
	require.ErrorAs(t, err, &ge)
	assert.ErrorContains(t, err, "h.yaml:3:5")
	assert.ErrorContains(t, err, "2011-12-30 did not exist in Pacific/Apia")

	res := advEval(t, set, []event.Event{ext(map[string]any{"by_period": "1 month"})}, asOf)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, "2011-12-29", res.Findings[0].ExtendedTo)
	assert.Equal(t, time.Date(2011, 12, 30, 9, 59, 59, 999999999, time.UTC), res.Findings[0].DueAt.UTC())
}

// Periods are at most 100 years and the first due date within 9999 (load
// errors), but a later instance of a long series can still fall after 31
// Dec 9999, beyond what a timestamp (and JSON) can hold: it is not made.
// Issued 25 Jan 9890, every 100 years: instance 1 is due 25 Jan 9990 and
// missed as of the end of 9999; instance 2 (25 Jan 10090) would open after
// 25 Jan 9990 but is never generated, and the result marshals.
func TestAdversarialSeriesStopsAtYear9999(t *testing.T) {
	set := advSet(t, advDirection("d", "9890-01-25", "", advRecurring("every: 100 years")))
	res := advEval(t, set, nil, endOf(9999, 12, 31))
	require.Len(t, res.Findings, 1)
	assert.Equal(t, "9990-01-25", res.Findings[0].Due)
	assert.Equal(t, evaluator.Missed, res.Findings[0].Status)
	_, err := json.Marshal(res)
	assert.NoError(t, err)
}

// A computed due date on the day Samoa skipped (30 Dec 2011) ends when that
// day would have, at the end of 29 Dec (-10:00), and the due date shown and
// counted from is 29 Dec, the real deadline day: before, findings said
// "due 30 Dec 2011" with a deadline at the end of 29 Dec. Issued 30 Nov
// 2011, monthly: instance 1 is 30 Nov + 1 month = 30 Dec (skipped), due at
// the end of 29 Dec; instance 2 is 30 Nov + 2 months = 30 Jan 2012. A
// report at 23:30 on 29 Dec is on the due day; one at 00:30 on 31 Dec is
// 2 days late by the calendar (29 to 31 Dec), as for a date written 29 Dec
// (TestAdversarialSkippedDayDeadline). An extension by 1 month from 30 Nov
// lands on 30 Dec too, and is shown as 29 Dec.
func TestAdversarialSkippedDayDueDisplay(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	at := func(s string) time.Time {
		tm, _, err := event.ParseTime(s, apia)
		require.NoError(t, err)
		return tm
	}
	end29 := time.Date(2011, 12, 30, 9, 59, 59, 999999999, time.UTC)
	set := advSet(t, advDirection("d", "2011-11-30", "time_zone: Pacific/Apia", advRecurring("every: 1 month")))
	asOf := evaluator.EndOfDay(2012, 1, 15, apia)
	res := advEval(t, set, []event.Event{{ID: "r1", Type: "report", At: at("2011-12-29T23:30:00-10:00")}}, asOf)
	require.Len(t, res.Findings, 2)
	f := res.Findings[0]
	assert.Equal(t, "2011-12-29", f.Due)
	assert.Equal(t, end29, f.DueAt.UTC())
	assert.Equal(t, evaluator.Met, f.Status)
	assert.Contains(t, f.Reason, "due 29 Dec 2011; met by r1 on 29 Dec 2011, on the due day")
	assert.Contains(t, f.Basis, "= 30 Dec 2011, a day Pacific/Apia skipped, so due at the end of 29 Dec 2011")
	assert.Equal(t, "2012-01-30", res.Findings[1].Due)

	res = advEval(t, set, []event.Event{{ID: "r1", Type: "report", At: at("2011-12-31T00:30:00+14:00")}}, asOf)
	assert.Equal(t, evaluator.Late, res.Findings[0].Status)
	assert.Equal(t, 2, res.Findings[0].DaysLate)

	// Schedule lists it on 29 Dec.
	ds, err := evaluator.Schedule(set, nil, evaluator.ScheduleOptions{From: civil.New(2011, 12, 1).Start(apia), Until: asOf})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "2011-12-29", ds[0].Due)

	once := advSet(t, advDirection("d", "2011-10-01", "time_zone: Pacific/Apia", advOnce("2011-11-30")))
	ext := event.Event{ID: "e", Type: evaluator.ExtensionEvent, At: civil.New(2011, 11, 20).Start(apia), DateOnly: true,
		Attrs: map[string]any{"by": "sos", "obligation": "o", "instance": int64(1), "by_period": "1 month"}}
	res = advEval(t, once, []event.Event{ext}, asOf)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, "2011-12-29", res.Findings[0].ExtendedTo)
	assert.Equal(t, "2011-12-29", res.Findings[0].Due)
	assert.Equal(t, end29, res.Findings[0].DueAt.UTC())
}
