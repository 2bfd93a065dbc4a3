package event

import (
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/dfe-tools/directions/diag"
)

// A JSON document whose events are out of time order is evaluated
// without loading it (cmd/directions, batch_order.go): one pass with a
// document Reader notes where each event starts (eventStart) and its
// line and column (Event.Pos), and the events are then read one at a
// time in time order, each from its offset (readEventAt). Both are
// reached through internal/hooks, not exported: they serve that one
// plumbing, and an event read out of its document cannot be checked
// against what surrounds it (the list, the commas), which the first pass
// did.

// eventStart is the byte offset in the file (a byte order mark counted)
// of the '{' of the event a document Reader returned last.
func eventStart(r *Reader) int64 { return r.start }

// readEventAt reads one event of a JSON document: the object that
// starts at the first byte of in, which the document's reader found at
// line and col of the file name. r is a Reader made by NewJSONReader
// (with any input: its input is replaced) and is reused from call to
// call. The event is decoded and checked exactly as nextInDocument does
// (decodeObject, the MaxLine limit, check), with positions in the file:
// ev.Pos is what loading gives. Problems carry no "events[N]" path, as
// the index of the element is not known here; the caller does not show
// them (it rereads the history from its start instead). in may hold
// bytes after the object; they are not read as JSON.
func readEventAt(r *Reader, name string, in io.Reader, line, col int) (*Event, error) {
	if r.format != JSON {
		return nil, fmt.Errorf("event: readEventAt needs a JSON document reader")
	}
	r.name, r.line = name, line
	r.started, r.inList, r.inEvent, r.done = true, true, true, false
	s := r.in
	s.restart(in, line, col)
	if r.dec == nil {
		r.dec = jsontext.NewDecoder(s)
	} else {
		r.dec.Reset(s)
	}
	base := s.pos(name, 0)
	if k := r.dec.PeekKind(); k != '{' {
		return nil, diag.List{{Pos: base, Msg: "expected an event object here"}}
	}
	ev, _, err := r.decodeEvent(base, "", 0)
	return ev, err
}
