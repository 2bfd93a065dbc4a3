package scenario_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/junitschema"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/scenario"
)

func runFile(t *testing.T, path string) []*scenario.Outcome {
	t.Helper()
	f, err := scenario.Load(path)
	require.NoError(t, err)
	var out []*scenario.Outcome
	for _, s := range f.Scenarios {
		out = append(out, s.Run())
	}
	return out
}

// row returns the compared row for field, or fails.
func row(t *testing.T, f scenario.Failure, field string) scenario.Row {
	t.Helper()
	for _, r := range f.Rows {
		if r.Field == field {
			return r
		}
	}
	t.Fatalf("%s: no row %q in %+v", f.What, field, f.Rows)
	return scenario.Row{}
}

// Every scenario in testdata/fail is wrong on purpose; each must fail, and
// say exactly what differs. The right values were worked out by hand from
// the Barnet direction (see examples/barnet/scenarios).
func TestWrongExpectationsFail(t *testing.T) {
	const file = "testdata/fail/wrong-expectations.yaml"
	outs := runFile(t, file)
	require.Len(t, outs, 7)
	for _, o := range outs {
		assert.NoError(t, o.Err, o.Scenario.Name)
		assert.False(t, o.Passed(), "scenario %q is wrong on purpose and must fail", o.Scenario.Name)
	}
	only := func(i int) scenario.Failure {
		require.Len(t, outs[i].Failures, 1, outs[i].Scenario.Name)
		return outs[i].Failures[0]
	}

	f := only(0)
	assert.Equal(t, "8(f) chair-quarterly-report #1", f.What)
	assert.Equal(t, scenario.Row{Field: "status", Expected: "late", Got: "met"}, row(t, f, "status"))
	assert.Equal(t, diag.Position{File: file, Line: 11, Column: 11}, f.Pos, "the failure points at the expectation")

	f = only(1)
	assert.Equal(t, scenario.Row{Field: "status", Expected: "late", Got: "late"}, row(t, f, "status"))
	assert.Equal(t, scenario.Row{Field: "days_late", Expected: "13", Got: "14"}, row(t, f, "days_late"))

	f = only(2)
	assert.Equal(t, scenario.Row{Field: "breaches", Expected: "0", Got: "1"}, row(t, f, "breaches"))
	assert.Contains(t, f.Note, "8(f) chair-quarterly-report #2 missed (due 25 Jul 2018)")

	f = only(3)
	assert.Equal(t, scenario.Row{Field: "status", Expected: "absent", Got: "open"}, row(t, f, "status"))

	f = only(4)
	assert.Equal(t, scenario.Row{Field: "status", Expected: "met", Got: "absent"}, row(t, f, "status"))
	assert.Equal(t, "instances of chair-quarterly-report: #1 met, #2 met, #3 open", f.Note)

	f = only(5)
	assert.Equal(t, "in force barnet-2017-09", f.What)
	assert.Equal(t, scenario.Row{Field: "in_force", Expected: "true", Got: "false"}, row(t, f, "in_force"))
	assert.Contains(t, f.Note, "revoked by barnet-2018-01")

	f = only(6)
	assert.False(t, row(t, f, "status").Differs(), "the status is right")
	assert.Equal(t, scenario.Row{Field: "due", Expected: "2018-05-30", Got: "2018-05-31"}, row(t, f, "due"))
	assert.Equal(t, scenario.Row{Field: "discharged_by", Expected: "commissioner-2017-12", Got: "commissioner-2018-05"}, row(t, f, "discharged_by"))

	// Side by side, with the differing fields marked.
	text := f.String()
	assert.Contains(t, text, file+":49:11: Annex B 3 commissioner-report #1\n")
	assert.Regexp(t, `≠ +due +2018-05-30 +2018-05-31`, text)
	assert.Regexp(t, `\n +status +met +met`, text)
}

func TestInvalidFileReportsEveryProblemWithPosition(t *testing.T) {
	const file = "testdata/invalid/mistakes.yaml"
	_, err := scenario.Load(file)
	require.Error(t, err)
	var list diag.List
	require.True(t, errors.As(err, &list), "the error is a diag.List")
	msg := err.Error()
	// Each problem, hand-located in the file.
	for _, want := range []string{
		file + ":5:5: scenarios[0].as_off: unknown key \"as_off\" (did you mean \"as_of\"?)",
		file + ":8:20: scenarios[0].expect.findings[0].clause: no clause \"8(z)\" in the scenario's directions",
		file + ":9:24: scenarios[0].expect.findings[1].obligation: no obligation \"chair-quarterly-reports\" in the scenario's directions (did you mean \"chair-quarterly-report\"?)",
		file + ":10:20: scenarios[0].expect.findings[2]: 2 obligations match (barnet-2018-01 essex-access, barnet-2018-01 essex-refusal)",
		file + ":11:36: scenarios[0].expect.findings[3].instance: instances are numbered from 1",
		file + ":11:47: scenarios[0].expect.findings[3].status: unknown status \"done\"",
		file + ":12:63: scenarios[0].expect.findings[4].days_late: days_late only applies to status late, not met",
		file + ":13:11: scenarios[0].expect.findings[5].status: commissioner-refusal is a prohibition: its findings are breached (or absent), never met",
		file + ":14:11: scenarios[0].expect.findings[6]: name the instance",
		file + ":15:35: scenarios[0].expect.findings[7].trigger: no event \"no-such-event\" in the scenario's history",
		file + ":16:57: scenarios[0].expect.findings[8].due: ",
		file + ":18:18: scenarios[1].directions: direction file ../examples/barnet/no-such-direction.yaml does not exist",
		file + ":19:15: scenarios[1].without[0]: no event \"chair-q9\" in the history files to leave out (did you mean \"chair-q1\"?)",
		file + ":20:12: scenarios[1].as_of: \"30 September 2018\" is neither a date",
		file + ":21:13: scenarios[1].expect: expect is empty",
	} {
		assert.Contains(t, msg, want)
	}
	// A misspelt key is reported once, not also as a missing as_of.
	assert.NotContains(t, msg, `missing required key "as_of"`)
}

func TestRevokedIsAWhatIfThatLeavesTheDirectionAlone(t *testing.T) {
	src := `
directions: [../examples/barnet/direction-2018-01.yaml]
scenarios:
  - name: revoked on 15 June
    revoked: {barnet-2018-01: 2018-06-15}
    events: [{id: chair-q1, type: report, at: 2018-04-20, from: board-chair, to: secretary-of-state, kind: progress}]
    as_of: 2018-09-30
    expect:
      in_force: {barnet-2018-01: false}
      findings:
        - {clause: 8(f), instance: 1, status: met}
        - {clause: 8(f), instance: 2, status: absent}
  - name: not revoked
    events: [{id: chair-q1, type: report, at: 2018-04-20, from: board-chair, to: secretary-of-state, kind: progress}]
    as_of: 2018-09-30
    expect:
      in_force: {barnet-2018-01: true}
      findings:
        - {clause: 8(f), instance: 2, status: missed, due: 2018-07-25}
`
	var l scenario.Loader
	f, err := l.Parse("inline.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Scenarios, 2)
	for _, s := range f.Scenarios {
		o := s.Run()
		assert.True(t, o.Passed(), "%s: %v %v", s.Name, o.Err, o.Failures)
	}
	// The second scenario shares the loaded direction and must not see the
	// first one's revocation.
	d := f.Scenarios[1].Set.Get("barnet-2018-01")
	assert.True(t, d.Ends.IsZero(), "the loaded direction keeps no end date")
	assert.Equal(t, "2018-06-14", f.Scenarios[0].Set.Get("barnet-2018-01").Ends.String(), "revoked from 15 June: in force to the end of 14 June")
}

func TestCoverageCountsOutcomesAndBoundaries(t *testing.T) {
	var outs []*scenario.Outcome
	for _, name := range []string{"quarterly-reports.yaml", "commissioner-report.yaml"} {
		outs = append(outs, runFile(t, filepath.Join("..", "examples", "barnet", "scenarios", name))...)
	}
	cov := scenario.NewCoverage(outs)
	require.Len(t, cov.Directions, 2)
	var chair, comm, access *scenario.ObligationCoverage
	for _, d := range cov.Directions {
		for _, o := range d.Obligations {
			switch o.ID {
			case "chair-quarterly-report":
				chair = o
			case "commissioner-report":
				comm = o
			case "essex-access":
				access = o
			}
		}
	}
	require.NotNil(t, chair)
	// quarterly-reports.yaml: 7 scenarios. Late in "14 days late", "made
	// up in the next quarter" and "23:30 UTC"; missed in "never sent" and
	// "made up ..." (the October one).
	assert.Equal(t, 3, chair.Outcomes[evaluator.Late])
	assert.Equal(t, 2, chair.Outcomes[evaluator.Missed])
	// Day before: the shipped history has no 8(f) report on 24 Apr or
	// 24 Jul, only the "day before" scenario (24 Apr). Due day: the 23:30
	// BST report. Day after: the 23:30 UTC report (00:30 on 26 Apr in
	// London).
	assert.Equal(t, 1, chair.Boundaries[scenario.DayBefore])
	assert.Equal(t, 1, chair.Boundaries[scenario.DueDay])
	assert.Equal(t, 1, chair.Boundaries[scenario.DayAfter])
	// commissioner-report.yaml covers every boundary of Annex B 3.
	outcomes, bounds := comm.Untested()
	assert.Empty(t, bounds)
	assert.Empty(t, outcomes, "met, late, missed and open are all shown")
	// essex-access is exercised (access-1 in the history) but only met.
	outcomes, _ = access.Untested()
	assert.Equal(t, []evaluator.Status{evaluator.Late, evaluator.Missed, evaluator.Open}, outcomes)

	var b bytes.Buffer
	require.NoError(t, cov.WriteText(&b))
	assert.Contains(t, b.String(), "coverage: barnet-2018-01 (../examples/barnet/direction-2018-01.yaml): ")
	assert.Contains(t, b.String(), "clauses no scenario exercises: 8(a) comply-with-instructions; ")
}

func TestJUnit(t *testing.T) {
	outs := runFile(t, "testdata/fail/wrong-expectations.yaml")
	outs = append(outs, runFile(t, "../examples/barnet/scenarios/commissioner-report.yaml")...)
	var b bytes.Buffer
	require.NoError(t, scenario.WriteJUnit(&b, outs))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())
	assert.Empty(t, junitschema.Check(b.Bytes()), "valid against the Jenkins/Ant JUnit schema, counts adding up")
	assert.Equal(t, 13, doc.Tests, "7 in the failing file, 6 in commissioner-report.yaml")
	assert.Equal(t, 7, doc.Failures)
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, "testdata/fail/wrong-expectations.yaml", doc.Suites[0].Name)
	c := doc.Suites[0].Cases[1]
	assert.Equal(t, "14 days late is not 13", c.Name)
	require.NotNil(t, c.Failure)
	assert.True(t, strings.HasPrefix(c.Failure.Text, "testdata/fail/wrong-expectations.yaml:13\n"), "the scenario's line leads the failure text: %q", c.Failure.Text)
	assert.Equal(t, "1 expectation not met", c.Failure.Message)
	assert.Contains(t, c.Failure.Text, "days_late")
	assert.Nil(t, doc.Suites[1].Cases[0].Failure)
}

// Scenario files must stay scenarios to the workspace, so that
// "directions check examples/barnet" ignores them.
func TestShippedScenarioFilesAreClassifiedAsScenarios(t *testing.T) {
	files, err := filepath.Glob("../examples/*/scenarios/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Equal(t, workspace.Scenario, workspace.Classify(f, data), f)
	}
}

func TestCoverageListsDirectionsNoScenarioNames(t *testing.T) {
	d, err := direction.Load("../examples/buckinghamshire/direction-2018-03.yaml", direction.Options{})
	require.NoError(t, err)
	outs := runFile(t, "../examples/barnet/scenarios/commissioner-report.yaml")
	// Barnet's directions, then the one no scenario names; naming a
	// direction twice (here by another spelling of its path) adds nothing.
	again, err := direction.Load("../examples/barnet/../barnet/direction-2018-01.yaml", direction.Options{})
	require.NoError(t, err)
	cov := scenario.NewCoverage(outs, d, again)
	require.Len(t, cov.Directions, 3)
	last := cov.Directions[2]
	assert.Equal(t, "bucks-2018-03", last.ID)
	for _, o := range last.Obligations {
		assert.False(t, o.Exercised(), o.ID)
	}
}

// History files a scenario names are checked against its directions'
// vocabulary, as `directions check` checks them.
func TestHistoryFilesAreCheckedAgainstTheVocabulary(t *testing.T) {
	_, err := scenario.Load("testdata/vocabulary/scenarios.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `testdata/vocabulary/history.yaml:4:50: events[0].form: unknown attribute "form" for an event of type "report" (did you mean "from"?)`)
	assert.Contains(t, err.Error(), "testdata/vocabulary/scenarios.yaml:2:10: history: history file testdata/vocabulary/history.yaml is not valid")
}

// A version expectation is compared like any other field: 8(f) instance 1
// falls due under the January 2018 text (the supposed revocation of 8(f)
// varies it), and essex-six-monthly-review, which no direction varies, has none.
func TestVersionIsCompared(t *testing.T) {
	ex, err := filepath.Abs("../examples/barnet")
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "version.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`directions: [`+ex+`/direction-2018-01.yaml, `+ex+`/scenarios/supposed/revokes-8f-2018-05.yaml]
history: `+ex+`/history.yaml
scenarios:
  - name: wrong on purpose
    as_of: 2018-09-30
    expect:
      findings:
        - {clause: 8(f), instance: 1, status: met, version: barnet-supposed-2018-05}
        - {obligation: essex-six-monthly-review, instance: 1, status: met, version: barnet-2018-01}
  - name: right
    as_of: 2018-09-30
    expect:
      findings:
        - {clause: 8(f), instance: 1, status: met, version: barnet-2018-01}
        - {obligation: essex-six-monthly-review, instance: 1, status: met, version: "-"}
`), 0o644))
	outs := runFile(t, file)
	require.Len(t, outs, 2)
	require.Len(t, outs[0].Failures, 2)
	assert.Equal(t, scenario.Row{Field: "version", Expected: "barnet-supposed-2018-05", Got: "barnet-2018-01"}, row(t, outs[0].Failures[0], "version"))
	assert.Equal(t, scenario.Row{Field: "version", Expected: "barnet-2018-01", Got: "-"}, row(t, outs[0].Failures[1], "version"))
	assert.True(t, outs[1].Passed(), "%+v", outs[1].Failures)
}
