package event

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dfe-tools/directions/internal/hooks"
)

// lineIDsHistory is a JSON Lines history whose skipped events (visits)
// take every path of the reader: plainSkipped, flatLine's walk (a number
// among the attributes), the decoder (an escape in a value); and events
// whose attributes are read (reports) between them.
func lineIDsHistory() []byte {
	var b bytes.Buffer
	for i := range 300 {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, `{"id":"report-%d","type":"report","at":"2018-04-25T09:%02d:00Z","child":"c%d"}`+"\n", i, i%60, i)
		case 1:
			fmt.Fprintf(&b, `{"id":"visit-%d","type":"visit","at":"2018-04-25T10:%02d:00Z","n":%d}`+"\n", i, i%60, i)
		case 2:
			fmt.Fprintf(&b, `{"id":"visit-\u00e9-%d","type":"visit","at":"2018-04-26"}`+"\n", i)
		default:
			fmt.Fprintf(&b, `{"id":"v%s","type":"visit","at":"2018-04-26T1%d:00:00+01:00","worker":"w%d"}`+"\n", strings.Repeat("x", i%23), i%10, i)
		}
	}
	return b.Bytes()
}

// readReports skips the attributes of visits only.
var readReports = Options{ReadsAttributes: func(t string) bool { return t == "report" }}

// With lineIDs (hooks.LineIDs, which check sets), every event must read
// as the public Reader reads it while it is the event last read; and the
// ids of skipped events must then be views of the line: read one byte at
// a time, the input overwrites them once the next event is read, which
// is why evaluator.Stream copies the last one (TestStreamCopiesLastID
// there). Were the views cut wrong, or lineIDs not set by the hook, this
// fails.
func TestLineIDsReadAsArenaIDs(t *testing.T) {
	src := lineIDsHistory()
	describe := func(ev *Event) string {
		return fmt.Sprintf("%s|%s|%s|%v|%v|%#v|%v", ev.ID, ev.Type, ev.At, ev.DateOnly, ev.Through, ev.Attrs, ev.Pos)
	}
	plain := describeAll(NewReader("h.jsonl", iotest.OneByteReader(bytes.NewReader(src)), readReports), describe)
	r := NewReader("h.jsonl", iotest.OneByteReader(bytes.NewReader(src)), readReports)
	hooks.LineIDs.(func(*Reader))(r)
	var kept []string // each event's id, kept past the next Next
	short := describeAll(r, func(ev *Event) string {
		kept = append(kept, ev.ID)
		return describe(ev)
	})
	if len(plain) != 300 {
		t.Fatalf("read %d events, want 300", len(plain))
	}
	for i := range plain {
		if i >= len(short) || short[i] != plain[i] {
			t.Fatalf("event %d with lineIDs:\n%v\nwithout:\n%v", i, short[i:], plain[i])
		}
	}
	overwritten := 0
	for i, id := range kept {
		was := strings.SplitN(plain[i], "|", 2)[0]
		switch {
		case strings.HasPrefix(was, "report-") || strings.HasPrefix(was, "visit-\u00e9"):
			// Read, or decoded (an escape): a string of its own.
			if id != was {
				t.Fatalf("event %d's id %q changed to %q: only a skipped flat line's may", i, was, id)
			}
		case id != was:
			overwritten++
		}
	}
	if overwritten < 100 {
		t.Fatalf("only %d of 180 skipped ids were views of the line overwritten later", overwritten)
	}
}

// The public Reader's ids stay as read after any number of events: a
// caller may keep them (lineIDs is off unless the hook sets it).
func TestPublicReaderIDsAreKept(t *testing.T) {
	src := lineIDsHistory()
	r := NewReader("h.jsonl", iotest.OneByteReader(bytes.NewReader(src)), readReports)
	var kept []string
	want := describeAll(r, func(ev *Event) string {
		kept = append(kept, ev.ID)
		return strings.Clone(ev.ID) // the id as read, whatever happens to ev.ID's bytes
	})
	if fmt.Sprint(kept) != fmt.Sprint(want) || len(kept) != 300 {
		t.Fatalf("ids kept changed:\n%v\nwant\n%v", kept, want)
	}
}
