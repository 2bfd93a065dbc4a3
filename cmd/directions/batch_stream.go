package main

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync/atomic"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/workspace"
)

// streamCouncil evaluates a council whose histories are JSON or JSON
// Lines by streaming them through evaluator.EvaluateStream, one event at
// a time, instead of loading them: a national check then holds one
// council's findings and open instances and 8 bytes an event for the id
// check, not its ten years of events. It gives exactly what
// workspace.Load and evaluator.Evaluate give, or reports ok false, and
// the caller loads instead (see councilStream for when).
func streamCouncil(ctx context.Context, c workspace.Council, asOf string, lopts direction.Options, progress *progress) (r councilResult, ok bool) {
	s, ok := openCouncilStream(c, lopts, progress)
	if !ok {
		return r, false
	}
	defer s.close()
	s.src.lineIDs = true // see councilSource.lineIDs
	at, err := parseAsOf(asOf, s.WS.Location)
	if err != nil {
		return r, false
	}
	var res *evaluator.Result
	err = s.inOrder(func(next func() (*event.Event, error)) (err error) {
		res, err = evaluator.EvaluateStream(ctx, s.Set, next, evaluator.Options{AsOf: at})
		return err
	})
	if changedHistory(err) {
		return councilResult{Council: c, Row: CouncilRow{Council: c.Name, Folder: c.Dir}, Err: err}, true
	}
	if err != nil || !s.finish() {
		return r, false
	}
	r = councilResult{Council: c, WS: s.WS, Set: s.Set, Res: res}
	r.Row = councilRow(c, s.WS, res)
	return r, true
}

// councilStream is a council opened for reading its histories an event at
// a time: its directions loaded, its JSON and JSON Lines histories (and
// standard input, spooled: stdin.go) read one after another through
// event.Reader, each file's SHA-256 computed as it is read on another
// goroutine (workspace.HashingReader), ids fingerprinted (8 bytes an
// event). check, schedule and explain read a council through one, and the
// one rule of when to load instead is here: openCouncilStream reports ok
// false, and finish false, for anything loading would treat differently
// or word as an error. That is a YAML or CSV history beside them (read
// whole by their own readers), no direction, a bad event, events out of
// time order (Evaluate sorts them), a date known only to a month or a
// range (Evaluate weighs every day), a repeated id, an expression failing
// on an event: the evaluator's streaming entries refuse the last four
// with an error, and the caller then loads. Loading gives the same
// findings for the rest, or the error with every position.
type councilStream struct {
	WS  *workspace.Workspace
	Set *direction.Set
	src *councilSource
}

// openCouncilStream loads c's directions and lists its histories to be
// streamed; ok false when the council must be loaded instead.
func openCouncilStream(c workspace.Council, lopts direction.Options, progress *progress) (*councilStream, bool) {
	if loadOnly || (slices.Contains(c.Paths, workspace.Stdin) && !stdinSpooled()) {
		// Standard input not spooled (useStdinSpool) could not be read
		// again to load it: it is loaded at once.
		return nil, false
	}
	ws, histories, err := workspace.LoadDeferred(c.Paths, lopts, streamable)
	if err != nil || len(histories) == 0 || len(ws.Events) > 0 {
		return nil, false
	}
	set, err := ws.Set()
	if err != nil || len(set.Directions) == 0 {
		return nil, false
	}
	opts := event.Options{Location: ws.Location, Limits: lopts.Limits, Vocabulary: direction.VocabularyOf(ws.Directions...), ReadsAttributes: evaluator.ReadsAttributes(set)}
	src := &councilSource{files: histories, all: histories, opts: opts, ids: event.NewIDPrints(), digests: map[string]string{}, progress: progress}
	return &councilStream{WS: ws, Set: set, src: src}, true
}

// next is the next event of the council's histories, io.EOF after the
// last; errNotStreamable for anything loading must word.
func (s *councilStream) next() (*event.Event, error) { return s.src.next() }

// finish is called once the histories are read to their end: false when
// an id repeats (loading words it with both positions). Otherwise it
// puts each file's digest in the workspace.
func (s *councilStream) finish() bool {
	src := s.src
	if repeated := src.ids.Repeated(); len(repeated) > 0 && !distinctIDs(src.all, src.opts, src.ids, repeated) {
		return false
	}
	for i := range s.WS.Files {
		if d, read := src.digests[s.WS.Files[i].Path]; read {
			s.WS.Files[i].SHA256 = d
		}
	}
	streamed.Add(1)
	return true
}

// loadOnly, set by tests, turns streaming off: every council is loaded,
// the path a streamed one is compared with. streamed counts the councils
// read to the end by streaming, for tests to see which path was taken.
var (
	loadOnly bool
	streamed atomic.Int64
)

func (s *councilStream) close() { s.src.close() }

// readable reads the histories to the end without evaluating them,
// reporting whether loading them would succeed: every event readable and
// ids unique (order and dates do not matter to loading). A command that
// must word a problem with its flags only once the files have loaded
// (as loading words theirs first) checks this instead of loading.
func (s *councilStream) readable() bool {
	for {
		_, err := s.next()
		if errors.Is(err, io.EOF) {
			return s.finish()
		}
		if err != nil {
			return false
		}
	}
}

// streamable reports the histories check streams: JSON and JSON Lines,
// which event.Reader reads an event at a time, and standard input.
func streamable(path string) bool {
	_, ok := historyFormat(path)
	return ok
}

// historyFormat is the format a streamed history is read in: by its
// extension, and for standard input JSON Lines.
func historyFormat(path string) (event.Format, bool) {
	if path == workspace.Stdin {
		return event.JSONL, true
	}
	f, _ := event.FormatOf(path)
	return f, f == event.JSON || f == event.JSONL
}

// openHistory opens a streamed history from its start: a file, or
// standard input read again from its first byte (rewound: stdin.go).
// Close the file returned, if any.
func openHistory(name string, lim event.Limits) (io.Reader, *event.File, error) {
	if name == workspace.Stdin {
		rewindStdin()
		return workspace.StdinReader, nil, nil
	}
	f, _ := historyFormat(name)
	file, err := event.Open(name, f, lim)
	if err != nil {
		return nil, nil, err
	}
	return file, file, nil
}

// distinctIDs settles the fingerprints seen more than once by reading the
// histories again and comparing the ids that have them: true when every
// candidate was two different ids sharing a fingerprint.
func distinctIDs(files []string, opts event.Options, prints *event.IDPrints, repeated map[uint64]bool) bool {
	seen := map[string]bool{}
	for _, name := range files {
		in, file, err := openHistory(name, opts.Limits)
		if err != nil {
			return false
		}
		f, _ := historyFormat(name)
		rd, _ := event.NewFormatReader(name, f, in, opts)
		for {
			ev, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				closeFile(file)
				return false
			}
			if repeated[prints.Print(ev.ID)] {
				if seen[ev.ID] {
					closeFile(file)
					return false
				}
				seen[ev.ID] = true
			}
		}
		closeFile(file)
	}
	return true
}

func closeFile(f *event.File) {
	if f != nil {
		f.Close()
	}
}

// errNotStreamable stops a stream that the loading path must handle.
var errNotStreamable = errors.New("not streamable")

// councilSource reads a council's histories one after another, hashing
// each as it goes and fingerprinting ids.
type councilSource struct {
	files    []string // still to read
	all      []string
	opts     event.Options
	f        *event.File
	h        *workspace.HashingReader
	r        *event.Reader
	ids      *event.IDPrints
	digests  map[string]string
	progress *progress
	ord      *orderedSource // the events in loading's order (batch_order.go)
	// lineIDs has the readers give skipped events ids that live only
	// until the next event is read (hooks.LineIDs), sparing a string an
	// event: set by check, which only fingerprints ids here and hands the
	// events to evaluator.EvaluateStream, which keeps none of a skipped
	// event's (it holds a copy of the last id). Not for a consumer that
	// may keep events (explain).
	lineIDs bool
}

func (s *councilSource) next() (*event.Event, error) {
	if s.ord != nil {
		return s.ord.next()
	}
	for {
		if s.r == nil {
			if len(s.files) == 0 {
				return nil, io.EOF
			}
			in, file, err := openHistory(s.files[0], s.opts.Limits)
			if err != nil {
				return nil, errNotStreamable
			}
			f, _ := historyFormat(s.files[0])
			s.f, s.h = file, workspace.NewHashingReader(in)
			s.r, _ = event.NewFormatReader(s.files[0], f, s.h, s.opts)
			if s.lineIDs {
				hooks.LineIDs.(func(*event.Reader))(s.r)
			}
			var size int64 // unknown for standard input: no share shown
			if file != nil {
				size = file.Size()
			}
			s.progress.file(s.files[0], size)
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
	if s.ord != nil {
		s.ord.close()
	}
	if s.h != nil {
		s.h.Close() // stops its hasher
		closeFile(s.f)
		s.f, s.r, s.h = nil, nil, nil
	}
}
