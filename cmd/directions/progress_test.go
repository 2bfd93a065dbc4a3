package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/workspace"
)

// Progress is shown only on a terminal and without --quiet; commands run
// in tests (stderr a buffer) show none.
func TestProgressOnlyOnATerminal(t *testing.T) {
	assert.Nil(t, newProgress(&bytes.Buffer{}, false), "not a file")
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.Nil(t, newProgress(f, false), "a regular file is not a terminal")
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		assert.Nil(t, newProgress(tty, true), "--quiet")
	}
	var nilProgress *progress
	nilProgress.file("x", 1) // a nil progress does nothing
	nilProgress.event(1)
	nilProgress.done()

	var b bytes.Buffer
	p := &progress{w: &b, start: time.Now().Add(-time.Second)}
	p.file("/tmp/h.jsonl", 1000)
	for range progressEvery {
		p.event(500)
	}
	assert.Contains(t, b.String(), "16384 events read")
	assert.Contains(t, b.String(), "events/s, 50% of h.jsonl")
	p.done()
	assert.Contains(t, b.String(), "\r\033[K")

	// A second pass over the same events (a history put in time order)
	// counts from nought, at its own rate, saying what it does.
	b.Reset()
	p.restart("put in time order")
	p.start = time.Now().Add(-time.Second)
	p.next = time.Time{}
	for range progressEvery {
		p.event(250)
	}
	assert.Contains(t, b.String(), "\r\033[K16384 events put in time order, ")
	assert.NotContains(t, b.String(), "32768")
	assert.Contains(t, b.String(), "25% of h.jsonl")
	var nilAgain *progress
	nilAgain.restart("x")
}

// A history that is not streamed (here CSV, loaded whole; before the
// index of out-of-order files, also a history out of time order) shows
// progress while it is read, through the same progress line: before, the
// load showed nothing (31 s at 10^6 events).
func TestProgressWhileLoading(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/grow/direction-2018-03.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction-2018-03.yaml"), data, 0o644))
	var h bytes.Buffer
	h.WriteString("id,type,at\n")
	for i := range 300000 { // 8 MB of CSV, which is loaded whole
		fmt.Fprintf(&h, "n%d,noise,2018-09-%02d\n", i, 1+i*27/300000)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "history.csv"), h.Bytes(), 0o644))

	var b bytes.Buffer
	p := &progress{w: &b, start: time.Now().Add(-time.Second)}
	watchLoads(p) // as newProgress does on a terminal
	r := checkCouncil(context.Background(), workspace.Council{Paths: []string{dir}}, "2018-09-30", direction.Options{}, p)
	p.done()
	require.NoError(t, r.Err)
	assert.Nil(t, workspace.WatchRead, "done stops watching")
	assert.Contains(t, b.String(), "MB read")
	assert.Contains(t, b.String(), "% of history.csv")
}
