package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An invalid council's error goes to stderr with its file:line:col in
// every format, for a tree and for one council in CSV (which has no place
// for it in the findings): before, CSV printed the header only and
// nothing on stderr, and a tree's text report held the only mention.
func TestCheckErrorsOnStderrInEveryFormat(t *testing.T) {
	root := t.TempDir()
	for _, c := range []string{"bad", "good"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, c), 0o755))
		for _, f := range []string{"direction-2018-03.yaml", "history.jsonl"} {
			data, err := os.ReadFile(filepath.Join("testdata/grow", f))
			require.NoError(t, err)
			if c == "bad" && f == "history.jsonl" {
				data = append(data, `{"id":"x","type":"visit","at":"nope"}`+"\n"...)
			}
			require.NoError(t, os.WriteFile(filepath.Join(root, c, f), data, 0o644))
		}
	}
	bad := filepath.Join(root, "bad")
	where := filepath.Join(bad, "history.jsonl") + ":11:31: "
	for _, format := range checkFormats {
		for name, args := range map[string][]string{
			"tree":   {root},
			"folder": {bad},
			"files":  {filepath.Join(bad, "direction-2018-03.yaml"), filepath.Join(bad, "history.jsonl")},
		} {
			_, stderr, code := runCLI(append([]string{"check", "--as-of", "2018-09-30", "--format", format}, args...)...)
			assert.Equal(t, exitInvalid, code, format+" "+name)
			assert.Contains(t, stderr, where, format+" "+name)
		}
	}
}
