package event

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// CSV is the format of comma-separated histories (.csv).
const CSV Format = "csv"

// Compiled on first use, not at start-up, which every command pays.
var (
	csvIntRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`) })
	csvFloatRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?(0|[1-9][0-9]*)\.[0-9]+$`) })
)

// ParseCSV reads a CSV history: a header row naming the columns, then one
// event per row. The id, type and at columns are required, in any order;
// every other column is an attribute. A cell is trimmed of surrounding
// spaces; an empty cell means the event lacks that attribute. Cells holding
// exactly true, false, an integer (-?digits, no leading zero) or a decimal
// (the same with a fraction) become a bool, an int64 or a float64 (by the
// number rule of yamlx.Float), unless opts.Vocabulary declares the
// attribute a string or a date; everything else, dates and YAML's other
// number forms (1e2, 0x10, 012, +1) included, stays a string. Lines starting with # are comments.
// A header row alone is a history with no events. Problems are reported at
// file:line:col of the cell.
func ParseCSV(name string, data []byte, opts Options) ([]Event, error) {
	if big := yamlx.CheckSize(name, len(data), opts.Limits.yamlx().ForHistory()); big != nil {
		return nil, diag.List{big}
	}
	data, bad := yamlx.CheckText(name, data)
	if bad != nil {
		return nil, diag.List{bad}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // counted below, to say which row and by how much
	r.Comment = '#'
	r.ReuseRecord = true
	var errs diag.List
	at := func(line, col int) diag.Position { return diag.Position{File: name, Line: line, Column: col} }

	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			errs.Add(at(1, 1), "", "file is empty: a CSV history starts with a header row such as id,type,at,from,to,kind")
		} else {
			errs = append(errs, csvError(name, err))
		}
		return nil, errs.Err()
	}
	cols := make([]string, len(header))
	index := map[string]int{}
	headerLine, _ := r.FieldPos(0)
	for i, h := range header {
		h = strings.TrimSpace(h)
		cols[i] = h
		line, col := r.FieldPos(i)
		switch prev, dup := index[h]; {
		case h == "":
			errs.Add(at(line, col), "header", "column %d has no name: name every column in the header row", i+1)
		case dup:
			errs.Add(at(line, col), "header", "duplicate column %q (also column %d)", h, prev+1)
		default:
			index[h] = i
		}
	}
	for _, req := range reserved {
		if _, ok := index[req]; !ok {
			errs.Add(at(headerLine, 1), "header", "missing column %q: the header row needs id, type and at, then one column per attribute%s",
				req, yamlx.Suggest(req, cols))
		}
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}

	var events []Event
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A quoting error leaves the reader unsure where rows start:
			// report it and stop rather than guess.
			errs = append(errs, csvError(name, err))
			break
		}
		line, _ := r.FieldPos(0)
		path := "line " + strconv.Itoa(line)
		if len(rec) != len(cols) {
			last, col := r.FieldPos(len(rec) - 1)
			errs.Add(at(last, col), path, "row has %d cells but the header has %d columns (%s)", len(rec), len(cols), strings.Join(cols, ","))
			continue
		}
		ev := Event{Pos: at(line, 1), Attrs: map[string]any{}}
		good := true
		cellPos := make(map[string]diag.Position, len(rec))
		for i, cell := range rec {
			cell = strings.TrimSpace(cell)
			col := cols[i]
			cl, cc := r.FieldPos(i)
			cellPos[col] = at(cl, cc)
			switch col {
			case "id", "type", "at":
				if cell == "" {
					errs.Add(at(cl, cc), path+"."+col, "empty %s: %s", col, map[string]string{
						"id":   "every event needs an id, unique in the history",
						"type": "every event needs a type, such as report or board-meeting",
						"at":   "every event needs a date (2018-04-20) or an RFC 3339 time",
					}[col])
					good = false
					continue
				}
			}
			switch col {
			case "id":
				ev.ID = cell
			case "type":
				ev.Type = cell
			case "at":
				t, dateOnly, through, err := ParseAt(cell, opts.loc())
				if err != nil {
					errs.Add(at(cl, cc), path+".at", "%v", err)
					good = false
				}
				ev.At, ev.DateOnly, ev.Through = t, dateOnly, through
			default:
				if cell != "" {
					ev.Attrs[col] = cell
				}
			}
		}
		for k, v := range ev.Attrs {
			nv, err := csvValue(v.(string), opts.vocabulary(), ev.Type, k)
			if err != nil {
				errs.Add(cellPos[k], path+"."+k, "%v", err)
				good = false
			}
			ev.Attrs[k] = nv
		}
		if voc := opts.vocabulary(); good && voc != nil {
			good = voc.CheckEvent(&ev, path, func(key string) diag.Position {
				if p, ok := cellPos[key]; ok {
					return p
				}
				return ev.Pos
			}, &errs)
		}
		if good {
			events = append(events, ev)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := Validate(events); err != nil {
		return nil, err
	}
	return events, nil
}

// csvValue types a cell by its exact text (see ParseCSV); an attribute
// the vocabulary declares a string or a date stays a string ("2018" as a
// meeting id).
// A whole number too big for 64 bits is refused, as in YAML and JSON,
// rather than kept as text or rounded.
func csvValue(s string, v *Vocabulary, typ, attr string) (any, error) {
	if v != nil {
		if want, ok := v.Types[typ][attr]; ok && (want == String || want == Date) {
			return s, nil
		}
	}
	switch {
	case s == "true":
		return true, nil
	case s == "false":
		return false, nil
	case csvIntRE().MatchString(s):
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("the whole number %s does not fit in 64 bits; declare the attribute a string in the vocabulary to keep it as text", s)
		}
		return i, nil
	case csvFloatRE().MatchString(s):
		f, err := yamlx.Float(s)
		if err != nil {
			return nil, fmt.Errorf("%v; declare the attribute a string in the vocabulary to keep it as text", err)
		}
		return f, nil
	}
	return s, nil
}

// csvError places an encoding/csv error.
func csvError(name string, err error) *diag.Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = `a " inside an unquoted cell: quote the whole cell and double the quote ("a ""b"" c")`
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = `a quoted cell is not closed, or has text after its closing quote`
		}
		return &diag.Error{Pos: diag.Position{File: name, Line: pe.Line, Column: pe.Column}, Msg: "not valid CSV: " + msg}
	}
	return &diag.Error{Pos: diag.Position{File: name, Line: 1, Column: 1}, Msg: err.Error()}
}
