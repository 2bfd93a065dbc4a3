package event_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// A history appended to after it is opened is read as it stood at open:
// the appended line (which is not even JSON) is never read, so a file a
// writer keeps growing cannot keep a read going.
func TestOpenReadsTheSizeSeenAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.jsonl")
	first := `{"id":"e1","type":"visit","at":"2018-06-01"}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(first), 0o644))
	f, err := event.Open(path, event.JSONL, event.Limits{})
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, int64(len(first)), f.Size())

	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = w.WriteString("not json\n")
	require.NoError(t, err)
	require.NoError(t, w.Close())

	evs, err := event.Read(path, event.JSONL, f, event.Options{})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "e1", evs[0].ID)
	n, err := f.Read(make([]byte, 8))
	assert.Equal(t, 0, n)
	assert.ErrorIs(t, err, io.EOF)
}
