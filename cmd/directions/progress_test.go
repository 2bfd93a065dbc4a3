package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
