//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every command that reads a history reads it as it stood when opened: a
// writer appending to the file meanwhile (here a line that is not JSON,
// every millisecond) is never read, so the command ends with the answer
// for the file as it was. Before the size bound schedule, explain and test
// read on into the appended lines.
func TestGrowingHistoryIsReadAsItStoodAtOpen(t *testing.T) {
	dir := t.TempDir()
	council := filepath.Join(dir, "ambridge")
	require.NoError(t, os.Mkdir(council, 0o755))
	for _, f := range []string{"direction-2018-03.yaml", "history.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata/grow", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(council, f), data, 0o644))
	}
	history := filepath.Join(council, "history.jsonl")
	// Enough noise events that a read takes a while (the appender has
	// time to write), each before the as-of date and irrelevant.
	var b strings.Builder
	for i := range 60000 {
		fmt.Fprintf(&b, `{"id":"n%d","type":"noise","at":"2018-09-01"}`+"\n", i)
	}
	base, err := os.ReadFile(history)
	require.NoError(t, err)
	base = append(base, b.String()...)
	scen := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(scen, []byte("directions: [ambridge/direction-2018-03.yaml]\nhistory: ambridge/history.jsonl\nscenarios:\n  - {name: x, as_of: 2018-09-30, expect: {breaches: 0}}\n"), 0o644))

	dirn := filepath.Join(council, "direction-2018-03.yaml")
	as := []string{"--as-of", "2018-09-30"}
	for _, args := range [][]string{
		append([]string{"check"}, append(as, council)...),
		append([]string{"check"}, append(as, dirn, history)...),
		{"validate", council},
		append([]string{"stream"}, append(as, council)...),
		append([]string{"schedule"}, append(as, council)...),
		append([]string{"explain", "--obligation", "chair-quarterly-report"}, append(as, council)...),
		append([]string{"report"}, append(as, council)...),
		{"test", scen},
	} {
		t.Run(args[0], func(t *testing.T) {
			// inotify merges reads not yet collected into one event, so on
			// a loaded machine a quick command can finish before the
			// watcher has counted enough reads, and the writer never
			// starts: such a run tests nothing and is tried again; only
			// runs during which the writer appended count.
			for attempt := 1; ; attempt++ {
				code, stderr, appended := readWhileAppending(t, history, base, append(args, "--quiet"))
				if !appended {
					if attempt == 5 {
						t.Fatal("in five runs the command never read the history far enough for the writer to start")
					}
					t.Logf("run %d: the command finished before the writer started; again", attempt)
					continue
				}
				assert.NotContains(t, stderr, "appended")
				assert.NotContains(t, stderr, "invalid")
				assert.Equal(t, exitOK, code, stderr)
				return
			}
		})
	}
}

// readWhileAppending writes base to history, runs the command of args
// while a writer appends lines that are not JSON to history from the
// time the command is well into its read, and says whether the writer
// started before the command ended.
func readWhileAppending(t *testing.T, history string, base []byte, args []string) (code int, stderr string, appended bool) {
	t.Helper()
	require.NoError(t, os.WriteFile(history, base, 0o644))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	w, err := os.OpenFile(history, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	defer w.Close()
	opened := openedAfter(t, history)
	go func() { // the writer, from the command's open of the file
		defer wg.Done()
		select {
		case <-stop:
			return
		case <-opened:
		}
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				w.WriteString("appended while read, not JSON\n")
			}
		}
	}()
	code, _, stderr = cliWithin(t, time.Minute, args...)
	close(stop)
	wg.Wait()
	select {
	case <-opened:
		return code, stderr, true
	default:
		return code, stderr, false
	}
}

// openedAfter returns a channel closed once path has been read a few
// times (inotify), so that the test's writer starts while the command is
// well into its reading pass, after that pass's open took the file's
// size. Starting at the first open raced: a command may open the file
// first to look at its head (a probe), and the pass that opens it next
// rightly takes the size the file has by then, appended lines and all
// (CI under load saw them read).
func openedAfter(t *testing.T, path string) <-chan struct{} {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	require.NoError(t, err)
	_, err = syscall.InotifyAddWatch(fd, path, syscall.IN_ACCESS)
	require.NoError(t, err)
	ch := make(chan struct{})
	go func() {
		defer syscall.Close(fd)
		buf := make([]byte, 4096)
		for reads := 0; reads < 4; {
			n, err := syscall.Read(fd, buf) // blocks until the next reads
			if err != nil {
				return
			}
			reads += n / syscall.SizeofInotifyEvent // a file's events carry no name
		}
		close(ch)
	}()
	return ch
}
