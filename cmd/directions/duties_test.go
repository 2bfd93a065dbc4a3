package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Only Essex fails (testdata/check/essex-fails/history.yaml): its first
// six-monthly review under 8(e) and its second quarterly report to the DfE
// under Annex A 3, both assumed due 25 Jul 2018, never come. Every duty of
// Barnet is met. The statutory direction to Barnet of 25 January 2018 binds
// only the Council, so as of 30 Sep 2018 there is no breach of it: every
// command exits 0 and shows the two expectations of Essex not met.
var essexFails = []string{"../../examples/barnet/direction-2017-09.yaml", "../../examples/barnet/direction-2018-01.yaml"}

func TestCheckOnlyEssexFailsExitsZero(t *testing.T) {
	args := append([]string{"check", "--as-of", "2018-09-30"}, append(essexFails, "testdata/check/essex-fails/history.yaml")...)
	code, out, errs := cli(args...)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Contains(t, out, "0 breaches of the council's duties; 2 expectations of others not met.")
	assert.Regexp(t, `8\(e\) +essex-six-monthly-review +1 +25 Jul 2018\* +Missed +expectation of essex`, out)
	assert.Regexp(t, `Annex A 3 +essex-reports-to-dfe +2 +25 Jul 2018\* +Missed +expectation of essex`, out)
	assert.Contains(t, out, "* 8(e) essex-six-monthly-review: due date assumed, not in the text:")

	code, out, errs = cli(append(args, "--format", "json")...)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 0, rep.Summary.Breaches)
	assert.Equal(t, 2, rep.Summary.ExpectationsUnmet)
	assert.Equal(t, 2, rep.Summary.Missed, "missed counts every missed finding, whoever's")
	unmet := 0
	for _, f := range rep.Findings {
		if f.Status == "missed" {
			unmet++
			assert.Equal(t, "expectation", string(f.Role), f.Obligation)
			assert.Equal(t, "essex", f.Holder)
			assert.NotEmpty(t, f.Assumed, "%s rests on an assumed date", f.Obligation)
		}
	}
	assert.Equal(t, 2, unmet)
}

func TestStreamOnlyEssexFailsExitsZero(t *testing.T) {
	args := append([]string{"stream", "--as-of", "2018-09-30"}, append(essexFails, "testdata/check/essex-fails/history.jsonl")...)
	code, out, errs := cli(args...)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Contains(t, errs, "0 breaches; 2 expectations of others not met")
	assert.Contains(t, out, `"obligation":"essex-six-monthly-review","clause":"8(e)","holder":"essex","role":"expectation"`)
}

func TestCheckTreeOnlyEssexFailsExitsZero(t *testing.T) {
	dir := nationalDir(t) // its parent holds the vocabulary
	council := filepath.Join(dir, "barnet")
	require.NoError(t, os.MkdirAll(council, 0o755))
	copyFile := func(from, to string) {
		b, err := os.ReadFile(from)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(to, b, 0o644))
	}
	// The Barnet directions name ../vocabulary.yaml, Ambridge's (below)
	// ../../vocabulary.yaml, which nationalDir provides.
	copyFile("../../examples/vocabulary.yaml", filepath.Join(dir, "vocabulary.yaml"))
	for _, f := range essexFails {
		copyFile(f, filepath.Join(council, filepath.Base(f)))
	}
	copyFile("testdata/check/essex-fails/history.yaml", filepath.Join(council, "history.yaml"))
	// A second council makes it a tree: Ambridge, whose adviser missed one
	// report to the DfE (examples/national/ambridge/history.yaml).
	copyDir(t, filepath.Join(national, "ambridge"), filepath.Join(dir, "ambridge"))
	out, errs, code := runCLI("check", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Regexp(t, `(?m)^barnet +1 +\d+ +\d+ +0 +2 +\d+ +0 +0 +2 `, out, "no breach, two expectations of others not met")
	assert.Regexp(t, `(?m)^ambridge +1 +8 +7 +0 +1 +3 +0 +0 +1 `, out)
	assert.Regexp(t, `(?m)^total +2 +\d+ +\d+ +0 +3 +\d+ +0 +0 +3\s*$`, out)
}

func TestExplainExpectationIsNotABreach(t *testing.T) {
	args := append([]string{"explain", "--as-of", "2018-09-30", "--obligation", "essex-six-monthly-review"}, append(essexFails, "testdata/check/essex-fails/history.yaml")...)
	code, out, errs := cli(args...)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Contains(t, out, "Role: expectation of essex")
	assert.Contains(t, out, "Deadline assumed (not in the text): 8(e) says the reviews are six-monthly but not from when")
	assert.Contains(t, out, "This is an expectation of essex, not a duty of the council: it is not a breach of the direction")
}
