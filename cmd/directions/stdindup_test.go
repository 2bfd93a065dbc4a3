package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/workspace"
)

// A repeated id read by stream from standard input is named, at its real
// place: as check does, with both places, when the other copy is in a file
// (read again) or kept from standard input; and as possible, at the place
// known, when the other copy is the first of that fingerprint in standard
// input. Before, every case was "-:1:1: an event id may repeat".
func TestStreamNamesAnIDRepeatedOnStandardInput(t *testing.T) {
	defer func(r io.Reader) { workspace.StdinReader = r }(workspace.StdinReader)
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/grow/history.jsonl")
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 10)
	again := "\n" + `{"id":"access-1","type":"noise","at":"2018-09-29"}` + "\n" // lines[0]'s id
	p1 := filepath.Join(dir, "p1.jsonl")
	require.NoError(t, os.WriteFile(p1, []byte(strings.Join(lines[:5], "")), 0o644))
	p2 := strings.Join(lines[5:], "") + again
	p2file := filepath.Join(dir, "p2.jsonl")
	require.NoError(t, os.WriteFile(p2file, []byte(p2), 0o644))
	dirn := "testdata/grow/direction-2018-03.yaml"
	stream := func(stdin string, files ...string) string {
		workspace.StdinReader = strings.NewReader(stdin)
		_, stderr, code := runCLI(append([]string{"stream", "--as-of", "2018-09-30", dirn}, files...)...)
		assert.Equal(t, exitInvalid, code)
		return stderr
	}

	// The first copy in a file, the second on standard input (line 6).
	errs := stream(p2, p1, "-")
	assert.Contains(t, errs, `-:6:1: duplicate event id "access-1" (also at `+p1+`:1:1)`)
	assert.Contains(t, errs, "event ids repeat")

	// Both copies in files, standard input given too: settled exactly.
	errs = stream("", p1, p2file, "-")
	assert.Contains(t, errs, p2file+`:6:1: duplicate event id "access-1" (also at `+p1+`:1:1)`)

	// Both on standard input: the second copy (line 11) is known, the
	// first is not kept, so the repeat is possible, and said to be.
	errs = stream(string(data)+again[1:], "-")
	assert.Contains(t, errs, `-:11:1: event id "access-1" may repeat an id read earlier from standard input`)
	assert.Contains(t, errs, "an event id may repeat, so the findings written may not be valid")
	assert.NotContains(t, errs, "-:1:1")
}
