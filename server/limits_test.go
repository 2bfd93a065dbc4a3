package server

import (
	"context"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// Config.Load bounds reading the council folders, as the CLI's limit
// flags do for directions serve: under a small MaxBytes the directions
// are refused with a message naming the limit, and with the defaults the
// same folder loads.
func TestConfigLoadLimits(t *testing.T) {
	dir := copyTree(t, "examples/barnet")
	cfg := Config{Dir: dir, Store: openTestStore(t, "store"), Log: log.New(io.Discard, "", 0),
		Load: direction.Options{Limits: direction.Limits{MaxBytes: 512}}}
	_, err := New(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "over the limit of 512 bytes: split it into smaller files, or raise Limits.MaxBytes")

	cfg.Load = direction.Options{}
	srv, err := New(context.Background(), cfg)
	require.NoError(t, err)
	srv.Close()
}

// A council folder is read as the CLI reads one: a named pipe among its
// files is refused at once (reading it would wait for a writer for ever)
// and a history over the size limit is refused naming the limit, read no
// further than the limit (event.Load, as the CLI).
func TestImportReadsBounded(t *testing.T) {
	dir := copyTree(t, "examples/barnet")
	fifo := filepath.Join(dir, "late.jsonl")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() {
		srv, err := New(context.Background(), Config{Dir: dir, Store: openTestStore(t, "fifo"), Log: log.New(io.Discard, "", 0), Import: true})
		if err == nil {
			srv.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "named pipe")
	case <-time.After(30 * time.Second):
		t.Fatal("serve hung reading a named pipe in a council folder")
	}
	require.NoError(t, os.Remove(fifo))

	big := filepath.Join(dir, "big.jsonl")
	require.NoError(t, os.WriteFile(big, []byte(strings.Repeat(" ", 2048)+"\n"), 0o644))
	_, err := New(context.Background(), Config{Dir: dir, Store: openTestStore(t, "big"), Log: log.New(io.Discard, "", 0), Import: true,
		Load: direction.Options{Limits: direction.Limits{MaxHistoryBytes: 1024}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MaxHistoryBytes")
}
