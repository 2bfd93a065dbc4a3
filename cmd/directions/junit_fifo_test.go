//go:build unix

package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --junit to a named pipe (say a CI runner's `--junit >(upload)`) waits
// for the reader, as the shell's `>` does, and the reader gets the whole
// report. Opened for reading and writing, as os.Create does, the pipe
// never waited: the command wrote into the pipe's buffer, closed it and
// exited 0, and a reader that came later found nothing. The reader here
// comes a second after the command starts; a command that is done by then
// has not waited.
func TestTestCommandJUnitToANamedPipeWaitsForTheReader(t *testing.T) {
	args := []string{"../../examples/barnet/scenarios/essex.yaml"}
	want := filepath.Join(t.TempDir(), "junit.xml")
	code, _, errs := runTestCmd(append([]string{"--junit", want}, args...)...)
	require.Equal(t, exitOK, code, errs)
	wantXML, err := os.ReadFile(want)
	require.NoError(t, err)

	fifo := filepath.Join(t.TempDir(), "junit.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan int, 1)
	go func() {
		code, _, _ := runTestCmd(append([]string{"--junit", fifo}, args...)...)
		done <- code
	}()
	select {
	case code := <-done:
		t.Fatalf("test --junit FIFO exited %d with no reader on the pipe", code)
	case <-time.After(time.Second):
	}
	// O_NONBLOCK: with no writer left (the bug), the open must not wait.
	fd, err := syscall.Open(fifo, syscall.O_RDONLY|syscall.O_NONBLOCK, 0)
	require.NoError(t, err)
	require.NoError(t, syscall.SetNonblock(fd, false))
	r := os.NewFile(uintptr(fd), fifo)
	defer r.Close()
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, exitOK, <-done)
	assert.Equal(t, string(wantXML), string(got))
}
