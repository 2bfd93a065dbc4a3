package evaluator_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// sched runs Schedule over whole days in London.
func sched(t *testing.T, set *direction.Set, events []event.Event, from, until, now string) []evaluator.Deadline {
	t.Helper()
	opts := evaluator.ScheduleOptions{
		From:  at(t, from),
		Until: civil.In(at(t, until), london).End(london),
	}
	if now != "" {
		opts.Now = at(t, now)
	}
	got, err := evaluator.Schedule(set, events, opts)
	require.NoError(t, err, "Schedule")
	return got
}

// line is a deadline reduced to what the tests assert.
type line struct {
	Key   string
	Due   string
	State evaluator.DeadlineState
	By    string
}

func lines(ds []evaluator.Deadline) []line {
	out := []line{}
	for _, d := range ds {
		l := line{Key: d.Key, Due: d.Due, State: d.State}
		if d.DischargedBy != nil {
			l.By = d.DischargedBy.ID
		}
		out = append(out, l)
	}
	return out
}

func TestScheduleStates(t *testing.T) {
	// Issued 31 Jan 2018: due 30 Apr (clamped), 31 Jul, 31 Oct 2018, 31 Jan
	// 2019. One report on 10 May discharges April's instance, late.
	set := load(t, quarterly("q", "2018-01-31", ""))
	events := []event.Event{report(t, "r1", "2018-05-10")}
	got := sched(t, set, events, "2018-04-01", "2018-12-31", "2018-08-15")
	assert.Equal(t, []line{
		{"q/quarterly-report/1", "2018-04-30", evaluator.StateLate, "r1"},
		{"q/quarterly-report/2", "2018-07-31", evaluator.StateOverdue, ""},
		{"q/quarterly-report/3", "2018-10-31", evaluator.StateDue, ""},
	}, lines(got))
	require.Len(t, got, 3)
	assert.Equal(t, 10, got[0].DaysLate, "30 Apr to 10 May")
	assert.Equal(t, "report every quarter", got[0].Summary, "the summary says what is due")
	assert.Equal(t, "8(f)", got[0].Clause)
	assert.Equal(t, "council", got[0].Holder)
	assert.Equal(t, civil.New(2018, time.July, 31).End(london), got[1].DueAt, "due at the last instant of the day")

	// Without Now nothing is overdue.
	got = sched(t, set, events, "2018-07-01", "2018-07-31", "")
	assert.Equal(t, []line{{"q/quarterly-report/2", "2018-07-31", evaluator.StateDue, ""}}, lines(got))
}

func TestScheduleRangeIsInclusive(t *testing.T) {
	set := load(t, quarterly("q", "2018-01-31", ""))
	assert.Len(t, sched(t, set, nil, "2018-07-31", "2018-07-31", ""), 1, "a one-day range on the due day")
	assert.Empty(t, sched(t, set, nil, "2018-08-01", "2018-10-30", ""), "the day after one deadline to the day before the next")
	assert.Len(t, sched(t, set, nil, "2018-08-01", "2018-10-31", ""), 1, "up to and including the due day")
	got := sched(t, set, nil, "2019-01-01", "2019-12-31", "")
	assert.Equal(t, []string{"2019-01-31", "2019-04-30", "2019-07-31", "2019-10-31"}, dues(got), "future instances are generated as far as Until")
}

func dues(ds []evaluator.Deadline) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Due)
	}
	return out
}

func TestScheduleStopsAtRevocation(t *testing.T) {
	// a, issued 31 Jan 2018, is revoked by b on 1 Jun 2018: a's instance
	// due 30 Apr stays; 31 Jul and later are not generated. b's first
	// quarter ends 1 Sep, then 1 Dec.
	a := quarterly("a", "2018-01-31", "")
	b := quarterly("b", "2018-06-01", "revokes: [a]")
	set := load(t, a, b)
	got := sched(t, set, nil, "2018-01-01", "2018-12-31", "")
	assert.Equal(t, []line{
		{"a/quarterly-report/1", "2018-04-30", evaluator.StateDue, ""},
		{"b/quarterly-report/1", "2018-09-01", evaluator.StateDue, ""},
		{"b/quarterly-report/2", "2018-12-01", evaluator.StateDue, ""},
	}, lines(got))
}

func TestScheduleTriggeredInWorkingDays(t *testing.T) {
	src := quarterly("w", "2018-01-31", "") + `  - id: access
    clause: 8(b)
    holder: council
    summary: give access within 3 working days
    source: test
    triggered:
      when: event.type == "request"
      due: addWorkingDays(trigger.at, 3)
    satisfied_by: event.type == "response" && event.request == trigger.id
`
	set := load(t, src)
	events := []event.Event{
		// Friday 21 Dec 2018: Mon 24, Thu 27, Fri 28 (Christmas and
		// Boxing Day skipped).
		ev(t, "req-xmas", "request", "2018-12-21"),
		// Thursday 29 Mar 2018: Tue 3, Wed 4, Thu 5 Apr (Good Friday
		// and Easter Monday skipped); answered on 4 Apr.
		ev(t, "req-easter", "request", "2018-03-29"),
		ev(t, "ok-easter", "response", "2018-04-04", "request", "req-easter"),
	}
	// Read on 21 Dec, when the Christmas request is known (a schedule
	// knows only the events up to its as-of time).
	got := sched(t, set, events, "2018-03-01", "2018-12-31", "2018-12-21")
	want := []line{
		{"w/access@req-easter", "2018-04-05", evaluator.StateMet, "ok-easter"},
		{"w/quarterly-report/1", "2018-04-30", evaluator.StateOverdue, ""},
		{"w/quarterly-report/2", "2018-07-31", evaluator.StateOverdue, ""},
		{"w/quarterly-report/3", "2018-10-31", evaluator.StateOverdue, ""},
		{"w/access@req-xmas", "2018-12-28", evaluator.StateDue, ""},
	}
	assert.Equal(t, want, lines(got))
}

func TestScheduleBarnet(t *testing.T) {
	var dirs []*direction.Direction
	for _, f := range []string{"direction-2017-09.yaml", "direction-2018-01.yaml"} {
		d, err := direction.Load("../examples/barnet/"+f, direction.Options{})
		require.NoError(t, err)
		dirs = append(dirs, d)
	}
	set, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	history, err := event.Load("../examples/barnet/history.yaml", event.Options{})
	require.NoError(t, err)
	// From 1 Sep to 31 Dec 2018, read on 30 Sep: the DCS's report to the
	// board meeting of 19 Sep was tabled on 17 Sep; the Chair's third
	// quarterly report (8(f)) and Essex's third quarterly report to the
	// DfE (Annex A 3) fall due on 25 Oct, nine months after 25 Jan; so
	// does the third quarter in which Essex is expected to chair the Board
	// (Annex A 2(a)), met by the meeting of 19 Sep.
	got := sched(t, set, history, "2018-09-01", "2018-12-31", "2018-09-30")
	assert.Equal(t, []line{
		{"barnet-2018-01/dcs-progress-report@bm-2018-09", "2018-09-19", evaluator.StateMet, "dcs-2018-09"},
		{"barnet-2018-01/chair-quarterly-report/3", "2018-10-25", evaluator.StateDue, ""},
		{"barnet-2018-01/essex-chairs-board/3", "2018-10-25", evaluator.StateMet, "bm-2018-09"},
		{"barnet-2018-01/essex-reports-to-dfe/3", "2018-10-25", evaluator.StateDue, ""},
	}, lines(got))
	for _, d := range got {
		if d.Obligation == "essex-reports-to-dfe" {
			assert.Equal(t, obligation.Expectation, d.Role)
			assert.NotEmpty(t, d.Assumed, "regular read as quarterly")
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	set := load(t, quarterly("q", "2018-01-31", ""))
	_, err := evaluator.Schedule(set, nil, evaluator.ScheduleOptions{From: at(t, "2018-01-01")})
	assert.True(t, errors.Is(err, evaluator.ErrNoUntil), "Until is required, got %v", err)
	_, err = evaluator.Schedule(set, nil, evaluator.ScheduleOptions{From: at(t, "2018-02-01"), Until: at(t, "2018-01-01")})
	assert.ErrorContains(t, err, "before it starts")
}

// A schedule read as of a day knows only the events at or before it, as
// check does: a report dated after Now meets nothing yet, and a range
// event that may fall after Now is weighed with "not yet" as one case.
func TestScheduleKnowsOnlyEventsUpToNow(t *testing.T) {
	// Issued 31 Jan 2018: due 30 Apr, 31 Jul, 31 Oct 2018. Reports on
	// 20 Apr and 20 Jul; the schedule is read as of 15 Jul.
	set := load(t, quarterly("q", "2018-01-31", ""))
	events := []event.Event{report(t, "r1", "2018-04-20"), report(t, "r2", "2018-07-20")}
	got := sched(t, set, events, "2018-04-01", "2018-10-31", "2018-07-15")
	assert.Equal(t, []line{
		{"q/quarterly-report/1", "2018-04-30", evaluator.StateMet, "r1"},
		// r2 (20 Jul) is after 15 Jul: as of then, July's report is due.
		{"q/quarterly-report/2", "2018-07-31", evaluator.StateDue, ""},
		{"q/quarterly-report/3", "2018-10-31", evaluator.StateDue, ""},
	}, lines(got))
	// As of 20 Jul it is known, and met.
	got = sched(t, set, events, "2018-07-01", "2018-07-31", "2018-07-20")
	assert.Equal(t, []line{{"q/quarterly-report/2", "2018-07-31", evaluator.StateMet, "r2"}}, lines(got))

	// A report known only to July 2018, read as of 15 Jul: sent 1-15 Jul
	// it meets the 31 Jul deadline; on a later day it has not happened as
	// of 15 Jul, and the deadline is simply due. So the deadline is
	// indeterminate (met or due), never plainly met. (r1 meets April's.)
	r := report(t, "rj", "2018-07-01")
	r.Through = civil.New(2018, time.July, 31)
	got = sched(t, set, []event.Event{events[0], r}, "2018-07-01", "2018-07-31", "2018-07-15")
	require.Len(t, got, 1)
	assert.Equal(t, evaluator.StateIndeterminate, got[0].State)
	var cases []string
	for _, c := range got[0].Cases {
		cases = append(cases, c.String())
	}
	assert.Equal(t, []string{"met 2018-07-01..2018-07-15", "open 2018-07-16..2018-07-31"}, cases)
}
