package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goldenfile "github.com/dfe-tools/directions/internal/golden"
	"github.com/dfe-tools/directions/internal/junitschema"
)

// The golden files of `directions test` live in testdata/test/ and are
// rewritten with `go test ./cmd/directions -run TestTestCommand -update`.

func scenarioGolden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "test", name), got)
}

func runTestCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"test"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTestCommandPasses(t *testing.T) {
	code, out, errs := runTestCmd("../../examples/barnet", "../../examples/buckinghamshire")
	assert.Equal(t, exitOK, code, errs)
	assert.Empty(t, errs)
	scenarioGolden(t, "pass.txt", out)
	assert.Contains(t, out, "ok    ../../examples/barnet/scenarios/quarterly-reports.yaml:42  the first quarterly report is 14 days late\n")
	assert.Contains(t, out, "ok    ../../examples/barnet/scenarios/essex.yaml:27  Essex holds no six-monthly review, which is Essex's expectation unmet and not Barnet's breach\n")
	assert.Regexp(t, `PASS: \d+ scenarios in \d+ files\n$`, out)
}

func TestTestCommandReportsEachDifference(t *testing.T) {
	code, out, errs := runTestCmd("../../scenario/testdata/fail")
	assert.Equal(t, exitBreaches, code, "a failing scenario exits 1")
	assert.Empty(t, errs)
	scenarioGolden(t, "fail.txt", out)
	// Hand-checked: the scenario at line 13 expects 13 days late; the
	// report was 14 days late.
	assert.Contains(t, out, "FAIL  ../../scenario/testdata/fail/wrong-expectations.yaml:13  14 days late is not 13\n")
	assert.Regexp(t, `≠ +days_late +13 +14\n`, out)
	assert.Contains(t, out, "FAIL: 7 of 7 scenarios failed\n")
}

func TestTestCommandInvalidFileExitsTwo(t *testing.T) {
	code, out, errs := runTestCmd("../../scenario/testdata/invalid", "../../examples/barnet/scenarios/commissioner-report.yaml")
	assert.Equal(t, exitInvalid, code)
	scenarioGolden(t, "invalid.txt", out+"--- stderr\n"+errs)
	assert.Contains(t, errs, "../../scenario/testdata/invalid/mistakes.yaml:5:5: scenarios[0].as_off: unknown key \"as_off\" (did you mean \"as_of\"?)")
	// The valid file still runs.
	assert.Contains(t, out, "ok    ../../examples/barnet/scenarios/commissioner-report.yaml:15")
}

func TestTestCommandCoverage(t *testing.T) {
	code, out, errs := runTestCmd("--coverage", "../../examples/barnet", "../../examples/buckinghamshire")
	assert.Equal(t, exitOK, code, errs)
	scenarioGolden(t, "coverage.txt", out)
	assert.Contains(t, out, "coverage: barnet-2018-01 (../../examples/barnet/direction-2018-01.yaml): 14 of 14 obligations exercised\n")
}

func TestTestCommandJUnit(t *testing.T) {
	file := filepath.Join(t.TempDir(), "junit.xml")
	code, _, errs := runTestCmd("--junit", file, "../../scenario/testdata/fail", "../../examples/buckinghamshire/scenarios/revision.yaml")
	assert.Equal(t, exitBreaches, code, errs)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	scenarioGolden(t, "junit.xml", string(data))
	assert.Contains(t, string(data), `<testsuites name="directions scenarios" tests="14" failures="7" errors="0">`)
	assert.Empty(t, junitschema.Check(data), "valid against the Jenkins/Ant JUnit schema")
}

// --junit - writes the XML alone to stdout, the console report to stderr;
// with an invalid file, the console's total is the XML's tests count.
func TestTestCommandJUnitStdoutAndCounts(t *testing.T) {
	code, out, errs := runTestCmd("--junit", "-", "../../scenario/testdata/invalid", "../../scenario/testdata/fail")
	assert.Equal(t, exitInvalid, code)
	assert.Empty(t, junitschema.Check([]byte(out)), "stdout is the XML alone")
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &doc))
	// 7 scenarios in fail/, all failing; the invalid file is one test in error.
	assert.Equal(t, 8, doc.Tests)
	assert.Equal(t, 7, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	assert.Contains(t, errs, "FAIL: 7 of 8 scenarios failed; 1 of 2 files invalid (each counted as one scenario in error)\n")
}

func TestTestCommandUsage(t *testing.T) {
	code, _, errs := runTestCmd()
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "usage: directions test [--coverage] [--junit FILE] PATH...")

	code, _, errs = runTestCmd("../../examples/barnet/history.yaml")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "history.yaml is not a scenario file")

	code, _, errs = runTestCmd("../../internal")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "no direction, history or scenario files (.yaml, .yml, .json, .jsonl, .ndjson, .csv) found in ../../internal")
}

// A direction in a folder tested that no scenario names shows in the
// coverage report with every clause unexercised.
func TestTestCommandCoverageListsDirectionsNoScenarioNames(t *testing.T) {
	// The direction names its vocabulary as ../vocabulary.yaml.
	dir := filepath.Join(t.TempDir(), "bucks")
	require.NoError(t, os.Mkdir(dir, 0o755))
	for from, to := range map[string]string{
		"../../examples/buckinghamshire/direction-2018-07.yaml": filepath.Join(dir, "direction.yaml"),
		"../../examples/vocabulary.yaml":                        filepath.Join(dir, "..", "vocabulary.yaml"),
	} {
		data, err := os.ReadFile(from)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(to, data, 0o644))
	}
	code, out, errs := runTestCmd("--coverage", "../../examples/barnet/scenarios/commissioner-report.yaml", dir)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "coverage: bucks-2018-07 ("+filepath.Join(dir, "direction.yaml")+"): 0 of 4 obligations exercised\n")
	assert.Contains(t, out, "clauses no scenario exercises: para 29 comply-with-instructions; para 29 cooperate-with-hampshire; para 30(a) hampshire-chairs-board; para 30(e) hampshire-reports-to-dfe\n")
	// commissioner-report.yaml alone, with the shipped history, reaches 6
	// of Barnet's 12 obligations: 8(b) access, 8(d), 8(e), 8(f),
	// Annex A 3 and Annex B 3.
	assert.Contains(t, out, "coverage: barnet-2018-01 (../../examples/barnet/direction-2018-01.yaml): 8 of 14 obligations exercised\n") // the history alone exercises 8(b), 8(d), both 8(e), 8(f), Annex A 2(a), A 3 and B 3
}
