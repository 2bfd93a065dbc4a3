package main

import (
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"slices"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
)

// streamCouncil evaluates a council whose histories are JSON or JSON
// Lines by streaming them through evaluator.Stream, one event at a time,
// instead of loading them: a national check then holds one council's
// findings and open instances and 8 bytes an event for the id check, not
// its ten years of events. It gives exactly what workspace.Load and
// evaluator.Evaluate give, or reports ok false, and the caller loads
// instead, for anything loading would treat differently or word as an
// error: a YAML or CSV history beside them, a bad event, events out of
// time order (Evaluate sorts them: the one case where check needs the
// history in memory), a repeated id, an expression failing on an event.
// Standard input is loaded, since it cannot be read twice. Findings are
// put in Evaluate's order (direction, obligation, instance); each file's
// SHA-256 is computed as it is read, on another goroutine
// (workspace.HashingReader).
func streamCouncil(ctx context.Context, c workspace.Council, asOf string, lopts direction.Options, progress *progress) (r councilResult, ok bool) {
	if slices.Contains(c.Paths, workspace.Stdin) {
		return r, false
	}
	ws, histories, err := workspace.LoadDeferred(c.Paths, lopts, streamable)
	if err != nil || len(histories) == 0 || len(ws.Events) > 0 {
		return r, false
	}
	set, err := ws.Set()
	if err != nil || len(set.Directions) == 0 {
		return r, false
	}
	at, err := parseAsOf(asOf, ws.Location)
	if err != nil {
		return r, false
	}
	opts := event.Options{Location: ws.Location, Limits: lopts.Limits, Vocabulary: direction.VocabularyOf(ws.Directions...), ReadsAttributes: evaluator.ReadsAttributes(set)}
	src := &councilSource{files: histories, opts: opts, ids: event.NewIDPrints(), digests: map[string]string{}, progress: progress}
	defer src.close()
	var findings []evaluator.Finding
	res, err := evaluator.StreamContext(ctx, set, src.next, evaluator.Options{AsOf: at}, func(f evaluator.Finding) { findings = append(findings, f) })
	if err != nil {
		return r, false
	}
	if repeated := src.ids.Repeated(); len(repeated) > 0 && !distinctIDs(histories, opts, src.ids, repeated) {
		return r, false // a real repeated id: loading words it with both positions
	}
	for i := range ws.Files {
		if d, read := src.digests[ws.Files[i].Path]; read {
			ws.Files[i].SHA256 = d
		}
	}
	// Evaluate's order: by direction, then obligation, then instance.
	type pos struct{ dir, obl int }
	order := map[[2]string]pos{}
	for i, d := range set.Directions {
		for j, o := range d.Obligations {
			order[[2]string{d.ID, o.ID}] = pos{i, j}
		}
	}
	slices.SortStableFunc(findings, func(a, b evaluator.Finding) int {
		pa, pb := order[[2]string{a.Direction, a.Obligation}], order[[2]string{b.Direction, b.Obligation}]
		return cmp.Or(cmp.Compare(pa.dir, pb.dir), cmp.Compare(pa.obl, pb.obl), cmp.Compare(a.Instance, b.Instance))
	})
	res.Findings = append(make([]evaluator.Finding, 0, len(findings)), findings...)
	r = councilResult{Council: c, WS: ws, Set: set, Res: res}
	r.Row = councilRow(c, ws, res)
	return r, true
}

// streamable reports the histories check streams: JSON and JSON Lines,
// which event.Reader reads an event at a time.
func streamable(path string) bool {
	f, _ := event.FormatOf(path)
	return f == event.JSON || f == event.JSONL
}

// distinctIDs settles the fingerprints seen more than once by reading the
// histories again and comparing the ids that have them: true when every
// candidate was two different ids sharing a fingerprint.
func distinctIDs(files []string, opts event.Options, prints *event.IDPrints, repeated map[uint64]bool) bool {
	seen := map[string]bool{}
	for _, name := range files {
		f, _ := event.FormatOf(name)
		file, err := event.Open(name, f, opts.Limits)
		if err != nil {
			return false
		}
		rd, _ := event.NewFormatReader(name, f, file, opts)
		for {
			ev, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				file.Close()
				return false
			}
			if repeated[prints.Print(ev.ID)] {
				if seen[ev.ID] {
					file.Close()
					return false
				}
				seen[ev.ID] = true
			}
		}
		file.Close()
	}
	return true
}

// errNotStreamable stops a stream that the loading path must handle.
var errNotStreamable = errors.New("not streamable")

// councilSource reads a council's histories one after another, hashing
// each as it goes and fingerprinting ids.
type councilSource struct {
	files    []string
	opts     event.Options
	f        *os.File
	h        *workspace.HashingReader
	r        *event.Reader
	ids      *event.IDPrints
	digests  map[string]string
	progress *progress
}

func (s *councilSource) next() (*event.Event, error) {
	for {
		if s.r == nil {
			if len(s.files) == 0 {
				return nil, io.EOF
			}
			f, _ := event.FormatOf(s.files[0])
			file, err := event.Open(s.files[0], f, s.opts.Limits)
			if err != nil {
				return nil, errNotStreamable
			}
			s.f, s.h = file, workspace.NewHashingReader(file)
			s.r, _ = event.NewFormatReader(s.files[0], f, s.h, s.opts)
			if info, err := file.Stat(); err == nil {
				s.progress.file(s.files[0], info.Size())
			}
		}
		ev, err := s.r.Next()
		if errors.Is(err, io.EOF) {
			s.digests[s.files[0]] = s.h.Sum()
			s.close()
			s.files = s.files[1:]
			continue
		}
		if err != nil {
			return nil, errNotStreamable
		}
		s.ids.Add(ev.ID)
		s.progress.event(s.r.Offset())
		return ev, nil
	}
}

func (s *councilSource) close() {
	if s.f != nil {
		s.h.Close() // stops its hasher
		s.f.Close()
		s.f, s.r, s.h = nil, nil, nil
	}
}
