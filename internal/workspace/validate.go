package workspace

import (
	"errors"
	"fmt"
	"io"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/capped"
)

// Validate reports what Load reports about paths, with the same messages,
// without holding the events of JSON and JSON Lines histories in memory:
// they are streamed through event.Reader, counted (Workspace.Streamed)
// and their ids fingerprinted (event.IDPrints, 8 bytes an event); a
// fingerprint seen more than once is settled by reading the ids again, so
// a shared fingerprint never becomes an error. Events holds only the YAML,
// CSV and standard-input events, which are read whole anyway.
//
// The messages are Load's because the rules are: each streamed file's
// problems as event.Read gives them (every problem of the file; or its
// one I/O error), then, for a file without problems, its repeated ids
// numbered within the file; and only when no file has any problem, the
// ids repeated across files, numbered in the order Load reads the events
// (TestValidateAgreesWithLoad).
func Validate(paths []string, opts direction.Options) (*Workspace, error) {
	ws, _, err := load(paths, opts, streamable)
	if ws == nil {
		return nil, err // the paths could not be read at all
	}
	var errs diag.List
	if err != nil && !errors.As(err, &errs) {
		return nil, err
	}
	eopts := ws.EventOptions(opts.Limits)
	prints := event.NewIDPrints()
	bad := map[string]bool{} // streamed files with problems
	loaded := ws.Events
	for _, h := range ws.histories {
		if !h.deferred {
			for i := range h.events {
				prints.Add(loaded[i].ID)
			}
			loaded = loaded[h.events:]
			continue
		}
		problems := eachEvent(h.path, eopts, func(ev *event.Event) {
			ws.Streamed++
			prints.Add(ev.ID)
		})
		if len(problems) > 0 {
			bad[h.path] = true
			errs = append(errs, problems...)
		}
	}
	if repeated := prints.Repeated(); len(repeated) > 0 {
		errs = append(errs, ws.repeatedIDs(eopts, prints, repeated, bad, len(errs) == 0)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return ws, nil
}

// streamable reports the histories Validate streams.
func streamable(path string) bool {
	f, _ := event.FormatOf(path)
	return f == event.JSON || f == event.JSONL
}

// eachEvent reads a history as event.Read does and hands each good event
// to fn; it returns the problems event.Read would report (after an error
// that is not a problem with the input, only that error).
func eachEvent(path string, opts event.Options, fn func(*event.Event)) diag.List {
	var errs diag.List
	f, _ := event.FormatOf(path)
	file, err := event.Open(path, f, opts.Limits)
	if err != nil {
		errs.Append(diag.Position{File: path}, err)
		return errs
	}
	defer file.Close()
	rd, _ := event.NewFormatReader(path, f, watch(path, file.Size(), file), opts)
	problems := capped.List{File: path}
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return problems.Problems()
		}
		var list diag.List
		switch {
		case errors.As(err, &list):
			problems.Append(list)
		case err != nil:
			errs.Append(diag.Position{File: path}, err)
			return errs
		default:
			fn(ev)
		}
	}
}

// occurrence is where an id whose fingerprint repeats was read: its
// position, its index in its file and in the whole workspace.
type occurrence struct {
	pos           diag.Position
	file          string
	local, global int
}

// repeatedIDs reads the ids whose fingerprints repeat again, in load
// order, and words the repeats as event.Validate does: within each
// streamed file without problems, and, when across is set (no file has a
// problem), across the whole workspace.
func (ws *Workspace) repeatedIDs(opts event.Options, prints *event.IDPrints, repeated map[uint64]bool, bad map[string]bool, across bool) diag.List {
	where := map[string][]occurrence{}
	var order []string // ids in order of first occurrence
	note := func(ev *event.Event, file string, local, global int) {
		if !repeated[prints.Print(ev.ID)] {
			return
		}
		if _, ok := where[ev.ID]; !ok {
			order = append(order, ev.ID)
		}
		where[ev.ID] = append(where[ev.ID], occurrence{ev.Pos, file, local, global})
	}
	global := 0
	loaded := ws.Events
	for _, h := range ws.histories {
		if !h.deferred {
			for i := range h.events {
				note(&loaded[i], h.path, i, global)
				global++
			}
			loaded = loaded[h.events:]
			continue
		}
		if bad[h.path] {
			continue // its problems are reported instead, and nothing across files
		}
		local := 0
		eachEvent(h.path, opts, func(ev *event.Event) {
			note(ev, h.path, local, global)
			local++
			global++
		})
	}
	var errs diag.List
	dup := func(o, first occurrence, index int, id string) {
		errs.Add(o.pos, fmt.Sprintf("events[%d]", index), "duplicate event id %q (also at %s)", id, first.pos)
	}
	for _, id := range order {
		firstIn := map[string]occurrence{}
		for _, o := range where[id] {
			first, seen := firstIn[o.file]
			if !seen {
				firstIn[o.file] = o
				continue
			}
			if ws.isDeferred(o.file) {
				dup(o, first, o.local, id) // YAML and CSV files were checked by load
			}
		}
	}
	if len(errs) > 0 || !across {
		return errs
	}
	for _, id := range order {
		occ := where[id]
		for _, o := range occ[1:] {
			dup(o, occ[0], o.global, id)
		}
	}
	return errs
}

func (ws *Workspace) isDeferred(path string) bool {
	for _, h := range ws.histories {
		if h.path == path {
			return h.deferred
		}
	}
	return false
}
