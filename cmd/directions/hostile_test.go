package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/workspace"
)

// cliWithin runs the command in-process and fails the test, instead of
// hanging it, if the command has not finished within limit.
func cliWithin(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		c := run(context.Background(), args, &out, &errb)
		done <- result{c, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(limit):
		t.Fatalf("directions %s did not finish within %s", strings.Join(args, " "), limit)
		return 0, "", ""
	}
}

// hostileFolder makes a council folder (the Barnet directions) holding a
// named pipe, a socket, a link to /dev/zero and a link to a directory,
// each under a history's name, and returns the folder and those paths.
func hostileFolder(t *testing.T) (dir string, hostile map[string]string) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range []string{"direction-2017-09.yaml", "direction-2018-01.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../examples/barnet", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	voc, err := os.ReadFile("../../examples/vocabulary.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(dir), "vocabulary.yaml"), voc, 0o644))
	bad := t.TempDir()
	hostile = map[string]string{
		"fifo":      filepath.Join(bad, "fifo.jsonl"),
		"socket":    filepath.Join(bad, "s.jsonl"),
		"device":    filepath.Join(bad, "zero.jsonl"),
		"directory": filepath.Join(bad, "dir.jsonl"),
	}
	require.NoError(t, syscall.Mkfifo(hostile["fifo"], 0o644))
	l, err := net.Listen("unix", hostile["socket"])
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	require.NoError(t, os.Symlink("/dev/zero", hostile["device"]))
	require.NoError(t, os.Symlink(t.TempDir(), hostile["directory"]))
	return dir, hostile
}

// A named pipe, a socket, a device and a directory given where a history
// file belongs are refused at once, with exit 2 and what the path is,
// given by name or found in a council's folder; nothing is opened.
func TestHostilePathsAreRefusedAtOnce(t *testing.T) {
	dir, hostile := hostileFolder(t)
	what := map[string]string{"fifo": "named pipe", "socket": "socket", "device": "device", "directory": "directory"}
	for kind, path := range hostile {
		for _, args := range [][]string{
			{"check", "--as-of", "2018-09-30", dir, path},
			{"validate", dir, path},
			{"stream", "--as-of", "2018-09-30", dir, path},
			{"test", path},
			{"schedule", "--as-of", "2018-09-30", dir, path},
			{"explain", "--obligation", "chair-quarterly-report", "--as-of", "2018-09-30", dir, path},
		} {
			code, _, errs := cliWithin(t, 10*time.Second, args...)
			assert.Equal(t, exitInvalid, code, "%s %s: %s", args[0], kind, errs)
			if kind == "directory" {
				// Named, a link to a directory is walked as the directory,
				// here an empty one: refused for holding nothing to read.
				assert.Contains(t, errs, "found in "+path, "%s %s", args[0], kind)
				continue
			}
			assert.Contains(t, errs, path+" is a "+what[kind], "%s %s", args[0], kind)
		}
		// Found by walking the folder rather than named.
		inside := filepath.Join(dir, filepath.Base(path))
		require.NoError(t, os.Symlink(path, inside))
		for _, args := range [][]string{{"check", dir}, {"validate", dir}, {"stream", dir}} {
			cmd := args[0]
			code, _, errs := cliWithin(t, 10*time.Second, args...)
			assert.Equal(t, exitInvalid, code, "%s, %s in the folder: %s", cmd, kind, errs)
			assert.Contains(t, errs, "is a "+what[kind], "%s %s", cmd, kind)
		}
		require.NoError(t, os.Remove(inside))
	}
	code, _, errs := cliWithin(t, 10*time.Second, "check", "--as-of", "2018-09-30", dir, "/dev/zero")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "/dev/zero is a device, not a regular file")
}

// endless is input that never ends and holds no line end, as /dev/zero.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += int64(len(p))
	return len(p), nil
}

// "-" is standard input, read as JSON Lines, by stream and by check; an
// endless input with no line ends (/dev/zero) is given up after a bounded
// read, never looped over.
func TestStandardInput(t *testing.T) {
	dir, _ := hostileFolder(t)
	history := `{"id":"m1","type":"board-meeting","at":"2018-03-01T18:00:00+00:00"}` + "\n"
	defer func(r io.Reader) { workspace.StdinReader = r }(workspace.StdinReader)

	workspace.StdinReader = strings.NewReader(history)
	code, out, errs := cliWithin(t, 10*time.Second, "check", "--as-of", "2018-09-30", "--format", "json", dir, "-")
	assert.NotEqual(t, exitInvalid, code, errs)
	assert.Contains(t, out, `"path": "-"`)
	assert.Contains(t, out, `"read": 1`)

	workspace.StdinReader = strings.NewReader(history)
	code, _, errs = cliWithin(t, 10*time.Second, "stream", "--as-of", "2018-09-30", dir, "-")
	assert.NotEqual(t, exitInvalid, code, errs)
	assert.Contains(t, errs, "stream: 1 event ")

	zero := &endless{}
	workspace.StdinReader = zero
	code, _, errs = cliWithin(t, 20*time.Second, "stream", "--as-of", "2018-09-30", dir, "-")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "-:1:1: no line end in the first 16777216 bytes of a line: this is not JSON Lines")
	assert.Less(t, zero.n, int64(64<<20), "a bounded read")
}

// stream refuses a repeated id, as check does, at both places.
func TestStreamRefusesRepeatedIDs(t *testing.T) {
	dir, _ := hostileFolder(t)
	history := `{"id":"m1","type":"board-meeting","at":"2018-03-01T18:00:00+00:00"}` + "\n" +
		`{"id":"v1","type":"inspection","at":"2018-03-02T09:00:00+00:00"}` + "\n" +
		`{"id":"m1","type":"inspection","at":"2018-03-03T09:00:00+00:00"}` + "\n"
	path := filepath.Join(dir, "h.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(history), 0o644))
	code, _, errs := cliWithin(t, 20*time.Second, "stream", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, path+`:3:1: duplicate event id "m1" (also at `+path+`:1:1)`)
	code, _, errs = cliWithin(t, 20*time.Second, "check", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, path+`:3:1: events[2]: duplicate event id "m1" (also at `+path+`:1:1)`)
}
