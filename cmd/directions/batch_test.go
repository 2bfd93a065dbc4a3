package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/explain"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/report"
)

const national = "../../examples/national"

func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestCheckTreeGolden(t *testing.T) {
	for _, format := range []string{"text", "json", "csv", "csv-summary"} {
		t.Run(format, func(t *testing.T) {
			out, errs, code := runCLI("check", "--as-of", "2018-09-30", "--format", format, national)
			assert.Empty(t, errs)
			assert.Equal(t, exitBreaches, code, "borsetshire and casterbridge are in breach")
			ext := map[string]string{"text": "txt", "json": "json", "csv": "csv", "csv-summary": "summary.csv"}[format]
			if format == "json" {
				// As in check_test.go: digests change whenever an example is
				// edited; TestCheckTreeSummaryByHand checks they are real.
				out = regexp.MustCompile(`"sha256": "[0-9a-f]{64}"`).ReplaceAllString(out, `"sha256": "<sha256>"`)
			}
			golden(t, "batch/national."+ext, out)
		})
	}
}

// The expected rows are worked out by hand from the example histories (see
// the comments in each history.yaml and docs/batch.md), not copied from
// output.
func TestCheckTreeSummaryByHand(t *testing.T) {
	out, _, _ := runCLI("check", "--as-of", "2018-09-30", "--format", "json", national)
	var rep BatchReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	type row struct {
		council                                              string
		inForce, due, met, late, missed, open, br, bs, unmet int
		next, clause                                         string
	}
	want := []row{
		// direction of 1 Mar 2018: 8 instances due by 30 Sep (access,
		// 2 board reports, the adviser's review 1, 2 chair reports, 2
		// adviser reports to the DfE). The adviser's second report, due
		// 1 Sep, never came: missed, but it is Felpersham's expectation,
		// so no breach and one expectation unmet. Review 2, chair 3 and
		// adviser 3 open; next 1 Dec.
		{"ambridge", 1, 8, 7, 0, 1, 3, 0, 0, 1, "2018-12-01", "8(f)"},
		// 15 Feb 2018: chair 1 six days late, chair 2 and the 5 Sep board
		// report missed, all the Council's duties: 3 breaches; next the
		// chair's report due 15 Nov.
		{"borsetshire", 1, 7, 4, 1, 2, 3, 0, 3, 0, "2018-11-15", "8(f)"},
		// 10 Jan 2018: the refused access request is missed and its
		// refusal breached: 2 breaches; next the chair's report due 10 Oct.
		{"casterbridge", 1, 8, 7, 0, 1, 3, 1, 2, 0, "2018-10-10", "8(f)"},
	}
	require.Len(t, rep.Summary, len(want))
	for i, w := range want {
		g := rep.Summary[i]
		assert.Equal(t, w, row{g.Council, g.InForce, g.Due, g.Met, g.Late, g.Missed, g.Open, g.Breached, g.Breaches, g.ExpectationsUnmet, g.Next, g.NextClause}, "summary row %d", i)
		require.NotNil(t, rep.Councils[i].Check, w.council)
		for _, in := range rep.Councils[i].Check.Inputs {
			assert.Len(t, in.SHA256, 64, "input %s has a SHA-256", in.Path)
		}
	}
}

// Each CSV output is one rectangular table with one header row, so that
// a CSV reader (pandas.read_csv, Excel, encoding/csv) loads it as is.
func readTable(t *testing.T, out string, header []string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = len(header) // rectangular: every row as wide as the header
	rows, err := r.ReadAll()
	require.NoError(t, err, "one table, loadable as is")
	require.NotEmpty(t, rows)
	assert.Equal(t, header, rows[0], "exactly one header row, first")
	for i, row := range rows[1:] {
		assert.NotEqual(t, header, row, "row %d repeats the header", i+1)
		assert.NotEqual(t, make([]string, len(header)), row, "row %d is empty", i+1)
	}
	return rows
}

func TestCheckTreeCSVIsOneTablePerFormat(t *testing.T) {
	out, _, _ := runCLI("check", "--as-of", "2018-09-30", "--format", "csv-summary", national)
	summary := readTable(t, out, summaryHeader)
	assert.Len(t, summary, 4, "header and three councils")
	out, _, _ = runCLI("check", "--as-of", "2018-09-30", "--format", "csv", national)
	findings := readTable(t, out, findingsHeader)
	assert.Len(t, findings, 1+11+10+12, "header and every council's findings")
	late := 0
	for _, f := range findings[1:] {
		if f[7] == "late" {
			late++
			assert.Equal(t, []string{"borsetshire", "chair-quarterly-report", "2018-05-15", "chair-q1", "2018-05-21", "6"}, []string{f[0], f[2], f[8], f[11], f[12], f[13]})
		}
	}
	assert.Equal(t, 1, late)
}

// The pool's size must not change the output or its order.
func TestCheckCouncilsDeterministic(t *testing.T) {
	tree, err := workspace.SplitTree([]string{"../../examples"}, yamlx.Limits{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(tree.Councils), 4)
	var outs []string
	for _, workers := range []int{1, 3, 16} {
		var b bytes.Buffer
		require.NoError(t, report.WriteBatchJSON(&b, reportCouncils(checkCouncils(context.Background(), tree.Councils, "2018-09-30", direction.Options{}, workers, nil))))
		outs = append(outs, b.String())
	}
	assert.Equal(t, outs[0], outs[1])
	assert.Equal(t, outs[0], outs[2])
}

func TestCheckTreeInvalidCouncilDoesNotStopOthers(t *testing.T) {
	dir := nationalDir(t)
	copyDir(t, filepath.Join(national, "ambridge"), filepath.Join(dir, "ambridge"))
	copyDir(t, filepath.Join(national, "borsetshire"), filepath.Join(dir, "borsetshire"))
	bad := filepath.Join(dir, "borsetshire", "history.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("events:\n  - {id: x, type: report}\n"), 0o644))
	out, _, code := runCLI("check", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Regexp(t, `(?m)^borsetshire +- +-`, out)
	assert.Contains(t, out, "invalid input:")
	assert.Contains(t, out, bad+":2:", "the error names the file and line")
	// ambridge: 8 due, 7 met, Felpersham's report missed (an expectation:
	// 0 breaches, 1 unmet), 3 open.
	assert.Regexp(t, `(?m)^ambridge +1 +8 +7 +0 +1 +3 +0 +0 +1 +1 Dec 2018`, out, "ambridge is still evaluated")
}

func TestCheckTreeOrphans(t *testing.T) {
	dir := nationalDir(t)
	copyDir(t, filepath.Join(national, "ambridge"), filepath.Join(dir, "a"))
	copyDir(t, filepath.Join(national, "borsetshire"), filepath.Join(dir, "b"))
	stray := filepath.Join(dir, "stray.yaml")
	require.NoError(t, os.WriteFile(stray, []byte("events: []\n"), 0o644))
	_, errs, code := runCLI("check", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, stray)
	assert.Contains(t, errs, "no council folder")
}

func TestCheckSingleCouncilUnchanged(t *testing.T) {
	// One council keeps the original output; CSV still gives the tables.
	out, _, code := runCLI("check", "--as-of", "2018-09-30", "../../examples/barnet")
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(out, "As of 30 Sep 2018"), out)
	out, _, code = runCLI("check", "--as-of", "2018-09-30", "--format", "csv-summary", "../../examples/barnet")
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(out, strings.Join(summaryHeader, ",")+"\nbarnet,"), out)
	out, _, code = runCLI("check", "--as-of", "2018-09-30", "--format", "csv", "../../examples/barnet")
	assert.Equal(t, exitOK, code)
	readTable(t, out, findingsHeader)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.CopyFS(to, os.DirFS(from)))
}

// nationalDir returns an empty folder named national in a temporary tree
// whose top holds a copy of examples/vocabulary.yaml, so that councils
// copied from examples/national into it find the vocabulary their
// directions name (../../vocabulary.yaml), as in examples/.
func nationalDir(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	vocab, err := os.ReadFile("../../examples/vocabulary.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(top, "vocabulary.yaml"), vocab, 0o644))
	dir := filepath.Join(top, "national")
	require.NoError(t, os.Mkdir(dir, 0o755))
	return dir
}

// go test -run '^$' -bench CheckCouncils -count 6 ./cmd/directions
func BenchmarkCheckCouncils(b *testing.B) {
	tree, err := workspace.SplitTree([]string{"../../examples"}, yamlx.Limits{})
	require.NoError(b, err)
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				for _, r := range checkCouncils(context.Background(), tree.Councils, "2018-09-30", direction.Options{}, workers, nil) {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
		})
	}
}

// The CSV tables' columns, pinned here so that a change to them fails a
// test: readers take columns by name or position.
var (
	summaryHeader  = []string{"council", "folder", "directions_in_force", "due", "met", "late", "missed", "open", "breached", "breaches", "next_deadline", "next_clause", "next_direction", "error", "expectations_unmet", "indeterminate", "possible", "next_assumed", "not_generated"}
	findingsHeader = []string{"council", "direction", "obligation", "clause", "holder", "kind", "instance", "status", "due", "trigger", "trigger_at", "discharged_by", "discharged_at", "days_late", "reason", "role", "assumed", "due_latest", "cases", "version"}
)

// The JSON documents, by the names the tests use.
type (
	Report            = report.Check
	BatchReport       = report.Batch
	Explanation       = explain.Explanation
	InstanceExplained = explain.InstanceExplained
)
