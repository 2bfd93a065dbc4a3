package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileState is what a command must leave unchanged about an input file.
type fileState struct {
	sum     [32]byte
	modTime time.Time
	mode    fs.FileMode
}

func snapshotTree(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = fileState{sha256.Sum256(b), info.ModTime(), info.Mode()}
		return nil
	}))
	return out
}

// No command writes to, creates or removes anything among its inputs,
// whatever it is asked: every registered command runs over a copy of the
// examples, and every file is compared by content, time and mode.
func TestCommandsNeverWriteInputs(t *testing.T) {
	root := t.TempDir()
	copyDir(t, "../../examples", root)
	// An hour in the past, so that a rewrite within the same second would
	// still change the modification time.
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(path, past, past)
	}))
	before := snapshotTree(t, root)
	require.NotEmpty(t, before)

	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	barnet := filepath.Join(root, "barnet")
	argSets := [][]string{
		{barnet},
		{"--as-of", "2018-09-30", barnet},
		{"--as-of", "2018-09-30", "--format", "json", barnet},
		{"--as-of", "2018-09-30", root},
		{"--as-of", "2018-09-30", "--obligation", "chair-quarterly-report", barnet},
		{"--as-of", "2018-09-30", "--format", "ics", barnet},
		{"--as-of", "2018-09-30", filepath.Join(barnet, "history.yaml"), filepath.Join(barnet, "direction-2018-01.yaml")},
	}
	runs := 0
	store := filepath.Join(t.TempDir(), "serve.db")
	for _, name := range names {
		for _, args := range argSets {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if name == "serve" {
				// The service runs until its context ends: stop it soon,
				// with its store and address away from the inputs.
				ctx, cancel = context.WithTimeout(ctx, 500*time.Millisecond)
				args = append([]string{"--addr", "127.0.0.1:0", "--db", store}, args...)
			}
			run(ctx, append([]string{name}, args...), &stdout, &stderr)
			cancel()
			runs++
		}
	}
	after := snapshotTree(t, root)
	assert.Equal(t, len(before), len(after), "no file was created or removed among the inputs")
	for path, b := range before {
		a, ok := after[path]
		if assert.True(t, ok, "%s was removed", path) {
			assert.Equal(t, b, a, "%s was changed", path)
		}
	}
	t.Logf("%d commands run %d times over %d files", len(names), runs, len(before))
}
