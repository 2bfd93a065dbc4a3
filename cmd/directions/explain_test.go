package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
)

func TestExplainGolden(t *testing.T) {
	const (
		barnet   = "../../examples/barnet/direction-2018-01.yaml ../../examples/barnet/history.yaml"
		supposed = "../../examples/barnet/scenarios/supposed/"
	)
	for _, tc := range []struct{ name, dir, obl, asOf string }{
		{"borsetshire-chair", national + "/borsetshire", "chair-quarterly-report", ""},
		{"casterbridge-access", national + "/casterbridge", "adviser-access", ""},
		{"casterbridge-refusal", national + "/casterbridge", "adviser-refusal", ""},
		// Named files, so that scenarios added to the folder do not change it.
		{"barnet-commissioner", "../../examples/barnet/direction-2018-01.yaml ../../examples/barnet/history.yaml", "commissioner-report", ""},
		// Variations (examples/barnet/scenarios/variations.yaml works them
		// out): 8(f) revoked alone from 14 May 2018; replaced from 1 Aug
		// 2018 by a monthly report whose direction records its own
		// revocation from 16 Nov 2018; the January direction revoked whole
		// from 1 Oct 2018 by an instrument that only revokes.
		{"barnet-8f-clause-revoked", barnet + " " + supposed + "revokes-8f-2018-05.yaml", "chair-quarterly-report", ""},
		{"barnet-8f-replaced", barnet + " " + supposed + "replaces-8f-2018-08.yaml", "chair-quarterly-report", "2018-12-31"},
		{"barnet-monthly-self-revoked", barnet + " " + supposed + "replaces-8f-2018-08.yaml", "chair-monthly-report", "2018-12-31"},
		{"barnet-8f-revoke-only", barnet + " " + supposed + "revokes-all-2018-10.yaml", "chair-quarterly-report", "2018-12-31"},
		// Extensions and waivers of 8(f) (docs/extensions.md), worked by hand
		// in examples/barnet/scenarios/extensions.yaml: extended before the
		// original deadline (25 Apr -> 9 May, met 4 May, 9 days late by the
		// original), after it (by 3 weeks on 2 May -> 16 May, met 14 May, 19
		// days late by the original), and the July report waived after it
		// was missed.
		{"barnet-extension-before", "../../examples/barnet/direction-2018-01.yaml testdata/extensions/before.yaml", "chair-quarterly-report", ""},
		{"barnet-extension-after", "../../examples/barnet/direction-2018-01.yaml testdata/extensions/after.yaml", "chair-quarterly-report", ""},
		{"barnet-waiver", "../../examples/barnet/direction-2018-01.yaml testdata/extensions/waiver.yaml", "chair-quarterly-report", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asOf := "2018-09-30"
			if tc.asOf != "" {
				asOf = tc.asOf
			}
			args := append([]string{"explain", "--as-of", asOf, "--obligation", tc.obl}, strings.Fields(tc.dir)...)
			out, errs, code := runCLI(args...)
			assert.Equal(t, exitOK, code, errs)
			out = regexp.MustCompile(`(?m)^  [0-9a-f]{64}  `).ReplaceAllString(out, "  <sha256>  ")
			golden(t, "explain/"+tc.name+".txt", out)
		})
	}
}

// The expectations follow from the Borsetshire direction (issued 15 Feb
// 2018, 8(f) quarterly with the first report 3 months on) and its history.
func TestExplainJSONEvidence(t *testing.T) {
	dir := national + "/borsetshire"
	out, errs, code := runCLI("explain", "--format", "json", "--as-of", "2018-09-30", "--obligation", "borsetshire-2018-02/chair-quarterly-report", dir)
	require.Equal(t, exitOK, code, errs)
	var ex Explanation
	require.NoError(t, json.Unmarshal([]byte(out), &ex))
	assert.Equal(t, evaluator.Version, ex.Engine)
	assert.Equal(t, "2018-09-30T23:59:59.999999999+01:00", ex.AsOf.Format("2006-01-02T15:04:05.999999999Z07:00"))
	require.Len(t, ex.Inputs, 3) // the direction, the history and the vocabulary
	for _, in := range ex.Inputs {
		data, err := os.ReadFile(in.Path)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		assert.Equal(t, hex.EncodeToString(sum[:]), in.SHA256, in.Path)
	}
	require.Len(t, ex.Obligations, 1)
	oe := ex.Obligations[0]
	assert.Equal(t, "8(f)", oe.Clause)
	require.Len(t, oe.Instances, 3)

	i1 := oe.Instances[0]
	assert.Equal(t, evaluator.Late, i1.Status)
	assert.Equal(t, 6, i1.DaysLate, "due 15 May, sent 21 May")
	assert.Contains(t, i1.Derivation[0], "15 Feb 2018 (the direction's date) + 3 months = 15 May 2018")
	assert.Equal(t, []string{"loamshire-dfe-q1", "chair-q1"}, considered(i1))
	assert.Equal(t, []bool{false, true}, satisfied(i1))

	i2 := oe.Instances[1]
	assert.Equal(t, evaluator.Missed, i2.Status)
	assert.Contains(t, i2.Derivation[0], "+ 3 months + 1 × 3 months = 15 Aug 2018")
	assert.Equal(t, []string{"dcs-2018-06", "loamshire-dfe-q2"}, considered(i2))
	assert.Nil(t, i2.DischargedBy)
	assert.Contains(t, i2.Outcome, "none met the condition")

	i3 := oe.Instances[2]
	assert.Equal(t, evaluator.Open, i3.Status)
	assert.Equal(t, "2018-11-15", i3.Due)
	assert.Empty(t, i3.Considered)
}

func considered(ie InstanceExplained) []string {
	var ids []string
	for _, c := range ie.Considered {
		ids = append(ids, c.Event)
	}
	return ids
}

func satisfied(ie InstanceExplained) []bool {
	var ok []bool
	for _, c := range ie.Considered {
		ok = append(ok, c.Satisfied)
	}
	return ok
}

func TestExplainErrors(t *testing.T) {
	_, errs, code := runCLI("explain", "../../examples/barnet")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "--obligation ID is required")

	_, errs, code = runCLI("explain", "--obligation", "chair-report", "../../examples/barnet")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, `no obligation "chair-report"`)
	assert.Contains(t, errs, "barnet-2018-01/chair-quarterly-report", "the message lists what exists")

	_, errs, code = runCLI("explain", "--obligation", "chair-quarterly-report", national)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "explain reads one council at a time")
}

// Barnet 8(b) allows 5 working days (England and Wales). A request on
// Thursday 29 Mar 2018 skips Good Friday (30 Mar), the weekend, Easter
// Monday (2 Apr) and the next weekend: Tue 3, Wed 4, Thu 5, Fri 6 and
// Mon 9 Apr are the five days, so access is due by 9 Apr 2018.
func TestExplainWorkingDaysSkipped(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(hist, []byte("events:\n  - {id: access-e, type: request, at: 2018-03-29, from: essex, to: barnet, kind: access}\n"), 0o644))
	out, errs, code := runCLI("explain", "--as-of", "2018-04-30", "--obligation", "essex-access", "../../examples/barnet/direction-2018-01.yaml", hist)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "gives 9 Apr 2018, computed from access-e of 29 Mar 2018")
	assert.Contains(t, out, "skipped: Fri 30 Mar 2018 (Good Friday), Sat 31 Mar 2018 (weekend), Sun 1 Apr 2018 (weekend), Mon 2 Apr 2018 (Easter Monday), Sat 7 Apr 2018 (weekend), Sun 8 Apr 2018 (weekend)")
	assert.Contains(t, out, "Instance 1: MISSED")
}

// After the revoke-only direction of 1 Oct 2018 ends the January one, a
// board meeting on 10 Oct creates no 8(d) instance, and an access request
// of 28 Sep due 5 Oct (after the end) creates no 8(b) instance; a meeting
// of 28 Sep 2017 came before the January direction.
func TestExplainSaysWhyTriggersCreatedNothing(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(hist, []byte(`events:
  - {id: bm-2017-09, type: board-meeting, at: 2017-09-28}
  - {id: access-late, type: request, at: 2018-09-28, from: essex, to: barnet, kind: access, due: 2018-10-05}
  - {id: bm-2018-10, type: board-meeting, at: 2018-10-10}
`), 0o644))
	notes := func(obl string) map[string]string {
		out, errs, code := runCLI("explain", "--format", "json", "--as-of", "2018-12-31", "--obligation", obl,
			"../../examples/barnet/direction-2018-01.yaml", "../../examples/barnet/scenarios/supposed/revokes-all-2018-10.yaml", hist)
		require.Equal(t, exitOK, code, errs)
		var ex Explanation
		require.NoError(t, json.Unmarshal([]byte(out), &ex))
		require.Len(t, ex.Obligations, 1)
		assert.Empty(t, ex.Obligations[0].Instances, obl)
		m := map[string]string{}
		for _, c := range ex.Obligations[0].Candidates {
			m[c.Event] = c.Note
		}
		return m
	}
	n := notes("dcs-progress-report")
	assert.Equal(t, "came before the direction was in force, so it can create nothing under it", n["bm-2017-09"])
	assert.Equal(t, "meets the trigger condition, but created no instance: the direction was no longer in force from 1 Oct 2018", n["bm-2018-10"])
	n = notes("essex-access")
	assert.Equal(t, "meets the trigger condition, but created no instance: it would have fallen due on 5 Oct 2018, and the direction was no longer in force from 1 Oct 2018", n["access-late"])
}

// explain says which rule placed each event of an obligation placed by an
// attribute, and why a second report for the same quarter counted for
// nothing; the JSON carries the rule per instance.
func TestExplainAttribution(t *testing.T) {
	dir := t.TempDir()
	history := filepath.Join(dir, "history.yaml")
	require.NoError(t, os.WriteFile(history, []byte(`events:
  - {id: q1, type: report, at: 2019-03-08, from: board-chair, to: secretary-of-state, kind: progress, period: 2019-03-13}
  - {id: q1-again, type: report, at: 2019-03-09, from: board-chair, to: secretary-of-state, kind: progress, period: 2019-03-13}
  - {id: unnamed, type: report, at: 2019-06-01, from: board-chair, to: secretary-of-state, kind: progress}
`), 0o644))
	args := []string{"explain", "--as-of", "2019-06-30", "--obligation", "chair-quarterly-reports", "../../examples/wakefield/direction-2018-12.yaml", history}
	code, out, errs := cli(args...)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "How an event finds its instance: attribute period: an event that meets the condition and has a period attribute discharges the instance due on the date it gives")
	assert.Contains(t, out, "Placed by: attribute:period")
	assert.Contains(t, out, "q1-again (report, 9 Mar 2019, "+history+":3:5): not tested: its period attribute names instance 1 (due 2019-03-13), which q1 had already discharged")
	// The unnamed report goes to the oldest quarter outstanding, June's.
	assert.Contains(t, out, "unnamed (report, 1 Jun 2019, from=board-chair kind=progress to=secretary-of-state, "+history+":4:5): satisfies the condition, and this was the oldest instance still outstanding")

	code, out, errs = cli(append([]string{args[0], "--format", "json"}, args[1:]...)...)
	require.Equal(t, exitOK, code, errs)
	var ex Explanation
	require.NoError(t, json.Unmarshal([]byte(out), &ex))
	require.Len(t, ex.Obligations, 1)
	ins := ex.Obligations[0].Instances
	require.Len(t, ins, 3) // the third quarter opened after 13 Jun 2019
	assert.Equal(t, "attribute:period", ins[0].Attribution)
	assert.Equal(t, "oldest-outstanding", ins[1].Attribution)
	assert.Empty(t, ins[2].Attribution)
}

// A request that sets its own due date takes the rule's has(trigger.due)
// branch: neither params.access_days nor working days enter into it, so
// the explanation names neither.
func TestExplainNamesOnlyTheBranchTaken(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(hist, []byte("events:\n  - {id: access-d, type: request, at: 2018-03-29, from: essex, to: barnet, kind: access, due: 2018-04-20}\n"), 0o644))
	out, errs, code := runCLI("explain", "--as-of", "2018-04-30", "--obligation", "essex-access", "../../examples/barnet/direction-2018-01.yaml", hist)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "access-d gives due = 2018-04-20, so the rule's has(trigger.due) branch applies")
	assert.NotContains(t, out, "with params.access_days")
	assert.NotContains(t, out, "working days counted")
}

// With first_due, instance 1 is due on that date itself (weekly-note in the
// stress direction: first_due 28 Feb 2018, every 2 weeks).
func TestExplainFirstDue(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(hist, []byte("events: []\n"), 0o644))
	out, errs, code := runCLI("explain", "--as-of", "2018-03-31", "--obligation", "weekly-note", "../../evaluator/testdata/stress.yaml", hist)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "counted from 28 Feb 2018 (the first due date); the first falls due on that date")
	assert.NotContains(t, out, "falls due 2 weeks after it")
	assert.Contains(t, out, "28 Feb 2018 (the first due date) = 28 Feb 2018")
}

// One report, one instance across a replacement (docs/lifecycle.md): the
// supposed direction of 1 Aug 2018 replaces 8(f)'s quarterly reports (due
// 25 Apr, 25 Jul ...) with monthly ones (due 1 Sep, 1 Oct ...). With no
// July report, the report of 30 Aug is the overdue July report (oldest
// outstanding), and explain says why it did not meet the 1 Sep report.
func TestExplainReplacementChain(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(hist, []byte(`events:
  - {id: q1, type: report, at: 2018-04-20, from: board-chair, to: secretary-of-state, kind: progress}
  - {id: q3, type: report, at: 2018-08-30, from: board-chair, to: secretary-of-state, kind: progress}
`), 0o644))
	args := []string{"explain", "--format", "json", "--as-of", "2018-10-15", "--obligation", "chair-monthly-report",
		"../../examples/barnet/direction-2018-01.yaml", "../../examples/barnet/scenarios/supposed/replaces-8f-2018-08.yaml", hist}
	out, errs, code := runCLI(args...)
	require.Equal(t, exitOK, code, errs)
	var ex Explanation
	require.NoError(t, json.Unmarshal([]byte(out), &ex))
	require.Len(t, ex.Obligations, 1)
	notes := map[string]string{}
	for _, c := range ex.Obligations[0].Candidates {
		notes[c.Event] = c.Note
	}
	assert.Equal(t, "not tested: it discharged instance 2 of clause 8(f) (chair-quarterly-report) of barnet-2018-01, which this obligation replaces; the two are one series, and an event discharges one instance of it", notes["q3"])
	require.NotEmpty(t, ex.Obligations[0].Instances)
	assert.Equal(t, "missed", string(ex.Obligations[0].Instances[0].Status))
}

// A second extension by a period counts from the deadline the first set
// (docs/extensions.md), and explain says so where it applied: 8(f)'s
// first report, due 25 Apr 2018, is extended on 20 Apr by 2 weeks (to
// 9 May) and on 5 May by a further week (to 16 May, not 2 May).
func TestExplainSecondExtensionByPeriod(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(hist, []byte(`events:
  - {id: ext1, type: extension, at: 2018-04-20, by: dfe, obligation: chair-quarterly-report, instance: 1, by_period: 2 weeks}
  - {id: ext2, type: extension, at: 2018-05-05, by: dfe, obligation: chair-quarterly-report, instance: 1, by_period: 1 week}
`), 0o644))
	code, out, errs := cli("explain", "--as-of", "2018-05-31", "--obligation", "chair-quarterly-report", "../../examples/barnet/direction-2018-01.yaml", hist)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "extension ext1 on 20 Apr 2018 by dfe, by 2 weeks from the deadline then in effect (the original due date), before the original deadline (25 Apr 2018)")
	assert.Contains(t, out, "extension ext2 on 5 May 2018 by dfe, by 1 week from the deadline then in effect (as extended by ext1, not the original due date), after the original deadline (25 Apr 2018) had passed")
	assert.Contains(t, out, "extended to 16 May 2018")
}

// --max-tested lists, of the events tested against an instance that did
// not satisfy it, the last N, and counts the earlier ones. Worked by hand
// from testdata/explain-limit/history.yaml (Barnet 8(f), quarterly from
// 25 Jan 2018: due 25 Apr, 25 Jul, 25 Oct 2018, 25 Jan, 25 Apr 2019;
// oldest-outstanding) as of 31 Mar 2019, with --max-tested 2:
//   - instance 1 (opens 25 Jan, due 25 Apr 2018) is tested against the
//     drafts d1 (1 Feb), d2 (15 Feb), d3 (1 Mar), d4 (1 Apr), then met by
//     q1 (20 Apr): 4 failed tests, d3 and d4 listed, d1 and d2 counted
//     ("2 earlier events, from 1 Feb 2018 to 15 Feb 2018"), q1 listed;
//   - instance 2 (opens 25 Apr, due 25 Jul 2018) is never met: d5 (10 May),
//     d6 (10 Jun), d7 (10 Jul) and d8 (10 Feb 2019, when instances 2 to 5
//     have opened) fail: d7 and d8 listed, d5 and d6 counted, and the
//     outcome still counts all 4;
//   - instances 3, 4, 5 each see d8 only (1 <= 2: nothing counted);
//   - the candidate d8 was tested against instances 2, 3, 4 and 5: its
//     note names the first 2 and counts 2 more.
//
// The default (20) lists every one of them here, as --max-tested 0 does.
func TestExplainMaxTested(t *testing.T) {
	args := []string{"explain", "--as-of", "2019-03-31", "--obligation", "chair-quarterly-report"}
	files := []string{"../../examples/barnet/direction-2018-01.yaml", "testdata/explain-limit/history.yaml"}
	run := func(extra ...string) string {
		t.Helper()
		out, errs, code := runCLI(append(append(append([]string{}, args...), extra...), files...)...)
		require.Equal(t, exitOK, code, errs)
		return regexp.MustCompile(`(?m)^  [0-9a-f]{64}  `).ReplaceAllString(out, "  <sha256>  ")
	}
	text := run("--max-tested", "2")
	golden(t, "explain/barnet-max-tested-2.txt", text)
	assert.Contains(t, text, "      - 2 earlier events, from 1 Feb 2018 to 15 Feb 2018, were tested and do not satisfy the condition (not listed)\n      - d3 (")
	assert.Contains(t, text, "      - 2 earlier events, from 10 May 2018 to 10 Jun 2018, were tested and do not satisfy the condition (not listed)\n      - d7 (")
	assert.Contains(t, text, "4 event(s) were tested against it and none met the condition")
	assert.Contains(t, text, "d8 (report, 10 Feb 2019, testdata/explain-limit/history.yaml:13:3): tested against 4 instances (2, 3 and 2 more); met none")
	for _, id := range []string{"d1", "d2", "d5", "d6"} {
		assert.NotContains(t, text, "      - "+id+" (", "%s is counted, not listed", id)
	}
	all := run("--max-tested", "0")
	assert.Equal(t, all, run(), "the default, 20, lists all of at most 4")
	for _, id := range []string{"d1", "d2", "d5", "d6"} {
		assert.Contains(t, all, "      - "+id+" (")
	}
	assert.NotContains(t, all, "not listed")

	js := run("--format", "json", "--max-tested", "2")
	validateOutput(t, outputSchema(t, "explain-output.schema.json"), js)
	golden(t, "explain/barnet-max-tested-2.json", regexp.MustCompile(`"sha256": "[0-9a-f]{64}"`).ReplaceAllString(js, `"sha256": "<sha256>"`))
	var ex struct {
		Obligations []struct {
			Instances []struct {
				Considered []struct{ Event string } `json:"considered"`
				NotListed  *struct {
					Count       int
					First, Last string
				} `json:"not_listed"`
			} `json:"instances"`
		} `json:"obligations"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &ex))
	ins := ex.Obligations[0].Instances
	require.Len(t, ins, 5)
	require.NotNil(t, ins[0].NotListed)
	assert.Equal(t, 2, ins[0].NotListed.Count)
	assert.Equal(t, "2018-02-01T00:00:00Z", ins[0].NotListed.First)
	assert.Equal(t, "2018-02-15T00:00:00Z", ins[0].NotListed.Last)
	assert.Len(t, ins[0].Considered, 3) // d3, d4, q1
	require.NotNil(t, ins[1].NotListed)
	assert.Equal(t, 2, ins[1].NotListed.Count)
	assert.Len(t, ins[1].Considered, 2) // d7, d8
	for _, in := range ins[2:] {
		assert.Nil(t, in.NotListed)
		assert.Len(t, in.Considered, 1) // d8
	}

	_, errs, code := runCLI(append(append([]string{}, args...), append([]string{"--max-tested", "-1"}, files...)...)...)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "--max-tested -1: give 0 (list all) or more")
}
