package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goldenfile "github.com/dfe-tools/directions/internal/golden"
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
	// Hand-checked facts the golden file must keep showing.
	assert.Contains(t, out, "8(f)")
	assert.Contains(t, out, "25 Oct 2018")
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
		"bad format":      {[]string{"check", "--format", "xml", "../../examples/barnet"}, "--format must be text or json"},
		"bad as-of":       {[]string{"check", "--as-of", "2018-02-30", "../../examples/barnet"}, `--as-of: "2018-02-30" is not a date`},
		"missing path":    {[]string{"check", "no/such/dir"}, "no such file or directory"},
		"unknown flag":    {[]string{"check", "--asof", "2018-01-01", "../../examples/barnet"}, "flag provided but not defined: -asof"},
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
	assert.Contains(t, out, "2 directions, 14 obligations")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
