package evaluator_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Rule 1 for variations, worked by hand. London is on BST (UTC+1) from
// 25 Mar to 28 Oct 2018. Every case also runs through a Monitor (advEval).

// a: issued 25 Jan 2018, quarterly reports (25 Apr, 25 Jul, 25 Oct 2018,
// ...), a triggered reply within 10 days of each request, and a prohibition
// on refusals.
func variedDirection() string {
	return advDirection("a", "2018-01-25", "", advRecurring("every: quarterly")+`
  - id: reply
    clause: "3"
    holder: council
    summary: reply to each request within 10 days
    source: test
    triggered:
      when: event.type == "request"
      due: addDays(trigger.at, 10)
    satisfied_by: event.type == "reply"
  - id: no-refusal
    clause: "4"
    holder: council
    summary: never refuse
    source: test
    prohibition:
      when: event.type == "refusal"
`)
}

func revoking(id, issued, what string) string {
	return advDirection(id, issued, "revokes: ["+what+"]", "  []")
}

func TestVariationOnTheDueDay(t *testing.T) {
	// Clause 1 revoked by a direction of 25 Jul 2018: clause 1 stops at
	// 25 Jul 00:00 BST, before the deadline 25 Jul 23:59:59 BST, so the
	// instance due that day never exists; 25 Apr stands.
	set := advSet(t, variedDirection(), revoking("b", "2018-07-25", `{direction: a, clauses: ["1"]}`))
	res := advEval(t, set, nil, endOf(2018, 12, 31))
	assert.Equal(t, []string{"2018-04-25"}, dueDates(findingsOf(res, "a"), "r"))
	// Issued 26 Jul, it lets the instance due 25 Jul fall due; 25 Oct not.
	set = advSet(t, variedDirection(), revoking("b", "2018-07-26", `{direction: a, obligations: [r]}`))
	res = advEval(t, set, nil, endOf(2018, 12, 31))
	assert.Equal(t, []string{"2018-04-25", "2018-07-25"}, dueDates(findingsOf(res, "a"), "r"))
	for _, f := range findingsOf(res, "a") {
		assert.Equal(t, "a", f.Version, "every finding of a varied obligation says it fell due under a's text")
	}
	require.Len(t, res.Directions, 2)
	assert.True(t, res.Directions[0].InForce, "a itself stays in force")
	assert.True(t, res.Directions[1].RevokesOnly)
}

func TestVariationOfTriggeredAndProhibition(t *testing.T) {
	// Clauses 3 and 4 revoked from 1 Jun 2018 (00:00 BST = 31 May 23:00Z).
	set := advSet(t, variedDirection(), revoking("b", "2018-06-01", `{direction: a, clauses: ["3", "4"]}`))
	evs := []event.Event{
		// Request 20 May, due 30 May: before the end, so it exists, and a
		// reply on 2 Jun (after the end) still discharges it, 3 days late.
		advEv(t, "q1", "request", "2018-05-20"),
		advEv(t, "a1", "reply", "2018-06-02"),
		// Request 25 May, due 4 Jun: after the end, so it never exists,
		// although it came while the clause was in force.
		advEv(t, "q2", "request", "2018-05-25"),
		// A request after the end creates nothing.
		advEv(t, "q3", "request", "2018-06-05"),
		// A refusal at 23:59 BST on 31 May is a breach; one at 00:00 BST
		// on 1 Jun is not.
		advEv(t, "x1", "refusal", "2018-05-31T23:59:00+01:00"),
		advEv(t, "x2", "refusal", "2018-06-01T00:00:00+01:00"),
	}
	res := advEval(t, set, evs, endOf(2018, 12, 31))
	var got []string
	for _, f := range findingsOf(res, "a") {
		if f.Obligation == "r" {
			continue
		}
		s := f.Obligation + " " + string(f.Status) + " " + f.Trigger.ID
		if f.DischargedBy != nil {
			s += " by " + f.DischargedBy.ID
		}
		got = append(got, s)
		assert.Equal(t, "a", f.Version)
	}
	assert.Equal(t, []string{"reply late q1 by a1", "no-refusal breached x1"}, got)
	for _, f := range findingsOf(res, "a") {
		if f.Obligation == "reply" {
			assert.Equal(t, 3, f.DaysLate, "due 30 May, replied 2 Jun")
		}
	}
}

func TestReplacementTakesOver(t *testing.T) {
	// b of 1 Aug 2018 replaces clause 1 with a monthly report from 1 Aug
	// (due 1 Sep, 1 Oct, ...). a's report due 25 Jul stands; 25 Oct never
	// exists. One report on 30 Aug discharges b's 1 Sep instance and,
	// being after a's 25 Jul deadline with a's instance 2 already met,
	// nothing of a.
	b := advDirection("b", "2018-08-01", "", `
  - id: m
    clause: "1"
    holder: council
    summary: monthly report
    source: test
    replaces: {direction: a, clauses: ["1"]}
    recurring: {every: monthly}
    satisfied_by: event.type == "report"
`)
	set := advSet(t, variedDirection(), b)
	evs := []event.Event{
		advEv(t, "r1", "report", "2018-04-20"),
		advEv(t, "r2", "report", "2018-07-20"),
		advEv(t, "r3", "report", "2018-08-30"),
	}
	res := advEval(t, set, evs, endOf(2018, 10, 15))
	assert.Equal(t, []string{"2018-04-25", "2018-07-25"}, dueDates(findingsOf(res, "a"), "r"))
	fb := findingsOf(res, "b")
	// As of 15 Oct: due 1 Sep (met), 1 Oct (missed) and 1 Nov, whose
	// window opened after 1 Oct (open).
	require.Len(t, fb, 3, "due 1 Sep, 1 Oct and 1 Nov 2018")
	assert.Equal(t, evaluator.Open, fb[2].Status)
	assert.Equal(t, evaluator.Met, fb[0].Status)
	assert.Equal(t, "r3", fb[0].DischargedBy.ID)
	assert.Equal(t, evaluator.Missed, fb[1].Status)
	assert.Equal(t, "2018-10-01", fb[1].Due)
	assert.Equal(t, "b", fb[0].Version)
	assert.Equal(t, []string{"clause 1 (r) replaced by b's obligation m, issued 1 Aug 2018: no instance falls due from 1 Aug 2018; what fell due before stays due"}, res.Directions[0].Varied)
}

func TestStatedRevocationInEvaluation(t *testing.T) {
	// a records its revocation from 26 Jul 2018: the quarterly report due
	// 25 Jul (the last day in force) falls due, 25 Oct does not.
	a := advDirection("a", "2018-01-25", `revoked: {on: 2018-07-26, by: "Direction of 26 July 2018 (not modelled)"}`, advRecurring("every: quarterly"))
	res := advEval(t, advSet(t, a), nil, endOf(2018, 12, 31))
	assert.Equal(t, []string{"2018-04-25", "2018-07-25"}, dueDates(res.Findings, "r"))
	s := res.Directions[0]
	assert.False(t, s.InForce)
	assert.Equal(t, "Direction of 26 July 2018 (not modelled)", s.RevokedByInstrument)
	assert.Equal(t, "in force from 25 Jan 2018 to 25 Jul 2018", s.Period(event.London()))
	assert.Empty(t, res.Findings[0].Version, "a direction's own end is not a variation")
}

func TestLaterDirectionNotKnownBeforeItsIssue(t *testing.T) {
	// Events after the as-of time are ignored (rule 5), and a direction is
	// one: b, issued 25 Apr 2018, revokes or varies nothing as of earlier.
	// a's quarterly clause 1 falls due 25 Apr 2018 (three months from
	// 25 Jan); its window opened on 25 Jan, so as of the end of 1 Apr the
	// instance is open. From 25 Apr 00:00 BST b is known and, taking effect
	// before the deadline of 23:59:59 that day, removes the instance.
	for _, what := range []string{`{direction: a, clauses: ["1"]}`, "a"} {
		set := advSet(t, variedDirection(), revoking("b", "2018-04-25", what))
		res := advEval(t, set, nil, endOf(2018, 4, 1))
		fs := findingsOf(res, "a")
		assert.Equal(t, []string{"2018-04-25"}, dueDates(fs, "r"), what)
		for _, f := range fs {
			if f.Obligation == "r" {
				assert.Equal(t, evaluator.Open, f.Status, what)
				assert.Empty(t, f.Version, "%s: not yet varied as of 1 Apr", what)
			}
		}
		require.Len(t, res.Directions, 2)
		assert.True(t, res.Directions[0].InForce, what)
		assert.True(t, res.Directions[0].Until.IsZero(), "%s: no end known as of 1 Apr", what)
		assert.Empty(t, res.Directions[0].Varied, what)
		assert.False(t, res.Directions[1].InForce, "%s: b is not in force before it is issued", what)

		// As of the first instant of 25 Apr (00:00 BST = 24 Apr 23:00Z)
		// b is in force and the instance is gone.
		for _, asOf := range []time.Time{endOf(2018, 4, 24).Add(time.Second), endOf(2018, 4, 25)} {
			res = advEval(t, set, nil, asOf)
			assert.Empty(t, dueDates(findingsOf(res, "a"), "r"), "%s as of %s", what, asOf)
			assert.True(t, res.Directions[1].InForce, what)
		}
	}
}

// One report is one report: the replaced and the replacing obligation are
// one series for attribution, and the rule of the one in force when the
// report is sent places it (docs/lifecycle.md, "One report, one instance").
// a's quarterly clause 1 falls due 25 Apr, 25 Jul, 25 Oct 2018; b, issued
// 1 Aug 2018, replaces it with a monthly report due 1 Sep, 1 Oct, 1 Nov.
// The April report went on 20 Apr; none in July; one on 30 Aug.
func TestReplacementOneReportOneInstance(t *testing.T) {
	bWith := func(attribution string) string {
		return advDirection("b", "2018-08-01", "", `
  - id: m
    clause: "1"
    holder: council
    summary: monthly report
    source: test
    replaces: {direction: a, clauses: ["1"]}
    recurring: {every: monthly}
    `+attribution+`
    satisfied_by: event.type == "report"
`)
	}
	got := func(res *evaluator.Result) []string {
		var out []string
		for _, f := range res.Findings {
			if f.Obligation != "r" && f.Obligation != "m" {
				continue
			}
			s := f.Direction + " " + f.Due + " " + string(f.Status)
			if f.DischargedBy != nil {
				s += fmt.Sprintf(" by %s (%s)", f.DischargedBy.ID, f.Attribution)
			}
			if f.DaysLate > 0 {
				s += fmt.Sprintf(" %d days late", f.DaysLate)
			}
			out = append(out, s)
		}
		return out
	}
	asOf := endOf(2018, 10, 15)
	evs := []event.Event{advEv(t, "r1", "report", "2018-04-20"), advEv(t, "r3", "report", "2018-08-30")}

	// Oldest outstanding (the default): the 30 Aug report is the overdue
	// July report, late by 6 days of July + 30 of August = 36 days, and
	// nothing else; b's 1 Sep and 1 Oct reports are missed as of 15 Oct,
	// and 1 Nov is open (its window opened after 1 Oct).
	res := advEval(t, advSet(t, variedDirection(), bWith("")), evs, asOf)
	assert.Equal(t, []string{
		"a 2018-04-25 met by r1 (oldest-outstanding)",
		"a 2018-07-25 late by r3 (oldest-outstanding) 36 days late",
		"b 2018-09-01 missed",
		"b 2018-10-01 missed",
		"b 2018-11-01 open",
	}, got(res))
	assert.Equal(t, 2, res.Events.Discharged, "r1 and r3, each once")

	// Window: b's rule is in force on 30 Aug, and the report falls in the
	// window of b's first instance (1 Aug to 1 Sep): met 2 days early; a's
	// July report stays missed.
	res = advEval(t, advSet(t, variedDirection(), bWith("attribution: window")), evs, asOf)
	assert.Equal(t, []string{
		"a 2018-04-25 met by r1 (oldest-outstanding)",
		"a 2018-07-25 missed",
		"b 2018-09-01 met by r3 (window)",
		"b 2018-10-01 missed",
		"b 2018-11-01 open",
	}, got(res))

	// An attribute: the report names the due date it is for, in either
	// series. r3 names a's 25 Jul (36 days late); r4 on 31 Aug names b's
	// 1 Sep (met).
	evs = []event.Event{advEv(t, "r1", "report", "2018-04-20"), advEv(t, "r3", "report", "2018-08-30", "for", "2018-07-25"),
		advEv(t, "r4", "report", "2018-08-31", "for", "2018-09-01")}
	res = advEval(t, advSet(t, variedDirection(), bWith("attribution: {attribute: for}")), evs, asOf)
	assert.Equal(t, []string{
		"a 2018-04-25 met by r1 (oldest-outstanding)",
		"a 2018-07-25 late by r3 (attribute:for) 36 days late",
		"b 2018-09-01 met by r4 (attribute:for)",
		"b 2018-10-01 missed",
		"b 2018-11-01 open",
	}, got(res))
	for _, f := range res.Findings {
		if f.Due == "2018-07-25" {
			assert.Contains(t, f.Reason, "placed by its for attribute", "a's own rule names no attribute; the replacing rule's does")
		}
	}
}

// A triggered instance a revocation removes is not a finding, but the
// result says so (DirectionStatus.NotGenerated), in Evaluate and Stream
// alike. Clause 3 (reply within 10 days) is revoked from 1 Jun 2018: the
// request of 25 May would fall due on 4 Jun (25 May + 10 days), after the
// end; the request of 20 May (due 30 May) stands; one on 5 Jun comes after
// the end and triggers nothing at all.
func TestRevocationRemovesTriggeredInstance(t *testing.T) {
	set := advSet(t, variedDirection(), revoking("b", "2018-06-01", `{direction: a, clauses: ["3"]}`))
	evs := []event.Event{
		advEv(t, "q1", "request", "2018-05-20"),
		advEv(t, "q2", "request", "2018-05-25"),
		advEv(t, "q3", "request", "2018-06-05"),
	}
	res := advEval(t, set, evs, endOf(2018, 12, 31))
	require.Len(t, res.Directions[0].NotGenerated, 1)
	ng := res.Directions[0].NotGenerated[0]
	assert.Equal(t, "reply", ng.Obligation)
	assert.Equal(t, "q2", ng.Trigger.ID)
	assert.Equal(t, "2018-06-04", ng.Due)
	assert.Equal(t, "clause 3 (reply) revoked by b, issued 1 Jun 2018: no instance falls due from 1 Jun 2018; what fell due before stays due", ng.Reason)
	assert.Equal(t, "clause 3 for q2 of 25 May 2018 would have fallen due on 4 Jun 2018, after the obligation stopped falling due, so no instance was generated: clause 3 (reply) revoked by b, issued 1 Jun 2018: no instance falls due from 1 Jun 2018; what fell due before stays due", ng.Words(event.London()))
	assert.Equal(t, 2, res.Events.Irrelevant, "q2 and q3 created nothing")

	i := 0
	sres, err := evaluator.Stream(set, func() (*event.Event, error) {
		if i == len(evs) {
			return nil, io.EOF
		}
		i++
		return &evs[i-1], nil
	}, evaluator.Options{AsOf: endOf(2018, 12, 31)}, func(evaluator.Finding) {})
	require.NoError(t, err)
	assert.Equal(t, res.Directions, sres.Directions, "Stream says the same")

	// As of 31 May, b is not yet issued: the instance due 4 Jun is open.
	res = advEval(t, set, evs, endOf(2018, 5, 31))
	assert.Empty(t, res.Directions[0].NotGenerated)
}

// With the revoking direction's date known only to a range, a removed
// instance is listed when it is removed on every day: issued any day from
// 26 May to 4 Jun 2018, b ends clause 3 by the start of 4 Jun at the
// latest, before q2's deadline (end of 4 Jun).
func TestRevocationRemovesTriggeredInstanceUncertain(t *testing.T) {
	set := advSet(t, variedDirection(), revoking("b", "2018-05-26..2018-06-04", `{direction: a, clauses: ["3"]}`))
	evs := []event.Event{advEv(t, "q2", "request", "2018-05-25")}
	res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: endOf(2018, 12, 31)})
	require.NoError(t, err)
	require.Len(t, res.Directions[0].NotGenerated, 1)
	ng := res.Directions[0].NotGenerated[0]
	assert.Equal(t, "2018-06-04", ng.Due)
	assert.Contains(t, ng.Reason, "issued 26 May 2018", "the earliest case")
	assert.Contains(t, ng.Reason, "known only to a range")
	// Issued any day of June, b lets the instance stand when issued 5-30
	// June: it is a possible finding, not listed as removed.
	set = advSet(t, variedDirection(), revoking("b", "2018-06", `{direction: a, clauses: ["3"]}`))
	res, err = evaluator.Evaluate(set, evs, evaluator.Options{AsOf: endOf(2018, 12, 31)})
	require.NoError(t, err)
	assert.Empty(t, res.Directions[0].NotGenerated)
	var st []evaluator.Status
	for _, f := range findingsOf(res, "a") {
		if f.Obligation == "reply" {
			st = append(st, f.Status)
		}
	}
	assert.Equal(t, []evaluator.Status{evaluator.Possible}, st)
}

// An extension whose validity depends on a revocation known only to a
// month is refused with an error that says so, not with the error of one
// day's case as though the grant were wrong whatever the day. a's clause 1
// report due 25 Jul 2018 is extended on 20 Jul to 28 Jul; b, issued on an
// unknown day D of July 2018, revokes clause 1 from the start of D. The
// instance exists only if D >= 26 (its deadline, the end of 25 Jul, is
// before the start of D), and the extension stays within the obligation's
// life only if D >= 29. So it is refused for D = 1-28 and applies for
// D = 29-31. Weighing the refused days would need a verdict for an
// instance with none (docs/uncertain-dates.md, "Grants and unknown days").
func TestExtensionAgainstRevocationKnownToMonth(t *testing.T) {
	ext := advEv(t, "x", "extension", "2018-07-20", "by", "sos", "obligation", "r", "due", "2018-07-25", "to", "2018-07-28")
	set := advSet(t, variedDirection(), revoking("b", "2018-07", `{direction: a, clauses: ["1"]}`))
	_, err := evaluator.Evaluate(set, []event.Event{ext}, evaluator.Options{AsOf: endOf(2018, 12, 31)})
	var ge *evaluator.GrantError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, "x", ge.Event)
	assert.Contains(t, ge.Msg, "whether it can apply depends on a date known only to a range: it is refused if b was issued on 1–28 Jul 2018 (if b was issued on 1 Jul 2018: instance 2 of clause 1 (r) would be due on 25 Jul 2018")
	assert.Contains(t, ge.Msg, "and applies if b was issued on 29–31 Jul 2018; give the day")

	// Issued 29-31 Jul, it applies whatever the day: with no report,
	// instance 2 is missed by its extended date, 28 Jul.
	set = advSet(t, variedDirection(), revoking("b", "2018-07-29..2018-07-31", `{direction: a, clauses: ["1"]}`))
	res, err := evaluator.Evaluate(set, []event.Event{ext}, evaluator.Options{AsOf: endOf(2018, 12, 31)})
	require.NoError(t, err)
	var got []string
	for _, f := range findingsOf(res, "a") {
		if f.Obligation == "r" {
			got = append(got, f.Due+" "+string(f.Status)+" "+f.OriginalDue)
		}
	}
	assert.Equal(t, []string{"2018-04-25 missed ", "2018-07-28 missed 2018-07-25"}, got)

	// Refused on every day (issued 1-25 Jul: the instance never arises),
	// it is the grant's own error.
	set = advSet(t, variedDirection(), revoking("b", "2018-07-01..2018-07-25", `{direction: a, clauses: ["1"]}`))
	_, err = evaluator.Evaluate(set, []event.Event{ext}, evaluator.Options{AsOf: endOf(2018, 12, 31)})
	require.ErrorAs(t, err, &ge)
	assert.NotContains(t, ge.Msg, "depends on")
	assert.Contains(t, ge.Msg, "so it never arises")
}

// Under window attribution an extension stretches its instance's window
// to the extended deadline (docs/extensions.md). Quarterly reports placed
// by window, from 25 Jan 2018: due 25 Apr, 25 Jul, 25 Oct. On 20 Apr the
// April report is extended to 9 May; reports go on 5 May and 7 May.
// 5 May is within the extension: it is the April report, met 4 days early
// by the extended date and 10 days late by the original (25 Apr to 5 May).
// 7 May is also before 9 May, but April's is discharged: it falls to the
// July window (opened after 25 Apr), met. Before this rule the 5 May
// report was the July report and April was missed by 9 May.
func TestWindowAttributionDuringExtension(t *testing.T) {
	a := advDirection("a", "2018-01-25", "", strings.Replace(advRecurring("every: quarterly"), "    satisfied_by:", "    attribution: window\n    satisfied_by:", 1))
	set := advSet(t, a)
	evs := []event.Event{
		advEv(t, "x", "extension", "2018-04-20", "by", "sos", "obligation", "r", "instance", "1", "to", "2018-05-09"),
		advEv(t, "r1", "report", "2018-05-05"),
		advEv(t, "r2", "report", "2018-05-07"),
	}
	res := advEval(t, set, evs, endOf(2018, 7, 31))
	var got []string
	for _, f := range res.Findings {
		s := f.Due + " " + string(f.Status)
		if f.DischargedBy != nil {
			s += " by " + f.DischargedBy.ID + " (" + f.Attribution + ")"
		}
		got = append(got, s)
	}
	// As of 31 Jul the October window has opened (after 25 Jul): open.
	assert.Equal(t, []string{"2018-05-09 met by r1 (window)", "2018-07-25 met by r2 (window)", "2018-10-25 open"}, got)
	assert.Equal(t, 10, res.Findings[0].DaysLateOriginal)

	// A report after the extended deadline is the July report: April's
	// stays missed.
	evs[1] = advEv(t, "r1", "report", "2018-05-10")
	res = advEval(t, set, evs[:2], endOf(2018, 7, 31))
	got = got[:0]
	for _, f := range res.Findings {
		s := f.Due + " " + string(f.Status)
		if f.DischargedBy != nil {
			s += " by " + f.DischargedBy.ID
		}
		got = append(got, s)
	}
	assert.Equal(t, []string{"2018-05-09 missed", "2018-07-25 met by r1", "2018-10-25 open"}, got)
}

// Monitor and Stream give Evaluate's findings across replaces chains
// under every pairing of attribution rules (testdata/shapes-replaced.yaml;
// the reference evaluator is compared in
// TestEvaluateAgreesWithReferenceAcrossReplacements).
func TestReplacementChainsMonitorAndStreamAgree(t *testing.T) {
	shapes := evaluator.LoadSet(t, "testdata/shapes.yaml")
	set := evaluator.LoadSet(t, "testdata/shapes.yaml", "testdata/shapes-replaced.yaml")
	n := 120
	if testing.Short() {
		n = 30
	}
	for seed := range uint64(n) {
		r := rand.New(rand.NewPCG(seed, 29))
		evs := evaluator.ShapesHistory(r, shapes, 1+r.IntN(50))
		asOf := civil.New(2018, 1, 20).AddDays(r.IntN(750)).End(event.London())
		res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
		require.NoError(t, err, "seed %d", seed)
		advCheckMonitor(t, set, evs, asOf, res)
	}
}
