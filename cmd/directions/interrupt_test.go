package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/workspace"
)

// lockedBuffer is written by run on one goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Borsetshire's first four events (examples/national/borsetshire): the
// Chair's report for the quarter due 15 May 2018, sent 21 May (late,
// 8(f)), and the DCS's report before the June board meeting (met, 8(d)).
// To 30 September 2018 the quarter due 15 August has no report, so a
// history that ended here would have that instance missed.
const borsetshireStart = `{"id":"loamshire-dfe-q1","type":"report","at":"2018-05-10","from":"loamshire","to":"dfe","kind":"progress"}
{"id":"chair-q1","type":"report","at":"2018-05-21","from":"board-chair","to":"secretary-of-state","kind":"progress"}
{"id":"dcs-2018-06","type":"report","at":"2018-06-04","from":"dcs","to":"improvement-board","kind":"progress","meeting":"bm-2018-06"}
{"id":"bm-2018-06","type":"board-meeting","at":"2018-06-06"}
`

// A stream of standard input interrupted while its producer is silent (a
// pipe that never closes) stops at once, exits 130 and says so, and
// writes only the findings final before the interruption: no missed or
// open finding, which only the end of the history could make final, and
// no summary.
func TestStreamInterruptedOnASilentPipe(t *testing.T) {
	defer func(r io.Reader) { workspace.StdinReader = r }(workspace.StdinReader)
	args := []string{"stream", "--as-of", "2018-09-30", "../../examples/national/borsetshire/direction-2018-02.yaml", "-"}

	// The same events, input closed: the quarter due 15 August is missed
	// (so the assertions below can fail).
	workspace.StdinReader = strings.NewReader(borsetshireStart)
	code, out, errs := cli(args...)
	require.Equal(t, exitBreaches, code, errs)
	require.Contains(t, out, `"status":"missed"`)
	require.Contains(t, errs, "stream: 4 events")

	pr, pw := io.Pipe()
	defer pw.Close() // releases the abandoned read
	workspace.StdinReader = pr
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &stdout, &stderr) }()
	_, err := pw.Write([]byte(borsetshireStart))
	require.NoError(t, err)
	// The start of a fifth line is read only once the fourth event has
	// been evaluated (stream reads one event ahead of none), so when this
	// write returns the late report has been found; the read of the rest
	// of the line then blocks, and is interrupted.
	_, err = pw.Write([]byte(`{"id":`))
	require.NoError(t, err)
	cancel()
	start := time.Now()
	select {
	case code = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("stream did not return within 10 s of the interruption")
	}
	assert.Less(t, time.Since(start), time.Second, "prompt")
	assert.Equal(t, exitInterrupted, code)
	assert.Equal(t, "directions stream: interrupted\n", stderr.String(), "no summary, no breach count")
	for _, line := range strings.SplitAfter(stdout.String(), "\n") {
		if line == "" {
			continue
		}
		assert.True(t, strings.HasSuffix(line, "}\n"), "whole lines only: %q", line)
		assert.NotContains(t, line, `"status":"missed"`)
		assert.NotContains(t, line, `"status":"open"`)
	}
	assert.Contains(t, stdout.String(), `"status":"late"`, "the late report, final before the interruption, is written")
}

// check interrupted says so in the same words, and writes no findings.
func TestCheckInterruptedWording(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"check", "--as-of", "2018-09-30", "../../examples/national/borsetshire"}, &out, &errb)
	assert.Equal(t, exitInterrupted, code)
	assert.Equal(t, "directions check: interrupted\n", errb.String())
	assert.Empty(t, out.String())
}
