package event

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
)

// lineCol is the position of byte off of a file as a document reader
// gives it, worked out here from the bytes: lines after each line feed,
// columns in bytes, a byte order mark not counted.
func lineCol(doc []byte, off int) (int, int) {
	line, bol := 1, 0
	for i, c := range doc[:off] {
		if c == '\n' {
			line, bol = line+1, i+1
		}
	}
	col := off - bol + 1
	if line == 1 && bytes.HasPrefix(doc, []byte("\xef\xbb\xbf")) {
		col -= 3
	}
	return line, col
}

type readOne struct {
	ev   Event
	err  string
	errs diag.List
	at   int64
	line int
	col  int
}

// docEvents reads doc with a document reader, noting where each event
// starts; an error that ends the reading (a syntax error) ends the list.
func docEvents(t *testing.T, doc []byte, opts Options) []readOne {
	t.Helper()
	rd := NewJSONReader("h.json", bytes.NewReader(doc), opts)
	var out []readOne
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var one readOne
		one.at = eventStart(rd)
		one.line, one.col = lineCol(doc, int(one.at))
		require.Equal(t, byte('{'), doc[one.at], "eventStart points at the '{'")
		if err != nil {
			var list diag.List
			require.ErrorAs(t, err, &list)
			one.err = withoutPath(err.Error())
			one.errs = list
			if rd.done {
				return out // a syntax error: the reading ends
			}
		} else {
			one.ev = ev.Clone()
			assert.Equal(t, diag.Position{File: "h.json", Line: one.line, Column: one.col}, ev.Pos)
		}
		out = append(out, one)
	}
}

// withoutPath drops the "events[N]." a document reader puts before a
// key's name, and the "events[N]: " before a problem with the whole
// event, which readEventAt cannot know.
func withoutPath(msg string) string {
	var b strings.Builder
	for _, line := range strings.Split(msg, "\n") {
		if i := strings.Index(line, "events["); i >= 0 {
			j := strings.IndexByte(line[i:], ']')
			rest := line[i+j+1:]
			rest = strings.TrimPrefix(rest, ".")
			rest = strings.TrimPrefix(rest, ": ")
			line = line[:i] + rest
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// Each event of a JSON document read on its own at its offset, in a
// random order, with one reader reused, is the event the document
// reader gave, at the same position; a bad event gives the same
// problems at the same places. Documents: a list and {"events": [...]},
// with a byte order mark, on one line, pretty-printed over many lines,
// with CRLF, nested values, escapes, dates and times, and events that
// are wrong in every way that does not end the reading.
func TestReadEventAtAgreesWithTheDocumentReader(t *testing.T) {
	events := []string{
		`{"id":"e1","type":"report","at":"2018-04-20T09:00:00+01:00","from":"dcs","n":12,"x":1.5}`,
		"{\n  \"id\": \"e2\",\n  \"type\": \"visit\",\n  \"at\": \"2018-04-19\",\n  \"child\": {\"a\": [1, 2, {\"b\": null}]}\n}",
		`{"id":"e\u00e9","type":"report","at":"2018-04-19T23:30:00Z","s":"caf\u00e9 \ud83d\ude00","ok":true}`,
		`{"id":"e4","type":"report","at":"2018-04-21","big":123456789012345678901}`, // over 64 bits
		`{"id":"e5","type":"report","at":"2018-02-30"}`,                             // no such day
		`{"id":"e6","type":"report"}`, // no at
		`{"id":"e7","type":"report","at":"2018-04-21","f":1e400,"g":12345678901234567890e-1}`, // floats refused
		`{"id":"e8","type":7,"at":"2018-04-21T10:00:00+24:00"}`,                               // wrong type, bad offset
		`{"id":"e9","type":"report","at":"2018-04-22","deep":[[[[[1]]]]]}`,                    // nesting over the limit (3)
		`{"id":"e10","type":"report","at":"2018-04-22T08:00:00+01:00","tags":["a","b"]}`,
	}
	opts := Options{Limits: Limits{MaxDepth: 3}}
	r := rand.New(rand.NewPCG(5, 6))
	for _, form := range []struct{ name, head, sep, tail string }{
		{"list", "[\n", ",\n", "\n]\n"},
		{"one line", "[", ",", "]"},
		{"wrapped", "{\"events\": [\n  ", ",\n  ", "\n]}"},
		{"bom crlf", "\xef\xbb\xbf[", ",\r\n", "\r\n]"},
		{"spaced", "[ \n\n\t", " ,\n\n  ", " ]"},
	} {
		doc := []byte(form.head + strings.Join(events, form.sep) + form.tail)
		if form.name == "bom crlf" {
			doc = bytes.ReplaceAll(doc, []byte("\n  \""), []byte("\r\n  \""))
		}
		want := docEvents(t, doc, opts)
		require.Len(t, want, len(events), form.name)
		nErr := 0
		one := NewJSONReader("", nil, opts)
		for _, i := range r.Perm(len(want)) {
			w := want[i]
			ev, err := readEventAt(one, "h.json", bytes.NewReader(doc[w.at:]), w.line, w.col)
			if w.err != "" {
				nErr++
				require.Error(t, err, "%s: event %d", form.name, i)
				assert.Equal(t, w.err, err.Error()+"\n", "%s: event %d", form.name, i)
				continue
			}
			require.NoError(t, err, "%s: event %d", form.name, i)
			assert.Equal(t, w.ev, ev.Clone(), "%s: event %d", form.name, i)
		}
		assert.Equal(t, 6, nErr, form.name)
	}
}

// An event longer than MaxLine is refused at its '{' as the document
// reader refuses it, and an offset that is not an event's start (the
// file changed) is an error, not a misread event.
func TestReadEventAtLimitsAndMisplaced(t *testing.T) {
	long := `{"id":"l","type":"report","at":"2018-04-20","pad":"` + strings.Repeat("x", MaxLine) + `"}`
	doc := []byte("[\n" + long + ",\n" + `{"id":"s","type":"report","at":"2018-04-20"}` + "\n]")
	want := docEvents(t, doc, Options{})
	require.Len(t, want, 2)
	require.Contains(t, want[0].err, "event is longer than")
	one := NewJSONReader("", nil, Options{})
	_, err := readEventAt(one, "h.json", bytes.NewReader(doc[want[0].at:]), want[0].line, want[0].col)
	require.Error(t, err)
	assert.Equal(t, want[0].err, err.Error()+"\n")
	ev, err := readEventAt(one, "h.json", bytes.NewReader(doc[want[1].at:]), want[1].line, want[1].col)
	require.NoError(t, err)
	assert.Equal(t, want[1].ev, ev.Clone())
	_, err = readEventAt(one, "h.json", bytes.NewReader(doc[want[1].at+1:]), want[1].line, want[1].col)
	assert.Error(t, err)
}

// placed is a problem's position and message, without its data path
// (which readEventAt cannot know).
func placed(list diag.List) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Pos.String() + ": " + e.Msg
	}
	return out
}

// FuzzReadEventAt: whatever the document, each event its reader returns,
// and each event it refuses and reads on past, read again on its own at
// its offset with readEventAt is the same event, or the same problems at
// the same places. Seeds: the bad-input catalogue's JSON documents and
// the JSON test files.
func FuzzReadEventAt(f *testing.F) {
	f.Add([]byte("[{\"id\": \"a\", \"type\": \"report\", \"at\": \"2018-04-20\", \"from\": \"dcs\"},\n  {\"id\": \"b\", \"type\": \"x\"}]"), true)
	f.Add([]byte("\xef\xbb\xbf{\"events\": [\r\n {\"id\": \"a\", \"type\": \"score\", \"at\": \"2018-04-20T10:00:00Z\", \"n\": 1e3, \"more\": {\"x\": [null]}}]}"), true)
	for _, glob := range []string{"testdata/bad/*/input.json", "testdata/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src, false)
				f.Add(src, true)
			}
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, vocab bool) {
		opts := Options{Limits: Limits{MaxBytes: 1 << 16, MaxNodes: 20_000, MaxDepth: 5}}
		if vocab {
			opts.Vocabulary = fuzzVocabulary
		}
		rd := NewJSONReader("h.json", bytes.NewReader(doc), opts)
		one := NewJSONReader("", nil, opts)
		last := int64(0) // no event starts at 0: the document does
		for {
			ev, err := rd.Next()
			if errors.Is(err, io.EOF) || rd.done {
				return // the end, or a syntax error or limit that ends it
			}
			at := eventStart(rd)
			if at == last {
				continue // not an event object: no event starts here
			}
			last = at
			var want Event
			if err == nil {
				want = ev.Clone()
			}
			line, col := lineCol(doc, int(at))
			got, gotErr := readEventAt(one, "h.json", bytes.NewReader(doc[at:]), line, col)
			if err != nil {
				var list, gotList diag.List
				if !errors.As(err, &list) || !errors.As(gotErr, &gotList) {
					t.Fatalf("event at %d: %v, read again: %v", at, err, gotErr)
				}
				if !slices.Equal(placed(list), placed(gotList)) {
					t.Fatalf("event at %d: problems differ:\n%v\nread again:\n%v", at, placed(list), placed(gotList))
				}
				continue
			}
			if gotErr != nil {
				t.Fatalf("event at %d: read again: %v", at, gotErr)
			}
			if g := got.Clone(); !reflect.DeepEqual(want, g) {
				t.Fatalf("event at %d differs:\n%#v\n%#v", at, want, g)
			}
		}
	})
}
