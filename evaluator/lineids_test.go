package evaluator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/synth"
)

// outOfOrderNoise is a JSON Lines history of noise (case notes, which no
// Barnet obligation's guard admits) ending with an event earlier than
// the one before it.
func outOfOrderNoise() []byte {
	var b bytes.Buffer
	for i := range 50 {
		fmt.Fprintf(&b, `{"id":"note-%03d","type":"case-note","at":"2018-05-%02dT09:00:00+01:00","child":"c%d"}`+"\n", i, 1+i/2, i)
	}
	b.WriteString(`{"id":"late-1","type":"case-note","at":"2018-04-02T09:00:00+01:00"}` + "\n")
	return b.Bytes()
}

// lineIDsReader reads src as check does (hooks.LineIDs: the id of a
// skipped event is overwritten once the next is read, here one byte at a
// time) or as the public Reader does.
func lineIDsReader(src []byte, reads func(string) bool, lineIDs bool) *event.Reader {
	r := event.NewReader("h.jsonl", iotest.OneByteReader(bytes.NewReader(src)), event.Options{ReadsAttributes: reads})
	if lineIDs {
		hooks.LineIDs.(func(*event.Reader))(r)
	}
	return r
}

// Stream and Monitor name the event before an out-of-order one by a copy
// of its id (lastID): with ids that live only until the next event is
// read, the *OrderError must read as it does from the public Reader,
// which names note-049 (hand-checked: the event before late-1). Were
// lastID the id itself, it would name bytes of late-1's line.
func TestStreamCopiesLastID(t *testing.T) {
	set := loadSet(t, filepath.Join("..", "examples", "barnet", "direction-2017-09.yaml"))
	reads := ReadsAttributes(set)
	require.False(t, reads("case-note"), "case notes must be skipped for the test to mean anything")
	src := outOfOrderNoise()
	asOf := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, lineIDs := range []bool{false, true} {
		_, err := EvaluateStream(context.Background(), set, lineIDsReader(src, reads, lineIDs).Next, Options{AsOf: asOf})
		var oe *OrderError
		require.ErrorAs(t, err, &oe, "lineIDs %v", lineIDs)
		require.Equal(t, "note-049", oe.LastEvent, "Stream, lineIDs %v", lineIDs)
		require.Equal(t, "late-1", oe.Event, "Stream, lineIDs %v", lineIDs)
		require.Equal(t, `event "late-1" at 2018-04-02T09:00:00+01:00 is out of time order: event "note-049" at 2018-05-25T09:00:00+01:00 has already been observed; events must be given oldest first`, oe.Error())

		m := NewMonitor(set, func(Finding) {})
		r := lineIDsReader(src, reads, lineIDs)
		for {
			ev, err := r.Next()
			if errors.Is(err, io.EOF) {
				t.Fatal("Monitor took every event")
			}
			require.NoError(t, err)
			if err := m.Observe(ev); err != nil {
				require.ErrorAs(t, err, &oe, "lineIDs %v", lineIDs)
				require.Equal(t, "note-049", oe.LastEvent, "Monitor, lineIDs %v", lineIDs)
				require.Equal(t, "late-1", oe.Event, "Monitor, lineIDs %v", lineIDs)
				break
			}
		}
	}
}

// After Advance the monitor names no event: the copy of the last id is
// emptied, not left to name the event before the advance.
func TestMonitorAdvanceForgetsLastID(t *testing.T) {
	set := loadSet(t, filepath.Join("..", "examples", "barnet", "direction-2017-09.yaml"))
	m := NewMonitor(set, func(Finding) {})
	at := time.Date(2018, 5, 1, 9, 0, 0, 0, time.UTC)
	require.NoError(t, m.Observe(&event.Event{ID: "e1", Type: "case-note", At: at}))
	require.NoError(t, m.Advance(at.Add(time.Hour)))
	err := m.Observe(&event.Event{ID: "e2", Type: "case-note", At: at})
	var oe *OrderError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "", oe.LastEvent)
	require.Contains(t, oe.Error(), "the monitor has already advanced to")
}

// check's whole evaluation from ids that live only until the next event
// (lineIDs) must give the Result the public Reader's ids give, findings
// and their events' ids included: nothing the engine keeps may be a
// skipped event's id, nor a read event's id a view. A generated council
// with RFC 3339 times, 95% noise, read one byte at a time so that every
// line overwrites the one before.
func TestEvaluateStreamSameWithLineIDs(t *testing.T) {
	issued := civil.New(2019, 4, 1)
	dir := filepath.Join(t.TempDir(), "d.yaml")
	require.NoError(t, writeFile(dir, synth.Direction("c1", issued)))
	set := loadSet(t, dir)
	var src bytes.Buffer
	_, _, err := synth.WriteHistory(&src, synth.Options{Seed: 3, Council: "c1", Issued: issued, Years: 2, Noise: 0.95, Times: true})
	require.NoError(t, err)
	reads := ReadsAttributes(set)
	require.False(t, reads("visit"), "visits must be skipped for the test to mean anything")
	asOf := EndOfDay(2021, time.April, 30, event.London())
	want, err := EvaluateStream(context.Background(), set, lineIDsReader(src.Bytes(), reads, false).Next, Options{AsOf: asOf})
	require.NoError(t, err)
	got, err := EvaluateStream(context.Background(), set, lineIDsReader(src.Bytes(), reads, true).Next, Options{AsOf: asOf})
	require.NoError(t, err)
	require.Greater(t, len(want.Findings), 50)
	require.Greater(t, want.Events.Irrelevant, 10*want.Events.Used)
	require.Equal(t, want, got)
}
