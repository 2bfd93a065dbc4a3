package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/capped"
)

// A history of more bad lines than capped.Keep: check and validate keep
// the first Keep problems and count the rest, so memory stays bounded
// (10^6 lines with no UTC offset took 294 MB in check and 225 MB in
// validate when every problem was kept; 30 and 41 MB now), and both say
// how many there were in all. Before, the list held one problem a line
// and no such count was printed.
func TestManyBadLinesAreCountedNotKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "barnet")
	require.NoError(t, os.Mkdir(dir, 0o755))
	for from, to := range map[string]string{
		"../../examples/barnet/direction-2018-01.yaml": filepath.Join(dir, "direction.yaml"),
		"../../examples/vocabulary.yaml":               filepath.Join(dir, "..", "vocabulary.yaml"),
	} {
		data, err := os.ReadFile(from)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(to, data, 0o644))
	}
	n := capped.Keep + 234
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"e%d","type":"visit","at":"2018-04-25T09:00:07"}`+"\n", i)
	}
	history := filepath.Join(dir, "history.jsonl")
	require.NoError(t, os.WriteFile(history, []byte(b.String()), 0o644))
	for _, args := range [][]string{{"check", "--as-of", "2018-09-30", dir}, {"validate", dir}} {
		_, errs, code := runCLI(args...)
		assert.Equal(t, exitInvalid, code, args[0])
		assert.Contains(t, errs, fmt.Sprintf("%s: this file has %d problems in all; only the first %d were kept", history, n, capped.Keep), args[0])
		assert.Contains(t, errs, history+":1:32: at: time \"2018-04-25T09:00:07\" has no UTC offset", args[0])
		assert.Contains(t, errs, fmt.Sprintf("(and %d more)", capped.Keep+1-50), args[0])
	}
}
