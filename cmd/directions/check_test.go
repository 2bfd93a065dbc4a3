package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	goldenfile "github.com/dfe-tools/directions/internal/golden"
	"github.com/dfe-tools/directions/report"
)

// cli runs the command in-process.
func cli(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestCheckBarnetText(t *testing.T) {
	code, out, errs := cli("check", "--as-of", "2018-09-30", "../../examples/barnet")
	assert.Equal(t, exitOK, code, "exit code; stderr: %s", errs)
	assert.Empty(t, errs)
	golden(t, "check/barnet.txt", out)
	// Hand-checked facts the golden file must keep showing. The third
	// direction, issued on a day in June 2018 that is not known, revokes
	// the January one from that day, so the January direction is in force
	// until the end of a day from 31 May to 29 Jun; its 8(f) report due
	// 25 Jul 2018 is never due. The third direction's first 8(f) report
	// falls due 3 months after its day, in September 2018, and chair-q2
	// (19 Jul) meets it; its second, due on a day in 1-29 Dec (30 Jun
	// + 6 months would be 30 Dec, but that instance's window opens only
	// after 30 Sep, the as-of date), exists as of 30 Sep only for issue
	// days 1-29 June: possible.
	assert.Contains(t, out, "in force from 25 Jan 2018 to a day in 31 May–29 Jun 2018")
	assert.NotContains(t, out, "25 Jul 2018")
	assert.Regexp(t, `8\(f\) +chair-quarterly-report +1 +September 2018 +Met`, out)
	assert.Regexp(t, `8\(f\) +chair-quarterly-report +2 +1–29 Dec 2018 +Possible`, out)
	assert.Contains(t, out, "0 breaches")
}

func TestCheckBarnetJSON(t *testing.T) {
	code, out, errs := cli("check", "../../examples/barnet", "--as-of", "2018-09-30", "--format", "json")
	assert.Equal(t, exitOK, code, "exit code; stderr: %s", errs)
	// Digests change whenever an example is edited; the golden file keeps
	// their shape, and the test checks they are real SHA-256 values.
	digests := regexp.MustCompile(`"sha256": "([0-9a-f]{64})"`)
	assert.NotEmpty(t, digests.FindAllString(out, -1), "every input carries a SHA-256")
	golden(t, "check/barnet.json", digests.ReplaceAllString(out, `"sha256": "<sha256>"`))
	for _, field := range []string{`"direction": "barnet-2018-01"`, `"obligation": "chair-quarterly-report"`, `"clause": "8(f)"`,
		`"holder": "barnet"`, `"instance": 1`, `"status": "met"`, `"due": "2018-04-25"`, `"discharged_by": {`, `"id": "chair-q1"`} {
		assert.Contains(t, out, field)
	}
}

func TestCheckOutputIsByteIdentical(t *testing.T) {
	_, a, _ := cli("check", "--as-of", "2018-09-30", "--format", "json", "../../examples/barnet")
	_, b, _ := cli("check", "--as-of", "2018-09-30", "--format", "json", "../../examples/barnet")
	assert.Equal(t, a, b)
}

func TestCheckBreachesExitOne(t *testing.T) {
	// Issued 31 Jan 2018: the first report is due 30 Apr (clamped); q1
	// on 14 May is 14 days late; the second, due 31 Jul, is missed as of
	// 1 Aug; the refusal is a breach.
	code, out, errs := cli("check", "--as-of", "2018-08-01", "testdata/check/breach")
	assert.Equal(t, exitBreaches, code, "stderr: %s", errs)
	golden(t, "check/breach.txt", out)
	assert.Contains(t, out, "30 Apr 2018")
	assert.Contains(t, out, "Late 14d")
	assert.Contains(t, out, "31 Jul 2018")
	assert.Contains(t, out, "Missed")
	assert.Contains(t, out, "refusal-1")
	assert.Contains(t, out, "3 breaches")
	assert.Contains(t, out, "3 events read: 2 used, 1 irrelevant")
}

func TestUsageAndInputErrorsExitTwo(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"no command":      {nil, "usage: directions"},
		"unknown command": {[]string{"chekc"}, `unknown command "chekc"`},
		"no path":         {[]string{"check"}, "no PATH given"},
		"bad format":      {[]string{"check", "--format", "xml", "../../examples/barnet"}, "--format must be text, json, csv or csv-summary, not \"xml\""},
		"bad as-of":       {[]string{"check", "--as-of", "2018-02-30", "../../examples/barnet"}, `--as-of: "2018-02-30" is not a date`},
		"missing path":    {[]string{"check", "no/such/dir"}, "no such file or directory"},
		"unknown flag":    {[]string{"check", "--asof", "2018-01-01", "../../examples/barnet"}, "directions check: unknown flag --asof (did you mean --as-of?)"},
		"no direction":    {[]string{"check", "../../examples/barnet/history.yaml"}, "no direction file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errs := cli(c.args...)
			assert.Equal(t, exitInvalid, code)
			assert.Empty(t, out)
			assert.Contains(t, errs, c.want)
		})
	}
}

func TestInvalidFilesAreReportedWithPositions(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d.yaml"), []byte(strings.Replace(mustRead(t, "testdata/check/breach/direction.yaml"), "holder: council\n    summary: Refusing", "holder: councl\n    summary: Refusing", 1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.yaml"), []byte("- {id: a, type: report, at: 2018-13-01}\n"), 0o644))
	code, out, errs := cli("check", "--as-of", "2018-08-01", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, filepath.Join(dir, "d.yaml")+`:19:13: obligations[1].holder: unknown party "councl"`)
	assert.Contains(t, errs, filepath.Join(dir, "h.yaml")+`:1:29: events[0].at: "2018-13-01" is not a date`)
}

func TestValidate(t *testing.T) {
	code, out, errs := cli("validate", "../../examples/barnet")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "ok: ")
	assert.Contains(t, out, "3 directions, 26 obligations")
}

// An obligation held by another party without a role keeps its old
// meaning (a duty of the council) and loads, but validate says so.
func TestValidateNotesDutiesHeldByOthers(t *testing.T) {
	dir := t.TempDir()
	src := `id: d1
title: t
council: council
issued_by: sos
issued: 2018-01-25
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
  adviser: {name: An Adviser}
  dcs: {name: The council's DCS, officer_of: council}
obligations:
  - id: adviser-reports
    clause: Annex A 3
    holder: adviser
    summary: the adviser reports
    source: test
    recurring: {every: quarterly}
    satisfied_by: event.type == "report"
  - id: dcs-reports
    clause: 8(d)
    holder: dcs
    summary: the DCS reports
    source: test
    recurring: {every: quarterly}
    satisfied_by: event.type == "report"
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d.yaml"), []byte(src), 0o644))
	code, out, errs := cli("validate", dir)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "ok: ")
	assert.Contains(t, errs, filepath.Join(dir, "d.yaml")+":12:5: obligation adviser-reports (clause Annex A 3) is held by adviser, not the directed council council")
	assert.NotContains(t, errs, "dcs-reports", "the DCS is the council's officer")

	for _, ex := range []string{"barnet", "buckinghamshire", "national/ambridge", "national/borsetshire", "national/casterbridge"} {
		code, _, errs = cli("validate", "../../examples/"+ex)
		assert.Equal(t, exitOK, code, errs)
		assert.NotContains(t, errs, "note:", "the examples give every other party's obligation a role (%s)", ex)
	}
}

// The national examples name the shared vocabulary, so a misspelt event
// type in a council's history is an error (exit 2), not an event that no
// duty ever matches.
func TestValidateNationalExampleRejectsAMisspeltType(t *testing.T) {
	dir := filepath.Join(nationalDir(t), "borsetshire")
	copyDir(t, "../../examples/national/borsetshire", dir)
	code, _, errs := cli("validate", dir)
	require.Equal(t, exitOK, code, errs)

	hist := filepath.Join(dir, "history.yaml")
	src := mustRead(t, hist)
	bad := strings.Replace(src, "{id: chair-q1, type: report,", "{id: chair-q1, type: reprot,", 1)
	require.NotEqual(t, src, bad)
	require.NoError(t, os.WriteFile(hist, []byte(bad), 0o644))
	for _, cmd := range []string{"validate", "check"} {
		code, _, errs = cli(cmd, dir)
		assert.Equal(t, exitInvalid, code, cmd)
		assert.Contains(t, errs, hist+":8:", cmd)
		assert.Contains(t, errs, "reprot", cmd)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// The supposed directions of examples/barnet/scenarios/variations.yaml: the
// revoke-only instrument of 1 Oct 2018 ends the January direction at the
// end of 30 Sep and imposes nothing; the August replacement of 8(f) records
// its own revocation from 16 Nov 2018.
func TestCheckVariations(t *testing.T) {
	const (
		jan      = "../../examples/barnet/direction-2018-01.yaml"
		hist     = "../../examples/barnet/history.yaml"
		supposed = "../../examples/barnet/scenarios/supposed/"
	)
	code, out, errs := cli("check", "--as-of", "2018-12-31", jan, hist, supposed+"revokes-all-2018-10.yaml")
	assert.Equal(t, exitOK, code, errs)
	golden(t, "check/barnet-revoke-only.txt", out)
	assert.Contains(t, out, "in force from 25 Jan 2018 to 30 Sep 2018 (revoked by barnet-supposed-2018-10, issued 1 Oct 2018")
	assert.Contains(t, out, "revokes barnet-supposed-2018-08 (whole direction; not loaded)")
	assert.Contains(t, out, "a revoking instrument: it imposes no obligations of its own")

	// The history has no monthly report: the one due 1 Sep 2018 is missed,
	// the one due 1 Oct never exists (the August direction ended with 30 Sep).
	code, out, errs = cli("check", "--as-of", "2018-12-31", "--format", "json", jan, hist, supposed+"replaces-8f-2018-08.yaml", supposed+"revokes-all-2018-10.yaml")
	assert.Equal(t, 1, code, errs)
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	byID := map[string]evaluator.DirectionStatus{}
	for _, d := range rep.Directions {
		byID[d.ID] = d
	}
	aug := byID["barnet-supposed-2018-08"]
	assert.Equal(t, "barnet-supposed-2018-10", aug.RevokedBy, "the loaded revocation of 1 Oct comes before the recorded one of 16 Nov")
	assert.Empty(t, aug.RevokedByInstrument)
	assert.Contains(t, aug.Reason, "the file also records a revocation by a supposed direction of 16 November 2018 (not modelled) on 16 Nov 2018")
	assert.True(t, byID["barnet-supposed-2018-10"].RevokesOnly)
	assert.False(t, byID["barnet-2018-01"].RevokesOnly)
	assert.Equal(t, []string{"clause 8(f) (chair-quarterly-report) replaced by barnet-supposed-2018-08's obligation chair-monthly-report, issued 1 Aug 2018: no instance falls due from 1 Aug 2018; what fell due before stays due"}, byID["barnet-2018-01"].Varied)
	versions := map[string]string{}
	monthly := 0
	for _, f := range rep.Findings {
		versions[f.Obligation] = f.Version
		if f.Obligation == "chair-monthly-report" {
			monthly++
			assert.Equal(t, evaluator.Missed, f.Status)
			assert.Equal(t, "2018-09-01", f.Due)
		}
	}
	assert.Equal(t, 1, monthly)
	assert.Equal(t, "barnet-2018-01", versions["chair-quarterly-report"])
	assert.Equal(t, "barnet-supposed-2018-08", versions["chair-monthly-report"])
	v, ok := versions["essex-six-monthly-review"]
	assert.True(t, ok, "Essex's 8(e) reviews have findings")
	assert.Empty(t, v, "no direction varies 8(e)")

	// Alone, the August direction ends as its file records.
	_, out, _ = cli("check", "--as-of", "2018-12-31", "--format", "json", jan, hist, supposed+"replaces-8f-2018-08.yaml")
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	for _, d := range rep.Directions {
		if d.ID == "barnet-supposed-2018-08" {
			assert.Equal(t, "a supposed direction of 16 November 2018 (not modelled)", d.RevokedByInstrument)
			assert.Equal(t, "2018-11-16T00:00:00Z", d.Until.UTC().Format(time.RFC3339), "16 Nov 2018 00:00 GMT")
		}
	}
}

// A report whose period attribute names a day on which no quarter of the
// obligation falls due cannot be placed: check says where, and exits 2
// rather than dropping the report or guessing its quarter.
func TestCheckUnplaceableReportIsAnError(t *testing.T) {
	dir := t.TempDir()
	history := filepath.Join(dir, "history.yaml")
	require.NoError(t, os.WriteFile(history, []byte("events:\n  - {id: chair-q1, type: report, at: 2019-03-08, from: board-chair, to: secretary-of-state, kind: progress, period: 2019-03-31}\n"), 0o644))
	code, _, errs := cli("check", "--as-of", "2019-09-30", "../../examples/wakefield/direction-2018-12.yaml", history)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "direction-2018-12.yaml:72:18: obligation chair-quarterly-reports (clause quarterly reports): attribution failed on event \"chair-q1\" ("+history+":2:5): its period attribute names 31 Mar 2019, but no instance of clause quarterly reports is due that day (the nearest due dates: before it 13 Mar 2019, after it 13 Jun 2019)")
}

// A report known only to April 2018 against 25 Apr (25 Jan + 3 months): met
// on 1-25 April, 1-5 days late on 26-30 April. Not a definite breach (exit
// 0); --strict counts it (exit 1).
func TestCheckStrict(t *testing.T) {
	code, out, errs := cli("check", "--as-of", "2018-09-30", "testdata/check/uncertain")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "Indeterminate")
	assert.Contains(t, out, "met if q1 was dated 1–25 Apr 2018; late (1–5 days) if q1 was dated 26–30 Apr 2018")
	assert.Contains(t, out, "1 indeterminate")
	code, _, errs = cli("check", "--strict", "--as-of", "2018-09-30", "testdata/check/uncertain")
	assert.Equal(t, exitBreaches, code, errs)
	// Before the month is out, a report in April may still be to come: as
	// of 20 April, met (1-20) or open (21-30), never a breach, even strict.
	code, out, errs = cli("check", "--strict", "--as-of", "2018-04-20", "testdata/check/uncertain")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "open if q1 came after the as-of date")
	// The CSV findings table carries the cases.
	code, out, errs = cli("check", "--format", "csv", "--as-of", "2018-09-30", "testdata/check/uncertain")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, ",met 2018-04-01..2018-04-25; late 1-5 days 2018-04-26..2018-04-30,\n" /* cases, then version (empty) */)
}

// A triggered instance removed by a revocation is no finding, but check
// says so in text and JSON. A supposed direction of 2 Mar 2018 revokes
// para 8(b) (access for Essex within 5 working days of a request). Essex's
// request access-1 of Thursday 1 Mar 2018 came while 8(b) was in force, but
// would fall due on Thursday 8 Mar (2, 5, 6, 7, 8 Mar), after it ended.
func TestCheckSaysTriggeredInstanceNotGenerated(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "barnet")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for from, to := range map[string]string{
		"../../examples/vocabulary.yaml":               filepath.Join(root, "vocabulary.yaml"),
		"../../examples/barnet/direction-2018-01.yaml": filepath.Join(dir, "direction-2018-01.yaml"),
		"../../examples/barnet/history.yaml":           filepath.Join(dir, "history.yaml"),
	} {
		b, err := os.ReadFile(from)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(to, b, 0o644))
	}
	rev := filepath.Join(dir, "revokes-8b.yaml")
	require.NoError(t, os.WriteFile(rev, []byte(`id: barnet-supposed-2018-03
title: Supposed direction revoking para 8(b)
council: barnet
issued_by: secretary-of-state
issued: 2018-03-02
time_zone: Europe/London
revokes:
  - {direction: barnet-2018-01, clauses: [8(b)]}
source: none; supposed for a test
parties:
  barnet: {name: London Borough of Barnet, role: directed council}
  secretary-of-state: {name: Secretary of State for Education, role: issuer}
`), 0o644))
	args := []string{"check", "--as-of", "2018-03-31", dir}
	_, out, errs := cli(args...)
	require.Empty(t, errs)
	assert.Contains(t, out, "  not generated: clause 8(b) for access-1 of 1 Mar 2018 would have fallen due on 8 Mar 2018, after the obligation stopped falling due, so no instance was generated: clause 8(b) (essex-access) revoked by barnet-supposed-2018-03, issued 2 Mar 2018:")
	assert.Contains(t, out, "\n1 triggered instance not generated: the trigger came in time, but the duty ended before the instance would fall due")

	_, out, _ = cli(append([]string{args[0], "--format", "json"}, args[1:]...)...)
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	var ngs []evaluator.NotGenerated
	for _, d := range rep.Directions {
		ngs = append(ngs, d.NotGenerated...)
	}
	require.Len(t, ngs, 1)
	assert.Equal(t, "essex-access", ngs[0].Obligation)
	assert.Equal(t, "access-1", ngs[0].Trigger.ID)
	assert.Equal(t, "2018-03-08", ngs[0].Due)
	validateOutput(t, outputSchema(t, "check-output.schema.json"), out)

	// The summary row counts it too (not_generated), since no finding
	// stands for it: the CSV summary's last column, and a tree's JSON
	// summary, where a second council without the revocation has none.
	_, out, _ = cli("check", "--as-of", "2018-03-31", "--format", "csv-summary", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.True(t, strings.HasSuffix(lines[0], ",next_assumed,not_generated"), lines[0])
	assert.True(t, strings.HasSuffix(lines[1], ",1"), lines[1])
	other := filepath.Join(root, "barnet-unrevoked")
	require.NoError(t, os.MkdirAll(other, 0o755))
	for _, name := range []string{"direction-2018-01.yaml", "history.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(other, name), b, 0o644))
	}
	_, out, errs = cli("check", "--as-of", "2018-03-31", "--format", "json", root)
	require.Empty(t, errs)
	var batch struct {
		Summary []report.CouncilRow `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &batch))
	require.Len(t, batch.Summary, 2)
	got := map[string]int{}
	for _, row := range batch.Summary {
		got[row.Council] = row.NotGenerated
	}
	assert.Equal(t, map[string]int{"barnet": 1, "barnet-unrevoked": 0}, got)
	validateOutput(t, outputSchema(t, "check-batch-output.schema.json"), out)
}
