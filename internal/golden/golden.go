package golden

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// Updating reports whether the run was asked to rewrite golden files.
func Updating() bool { return *update }

// Check compares got with the file at path, or writes got there with
// -update. A missing file fails with the command that creates it.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file %s missing: run go test with -update, then read what it wrote", path)
	assert.Equal(t, string(want), got, "output differs from %s (rerun with -update if the change is intended)", path)
}

// positioned is how every line of a loader's error must start: the file,
// line and column of the problem, then the message.
var positioned = regexp.MustCompile(`^[^:\s]+:\d+:\d+: \S`)

// CheckDiagnostics asserts that every line of a loader's error message
// names file:line:col, then compares the message (with a final newline)
// with the golden file at path.
func CheckDiagnostics(t testing.TB, path, msg string) {
	t.Helper()
	for _, line := range strings.Split(msg, "\n") {
		assert.Regexp(t, positioned, line, "every problem names file:line:col")
	}
	Check(t, path, msg+"\n")
}
