//go:build unix

package yamlx

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// within runs f and fails the test if it has not returned in five seconds
// (a named pipe opened for reading waits for a writer for ever).
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: still waiting after 5s", what)
		return nil
	}
}

// A named pipe is refused at once, saying what it is: named as one, and
// when the path becomes one after it was looked at (openStatted is what
// OpenRegular does after its look at the path; ReadFile used to open
// without O_NONBLOCK and read without looking at the open file again, so a
// pipe put there in between would have it wait for a writer).
func TestOpenRefusesANamedPipeAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "d.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	want := fifo + " is a named pipe (FIFO), not a regular file"
	for what, open := range map[string]func() error{
		"ReadFile":    func() error { _, err := ReadFile(fifo, Limits{}); return err },
		"OpenRegular": func() error { _, _, err := OpenRegular(fifo, Limits{}); return err },
		"openStatted": func() error { _, _, err := openStatted(fifo, Limits{}); return err },
	} {
		err := within(t, what, open)
		if assert.Error(t, err, what) {
			assert.Equal(t, want, err.Error(), what)
		}
	}
}

// A file over the limit is refused, unread, with the wording every size
// message has (its size when it is known, the limit, the field to raise);
// the size at the open is what is checked and what ReadFile reads.
func TestOpenRegularSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("a: 1\n", 120)), 0o644))
	_, err := ReadFile(path, Limits{MaxBytes: 500})
	require.Error(t, err)
	assert.Equal(t, path+":1:1: file is 600 bytes, over the limit of 500 bytes: split it into smaller files, or raise Limits.MaxBytes", err.Error())
	_, _, err = OpenRegular(path, Limits{MaxBytes: 100, MaxHistoryBytes: 300}.ForHistory())
	require.Error(t, err)
	assert.Equal(t, path+":1:1: file is 600 bytes, over the limit of 300 bytes: split it into smaller files, or raise Limits.MaxHistoryBytes", err.Error())

	data, err := ReadFile(path, Limits{MaxBytes: 600})
	require.NoError(t, err)
	assert.Len(t, data, 600)
	f, size, err := OpenRegular(path, Limits{MaxBytes: 600})
	require.NoError(t, err)
	defer f.Close()
	assert.EqualValues(t, 600, size)

	_, err = ReadFile(filepath.Join(dir, "none.yaml"), Limits{})
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.True(t, strings.HasPrefix(err.Error(), "stat "), "the path is looked at first: %v", err)
}
