package event

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
)

// MaxLine is the longest line a Reader accepts, in bytes.
const MaxLine = 1 << 20

// Reader reads a JSON Lines history one event at a time, holding one line
// in memory, so that a history of any length can be evaluated as it is
// read. It accepts what ParseJSONL accepts; problems are reported as
// *diag.Error at the line and column, and reading may go on after one.
//
// The Event that Next returns, and its Attrs map, are reused by the next
// call: copy what you keep (evaluator.Monitor does so for the events it
// holds). A Reader does not check that ids are unique or that events are
// in time order; see evaluator.Monitor and cmd/directions stream.
type Reader struct {
	name string
	br   *bufio.Reader
	line int
	loc  *time.Location
	voc  *Vocabulary
	src  bytes.Reader
	dec  *jsontext.Decoder
	ev   Event
	buf  []byte
	// names interns attribute names and event types, which repeat on
	// every line; recent remembers the name last seen at each position
	// of a line, which is nearly always the one there again.
	names    map[string]string
	recent   [16]string
	lastType string
	// lastDay caches the last bare date read and its first instant:
	// consecutive events of a time-ordered history mostly share a day.
	lastDay  [10]byte
	lastTime time.Time
	hasDay   bool
}

// NewReader returns a Reader of the JSON Lines in r; name is used in
// positions.
func NewReader(name string, r io.Reader, opts Options) *Reader {
	rd := &Reader{name: name, br: bufio.NewReaderSize(r, 64<<10), loc: opts.loc(), voc: opts.Vocabulary, names: map[string]string{}}
	rd.dec = jsontext.NewDecoder(&rd.src)
	return rd
}

// Line returns the number of the line last read.
func (r *Reader) Line() int { return r.line }

// Next returns the next event, or io.EOF after the last. A line that is
// not a valid event gives a *diag.Error; call Next again to go on.
func (r *Reader) Next() (*Event, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if r.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := r.decode(line); err != nil {
			return nil, err
		}
		return &r.ev, nil
	}
}

// readLine returns the next line without its line ending.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
		if len(r.buf) > MaxLine {
			r.line++
			// Skip the rest of the line so that reading can go on.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = r.br.ReadSlice('\n')
			}
			return nil, r.errorf(1, "line is longer than %d bytes: JSON Lines holds one event object per line", MaxLine)
		}
		switch {
		case err == nil:
			r.line++
			line := r.buf[:len(r.buf)-1]
			return bytes.TrimSuffix(line, []byte("\r")), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(r.buf) > 0:
			r.line++
			return bytes.TrimSuffix(r.buf, []byte("\r")), nil
		default:
			return nil, err
		}
	}
}

func (r *Reader) errorf(col int, format string, args ...any) *diag.Error {
	return &diag.Error{Pos: diag.Position{File: r.name, Line: r.line, Column: col}, Msg: fmt.Sprintf(format, args...)}
}

func (r *Reader) jsonErr(line []byte, err error) *diag.Error {
	col := int(r.dec.InputOffset()) + 1
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		col = int(se.ByteOffset) + 1
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return r.errorf(col, "not valid JSON: the line ends before its object does (JSON Lines holds one whole object per line)")
	}
	msg := err.Error()
	if se != nil && se.Err != nil {
		msg = se.Err.Error()
	}
	if !utf8.Valid(line) {
		msg = "the line is not valid UTF-8"
	}
	return r.errorf(col, "not valid JSON: %s", msg)
}

// decode fills r.ev from one line.
func (r *Reader) decode(line []byte) error {
	r.src.Reset(line)
	r.dec.Reset(&r.src)
	ev := &r.ev
	if ev.Attrs == nil {
		ev.Attrs = map[string]any{}
	}
	clear(ev.Attrs)
	*ev = Event{Attrs: ev.Attrs, Pos: diag.Position{File: r.name, Line: r.line, Column: 1}}
	if k := r.dec.PeekKind(); k != '{' {
		if k == 0 {
			_, err := r.dec.ReadToken()
			return r.jsonErr(line, err)
		}
		return r.errorf(1, "expected an event object ({...}), found a JSON %s", kindName(k))
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return r.jsonErr(line, err)
	}
	var at string
	var atCol int
	var problem *diag.Error
	note := func(e *diag.Error) {
		if problem == nil {
			problem = e
		}
	}
	for i := 0; r.dec.PeekKind() != '}'; i++ {
		nameVal, err := r.dec.ReadValue()
		if err != nil {
			return r.jsonErr(line, err)
		}
		var name string
		if i < len(r.recent) && len(nameVal) > 2 && r.recent[i] == string(nameVal[1:len(nameVal)-1]) {
			name = r.recent[i]
		} else {
			name = r.intern(nameVal)
			if i < len(r.recent) {
				r.recent[i] = name
			}
		}
		col := int(r.dec.InputOffset()) + 2 // just past the colon, roughly where the value starts
		kind := r.dec.PeekKind()
		val, err := r.dec.ReadValue()
		if err != nil {
			return r.jsonErr(line, err)
		}
		switch name {
		case "id", "type", "at":
			if kind != '"' {
				note(r.errorf(col, "%q must be a non-empty string: %s; found a JSON %s", name, reservedWhat[name], kindName(kind)))
				continue
			}
			var s string
			if name == "type" {
				if len(val) > 2 && r.lastType == string(val[1:len(val)-1]) {
					s = r.lastType
				} else {
					s = r.intern(val)
					r.lastType = s
				}
			} else {
				s = unquote(val)
			}
			switch name {
			case "id":
				ev.ID = s
			case "type":
				ev.Type = s
			case "at":
				at, atCol = s, col
			}
		default:
			v, err := r.value(kind, val)
			if err != nil {
				note(r.errorf(col, "%s: %v", name, err))
				continue
			}
			ev.Attrs[name] = v
		}
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return r.jsonErr(line, err)
	}
	if _, err := r.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return r.errorf(int(r.dec.InputOffset())+1, "a line holds one JSON object; found more after it")
	}
	if problem != nil {
		return problem
	}
	for _, k := range []string{"id", "type", "at"} {
		var s string
		switch k {
		case "id":
			s = ev.ID
		case "type":
			s = ev.Type
		case "at":
			s = at
		}
		if len(bytes.TrimSpace([]byte(s))) == 0 {
			return r.errorf(1, "missing required key %q: %s", k, reservedWhat[k])
		}
	}
	t, dateOnly, err := r.time(at)
	if err != nil {
		return r.errorf(atCol, "%v", err)
	}
	ev.At, ev.DateOnly = t, dateOnly
	if r.voc != nil {
		var errs diag.List
		if !r.voc.CheckEvent(ev, fmt.Sprintf("line %d", r.line), func(string) diag.Position { return ev.Pos }, &errs) && len(errs) > 0 {
			return errs[0]
		}
	}
	return nil
}

var reservedWhat = map[string]string{
	"id":   "the event's id, unique in the history",
	"type": "the event's type, such as report or board-meeting",
	"at":   "a date (2018-04-20) or an RFC 3339 time",
}

// time reads at, quickly for a bare date (the common case, and often the
// same as the line before).
func (r *Reader) time(at string) (time.Time, bool, error) {
	if len(at) == 10 && at[4] == '-' && at[7] == '-' {
		if r.hasDay && string(r.lastDay[:]) == at {
			return r.lastTime, true, nil
		}
		if d, err := civil.Parse(at); err == nil && d.ExistsIn(r.loc) {
			r.lastTime, r.hasDay = d.Start(r.loc), true
			copy(r.lastDay[:], at)
			return r.lastTime, true, nil
		}
	}
	return ParseTime(at, r.loc)
}

// intern returns the string of a JSON string value, shared between lines.
func (r *Reader) intern(quoted []byte) string {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		return unquote(quoted)
	}
	if s, ok := r.names[string(raw)]; ok {
		return s
	}
	if len(r.names) > 10_000 {
		return string(raw) // not a vocabulary: don't grow without bound
	}
	s := string(raw)
	r.names[s] = s
	return s
}

func unquote(quoted []byte) string {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	b, _ := jsontext.AppendUnquote(nil, quoted) // already validated by the decoder
	return string(b)
}

// value converts an attribute value as ParseJSONL does: numbers to int64
// when whole and in range, else float64; arrays and objects recursively.
func (r *Reader) value(kind jsontext.Kind, val jsontext.Value) (any, error) {
	switch kind {
	case '"':
		return unquote(val), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '0':
		return number(string(val))
	}
	// Arrays and objects are rare in histories: decode them generically.
	d := jsontext.NewDecoder(bytes.NewReader(val))
	return r.nested(d, 0)
}

func (r *Reader) nested(d *jsontext.Decoder, depth int) (any, error) {
	if depth > 100 {
		return nil, fmt.Errorf("value nests deeper than 100 levels")
	}
	switch k := d.PeekKind(); k {
	case '[', '{':
		if _, err := d.ReadToken(); err != nil {
			return nil, err
		}
		if k == '[' {
			out := []any{}
			for d.PeekKind() != ']' {
				v, err := r.nested(d, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := d.ReadToken()
			return out, err
		}
		out := map[string]any{}
		for d.PeekKind() != '}' {
			name, err := d.ReadValue()
			if err != nil {
				return nil, err
			}
			key := unquote(name)
			v, err := r.nested(d, depth+1)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
		_, err := d.ReadToken()
		return out, err
	default:
		val, err := d.ReadValue()
		if err != nil {
			return nil, err
		}
		return r.value(k, val)
	}
}

func number(s string) (any, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("the number %s does not fit a 64-bit integer or float", s)
	}
	return f, nil
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '[':
		return "array"
	case '{':
		return "object"
	}
	return "value"
}
