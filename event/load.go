package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// Options control how histories are read. The zero value reads bare dates
// in Europe/London with the default size limits.
type Options struct {
	// Location resolves events given as bare dates. Nil means London.
	Location *time.Location
	// Limits bound the input: MaxBytes applies to every format, MaxDepth
	// and MaxNodes to YAML (and MaxDepth to JSON attribute values). The
	// zero value means the yamlx defaults.
	Limits yamlx.Limits
	// Vocabulary, when set, is the list of event types and attributes a
	// history may use; anything else is an error at its position.
	Vocabulary *Vocabulary
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return London
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
// only regular files and no more than the size limit for the format
// (Limits.MaxBytes for YAML, Limits.MaxHistoryBytes for the others), so
// that a path to a device or a pipe can neither hang nor flood it.
func Load(path string, opts Options) ([]Event, error) {
	lim := opts.Limits
	if f, _ := FormatOf(path); f != YAML {
		lim = lim.ForHistory()
	}
	data, err := yamlx.ReadFile(path, lim)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, opts)
}

// Parse reads a history from data; name gives the format (by extension) and
// is used in error positions.
func Parse(name string, data []byte, opts Options) ([]Event, error) {
	f, ok := FormatOf(name)
	if !ok {
		return nil, &diag.Error{Pos: diag.Position{File: name, Line: 1, Column: 1}, Msg: "unknown history file extension: use .yaml, .yml, .json, .jsonl, .ndjson or .csv"}
	}
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
	doc := yamlx.Parse(name, data, opts.Limits)
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
	return FromYAML(doc, list, "events", opts)
}

// FromYAML reads a list node of events from a parsed document; other
// loaders (scenarios) use it for inline histories. Problems go to doc.Errs
// and are also returned.
func FromYAML(doc *yamlx.Doc, list *yaml.Node, path string, opts Options) ([]Event, error) {
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
			t, dateOnly, err := ParseTime(at, opts.loc())
			if err != nil {
				doc.Errorf(n, yamlx.Join(p, "at"), "%v", err)
			}
			ev.At, ev.DateOnly = t, dateOnly
		}
		good := true
		for _, k := range m.Keys() {
			if k == "id" || k == "type" || k == "at" {
				continue
			}
			v, ok := doc.Native(m.Value(k), yamlx.Join(p, k))
			good = good && ok
			ev.Attrs[k] = v
		}
		if good && opts.Vocabulary != nil {
			good = opts.Vocabulary.CheckEvent(&ev, p, func(key string) diag.Position {
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

// lineIndex maps byte offsets to 1-based line and column.
type lineIndex struct {
	file   string
	starts []int
}

func newLineIndex(file string, data []byte) *lineIndex {
	li := &lineIndex{file: file, starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) pos(off int64) diag.Position {
	i := sort.Search(len(li.starts), func(i int) bool { return int64(li.starts[i]) > off }) - 1
	if i < 0 {
		i = 0
	}
	return diag.Position{File: li.file, Line: i + 1, Column: int(off) - li.starts[i] + 1}
}

// ParseJSON reads a JSON history: an array of event objects, or an object
// whose "events" member holds one.
func ParseJSON(name string, data []byte, opts Options) ([]Event, error) {
	if big := yamlx.CheckSize(name, len(data), opts.Limits.ForHistory()); big != nil {
		return nil, diag.List{big}
	}
	data, bad := yamlx.CheckText(name, data)
	if bad != nil {
		return nil, diag.List{bad}
	}
	li := newLineIndex(name, data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, diag.List{{Pos: li.pos(0), Msg: "file is empty"}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var errs diag.List
	fail := func(err error, off int64) ([]Event, error) {
		errs = append(errs, jsonError(li, err, off).Error)
		return nil, errs.Err()
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err, dec.InputOffset())
	}
	wrapped := tok == json.Delim('{')
	if wrapped {
		// {"events": [...]}
		key, err := dec.Token()
		if err != nil {
			return fail(err, dec.InputOffset())
		}
		if key != "events" {
			return fail(fmt.Errorf("expected the member \"events\" holding the list of events, found %v", key), dec.InputOffset())
		}
		if tok, err = dec.Token(); err != nil {
			return fail(err, dec.InputOffset())
		}
	}
	if tok != json.Delim('[') {
		return fail(fmt.Errorf("expected a list of events ([...]), found %s", describe(tok)), dec.InputOffset())
	}
	var events []Event
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			return fail(err, start)
		}
		// InputOffset is just past the previous token; step over the comma
		// and blank space so the position is the object's brace.
		for int(start) < len(data) && (data[start] == ',' || data[start] == ' ' || data[start] == '\n' || data[start] == '\r' || data[start] == '\t') {
			start++
		}
		if ev, ok := fromMap(raw, li.pos(start), fmt.Sprintf("events[%d]", i), opts, &errs); ok {
			events = append(events, ev)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(err, dec.InputOffset())
	}
	if wrapped {
		// Nothing may follow the events list: a second member would be
		// silently ignored otherwise.
		off := dec.InputOffset()
		if tok, err := dec.Token(); err != nil {
			return fail(err, off)
		} else if tok != json.Delim('}') {
			return fail(fmt.Errorf("unexpected member %v after \"events\": the object holds only the events list", tok), off)
		}
	}
	if off := dec.InputOffset(); dec.More() {
		return fail(fmt.Errorf("unexpected data after the list of events: a file holds one JSON value"), off)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := Validate(events); err != nil {
		return nil, err
	}
	return events, nil
}

// ParseJSONL reads JSON Lines: one event object per line; blank lines are
// allowed.
func ParseJSONL(name string, data []byte, opts Options) ([]Event, error) {
	if big := yamlx.CheckSize(name, len(data), opts.Limits.ForHistory()); big != nil {
		return nil, diag.List{big}
	}
	data, bad := yamlx.CheckText(name, data)
	if bad != nil {
		return nil, diag.List{bad}
	}
	var errs diag.List
	var events []Event
	for lineNo, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		pos := diag.Position{File: name, Line: lineNo + 1, Column: 1}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			e := jsonError(&lineIndex{file: name, starts: []int{0}}, err, 0).at(lineNo + 1)
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				e.Msg = "not valid JSON: the line ends before its object does (JSON Lines holds one whole object per line)"
			}
			errs = append(errs, e)
			continue
		}
		if dec.More() {
			errs.Add(pos, "", "a line holds one JSON object; found more after it")
			continue
		}
		if ev, ok := fromMap(raw, pos, fmt.Sprintf("line %d", lineNo+1), opts, &errs); ok {
			events = append(events, ev)
		}
	}
	if len(events) == 0 && len(errs) == 0 {
		errs.Add(diag.Position{File: name, Line: 1, Column: 1}, "", "file is empty")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := Validate(events); err != nil {
		return nil, err
	}
	return events, nil
}

type posError struct{ *diag.Error }

func (p posError) at(line int) *diag.Error {
	p.Pos.Line = line
	return p.Error
}

func jsonError(li *lineIndex, err error, fallback int64) posError {
	off := fallback
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1
		msg = "not valid JSON: " + se.Error()
		if strings.Contains(msg, "after object key:value pair") || strings.Contains(msg, "after array element") {
			msg += " (is a comma missing?)"
		}
	case errors.As(err, &te):
		off = te.Offset - 1
		msg = fmt.Sprintf("expected an event object, found a JSON %s", te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off = int64(len(li.starts))
		msg = "not valid JSON: the file ends too early (an unclosed [ or {?)"
		p := li.pos(fallback)
		return posError{&diag.Error{Pos: p, Msg: msg}}
	}
	if off < 0 {
		off = 0
	}
	return posError{&diag.Error{Pos: li.pos(off), Msg: msg}}
}

// fromMap builds an event from a decoded JSON object.
func fromMap(raw map[string]any, pos diag.Position, path string, opts Options, errs *diag.List) (Event, bool) {
	ev := Event{Pos: pos, Attrs: make(map[string]any, len(raw))}
	ok := true
	str := func(key, what string) string {
		v, present := raw[key]
		if !present {
			errs.Add(pos, yamlx.Join(path, key), "missing required key %q: %s", key, what)
			ok = false
			return ""
		}
		s, isStr := v.(string)
		if !isStr || strings.TrimSpace(s) == "" {
			errs.Add(pos, yamlx.Join(path, key), "%q must be a non-empty string: %s; found %s", key, what, describe(v))
			ok = false
		}
		return s
	}
	ev.ID = str("id", "the event's id, unique in the history")
	ev.Type = str("type", "the event's type, such as report or board-meeting")
	if at := str("at", "a date (2018-04-20) or an RFC 3339 time"); at != "" {
		t, dateOnly, err := ParseTime(at, opts.loc())
		if err != nil {
			errs.Add(pos, yamlx.Join(path, "at"), "%v", err)
			ok = false
		}
		ev.At, ev.DateOnly = t, dateOnly
	}
	for k, v := range raw {
		if k == "id" || k == "type" || k == "at" {
			continue
		}
		if d, limit := depth(v), opts.Limits.Depth(); d > limit {
			errs.Add(pos, yamlx.Join(path, k), "the value nests %d levels deep, over the limit of %d", d, limit)
			ok = false
			continue
		}
		nv, good := normalise(v)
		if !good {
			errs.Add(pos, yamlx.Join(path, k), "the number %v does not fit a 64-bit integer or float; quote it to keep it as text", v)
			ok = false
		}
		ev.Attrs[k] = nv
	}
	if ok && opts.Vocabulary != nil {
		ok = opts.Vocabulary.CheckEvent(&ev, path, func(string) diag.Position { return pos }, errs)
	}
	return ev, ok
}

// depth counts how deeply lists and objects nest in v.
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

// normalise turns json.Number into int64 or float64, recursively.
func normalise(v any) (any, bool) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		if !strings.ContainsAny(x.String(), ".eE") {
			return nil, false // a whole number too big for int64: never round it silently
		}
		f, err := x.Float64()
		return f, err == nil
	case []any:
		ok := true
		for i := range x {
			var good bool
			x[i], good = normalise(x[i])
			ok = ok && good
		}
		return x, ok
	case map[string]any:
		ok := true
		for k := range x {
			var good bool
			x[k], good = normalise(x[k])
			ok = ok && good
		}
		return x, ok
	}
	return v, true
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", x)
	case json.Number:
		return "the number " + x.String()
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
