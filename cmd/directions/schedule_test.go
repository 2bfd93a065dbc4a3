package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// barnetJan is Barnet's first two directions and its history, without the
// third direction of June 2018: the January 2018 direction as if never
// revoked, whose deadlines are all known to the day. The schedule's
// mechanics are tested on it; TestScheduleUncertainDueDates covers the
// whole example.
var barnetJan = []string{"../../examples/barnet/direction-2017-09.yaml", "../../examples/barnet/direction-2018-01.yaml", "../../examples/barnet/history.yaml"}

var barnetRange = append([]string{"schedule", "--as-of", "2018-09-30", "--from", "2018-09-01", "--until", "2018-12-31"}, barnetJan...)

func TestScheduleBarnetText(t *testing.T) {
	code, out, errs := cli(barnetRange...)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Empty(t, errs)
	golden(t, "schedule/barnet.txt", out)
	// Worked by hand from the direction of 25 Jan 2018 and the history:
	// the DCS's report for the board of 19 Sep was tabled on 17 Sep; the
	// third instances of 8(f), Annex A 2(a) and Annex A 3 fall due nine
	// months after 25 Jan, on 25 Oct; the Board met under Essex's chair on
	// 19 Sep (Annex A 2(a) met), and nothing discharges the other two by
	// 30 Sep. The Annex A dates are assumed (starred) and Essex's
	// expectations, not the Council's duties.
	assert.Regexp(t, `19 Sep 2018 +barnet-2018-01  8\(d\)`, out)
	assert.Contains(t, out, "met by dcs-2018-09 on 17 Sep 2018")
	assert.Regexp(t, `25 Oct 2018 +barnet-2018-01  8\(f\) .* barnet +due: not yet discharged`, out)
	assert.Regexp(t, `25 Oct 2018\* +barnet-2018-01  Annex A 2\(a\) .* essex \(expectation\) +met by bm-2018-09 on 19 Sep 2018`, out)
	assert.Regexp(t, `25 Oct 2018\* +barnet-2018-01  Annex A 3 .* essex \(expectation\) +due: not yet discharged`, out)
	assert.Contains(t, out, "4 deadlines: 2 met, 0 met late, 0 overdue, 2 due.")
	assert.Contains(t, out, "2 of them are other parties' expectations")
}

func TestScheduleOverdueAndDefaultRange(t *testing.T) {
	// Read on 1 Nov 2018, the two 25 Oct deadlines are overdue; by default
	// the range runs from the as-of day for 3 months (to 1 Feb 2019), so
	// 19 Sep is left out and 25 Jan 2019 (Essex's 8(e) review, 8(f), Annex
	// A 2(a) and Annex A 3) comes in.
	code, out, errs := cli(append([]string{"schedule", "--as-of", "2018-11-01", "--from", "2018-10-01"}, barnetJan...)...)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Contains(t, out, "Deadlines from 1 Oct 2018 to 1 Jan 2019")
	assert.Equal(t, 2, strings.Count(out, "overdue: not discharged"))

	code, out, errs = cli(append([]string{"schedule", "--as-of", "2018-11-01"}, barnetJan...)...)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Contains(t, out, "Deadlines from 1 Nov 2018 to 1 Feb 2019")
	assert.NotContains(t, out, "25 Oct 2018")
	assert.Equal(t, 4, strings.Count(out, "25 Jan 2019"), "Essex's 8(e) review, 8(f) report, Annex A 2(a) meeting and Annex A 3 report")
}

func TestScheduleBarnetJSON(t *testing.T) {
	args := append(append([]string{}, barnetRange...), "--format", "json")
	code, out, errs := cli(args...)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	digests := regexp.MustCompile(`"sha256": "([0-9a-f]{64})"`)
	out = digests.ReplaceAllString(out, `"sha256": "<sha256>"`)
	// The golden file keeps the deadlines; the list of inputs changes
	// whenever a file is added to the example.
	inputs := regexp.MustCompile(`(?s)"inputs": \[.*?\n  \],`)
	assert.Regexp(t, inputs, out)
	golden(t, "schedule/barnet.json", inputs.ReplaceAllString(out, `"inputs": "<inputs>",`))
	for _, field := range []string{`"key": "barnet-2018-01/chair-quarterly-report/3"`, `"state": "due"`, `"state": "met"`,
		`"due": "2018-10-25"`, `"key": "barnet-2018-01/dcs-progress-report@bm-2018-09"`} {
		assert.Contains(t, out, field)
	}
}

// exportedAt is the clock the ics tests read: DTSTAMP is when the file is
// written, not the as-of time.
var exportedAt = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

func fixClock(t *testing.T, at time.Time) {
	t.Helper()
	saved := now
	now = func() time.Time { return at }
	t.Cleanup(func() { now = saved })
}

func icsOf(t *testing.T, args ...string) (string, *ics.Calendar) {
	t.Helper()
	fixClock(t, exportedAt)
	code, out, errs := cli(append(append([]string{}, args...), "--format", "ics")...)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	require.NoError(t, err, "the library parses back what it wrote")
	return out, cal
}

func prop(c *ics.ComponentBase, p ics.ComponentProperty) string {
	if v := c.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestScheduleBarnetICS(t *testing.T) {
	out, cal := icsOf(t, barnetRange...)
	golden(t, "schedule/barnet.ics", out)
	assert.NotContains(t, strings.ReplaceAll(out, "\r\n", ""), "\n", "RFC 5545 lines end in CRLF")
	for _, line := range strings.Split(out, "\r\n") {
		assert.LessOrEqual(t, len(line), 75, "lines are folded at 75 octets: %q", line)
	}

	events := cal.Events()
	require.Len(t, events, 4, "8(d), 8(f), Annex A 2(a) and Annex A 3")
	uids := map[string]bool{}
	for _, e := range events {
		uids[e.Id()] = true
		assert.Regexp(t, `^[0-9a-f]{32}@directions\.dfe-tools$`, e.Id())
		start := e.GetProperty(ics.ComponentPropertyDtStart)
		require.NotNil(t, start)
		assert.Equal(t, []string{"DATE"}, start.ICalParameters["VALUE"], "all-day events")
		s, err := e.GetAllDayStartAt()
		require.NoError(t, err)
		end, err := e.GetAllDayEndAt()
		require.NoError(t, err)
		assert.Equal(t, 24*time.Hour, end.Sub(s), "one day long")
		assert.NotEmpty(t, prop(&e.ComponentBase, ics.ComponentPropertyDtstamp))
	}
	assert.Len(t, uids, 4, "UIDs are unique")

	byStart := map[string]*ics.VEvent{}
	for _, e := range events {
		byStart[prop(&e.ComponentBase, ics.ComponentPropertyDtStart)+" "+prop(&e.ComponentBase, ics.ComponentPropertySummary)] = e
	}
	met := byStart["20180919 Met: 8(d) dcs-progress-report (barnet-2018-01)"]
	require.NotNil(t, met, "the met 8(d) deadline, got %v", keys(byStart))
	assert.Empty(t, met.Alarms(), "no reminder for a deadline already met")

	chair := byStart["20181025 Due: 8(f) chair-quarterly-report (barnet-2018-01)"]
	require.NotNil(t, chair, "the 8(f) deadline, got %v", keys(byStart))
	desc := prop(&chair.ComponentBase, ics.ComponentPropertyDescription)
	assert.Contains(t, desc, "Clause 8(f) of barnet-2018-01")
	assert.Contains(t, desc, "every quarter, the first report within 3 months", "the summary, commas unescaped")
	require.Len(t, chair.Alarms(), 1)
	alarm := chair.Alarms()[0]
	assert.Equal(t, "DISPLAY", prop(&alarm.ComponentBase, ics.ComponentPropertyAction))
	assert.Equal(t, "-P6DT15H", prop(&alarm.ComponentBase, ics.ComponentPropertyTrigger), "09:00 seven days before midnight of 25 Oct")
	assert.NotEmpty(t, prop(&alarm.ComponentBase, ics.ComponentPropertyDescription), "DISPLAY alarms need a description")
}

// The whole Barnet example: the third direction, issued on a day in June
// 2018 that is not known, revokes the January one. Worked by hand: its
// 8(f) and Annex A 3 reports fall due 3 months after that day, on a day in
// September 2018 (1-30 Sep), and were met by chair-q2 (19 Jul) and
// essex-dfe-q2 (23 Jul); the next ones and the 8(e) review 6 months after
// it, on a day in 1-30 Dec 2018; the DCS's report for the board of 19 Sep
// was met on 17 Sep. The January direction's deadlines of 25 Oct are gone.
func TestScheduleUncertainDueDates(t *testing.T) {
	code, out, errs := cli("schedule", "--as-of", "2018-09-30", "--from", "2018-09-01", "--until", "2018-12-31", "../../examples/barnet")
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Regexp(t, `September 2018 +barnet-2018-06 +8\(f\) +chair-quarterly-report +1 +barnet +met by chair-q2 on 19 Jul 2018`, out)
	assert.Regexp(t, `1–30 Dec 2018 +barnet-2018-06 +8\(f\) +chair-quarterly-report +2 +barnet +due: not yet discharged`, out)
	assert.NotContains(t, out, "25 Oct 2018")
	// Essex's expectations too: the Annex A 2(a) board in the quarter to a
	// day in September is met (by bm-2018-06 for issue days 1-20 June, by
	// bm-2018-09 for the others); the next, to a day in December, is met by
	// bm-2018-09 only if its window opened by 19 Sep (issue days 1-18),
	// else nothing meets it by 31 Dec (the schedule's end): indeterminate.
	assert.Regexp(t, `Annex A 2\(a\) +essex-chairs-board +2 +essex \(expectation\) +indeterminate`, out)
	assert.Contains(t, out, "8 deadlines: 5 met, 0 met late, 0 overdue, 2 due.")
	assert.Contains(t, out, "1 indeterminate, 0 possible")

	out, cal := icsOf(t, "schedule", "--format", "ics", "--as-of", "2018-09-30", "--from", "2018-09-01", "--until", "2018-12-31", "../../examples/barnet")
	require.Len(t, cal.Events(), 8)
	for _, e := range cal.Events() {
		if prop(&e.ComponentBase, ics.ComponentPropertySummary) == "Met: 8(f) chair-quarterly-report (barnet-2018-06)" {
			assert.Equal(t, "20180901", prop(&e.ComponentBase, ics.ComponentPropertyDtStart), "a due date known only to a range spans it")
			assert.Equal(t, "20181001", prop(&e.ComponentBase, ics.ComponentPropertyDtEnd))
			return
		}
	}
	t.Errorf("no 8(f) entry for the June 2018 direction in\n%s", out)
}

func keys(m map[string]*ics.VEvent) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A later export keeps each deadline's UID and raises its SEQUENCE, so a
// calendar that imports it updates the entries it has.
func TestScheduleICSUpdatesOnReimport(t *testing.T) {
	_, first := icsOf(t, barnetRange...)
	later := append([]string{}, barnetRange...)
	later[2] = "2018-10-30" // --as-of
	_, second := icsOf(t, later...)
	seq := func(c *ics.Calendar) map[string]string {
		m := map[string]string{}
		for _, e := range c.Events() {
			m[e.Id()] = prop(&e.ComponentBase, ics.ComponentPropertySequence)
		}
		return m
	}
	a, b := seq(first), seq(second)
	require.Len(t, b, len(a))
	for uid, s := range a {
		require.Contains(t, b, uid, "same UID in the later export")
		before, err := strconv.Atoi(s)
		require.NoError(t, err)
		after, err := strconv.Atoi(b[uid])
		require.NoError(t, err)
		// End of 30 Sep (BST) to end of 30 Oct (GMT, after the clocks
		// went back on 28 Oct): 30 days and one hour.
		assert.Equal(t, 30*24*60+60, after-before, "SEQUENCE counts minutes")
	}
}

// The UID of a triggered deadline follows its triggering event, not its
// number, so adding an earlier request does not reshuffle the calendar.
func TestScheduleTriggeredUIDsFollowEvents(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/barnet/direction-2018-01.yaml")
	require.NoError(t, err)
	vocab, err := os.ReadFile("../../examples/vocabulary.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "vocabulary.yaml"), vocab, 0o644))
	council := filepath.Join(dir, "barnet")
	require.NoError(t, os.MkdirAll(council, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(council, "direction.yaml"), src, 0o644))
	history := func(rows string) {
		require.NoError(t, os.WriteFile(filepath.Join(council, "requests.csv"), []byte("id,type,at,from,to,kind\n"+rows), 0o644))
	}
	// Read as of 21 Dec, when every request below is known.
	args := []string{"schedule", "--as-of", "2018-12-21", "--from", "2018-12-01", "--until", "2018-12-31", council}
	// A Friday request for access on 21 Dec 2018 is due 5 working days
	// later: 24, 27, 28, 31 Dec and 2 Jan 2019 (25, 26 Dec and 1 Jan are
	// bank holidays), so outside December.
	history("late,request,2018-12-21,essex,barnet,access\nearly,request,2018-12-14,essex,barnet,access\n")
	_, cal := icsOf(t, args...)
	uidOf := map[string]string{}
	for _, e := range cal.Events() {
		uidOf[prop(&e.ComponentBase, ics.ComponentPropertyDtStart)] = e.Id()
	}
	// 14 Dec (Friday) + 5 working days: 17-21 Dec.
	require.Contains(t, uidOf, "20181221", "the early request falls due on 21 Dec")
	assert.NotContains(t, uidOf, "20181228", "the late request is due in January")
	// The UID is the first 16 bytes of the SHA-256 of the deadline's key,
	// in hex: pinned here, since changing it would duplicate every entry
	// in calendars that imported an earlier export.
	sum := sha256.Sum256([]byte("barnet-2018-01/essex-access@early"))
	assert.Equal(t, hex.EncodeToString(sum[:16])+"@directions.dfe-tools", uidOf["20181221"])

	history("late,request,2018-12-21,essex,barnet,access\nearly,request,2018-12-14,essex,barnet,access\nearlier,request,2018-12-03,essex,barnet,access\n")
	_, cal = icsOf(t, args...)
	again := map[string]string{}
	for _, e := range cal.Events() {
		again[prop(&e.ComponentBase, ics.ComponentPropertyDtStart)] = e.Id()
	}
	assert.Equal(t, uidOf["20181221"], again["20181221"], "the early request's deadline keeps its UID")
	assert.Contains(t, again, "20181210", "3 Dec (Monday) + 5 working days")
}

func TestScheduleBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"schedule", "--format", "xml", "../../examples/barnet"},
		{"schedule", "--from", "2018-12-01", "--until", "2018-11-30", "../../examples/barnet"},
		{"schedule", "--from", "2018-02-30", "../../examples/barnet"},
		{"schedule", "--remind", "-1", "../../examples/barnet"},
		{"schedule"},
	} {
		code, out, errs := cli(args...)
		assert.Equal(t, exitInvalid, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.NotEmpty(t, errs, "%v", args)
	}
	_, _, errs := cli("schedule", "--from", "2018-12-01", "--until", "2018-11-30", "../../examples/barnet")
	assert.Contains(t, errs, "--until (30 Nov 2018) is before --from (1 Dec 2018)")
}

// Borsetshire's first quarterly report (due 15 May 2018) came on 21 May:
// met late. The second (due 15 Aug) never came: overdue at 30 Sep. The
// third (due 15 Nov) is still ahead.
func TestScheduleICSLateOverdueAndDTSTAMP(t *testing.T) {
	_, cal := icsOf(t, "schedule", "--as-of", "2018-09-30", "--from", "2018-05-01", "--until", "2018-12-31", "../../examples/national/borsetshire")
	byStart := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		byStart[prop(&e.ComponentBase, ics.ComponentPropertyDtStart)+" "+prop(&e.ComponentBase, ics.ComponentPropertySummary)] = e
		assert.Equal(t, "20261127T093000Z", prop(&e.ComponentBase, ics.ComponentPropertyDtstamp), "DTSTAMP is when the file was written")
	}
	late := byStart["20180515 Late: 8(f) chair-quarterly-report (borsetshire-2018-02)"]
	require.NotNil(t, late, "a deadline met late reads Late:, got %v", keys(byStart))
	assert.Empty(t, late.Alarms())
	overdue := byStart["20180815 OVERDUE: 8(f) chair-quarterly-report (borsetshire-2018-02)"]
	require.NotNil(t, overdue, "got %v", keys(byStart))
	assert.Empty(t, overdue.Alarms(), "no reminder for a deadline already past at the as-of time")
	ahead := byStart["20181115 Due: 8(f) chair-quarterly-report (borsetshire-2018-02)"]
	require.NotNil(t, ahead, "got %v", keys(byStart))
	assert.Len(t, ahead.Alarms(), 1)
}

// schedule reads a tree of councils council by council, as check does:
// each council's event ids are its own.
func TestScheduleAndValidateTree(t *testing.T) {
	code, out, errs := cli("validate", "../../examples/national")
	require.Equal(t, exitOK, code, errs)
	// Counted in the files: 7 obligations in each direction; 10, 7 and 11
	// events in the ambridge, borsetshire and casterbridge histories; each
	// council reads a direction, a history and the shared vocabulary.
	assert.Equal(t, "ok: 3 councils, 9 files, 3 directions, 21 obligations, 28 events\n", out)
	code, out, errs = cli("schedule", "--as-of", "2018-09-30", "--from", "2018-10-01", "--until", "2018-12-31", "../../examples/national")
	require.Equal(t, exitOK, code, errs)
	for _, d := range []string{"ambridge-2018-03", "borsetshire-2018-02", "casterbridge-2018-01"} {
		assert.Contains(t, out, d)
	}
}

// Interrupted (Ctrl-C cancels run's context), schedule stops without
// writing a schedule and exits 130, as check and stream do.
func TestScheduleInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, barnetRange, &out, &errb)
	assert.Equal(t, exitInterrupted, code, "stderr: %s", errb.String())
	assert.Empty(t, out.String(), "no schedule is written")
}
