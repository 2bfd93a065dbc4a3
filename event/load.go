package event

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/capped"
	"github.com/dfe-tools/directions/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// Options control how histories are read. The zero value reads bare dates
// in Europe/London with the default size limits.
type Options struct {
	// Location resolves events given as bare dates. Nil means London.
	Location *time.Location
	// Limits bound the input: MaxBytes the size of a YAML history,
	// MaxHistoryBytes that of a JSON, JSON Lines or CSV one, MaxDepth and
	// MaxNodes YAML's structure (and MaxDepth JSON attribute values). The
	// zero value means the defaults.
	Limits Limits
	// Vocabulary, when set, is the list of event types and attributes a
	// history may use; anything else is an error at its position. Reading
	// a history for a set of directions (direction.Set.LoadHistory and
	// ReadHistory) uses the set's vocabulary when this is nil.
	Vocabulary *Vocabulary
	// SkipVocabulary reads the history without checking event types and
	// attributes against any vocabulary: Vocabulary is ignored, and
	// direction.Set.LoadHistory does not supply the set's. It is the
	// explicit way to accept events the directions do not know.
	SkipVocabulary bool
	// ReadsAttributes, when set (and Vocabulary is not), tells a Reader
	// which event types' attributes the caller will read: for the others
	// Attrs is left empty, though every value is still checked against
	// the rules (see evaluator.ReadsAttributes), and the ids of such
	// events share blocks of 16 KB (keeping one keeps its block). Load
	// ignores it.
	ReadsAttributes func(eventType string) bool
}

// vocabulary is the vocabulary the readers check events against, if any.
func (o Options) vocabulary() *Vocabulary {
	if o.SkipVocabulary {
		return nil
	}
	return o.Vocabulary
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return London()
	}
	return o.Location
}

// Format is a history file format.
type Format string

// The formats a history can be read from.
const (
	YAML  Format = "yaml"
	JSON  Format = "json"
	JSONL Format = "jsonl"
)

// FormatOf picks a format from a file name's extension.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return YAML, true
	case ".json":
		return JSON, true
	case ".jsonl", ".ndjson":
		return JSONL, true
	case ".csv":
		return CSV, true
	}
	return "", false
}

// Load reads a history file, choosing the format by extension. It reads
// only regular files (see Open); JSON and JSON Lines go through the same
// Reader that streams them, and YAML and CSV through their parsers, each
// no more than the size limit for the format.
func Load(path string, opts Options) ([]Event, error) {
	f, ok := FormatOf(path)
	file, err := Open(path, f, opts.Limits)
	if err == nil && !ok {
		file.Close()
		return nil, unknownExtension(path)
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return Read(path, f, file, opts)
}

func unknownExtension(name string) error {
	return &diag.Error{Pos: diag.Position{File: name, Line: 1, Column: 1}, Msg: "unknown history file extension: use .yaml, .yml, .json, .jsonl, .ndjson or .csv"}
}

// limitFor is the size limit of a format: MaxBytes for YAML, which is
// held in memory as a node tree, MaxHistoryBytes for the others.
func limitFor(f Format, lim yamlx.Limits) yamlx.Limits {
	if f == YAML {
		return lim
	}
	return lim.ForHistory()
}

// Open opens a history file for reading. It refuses at once anything but
// a regular file (a directory, a named pipe, a device, a socket: opening a
// pipe would wait for a writer, and a device such as /dev/zero never ends)
// and a file over the format's size limit; the path is checked before it
// is opened, and the open file again (yamlx.OpenRegular). The File reads no
// more than the size the file had when it was opened, so a history still
// being appended to is read as it stood and the read ends.
func Open(path string, f Format, lim Limits) (*File, error) {
	file, size, err := yamlx.OpenRegular(path, limitFor(f, lim.yamlx()))
	if err != nil {
		return nil, err
	}
	return &File{file: file, r: io.LimitedReader{R: file, N: size}, size: size}, nil
}

// File is a history file opened by Open. It reads at most the size the
// file had when it was opened: bytes appended later are not read.
type File struct {
	file *os.File
	r    io.LimitedReader
	size int64
}

// Read reads from the file, ending (io.EOF) at the size seen at open.
func (f *File) Read(p []byte) (int, error) { return f.r.Read(p) }

// Close closes the file.
func (f *File) Close() error { return f.file.Close() }

// ReadAt reads from offset off, as far as the size seen at open.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	return io.NewSectionReader(f.file, 0, f.size).ReadAt(p, off)
}

// Stat describes the file as it is now (it may have grown since Open).
func (f *File) Stat() (os.FileInfo, error) { return f.file.Stat() }

// Size is the size of the file when it was opened: the most Read returns.
func (f *File) Size() int64 { return f.size }

// Read reads a whole history in format f from r; name is used in
// positions. JSON and JSON Lines are collected from a Reader; YAML and CSV
// are read whole, up to the size limit, and parsed.
func Read(name string, f Format, r io.Reader, opts Options) ([]Event, error) {
	switch f {
	case JSON, JSONL:
		opts.ReadsAttributes = nil // the events are returned whole
		rd, _ := NewFormatReader(name, f, r, opts)
		return collect(rd)
	}
	lim := limitFor(f, opts.Limits.yamlx())
	data, err := io.ReadAll(io.LimitReader(r, int64(lim.Bytes())+1))
	if err != nil {
		return nil, err
	}
	return parse(name, f, data, opts)
}

// collect reads every event of rd into memory, gathering every problem.
func collect(rd *Reader) ([]Event, error) {
	var chunks eventChunks
	var shared sharedStrings
	errs := capped.List{File: rd.name}
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var list diag.List
			if !errors.As(err, &list) {
				return nil, err
			}
			errs.Append(list)
			continue
		}
		if errs.Len() == 0 {
			chunks.add(shared.clone(ev))
		}
	}
	if err := errs.Problems().Err(); err != nil {
		return nil, err
	}
	events := chunks.join()
	if err := Validate(events); err != nil {
		return nil, err
	}
	return events, nil
}

// eventChunks gathers events in chunks of a fixed size, joined once at
// the end into a slice of exactly their number. Appending to one slice,
// which grows by a quarter at a time when large, copied each event about
// four times over and left up to a quarter of the slice unused: a
// quarter of Load's time, and up to 32 bytes an event held.
type eventChunks struct {
	full []([]Event)
	last []Event
	n    int
}

const eventChunk = 4096

func (c *eventChunks) add(ev Event) {
	if len(c.last) == cap(c.last) {
		if c.last != nil {
			c.full = append(c.full, c.last)
		}
		c.last = make([]Event, 0, eventChunk)
	}
	c.last = append(c.last, ev)
	c.n++
}

// join returns the events in order; nil when there are none.
func (c *eventChunks) join() []Event {
	if c.n == 0 {
		return nil
	}
	if len(c.full) == 0 {
		return c.last[:len(c.last):len(c.last)]
	}
	events := make([]Event, 0, c.n)
	for _, chunk := range c.full {
		events = append(events, chunk...)
	}
	return append(events, c.last...)
}

// Clone returns a copy of ev that shares nothing a Reader reuses.
func (ev *Event) Clone() Event {
	c := *ev
	c.Attrs = make(map[string]any, len(ev.Attrs))
	for k, v := range ev.Attrs {
		c.Attrs[k] = v
	}
	return c
}

// sharedStrings lets the events of a history held in memory share their
// string attribute values: the same child, worker or outcome recurs on
// thousands of events, and each copy was two objects (the string and
// the box that holds it in the map), about 24 bytes, for the collector to
// mark on every cycle while the history is held. Only short strings are
// shared, up to maxShared of them, so that a history of unique notes
// does not make a table as large as itself; other values are kept as
// read. Strings cannot change, so sharing them is invisible to callers.
type sharedStrings struct {
	values map[string]any
}

const (
	maxShared    = 1 << 16
	maxSharedLen = 64
)

// clone is ev.Clone with string attribute values shared.
func (s *sharedStrings) clone(ev *Event) Event {
	c := *ev
	c.Attrs = make(map[string]any, len(ev.Attrs))
	for k, v := range ev.Attrs {
		if str, ok := v.(string); ok && len(str) <= maxSharedLen {
			v = s.share(str, v)
		}
		c.Attrs[k] = v
	}
	return c
}

// share returns the value held for str, or keeps v (which holds str) as
// it while there is room.
func (s *sharedStrings) share(str string, v any) any {
	if w, ok := s.values[str]; ok {
		return w
	}
	if s.values == nil {
		s.values = map[string]any{}
	}
	if len(s.values) < maxShared {
		s.values[str] = v
	}
	return v
}

// Parse reads a history from data; name gives the format (by extension) and
// is used in error positions.
func Parse(name string, data []byte, opts Options) ([]Event, error) {
	f, ok := FormatOf(name)
	if !ok {
		return nil, unknownExtension(name)
	}
	return parse(name, f, data, opts)
}

func parse(name string, f Format, data []byte, opts Options) ([]Event, error) {
	switch f {
	case JSON:
		return ParseJSON(name, data, opts)
	case JSONL:
		return ParseJSONL(name, data, opts)
	case CSV:
		return ParseCSV(name, data, opts)
	}
	return ParseYAML(name, data, opts)
}

// ParseYAML reads a YAML history: a list of events, or a mapping whose
// "events" key holds one.
func ParseYAML(name string, data []byte, opts Options) ([]Event, error) {
	// The document may nest as deep as its attributes may, plus the
	// envelope: {events: [ {key: value} ]} is four levels.
	lim := opts.Limits.yamlx()
	lim.MaxDepth = lim.Depth() + yamlEnvelope
	doc := yamlx.Parse(name, data, lim)
	if doc.Root == nil {
		return nil, doc.Errs.Err()
	}
	list := doc.Root
	if list.Kind == yaml.MappingNode {
		m := doc.Map(list, "", "events")
		if m == nil {
			return nil, doc.Errs.Err()
		}
		list = m.Require("events", "the list of events")
		if list == nil {
			return nil, doc.Errs.Err()
		}
	}
	return fromYAML(doc, list, "events", opts)
}

// yamlEnvelope is how many more levels the YAML parser counts than the
// attribute depth limit: the mapping holding events, its list, the
// event's mapping, the scalar at the bottom (YAML counts it, JSON does
// not), and one more, so that the attribute check below words the
// problem as the JSON readers do.
const yamlEnvelope = 5

// fromYAML reads a list node of events from a parsed document; other
// loaders (scenarios) use it for inline histories, through
// internal/hooks. Problems go to doc.Errs and are also returned.
func fromYAML(doc *yamlx.Doc, list *yaml.Node, path string, opts Options) ([]Event, error) {
	items, ok := doc.Seq(list, path, "events")
	if !ok {
		return nil, doc.Errs.Err()
	}
	events := make([]Event, 0, len(items))
	for i, item := range items {
		p := yamlx.Index(path, i)
		m := doc.Map(item, p)
		if m == nil {
			continue
		}
		ev := Event{Pos: doc.Pos(m.Node), Attrs: map[string]any{}}
		ev.ID, _ = m.String("id", true, "the event's id, unique in the history")
		ev.Type, _ = m.String("type", true, "the event's type, such as report or board-meeting")
		if at, n := m.String("at", true, "a date (2018-04-20) or an RFC 3339 time"); n != nil {
			t, dateOnly, through, err := ParseAt(at, opts.loc())
			if err != nil {
				doc.Errorf(n, yamlx.Join(p, "at"), "%v", err)
			}
			ev.At, ev.DateOnly, ev.Through = t, dateOnly, through
		}
		good := true
		for _, k := range m.Keys() {
			if k == "id" || k == "type" || k == "at" {
				continue
			}
			v, ok := doc.Native(m.Value(k), yamlx.Join(p, k))
			if ok && depth(v) > opts.Limits.yamlx().Depth() {
				doc.Errorf(m.Value(k), yamlx.Join(p, k), "%s", tooDeep(opts.Limits.yamlx().Depth()))
				ok = false
			}
			good = good && ok
			ev.Attrs[k] = v
		}
		if voc := opts.vocabulary(); good && voc != nil {
			good = voc.CheckEvent(&ev, p, func(key string) diag.Position {
				if k := m.Key(key); k != nil {
					return doc.Pos(k)
				}
				return ev.Pos
			}, &doc.Errs)
		}
		if good {
			events = append(events, ev)
		}
	}
	if err := doc.Errs.Err(); err != nil {
		return nil, err
	}
	if err := Validate(events); err != nil {
		return nil, err
	}
	return events, nil
}

// ParseJSON reads a JSON history: an array of event objects, or an object
// whose "events" member holds one. It reads data through NewJSONReader.
func ParseJSON(name string, data []byte, opts Options) ([]Event, error) {
	if big := yamlx.CheckSize(name, len(data), opts.Limits.yamlx().ForHistory()); big != nil {
		return nil, diag.List{big}
	}
	return collect(NewJSONReader(name, bytes.NewReader(data), opts))
}

// ParseJSONL reads JSON Lines, one event object per line (blank lines are
// allowed), through NewReader. A file with no events is an empty history.
func ParseJSONL(name string, data []byte, opts Options) ([]Event, error) {
	if big := yamlx.CheckSize(name, len(data), opts.Limits.yamlx().ForHistory()); big != nil {
		return nil, diag.List{big}
	}
	return collect(NewReader(name, bytes.NewReader(data), opts))
}

// depth counts how deeply lists and mappings nest in an attribute value:
// 0 for a scalar, 1 for a list of scalars. Every reader holds attribute
// values to Limits.MaxDepth by this count.
func depth(v any) int {
	d := 0
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d = max(d, depth(e))
		}
	case map[string]any:
		for _, e := range x {
			d = max(d, depth(e))
		}
	default:
		return 0
	}
	return d + 1
}

// tooDeep is the problem of an attribute value over the depth limit.
func tooDeep(limit int) string {
	return fmt.Sprintf("the value nests more than %d levels deep (%s to read it)", limit, yamlx.RaiseLimit("Limits.MaxDepth"))
}

// describe names a value in a message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", x)
	case int64, float64:
		return fmt.Sprintf("the number %v", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}
