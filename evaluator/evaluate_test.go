package evaluator_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

var london = event.London()

// quarterly is a direction with one quarterly report, first due 3 months
// after the issue date, and whatever else extra adds.
func quarterly(id, issued, extra string) string {
	return fmt.Sprintf(`
id: %s
title: test direction
council: council
issued_by: sos
issued: %s
%s
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: quarterly-report
    clause: 8(f)
    holder: council
    summary: report every quarter
    source: test
    recurring: {every: 3 months, first: 3 months}
    satisfied_by: event.type == "report" && event.to == "sos"
`, id, issued, extra)
}

func load(t *testing.T, srcs ...string) *direction.Set {
	t.Helper()
	var dirs []*direction.Direction
	for i, src := range srcs {
		d, err := direction.Parse(fmt.Sprintf("d%d.yaml", i), []byte(src), direction.Options{})
		require.NoError(t, err, "direction.Parse")
		dirs = append(dirs, d)
	}
	set, err := direction.NewSet(dirs...)
	require.NoError(t, err, "direction.NewSet")
	return set
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, _, err := event.ParseTime(s, london)
	require.NoError(t, err)
	return tm
}

func ev(t *testing.T, id, typ, when string, attrs ...string) event.Event {
	t.Helper()
	e := event.Event{ID: id, Type: typ, At: at(t, when), Attrs: map[string]any{}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs[attrs[i]] = attrs[i+1]
	}
	return e
}

func report(t *testing.T, id, when string) event.Event {
	return ev(t, id, "report", when, "to", "sos")
}

// asOfDay is the end of a day in London.
func asOfDay(t *testing.T, day string) evaluator.Options {
	tm := at(t, day)
	y, m, d := tm.Date()
	return evaluator.Options{AsOf: evaluator.EndOfDay(y, m, d, london)}
}

func eval(t *testing.T, set *direction.Set, events []event.Event, asOf string) *evaluator.Result {
	t.Helper()
	res, err := evaluator.Evaluate(set, events, asOfDay(t, asOf))
	require.NoError(t, err, "Evaluate")
	return res
}

// row is a finding reduced to what the semantics tests assert.
type row struct {
	Obligation string
	Instance   int
	Due        string
	Status     evaluator.Status
	By         string
	DaysLate   int
}

func rows(res *evaluator.Result, direction string) []row {
	var out []row
	for _, f := range res.Findings {
		if direction != "" && f.Direction != direction {
			continue
		}
		r := row{Obligation: f.Obligation, Instance: f.Instance, Due: f.Due, Status: f.Status, DaysLate: f.DaysLate}
		if f.DischargedBy != nil {
			r.By = f.DischargedBy.ID
		}
		if f.Status == evaluator.Breached {
			r.By = f.Trigger.ID
		}
		out = append(out, r)
	}
	return out
}

// Rule 1: in force from the issue date until the earliest of the end date
// and a revoking direction's issue date; instances due after that are not
// generated; what fell due before stays due.
func TestRule1RevocationStopsLaterInstances(t *testing.T) {
	set := load(t,
		quarterly("a", "2018-01-25", ""),
		quarterly("b", "2018-06-10", "revokes: [a]"),
	)
	// A's Q1 (25 Apr) falls due before the revocation; Q2 (25 Jul) would
	// fall due after it and is not generated. Q1 is met late after A ended.
	res := eval(t, set, []event.Event{report(t, "late-q1", "2018-07-01")}, "2018-12-31")
	assert.Equal(t, []row{
		{"quarterly-report", 1, "2018-04-25", evaluator.Late, "late-q1", 67},
	}, rows(res, "a"), "direction a: only the instance due before revocation")
	// B's first report is due 10 Sep. late-q1 (1 Jul) falls in B's first
	// window (open since 10 Jun) and B's obligation is another obligation,
	// so the same event discharges it too (rule 4). Q2 (10 Dec) is missed
	// and Q3's window has opened (10 Mar 2019, open).
	assert.Equal(t, []row{
		{"quarterly-report", 1, "2018-09-10", evaluator.Met, "late-q1", 0},
		{"quarterly-report", 2, "2018-12-10", evaluator.Missed, "", 0},
		{"quarterly-report", 3, "2019-03-10", evaluator.Open, "", 0},
	}, rows(res, "b"))
	require.Len(t, res.Directions, 2)
	assert.Equal(t, "b", res.Directions[0].RevokedBy, "a is revoked by b")
	assert.False(t, res.Directions[0].InForce, "a is no longer in force")
	assert.Equal(t, at(t, "2018-06-10"), res.Directions[0].Until, "a is in force until the start of b's issue day")
	assert.True(t, res.Directions[1].InForce)
}

func TestRule1RevokedOnTheDueDay(t *testing.T) {
	// Revoked on 25 Jul: in force until the end of 24 Jul, so the
	// instance due on 25 Jul is not generated.
	set := load(t, quarterly("a", "2018-01-25", ""), quarterly("b", "2018-07-25", "revokes: [a]"))
	res := eval(t, set, nil, "2018-08-31")
	assert.Equal(t, []row{{"quarterly-report", 1, "2018-04-25", evaluator.Missed, "", 0}}, rows(res, "a"))
	// Revoked the day after: the 25 Jul instance stands.
	set = load(t, quarterly("a", "2018-01-25", ""), quarterly("b", "2018-07-26", "revokes: [a]"))
	res = eval(t, set, nil, "2018-08-31")
	assert.Len(t, rows(res, "a"), 2)
}

func TestRule1EndDateIsTheLastDayInForce(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", "ends: 2018-07-25"))
	res := eval(t, set, nil, "2019-12-31")
	assert.Equal(t, []row{
		{"quarterly-report", 1, "2018-04-25", evaluator.Missed, "", 0},
		{"quarterly-report", 2, "2018-07-25", evaluator.Missed, "", 0},
	}, rows(res, "a"))
	assert.Equal(t, at(t, "2018-07-26"), res.Directions[0].Until)
}

// Rule 2: dues from the anchor each time, clamped to month end.
func TestRule2ClampsWithoutDrift(t *testing.T) {
	set := load(t, quarterly("a", "2018-08-31", ""))
	res := eval(t, set, nil, "2019-09-01")
	var dues []string
	for _, r := range rows(res, "a") {
		dues = append(dues, r.Due)
	}
	// The fifth window opened when the fourth fell due: 31 Aug 2018 + 15
	// months is 30 Nov 2019.
	assert.Equal(t, []string{"2018-11-30", "2019-02-28", "2019-05-31", "2019-08-31", "2019-11-30"}, dues)

	// A leap year: 30 Nov 2019 + 3 months is 29 Feb 2020, then 30 May.
	set = load(t, quarterly("a", "2019-11-30", ""))
	res = eval(t, set, nil, "2020-06-01")
	dues = nil
	for _, r := range rows(res, "a") {
		dues = append(dues, r.Due)
	}
	assert.Equal(t, []string{"2020-02-29", "2020-05-30", "2020-08-30"}, dues)
}

// Rule 3: a date deadline is the end of that day in Europe/London.
func TestRule3EndOfDayInLondon(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	cases := []struct {
		at       string
		status   evaluator.Status
		daysLate int
	}{
		{"2018-04-25T23:30:00+01:00", evaluator.Met, 0},
		{"2018-04-25T23:59:59.999+01:00", evaluator.Met, 0},
		{"2018-04-25T22:59:59Z", evaluator.Met, 0},  // 23:59:59 BST
		{"2018-04-25T23:00:00Z", evaluator.Late, 1}, // 00:00 BST on the 26th
		{"2018-04-26T00:30:00+01:00", evaluator.Late, 1},
		{"2018-04-25", evaluator.Met, 0}, // a bare date is that day
		{"2018-05-09", evaluator.Late, 14},
	}
	for _, c := range cases {
		res := eval(t, set, []event.Event{report(t, "r", c.at)}, "2018-05-31")
		got := rows(res, "a")[0]
		assert.Equal(t, c.status, got.Status, "report at %s", c.at)
		assert.Equal(t, c.daysLate, got.DaysLate, "days late for a report at %s", c.at)
	}
}

func TestRule3DeadlineOnTheDaySummerTimeStarts(t *testing.T) {
	// Issued 25 Dec 2017, first due 25 Mar 2018: the day the clocks go
	// forward (a 23-hour day). 23:30 BST is on time; 23:30 UTC is 00:30
	// BST on the 26th and a day late.
	set := load(t, quarterly("a", "2017-12-25", ""))
	res := eval(t, set, []event.Event{report(t, "r", "2018-03-25T23:30:00+01:00")}, "2018-04-30")
	assert.Equal(t, evaluator.Met, rows(res, "a")[0].Status)
	res = eval(t, set, []event.Event{report(t, "r", "2018-03-25T23:30:00Z")}, "2018-04-30")
	assert.Equal(t, evaluator.Late, rows(res, "a")[0].Status)
	assert.Equal(t, 1, rows(res, "a")[0].DaysLate)
}

// Rule 4: the oldest outstanding instance whose window has opened.
func TestRule4OldestOutstandingFirst(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	events := []event.Event{
		report(t, "r1", "2018-05-10"), // Q1 (due 25 Apr) is outstanding: late
		report(t, "r2", "2018-07-20"), // Q2 on time
	}
	res := eval(t, set, events, "2018-08-31")
	assert.Equal(t, []row{
		{"quarterly-report", 1, "2018-04-25", evaluator.Late, "r1", 15},
		{"quarterly-report", 2, "2018-07-25", evaluator.Met, "r2", 0},
		{"quarterly-report", 3, "2018-10-25", evaluator.Open, "", 0},
	}, rows(res, "a"))
}

func TestRule4WindowNotYetOpen(t *testing.T) {
	// Two reports before Q1 falls due: the first meets Q1; Q2's window
	// opens only when Q1 falls due, so the second counts for nothing.
	set := load(t, quarterly("a", "2018-01-25", ""))
	events := []event.Event{
		report(t, "early", "2018-01-20"), // before the direction: ignored
		report(t, "r1", "2018-04-01"),
		report(t, "r2", "2018-04-02"),
	}
	res := eval(t, set, events, "2018-07-26")
	assert.Equal(t, []row{
		{"quarterly-report", 1, "2018-04-25", evaluator.Met, "r1", 0},
		{"quarterly-report", 2, "2018-07-25", evaluator.Missed, "", 0},
		{"quarterly-report", 3, "2018-10-25", evaluator.Open, "", 0}, // opened when Q2 fell due
	}, rows(res, "a"))
	assert.Equal(t, 3, res.Events.Read)
	assert.Equal(t, 1, res.Events.Used)
	assert.Equal(t, 2, res.Events.Irrelevant)
}

const boardDirection = `
id: board
title: board reports
council: council
issued_by: sos
issued: 2018-01-25
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: progress-report
    clause: 8(d)
    holder: council
    summary: a progress report to each board meeting
    source: test
    triggered:
      when: event.type == "board-meeting"
      due: trigger.at
    satisfied_by: event.type == "report" && event.kind == "progress" && event.meeting == trigger.id
  - id: any-report
    clause: X
    holder: council
    summary: any report at all, once
    source: test
    once: {date: 2018-12-31}
    satisfied_by: event.type == "report"
`

func TestRule4TriggeredReportBeforeItsMeeting(t *testing.T) {
	set := load(t, boardDirection)
	events := []event.Event{
		ev(t, "rep-feb", "report", "2018-02-12", "kind", "progress", "meeting", "bm-feb"),
		ev(t, "bm-feb", "board-meeting", "2018-02-14"),
		ev(t, "bm-mar", "board-meeting", "2018-03-14"),
		ev(t, "rep-mar", "report", "2018-03-20", "kind", "progress", "meeting", "bm-mar"),
		ev(t, "bm-apr", "board-meeting", "2018-04-18"),
		ev(t, "rep-other", "report", "2018-04-18", "kind", "progress"), // names no meeting
	}
	res := eval(t, set, events, "2018-05-01")
	assert.Equal(t, []row{
		{"progress-report", 1, "2018-02-14", evaluator.Met, "rep-feb", 0},
		{"progress-report", 2, "2018-03-14", evaluator.Late, "rep-mar", 6},
		{"progress-report", 3, "2018-04-18", evaluator.Missed, "", 0},
		// rep-feb also discharges the once obligation: one event may
		// discharge instances of several obligations.
		{"any-report", 1, "2018-12-31", evaluator.Met, "rep-feb", 0},
	}, rows(res, "board"))
}

func TestRule4OneEventDischargesOneInstancePerObligation(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	// One late report cannot cover two missed quarters.
	res := eval(t, set, []event.Event{report(t, "r", "2018-08-01")}, "2018-08-31")
	assert.Equal(t, []row{
		{"quarterly-report", 1, "2018-04-25", evaluator.Late, "r", 98},
		{"quarterly-report", 2, "2018-07-25", evaluator.Missed, "", 0},
		{"quarterly-report", 3, "2018-10-25", evaluator.Open, "", 0},
	}, rows(res, "a"))
}

func TestRule4TiesKeepInputOrder(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	events := []event.Event{report(t, "second-in-file", "2018-04-20"), report(t, "third", "2018-04-20")}
	res := eval(t, set, events, "2018-05-01")
	assert.Equal(t, "second-in-file", rows(res, "a")[0].By)
}

// Rule 5: as-of statuses; events after T are ignored.
func TestRule5AsOf(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	events := []event.Event{report(t, "r", "2018-04-26")}
	// As of the end of the due day: not yet due, and the report of the
	// 26th is in the future.
	res := eval(t, set, events, "2018-04-25")
	assert.Equal(t, []row{{"quarterly-report", 1, "2018-04-25", evaluator.Open, "", 0}}, rows(res, "a"))
	assert.Equal(t, 1, res.Events.AfterAsOf)
	// As of the 26th the report counts, a day late.
	res = eval(t, set, events, "2018-04-26")
	assert.Equal(t, evaluator.Late, rows(res, "a")[0].Status)
	// Without the report, as of the 26th it is missed.
	res = eval(t, set, nil, "2018-04-26")
	assert.Equal(t, evaluator.Missed, rows(res, "a")[0].Status)
	assert.Len(t, res.Breaches(), 1)
}

func TestProhibitionBreachesOnlyWhileInForce(t *testing.T) {
	src := quarterly("a", "2018-01-25", "ends: 2018-06-30") + `
  - id: no-refusal
    clause: 8(b)
    holder: council
    summary: refusing access is a breach
    source: test
    prohibition:
      when: event.type == "response" && event.outcome == "refused"
`
	set := load(t, src)
	events := []event.Event{
		ev(t, "before", "response", "2018-01-24", "outcome", "refused"),
		ev(t, "refusal", "response", "2018-03-01", "outcome", "refused"),
		ev(t, "granted", "response", "2018-03-02", "outcome", "granted"),
		ev(t, "after", "response", "2018-07-01", "outcome", "refused"),
	}
	res := eval(t, set, events, "2018-12-31")
	var breaches []string
	for _, f := range res.Findings {
		if f.Status == evaluator.Breached {
			breaches = append(breaches, f.Trigger.ID)
		}
	}
	assert.Equal(t, []string{"refusal"}, breaches)
}

// Rule 6: deterministic output; inputs are not modified.
func TestRule6Deterministic(t *testing.T) {
	set := load(t, boardDirection)
	events := []event.Event{
		ev(t, "bm-2", "board-meeting", "2018-03-14"),
		ev(t, "rep-1", "report", "2018-02-12", "kind", "progress", "meeting", "bm-1"),
		ev(t, "bm-1", "board-meeting", "2018-02-14"),
	}
	before := fmt.Sprint(events)
	var outs []string
	for i := 0; i < 3; i++ {
		res := eval(t, set, events, "2018-05-01")
		b, err := json.Marshal(res)
		require.NoError(t, err)
		outs = append(outs, string(b))
	}
	assert.Equal(t, outs[0], outs[1])
	assert.Equal(t, outs[1], outs[2])
	assert.Equal(t, before, fmt.Sprint(events), "Evaluate must not reorder or change its input")
}

func TestAsOfIsRequired(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	_, err := evaluator.Evaluate(set, nil, evaluator.Options{})
	assert.ErrorIs(t, err, evaluator.ErrNoAsOf)
}

func TestDuplicateEventIDsAreAnError(t *testing.T) {
	set := load(t, quarterly("a", "2018-01-25", ""))
	_, err := evaluator.Evaluate(set, []event.Event{report(t, "r", "2018-04-01"), report(t, "r", "2018-04-02")}, asOfDay(t, "2018-05-01"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `duplicate event id "r"`)
}

func TestMissingAttributeReadsAsNull(t *testing.T) {
	// event.to is absent on this report: the condition is false, not an
	// error, and has() sees the difference.
	set := load(t, quarterly("a", "2018-01-25", ""))
	res := eval(t, set, []event.Event{ev(t, "r", "report", "2018-04-01")}, "2018-05-01")
	assert.Equal(t, evaluator.Missed, rows(res, "a")[0].Status)
}

func TestEvaluationErrorNamesObligationAndEvent(t *testing.T) {
	src := strings.Replace(quarterly("a", "2018-01-25", ""), `event.type == "report" && event.to == "sos"`, `event.type == "report" && event.pages > 3`, 1)
	set := load(t, src)
	_, err := evaluator.Evaluate(set, []event.Event{ev(t, "r", "report", "2018-04-01", "pages", "many")}, asOfDay(t, "2018-05-01"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "quarterly-report")
	assert.Contains(t, err.Error(), `"r"`)
}

func TestDirectionPeriodInWords(t *testing.T) {
	from := at(t, "2018-01-25")
	assert.Equal(t, "in force from 25 Jan 2018", evaluator.DirectionStatus{From: from}.Period(london))
	assert.Equal(t, "in force from 25 Jan 2018 to 9 Jun 2018", evaluator.DirectionStatus{From: from, Until: at(t, "2018-06-10")}.Period(london))
	assert.Equal(t, "never in force", evaluator.DirectionStatus{From: from, Until: from}.Period(london))
}
