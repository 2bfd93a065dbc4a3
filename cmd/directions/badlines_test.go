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

// Go's zero time as an event's at (what exporters write for a missing
// date): validate took it, check, schedule and the rest refused it as "no
// time", stream in other words (audit of issue 11). Now the reader
// refuses it, so every command says the same at the same place.
func TestZeroTimeRefusedAlikeEverywhere(t *testing.T) {
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
	history := filepath.Join(dir, "history.jsonl")
	require.NoError(t, os.WriteFile(history, []byte(`{"id":"m1","type":"board-meeting","at":"2018-03-01T18:00:00Z"}`+"\n"+
		`{"id":"r1","type":"report","at":"0001-01-01T00:00:00Z"}`+"\n"), 0o644))
	want := history + `:2:33: at: "0001-01-01T00:00:00Z" is 1 January of the year 1, 00:00 UTC: the zero time that exporters write when a date is missing`
	for _, args := range [][]string{
		{"validate", dir},
		{"check", "--as-of", "2018-09-30", dir},
		{"stream", "--as-of", "2018-09-30", dir},
		{"schedule", "--as-of", "2018-09-30", dir},
	} {
		_, errs, code := runCLI(args...)
		assert.Equal(t, exitInvalid, code, args[0])
		assert.Contains(t, errs, want, args[0])
	}
}
