//go:build unix

package event_test

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// Open and LoadVocabulary refuse a named pipe at once, as every loader
// does (they share yamlx.OpenRegular), rather than wait for a writer.
// LoadVocabulary read with os.ReadFile, and waited.
func TestOpenRefusesANamedPipeAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "h.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	for what, open := range map[string]func() error{
		"Open": func() error {
			f, err := event.Open(fifo, event.JSONL, event.Limits{})
			if err == nil {
				f.Close()
			}
			return err
		},
		"LoadVocabulary": func() error { _, err := event.LoadVocabulary(fifo, event.Limits{}); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- open() }()
		select {
		case err := <-done:
			if assert.Error(t, err, what) {
				assert.Equal(t, fifo+" is a named pipe (FIFO), not a regular file", err.Error(), what)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still waiting after 5s", what)
		}
	}
}
