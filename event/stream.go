package event

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// MaxLine is the longest JSON Lines line, and the longest event of a JSON
// document, that a Reader accepts, in bytes.
const MaxLine = 1 << 20

// maxSkip is how far a Reader looks for the end of an overlong line.
const maxSkip = 16 * MaxLine

// Reader reads a JSON or JSON Lines history one event at a time, holding
// one event in memory, so that a history of any length can be evaluated
// as it is read. It is the only reader of these formats: Load and Parse
// collect its events. Problems are reported as a diag.List at the line and
// column; after a problem with one event, reading goes on with the next,
// except after a JSON syntax error in a JSON document (where the next
// event starts is then unknown) or a limit.
//
// The rules, the same wherever a history is read: a key appears at most
// once in an object; numbers follow yamlx.Float's rule (a whole number
// written plainly fits 64 bits; quote it to keep it as text); attribute
// values nest at most Limits.MaxDepth levels; strings are valid UTF-8 and
// escapes valid UTF-16 (no lone surrogates); an event ({ to }), a JSON
// Lines line without its line end, and blank space between values of a
// JSON document are at most MaxLine bytes; a history at most
// Limits.MaxHistoryBytes. An
// empty JSON Lines file is a history with no events (JSON Lines has no
// other way to write one); an empty JSON document is an error, as [] is
// the empty list.
//
// The Event that Next returns, and its Attrs map, are reused by the next
// call: copy what you keep (Load and evaluator.Monitor do so). A Reader
// does not check that ids are unique or that events are in time order;
// see Validate, IDSet and evaluator.Monitor.
type Reader struct {
	name   string
	format Format
	in     *source
	lim    yamlx.Limits // the history's, for the size limit's message
	br     *bufio.Reader
	line   int // JSON Lines: the line last read
	loc    *time.Location
	voc    *Vocabulary
	depth  int
	src    bytes.Reader
	dec    *jsontext.Decoder
	ev     Event
	buf    []byte
	// JSON documents: where the reader is in [ ... ] or {"events": [ ... ]}.
	started, wrapped, done bool
	inList, inEvent        bool  // in the list of events; decoding an event's object (see tooLong)
	index                  int   // events[index] is the next event of a document
	start                  int64 // where the event last read starts in the file: see eventStart
	// names interns attribute names and event types, which repeat on
	// every event; recent remembers the name last seen at each position
	// of an event, which is nearly always the one there again.
	names    map[string]string
	recent   [16]string
	lastType string
	types    [8]typeEntry // see typeOf
	nextType int
	arena    strings.Builder // see arenaString
	spans    flatSpans
	// lastAt and lastTime cache the last at read: consecutive events of
	// a time-ordered history often share a day, and ParseTime is then
	// skipped. at and lastAt are bytes in buffers the reader reuses, so
	// that reading at builds no string (atBytes, see Reader.time).
	lastAt    []byte
	lastTime  time.Time
	lastDate  bool
	lastClock int            // lastAt's clock in seconds, or -1 (see sameDayAs)
	lastDay   int64          // with lastClock: the Unix time of 00:00:00 on lastAt's day, in its offset
	lastLoc   *time.Location // with lastClock: lastTime's
	// reads is Options.ReadsAttributes.
	reads func(string) bool
	// lineIDs: the ids of skipped events are views of the line, valid
	// until the next call of Next (see skippedID); set only through
	// hooks.LineIDs.
	lineIDs bool
	// The event being decoded: its line (JSON Lines), its at, and its
	// problems so far.
	cur      []byte
	at       atValue
	atBuf    []byte
	problems diag.List
}

// NewReader returns a Reader of the JSON Lines in r; name is used in
// positions.
func NewReader(name string, r io.Reader, opts Options) *Reader {
	rd := newReader(name, JSONL, r, opts)
	rd.br = bufio.NewReaderSize(rd.in, 64<<10)
	rd.dec = jsontext.NewDecoder(&rd.src)
	return rd
}

// NewJSONReader returns a Reader of a JSON document in r: a list of events,
// or an object whose only member "events" holds one.
func NewJSONReader(name string, r io.Reader, opts Options) *Reader {
	rd := newReader(name, JSON, r, opts)
	rd.in.track = true
	return rd
}

// NewFormatReader returns a Reader of format f, which must be JSON or JSONL.
func NewFormatReader(name string, f Format, r io.Reader, opts Options) (*Reader, error) {
	switch f {
	case JSON:
		return NewJSONReader(name, r, opts), nil
	case JSONL:
		return NewReader(name, r, opts), nil
	}
	return nil, fmt.Errorf("event: no streaming reader for %s histories", f)
}

func newReader(name string, f Format, r io.Reader, opts Options) *Reader {
	lim := opts.Limits.yamlx().ForHistory()
	return &Reader{
		name: name, format: f, lim: lim, loc: opts.loc(), voc: opts.vocabulary(), depth: lim.Depth(), names: map[string]string{}, lastClock: -1,
		reads: opts.ReadsAttributes,
		in:    &source{r: r, max: int64(lim.Bytes()), winLine: 1},
	}
}

// Line returns the line of the event last read.
func (r *Reader) Line() int {
	if r.format == JSON {
		return r.ev.Pos.Line
	}
	return r.line
}

// Offset returns how many bytes of the input have been read, for progress.
func (r *Reader) Offset() int64 { return r.in.read }

// Next returns the next event, or io.EOF after the last. An event that is
// not valid gives a diag.List of its problems; call Next again to go on.
// Any other error (reading the input) ends the history.
func (r *Reader) Next() (*Event, error) {
	if r.format == JSON {
		return r.nextInDocument()
	}
	if r.done {
		return nil, io.EOF
	}
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
		r.cur = line
		base := diag.Position{File: r.name, Line: r.line, Column: 1}
		if r.flatLine(line, base) {
			if err := r.check(base, ""); err != nil {
				return nil, err
			}
			return &r.ev, nil
		}
		r.src.Reset(line)
		r.dec.Reset(&r.src)
		if k := r.dec.PeekKind(); k != '{' {
			if k == 0 {
				_, err := r.dec.ReadToken()
				return nil, diag.List{r.jsonErr(err)}
			}
			// Only a line that is valid JSON is said to be a JSON
			// value of another kind: title: x is not a boolean.
			val, err := r.dec.ReadValue()
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, diag.List{r.errAt(int64(len(line)), "", "not valid JSON: the line ends inside a JSON %s; a line holds one event object ({...})", kindName(k))}
			}
			if err != nil {
				return nil, r.syntaxOrLine(err)
			}
			if after := r.dec.InputOffset(); skipSpace(line, int(after)) < len(line) {
				next := skipSpace(line, int(after))
				rest, _ := utf8.DecodeRune(line[next:])
				return nil, diag.List{r.errAt(int64(next), "", "not valid JSON: %q after %s; a line holds one event object ({...})", rest, describeJSON(k, val))}
			}
			return nil, diag.List{r.errAt(int64(skipSpace(line, 0)), "", "expected an event object ({...}), found a JSON %s", kindName(k))}
		}
		if err := r.decodeObject(base, ""); err != nil {
			return nil, err
		}
		if _, err := r.dec.ReadToken(); !errors.Is(err, io.EOF) {
			return nil, diag.List{r.errAt(r.dec.InputOffset(), "", "a line holds one JSON object; found more after it")}
		}
		if err := r.check(base, ""); err != nil {
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
		if err == nil && len(r.buf) == 0 {
			// lineInPlace: the whole line is in the bufio buffer (lines
			// are far shorter than it), and nothing reads it after the
			// next call, so it is not copied.
			r.line++
			return bytes.TrimSuffix(chunk[:len(chunk)-1], []byte("\r")), nil
		}
		r.buf = append(r.buf, chunk...)
		if lineLength(r.buf, err) > MaxLine {
			r.line++
			// Skip the rest of the line so that reading can go on, but
			// not forever: input with no line end in sight (a device, a
			// binary file) is an error that ends the reading.
			skipped := len(r.buf)
			for errors.Is(err, bufio.ErrBufferFull) && skipped <= maxSkip {
				chunk, err = r.br.ReadSlice('\n')
				skipped += len(chunk)
			}
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
				return nil, r.readErr(err)
			}
			if skipped > maxSkip {
				r.done = true
				return nil, diag.List{r.errAt(0, "", "no line end in the first %d bytes of a line: this is not JSON Lines", maxSkip)}
			}
			return nil, diag.List{r.errAt(0, "", "line is longer than %d bytes: JSON Lines holds one event object per line", MaxLine)}
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
		case errors.Is(err, io.EOF):
			return nil, io.EOF
		default:
			return nil, r.readErr(err)
		}
	}
}

// lineLength is the length of the line read so far without its line
// end: the limit is on the line, so that a line of exactly MaxLine bytes
// is read whether a newline (or CR LF) follows or the file ends. A CR
// last is not counted, as it may be the first half of CR LF (a lone CR
// at the end of the file is dropped too); err is ReadSlice's (nil when
// buf ends with the newline).
func lineLength(buf []byte, err error) int {
	n := len(buf)
	if err == nil {
		n-- // the newline
	}
	if n > 0 && buf[n-1] == '\r' {
		n--
	}
	return n
}

// readErr words an error from the input: a limit is a positioned problem,
// anything else (an I/O error) is returned as it is.
func (r *Reader) readErr(err error) error {
	r.done = true
	switch {
	case errors.Is(err, errHistoryTooBig):
		// Worded as every size limit is; the size is not known, only
		// that it is over.
		return diag.List{yamlx.CheckSize(r.name, int(r.in.max)+1, r.lim)}
	case errors.Is(err, errEventTooLong):
		return diag.List{r.tooLong()}
	}
	return err
}

// tooLong words the source's refusal to read on: the decoder has read
// MaxLine bytes (and its read-ahead) past the last mark without finishing
// a value. The mark is at the start of an event being read, or else
// before blank space: over MaxLine bytes of it, or a value other than an
// event that is too long.
func (r *Reader) tooLong() *diag.Error {
	if r.inEvent {
		return &diag.Error{Pos: r.ev.Pos, Msg: tooLongEvent}
	}
	at := func(i int) diag.Position { return r.in.pos(r.name, r.in.winAt-r.in.skipped+int64(i)) }
	first, start, run := -1, 0, 0 // the first value's start; the blank run's start and length
	for i, c := range r.in.win {
		switch c {
		case ' ', '\t', '\n', '\r':
			if run++; run > MaxLine {
				return &diag.Error{Pos: at(start), Msg: tooMuchSpace}
			}
		case ',', ':':
		default:
			if first < 0 {
				first = i
			}
			start, run = i+1, 0
		}
	}
	if first < 0 || !r.inList {
		first = 0
	}
	return &diag.Error{Pos: at(first), Msg: tooLongEvent}
}

var (
	tooLongEvent = fmt.Sprintf("event is longer than %d bytes: an event of a JSON history, from { to }, is at most %d bytes (1 MiB)", MaxLine, MaxLine)
	tooMuchSpace = fmt.Sprintf("more than %d bytes of blank space after here: a JSON history has at most %d bytes (1 MiB) of blank space between two values", MaxLine, MaxLine)
)

// blankRun returns how many blank bytes (commas and colons apart) lie
// between decoder offsets from and to; called only when to-from is over
// MaxLine.
func (r *Reader) blankRun(from, to int64) int64 {
	n := int64(0)
	for off := from; off < to; off++ {
		i := off + r.in.skipped - r.in.winAt
		if i < 0 || i >= int64(len(r.in.win)) {
			break
		}
		if c := r.in.win[i]; c != ',' && c != ':' {
			n++
		}
	}
	return n
}

// nextInDocument reads the next event of a JSON document.
func (r *Reader) nextInDocument() (*Event, error) {
	if r.done {
		return nil, io.EOF
	}
	// After a syntax error or a limit, where the next event starts is
	// unknown: the error is reported once and the history ends.
	fail := func(err error) (*Event, error) {
		r.done = true
		return nil, err
	}
	if !r.started {
		r.started = true
		var in io.Reader = r.in
		head := make([]byte, 3)
		n, err := io.ReadFull(r.in, head)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return fail(r.readErr(err))
		}
		if bytes.Equal(head[:n], []byte("\xef\xbb\xbf")) {
			r.in.skipped = 3
		} else {
			in = io.MultiReader(bytes.NewReader(head[:n]), r.in)
		}
		r.dec = jsontext.NewDecoder(in)
		switch r.dec.PeekKind() {
		case 0:
			_, err := r.dec.ReadToken()
			if errors.Is(err, io.EOF) {
				return fail(diag.List{r.errAt(0, "", "file is empty")})
			}
			return fail(r.syntaxErr(err))
		case '{':
			// {"events": [...]}
			r.wrapped = true
			r.dec.ReadToken()
			if r.dec.PeekKind() == '}' {
				return fail(diag.List{r.errAt(r.dec.InputOffset(), "", "expected the member \"events\" holding the list of events, found the end of the object")})
			}
			off := r.dec.InputOffset()
			key, err := r.dec.ReadToken()
			if err != nil {
				return fail(r.syntaxErr(err))
			}
			if key.String() != "events" {
				return fail(diag.List{r.errAt(r.in.afterSpace(off), "", "expected the member \"events\" holding the list of events, found %q", key.String())})
			}
		}
		if k := r.dec.PeekKind(); k != '[' {
			off := r.in.afterSpace(r.dec.InputOffset())
			if k == 0 {
				_, err := r.dec.ReadToken()
				return fail(r.syntaxErr(err))
			}
			// Only valid JSON is said to be a value of another kind.
			if _, err := r.dec.ReadValue(); err != nil {
				return fail(r.syntaxErr(err))
			}
			return fail(diag.List{r.errAt(off, "", "expected a list of events ([...]), found a JSON %s", kindName(k))})
		}
		r.dec.ReadToken()
	}
	gap := r.dec.InputOffset()
	r.in.markAt(gap)
	r.inList = true
	r.inEvent = false
	k := r.dec.PeekKind()
	if k != 0 {
		if next := r.in.afterSpace(gap); next-gap > MaxLine && r.blankRun(gap, next) > MaxLine {
			return fail(diag.List{r.errAt(gap, "", "%s", tooMuchSpace)})
		}
	}
	switch k {
	case ']':
		r.dec.ReadToken()
		r.in.markAt(r.dec.InputOffset()) // blank space after it is checked as between values
		return fail(r.end())
	case '{':
	case 0:
		_, err := r.dec.ReadToken()
		return fail(r.syntaxErr(err))
	default:
		off := r.in.afterSpace(r.dec.InputOffset())
		if _, err := r.dec.ReadValue(); err != nil {
			return fail(r.syntaxErr(err))
		}
		r.index++
		return nil, diag.List{r.errAt(off, "", "expected an event object, found a JSON %s", kindName(k))}
	}
	start := r.in.afterSpace(r.dec.InputOffset())
	r.in.markAt(start)
	r.start = start + r.in.skipped
	path := fmt.Sprintf("events[%d]", r.index)
	r.index++
	ev, lost, err := r.decodeEvent(r.in.pos(r.name, start), path, start)
	if lost {
		return fail(err) // a syntax error or limit: where the next event starts is unknown
	}
	return ev, err
}

// decodeEvent decodes and checks the event object the decoder is at,
// which begins at offset start, at base: the one way a JSON document's
// event is read, in the document's order (nextInDocument) or again at
// its offset (readEventAt). lost says that a syntax error or a limit
// stopped it inside the object, so that where the next event starts is
// unknown.
func (r *Reader) decodeEvent(base diag.Position, path string, start int64) (ev *Event, lost bool, err error) {
	r.inEvent = true
	if err := r.decodeObject(base, path); err != nil {
		return nil, true, err
	}
	r.inEvent = false
	if r.dec.InputOffset()-start > MaxLine {
		// Read whole (the source reads a little past MaxLine), but over
		// the limit: refused as an overlong JSON Lines line is, and
		// reading goes on.
		return nil, false, diag.List{{Pos: base, Path: path, Msg: tooLongEvent}}
	}
	if err := r.check(base, path); err != nil {
		return nil, false, err
	}
	return &r.ev, false, nil
}

// end checks what follows the list of events: nothing, or the closing
// brace of {"events": [...]}; it returns io.EOF when all is well.
func (r *Reader) end() error {
	if r.wrapped {
		off := r.dec.InputOffset()
		tok, err := r.dec.ReadToken()
		if err != nil {
			return r.syntaxErr(err)
		}
		if tok.Kind() != '}' {
			return diag.List{r.errAt(r.in.afterSpace(off), "", "unexpected member %q after \"events\": the object holds only the events list", tok.String())}
		}
	}
	off := r.dec.InputOffset()
	if _, err := r.dec.ReadToken(); !errors.Is(err, io.EOF) {
		if err != nil && !isSyntax(err) {
			return r.readErr(err)
		}
		return diag.List{r.errAt(r.in.afterSpace(off), "", "unexpected data after the list of events: a file holds one JSON value")}
	}
	r.done = true
	return io.EOF
}

func isSyntax(err error) bool {
	var se *jsontext.SyntacticError
	return errors.As(err, &se)
}

// errAt makes a problem at a byte offset: in a JSON Lines line, or in a
// JSON document.
func (r *Reader) errAt(off int64, path, format string, args ...any) *diag.Error {
	var pos diag.Position
	if r.format == JSON {
		pos = r.in.pos(r.name, off)
	} else {
		pos = diag.Position{File: r.name, Line: r.line, Column: int(off) + 1}
	}
	return &diag.Error{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// syntaxErr words a jsontext error in a JSON document.
func (r *Reader) syntaxErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return diag.List{r.errAt(r.in.read, "", "not valid JSON: the file ends too early (an unclosed [ or {?)")}
	}
	if !isSyntax(err) {
		return r.readErr(err)
	}
	return diag.List{r.jsonErr(err)}
}

// jsonErr words a jsontext error at its place.
func (r *Reader) jsonErr(err error) *diag.Error {
	off := r.dec.InputOffset()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		if r.format == JSON {
			return r.errAt(r.in.read, "", "not valid JSON: the file ends too early (an unclosed [ or {?)")
		}
		return r.errAt(off, "", "not valid JSON: the line ends before its object does (JSON Lines holds one whole object per line)")
	}
	msg := err.Error()
	switch {
	case se != nil && errors.Is(se.Err, jsontext.ErrDuplicateName):
		msg = fmt.Sprintf("duplicate key %s: a key appears at most once in an object", duplicateName(se))
	case se != nil && se.Err != nil:
		msg = se.Err.Error()
		if strings.Contains(msg, "after object value") || strings.Contains(msg, "after array element") {
			msg += " (is a comma missing?)"
		}
		if strings.Contains(msg, "surrogate") || strings.Contains(msg, "invalid UTF-8") {
			msg += ": strings must be UTF-8 text, and a \\u escape of half a surrogate pair is not a character"
		}
	}
	return r.errAt(off, "", "not valid JSON: %s", msg)
}

// duplicateName reads the repeated name from the error's JSON pointer.
func duplicateName(se *jsontext.SyntacticError) string {
	p := string(se.JSONPointer)
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	p = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
	return strconv.Quote(p)
}

// decodeObject fills r.ev from the object the decoder is at. path is the
// event's data path in a JSON document ("" in JSON Lines). Problems with
// keys or values are gathered; a syntax error or limit is returned at once.
func (r *Reader) decodeObject(base diag.Position, path string) error {
	r.startEvent(base)
	if _, err := r.dec.ReadToken(); err != nil {
		return r.syntaxOrLine(err)
	}
	var seen [3]bool
	for i := 0; r.dec.PeekKind() != '}'; i++ {
		nameVal, err := r.dec.ReadValue()
		if err != nil {
			return r.syntaxOrLine(err)
		}
		name := r.memberName(i, nameVal) // before the decoder reuses nameVal
		valOff := r.dec.InputOffset()    // before the colon: see valueAt
		kind := r.dec.PeekKind()
		val, err := r.dec.ReadValue()
		if err != nil {
			return r.syntaxOrLine(err)
		}
		r.member(name, kind, val, valOff, path, &seen)
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return r.syntaxOrLine(err)
	}
	r.endEvent(base, path, &seen)
	return nil
}

// startEvent clears the event for decoding.
func (r *Reader) startEvent(base diag.Position) {
	ev := &r.ev
	if ev.Attrs == nil {
		ev.Attrs = map[string]any{}
	}
	if len(ev.Attrs) > 0 {
		clear(ev.Attrs)
	}
	// Field by field: a whole-struct copy costs more, and the attributes
	// map is kept.
	ev.ID, ev.Type, ev.At, ev.DateOnly, ev.Through, ev.Pos = "", "", time.Time{}, false, civil.Date{}, base
	r.at = atValue{}
	r.problems = r.problems[:0]
}

// memberName returns the name of the i-th member of an event from its
// quoted text, interned.
func (r *Reader) memberName(i int, nameVal []byte) string {
	if i < len(r.recent) && len(nameVal) > 2 && r.recent[i] == string(nameVal[1:len(nameVal)-1]) {
		return r.recent[i]
	}
	name := r.intern(nameVal)
	if i < len(r.recent) {
		r.recent[i] = name
	}
	return name
}

// member takes a member of an event object: its name, the kind and text of
// its value, and the offset just past the name.
func (r *Reader) member(name string, kind jsontext.Kind, val []byte, valOff int64, path string, seen *[3]bool) {
	ev := &r.ev
	switch name {
	case "id", "type", "at":
		p := joinPath(path, name)
		seen[reservedIndex(name)] = true
		if kind != '"' {
			r.problem(r.errAt(r.valueAt(valOff), p, "%q must be a non-empty string: %s; found %s", name, reservedWhat[name], describeJSON(kind, val)))
			return
		}
		if name == "at" && bytes.IndexByte(val, '\\') < 0 && len(bytes.TrimSpace(val[1:len(val)-1])) > 0 {
			// atBytes: copied into a reused buffer, not made a string.
			r.atBuf = append(r.atBuf[:0], val[1:len(val)-1]...)
			r.at = atValue{b: r.atBuf, off: valOff, set: true}
			return
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
		if strings.TrimSpace(s) == "" {
			r.problem(r.errAt(r.valueAt(valOff), p, "%q must be a non-empty string: %s; found %q", name, reservedWhat[name], s))
			return
		}
		switch name {
		case "id":
			ev.ID = s
		case "type":
			ev.Type = s
		case "at":
			r.at = atValue{b: []byte(s), off: valOff, set: true}
		}
	default:
		v, err := r.value(kind, val, 1)
		if err != nil {
			r.problem(r.errAt(r.valueAt(valOff), joinPath(path, name), "%v", err))
			return
		}
		ev.Attrs[name] = v
	}
}

// endEvent notes the reserved keys an event lacks.
func (r *Reader) endEvent(base diag.Position, path string, seen *[3]bool) {
	for i, k := range reserved {
		if !seen[i] {
			r.problem(&diag.Error{Pos: base, Path: path, Msg: fmt.Sprintf("missing required key %q: %s", k, reservedWhat[k])})
		}
	}
}

// syntaxOrLine words a decoder error inside an event.
func (r *Reader) syntaxOrLine(err error) error {
	if r.format == JSON {
		return r.syntaxErr(err)
	}
	if !utf8.Valid(r.cur) && isSyntax(err) {
		var se *jsontext.SyntacticError
		errors.As(err, &se)
		return diag.List{r.errAt(se.ByteOffset, "", "not valid JSON: the line is not valid UTF-8")}
	}
	return diag.List{r.jsonErr(err)}
}

// valueAt steps a decoder offset just past a member's name over the
// colon and blank space to where its value starts; it is called only for
// problems.
func (r *Reader) valueAt(off int64) int64 {
	if r.format == JSON {
		return r.in.afterSpace(off)
	}
	line := r.cur
	for int(off) < len(line) && (line[off] == ' ' || line[off] == '\t' || line[off] == ':') {
		off++
	}
	return off
}

// check finishes an event: its time, the vocabulary, and the problems
// gathered while decoding it.
func (r *Reader) check(base diag.Position, path string) error {
	ev := &r.ev
	if r.at.set {
		t, dateOnly, through, err := r.time(r.at.b)
		if err != nil {
			r.problem(r.errAt(r.valueAt(r.at.off), joinPath(path, "at"), "%v", err))
		}
		ev.At, ev.DateOnly, ev.Through = t, dateOnly, through
	}
	if len(r.problems) == 0 && r.voc != nil {
		var errs diag.List
		p := path
		if p == "" {
			p = fmt.Sprintf("line %d", r.line)
		}
		if !r.voc.CheckEvent(ev, p, func(string) diag.Position { return base }, &errs) {
			r.problems = append(r.problems, errs...)
		}
	}
	if len(r.problems) > 0 {
		return append(diag.List(nil), r.problems...)
	}
	return nil
}

type atValue struct {
	b   []byte
	off int64
	set bool
}

func (r *Reader) problem(e *diag.Error) { r.problems = append(r.problems, e) }

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return yamlx.Join(path, key)
}

func reservedIndex(name string) int {
	switch name {
	case "id":
		return 0
	case "type":
		return 1
	}
	return 2
}

var reservedWhat = map[string]string{
	"id":   "the event's id, unique in the history",
	"type": "the event's type, such as report or board-meeting",
	"at":   "a date (2018-04-20) or an RFC 3339 time",
}

// time reads at through ParseTime, remembering the last answer: a
// time-ordered history often gives the same at many times running, or
// the same day at another time of day (sameDayAs). Only a call of
// ParseAt, once a day or so, makes a string of at.
func (r *Reader) time(at []byte) (time.Time, bool, civil.Date, error) {
	if t, ok := r.sameDayAs(at); ok {
		return t, false, civil.Date{}, nil
	}
	if len(at) > 0 && string(at) == string(r.lastAt) {
		return r.lastTime, r.lastDate, civil.Date{}, nil
	}
	t, dateOnly, through, err := ParseAt(string(at), r.loc)
	if err == nil && through.IsZero() {
		// Only a time known to the day is remembered.
		r.lastAt, r.lastTime, r.lastDate = append(r.lastAt[:0], at...), t, dateOnly
		r.lastClock = -1
		if !dateOnly && len(at) >= 20 && at[10] == 'T' {
			if c, ok := clockSeconds(at[11:19]); ok {
				r.lastClock, r.lastDay, r.lastLoc = c, t.Unix()-int64(c), t.Location()
			}
		}
	}
	return t, dateOnly, through, err
}

// sameDayAs reads at, an RFC 3339 time, from the last one read when the
// two differ at most in the clock time (same date, same offset, no
// fraction): the day's start moved by the clock, which in a fixed offset
// is exact. It declines anything else. The time is built as time.Unix
// builds it (unixIn), which costs half of what moving the last time by
// Time.Add did; it is the Time fastTime makes, field for field, location
// too (sameAsFast in the tests). The date and T are compared as two
// overlapping words (sameDate), without a call to compare bytes.
func (r *Reader) sameDayAs(at []byte) (time.Time, bool) {
	// 2018-04-25T09:00:07+01:00: date and T are bytes 0-10, the clock
	// 11-18, the offset from 19.
	prev := r.lastAt
	if r.lastClock < 0 || len(at) != len(prev) || !sameDate(at, prev) ||
		(at[19] != 'Z' && at[19] != '+' && at[19] != '-') || (len(at) == 20 && at[19] != prev[19]) ||
		(len(at) > 20 && string(at[19:]) != string(prev[19:])) {
		return time.Time{}, false
	}
	c, ok := clockSeconds(at[11:19])
	if !ok {
		return time.Time{}, false
	}
	t := time.Unix(r.lastDay+int64(c), 0).In(r.lastLoc)
	if t.IsZero() {
		return time.Time{}, false // ParseAt refuses the zero time, with its message
	}
	r.lastTime, r.lastClock = t, c
	copy(r.lastAt[11:19], at[11:19])
	return t, true
}

// sameDate reports whether the first 11 bytes of a and b, each at least
// 20 bytes long, are the same: bytes 0-7 and 3-10 as words.
func sameDate(a, b []byte) bool {
	return binary.LittleEndian.Uint64(a) == binary.LittleEndian.Uint64(b) &&
		binary.LittleEndian.Uint64(a[3:]) == binary.LittleEndian.Uint64(b[3:])
}

// clockSeconds reads HH:MM:SS as seconds since midnight, in range.
func clockSeconds(s []byte) (int, bool) {
	if s[2] != ':' || s[5] != ':' {
		return 0, false
	}
	two := func(i int) (int, bool) {
		a, b := s[i]-'0', s[i+1]-'0'
		return int(a)*10 + int(b), a <= 9 && b <= 9
	}
	h, ok1 := two(0)
	m, ok2 := two(3)
	sec, ok3 := two(6)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return h*3600 + m*60 + sec, true
}

// intern returns the string of a JSON string value, shared between events.
func (r *Reader) intern(quoted []byte) string {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		return unquote(quoted)
	}
	return r.internRaw(raw)
}

// internRaw is intern of a string's text without escapes.
func (r *Reader) internRaw(raw []byte) string {
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

// value converts an attribute value: numbers to int64 when whole, else
// float64; arrays and objects recursively, depth levels down.
func (r *Reader) value(kind jsontext.Kind, val jsontext.Value, depth int) (any, error) {
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
	return r.nested(d, depth)
}

func (r *Reader) nested(d *jsontext.Decoder, depth int) (any, error) {
	switch k := d.PeekKind(); k {
	case '[', '{':
		if depth > r.depth {
			return nil, errors.New(tooDeep(r.depth))
		}
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
		return r.value(k, val, depth)
	}
}

// number reads a JSON number by the rule every format follows: written
// without a fraction or exponent it is an int64, refused when it does
// not fit 64 bits; written with one it is a float64, as yamlx.Float
// reads it (never a rounded whole number, never a non-zero read as 0).
func number(s string) (any, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	if !strings.ContainsAny(s, ".eE") {
		return nil, fmt.Errorf("the whole number %s does not fit in 64 bits; quote it to keep it as text", s)
	}
	f, err := yamlx.Float(s)
	if err != nil {
		return nil, fmt.Errorf("%v; quote it to keep it as text", err)
	}
	return f, nil
}

// describeJSON names a JSON value in a message, as describe does a
// decoded one.
func describeJSON(k jsontext.Kind, val jsontext.Value) string {
	switch k {
	case '0':
		return "the number " + string(val)
	case 't', 'f':
		return "the boolean " + string(val)
	case 'n':
		return "null"
	case '[':
		return "a list"
	case '{':
		return "an object"
	}
	return string(val)
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

// source is the input of a Reader. It stops the history at the size
// limit and, in a JSON document, an event at MaxLine bytes; there it keeps
// the bytes from the current event's start (a window of at most MaxLine
// and the decoder's read-ahead), so that an offset can be given as a line
// and column without holding the file.
type source struct {
	r    io.Reader
	max  int64 // the history's size limit
	read int64 // bytes handed on
	// JSON documents only.
	track   bool
	win     []byte // the bytes from winAt to read
	winAt   int64
	winLine int   // the line number at winAt
	winBOL  int64 // where that line starts
	skipped int64 // bytes dropped before the decoder's offset 0 (a byte order mark)
}

// readAhead is how far past an event's MaxLine bytes the decoder may read.
const readAhead = 256 << 10

var (
	errEventTooLong  = errors.New("event too long")
	errHistoryTooBig = errors.New("history too big")
)

// restart has s read in from its start, which lies at line and column
// col of the file (readEventAt's start in the middle of a document): the
// decoder's offset 0 is there, so the line began col-1 bytes before it.
func (s *source) restart(in io.Reader, line, col int) {
	*s = source{r: in, max: s.max, track: s.track, win: s.win[:0], winLine: line, winBOL: int64(1 - col)}
}

func (s *source) Read(p []byte) (int, error) {
	if s.read > s.max {
		return 0, errHistoryTooBig
	}
	if s.track {
		room := s.winAt + MaxLine + readAhead - s.read
		if room <= 0 {
			return 0, errEventTooLong
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := s.r.Read(p)
	if s.track {
		s.win = append(s.win, p[:n]...)
	}
	s.read += int64(n)
	if s.read > s.max {
		return n, errHistoryTooBig
	}
	return n, err
}

// markAt records that an event starts at off (a decoder offset): the
// bytes before it are no longer needed.
func (s *source) markAt(off int64) {
	off += s.skipped
	k := off - s.winAt
	if k <= 0 {
		return
	}
	k = min(k, int64(len(s.win)))
	for i, b := range s.win[:k] {
		if b == '\n' {
			s.winLine++
			s.winBOL = s.winAt + int64(i) + 1
		}
	}
	s.win = s.win[k:] // append copies the rest to a new array when it grows
	s.winAt += k
}

// pos gives a decoder offset at or after the mark as a position.
func (s *source) pos(file string, off int64) diag.Position {
	off += s.skipped
	line, bol := s.winLine, s.winBOL
	for i := int64(0); i < off-s.winAt && i < int64(len(s.win)); i++ {
		if s.win[i] == '\n' {
			line, bol = line+1, s.winAt+i+1
		}
	}
	col := off - bol + 1
	if line == 1 {
		col -= s.skipped
	}
	return diag.Position{File: file, Line: line, Column: int(col)}
}

// afterSpace steps a decoder offset over blank space, commas and colons,
// which the decoder's offsets include before a value.
func (s *source) afterSpace(off int64) int64 {
	for {
		i := off + s.skipped - s.winAt
		if i < 0 || i >= int64(len(s.win)) {
			return off
		}
		switch s.win[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
}
