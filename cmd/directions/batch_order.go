package main

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/workspace"
)

// Histories whose events are out of time order are not loaded: the
// evaluator takes events in time order, so the stream is read once more
// to index them (time, file, offset, line and column: 24 bytes an event,
// workspace.OrderIndex), the index is sorted into the order loading gives
// (evaluator.Evaluate sorts loaded events stably by time), and the events
// are read a third time in that order, each at its offset, through the
// same readers: a JSON Lines line through the JSON Lines reader, a JSON
// document's event through the document reader's own decoding of one
// event (event's readEventAt, through internal/hooks). That covers JSON
// Lines and JSON files, mixed in one council, and standard input
// (spooled, stdin.go); a date known only to a range, or anything loading
// must word is loaded as before.
//
// The files must not change between the pass that indexes them and the
// pass that reads them in order: each file is kept open from the first to
// the last (a file replaced under its name meanwhile is not read), and
// once the ordered pass is done each is hashed again from its start and
// its SHA-256, size and modification time compared with the indexing
// pass's; the digest reported is the indexing pass's, of the same bytes.
// A file that changed is refused (workspace.ChangedError). The ordered
// pass cannot hash the bytes it reads, as it reads them out of order; a
// sequential hash after it costs one more read of the file, from the page
// cache, and catches a change made at any time before it.

// inOrder evaluates the stream with eval; when eval finds the events out
// of time order, it reads them again in loading's order (reorder) and
// evaluates them once more. The error is eval's, or the original one when
// the events cannot be put in order without loading them.
func (s *councilStream) inOrder(eval func(next func() (*event.Event, error)) error) error {
	err := eval(s.next)
	var order *evaluator.OrderError
	if errors.As(err, &order) && s.reorder() {
		err = eval(s.next)
		if err != nil && !changedHistory(err) {
			// A changed file may show as anything: events out of order
			// again, a bad event. The change is what to report.
			if cerr := s.src.ord.unchanged(); cerr != nil {
				err = cerr
			}
		}
	}
	return err
}

// changedHistory reports whether err is a history that changed between
// readings, which is worded, not loaded.
func changedHistory(err error) bool {
	var ch *workspace.ChangedError
	return errors.As(err, &ch)
}

// reorder replaces the stream's source with one that reads the council's
// histories in loading's order; false when they must be loaded instead.
func (s *councilStream) reorder() bool {
	old := s.src
	old.close()
	// The first pass's fingerprints (8 bytes an event) are garbage now:
	// held on to, at 10^7 events they and the new ones had the collector
	// run without end against the 100 MB soft limit.
	old.ids, old.digests = nil, nil
	orderGC()
	if len(old.all) >= workspace.MaxOrderFiles {
		return false
	}
	o := &orderedSource{names: old.all}
	src := &councilSource{all: old.all, opts: old.opts, ids: event.NewIDPrints(), digests: map[string]string{}, progress: old.progress, ord: o}
	src.progress.restart("put in time order")
	for i, name := range old.all {
		if !o.index(src, i, name) {
			o.close()
			return false
		}
	}
	if o.idx.Sort() != nil {
		o.close()
		return false
	}
	// The ordered stream holds every file's events: its limit is theirs
	// together (each was held to the limit as it was indexed).
	opts := old.opts
	var total int64
	for _, n := range o.sizes {
		total += n
	}
	opts.Limits.MaxHistoryBytes = int(min(total+1, math.MaxInt))
	if afterIndex != nil {
		afterIndex()
	}
	o.at = workspace.NewOrderedFiles(o.readers, o.sizes, event.MaxLine)
	o.rd = event.NewReader("", &o.feed, opts)
	o.doc = event.NewJSONReader("", bytes.NewReader(nil), opts)
	s.src = src
	reordered.Add(1)
	return true
}

// reordered counts the councils read in loading's order, and afterIndex
// is called between indexing and the ordered pass: for tests.
var (
	reordered  atomic.Int64
	afterIndex func()
)

// orderedSource reads a council's events in loading's order.
type orderedSource struct {
	names   []string
	formats []event.Format
	idx     workspace.OrderIndex
	files   []*event.File // nil for standard input
	readers []io.ReaderAt
	sizes   []int64
	mtimes  []time.Time
	digests []string
	at      *workspace.OrderedFiles
	feed    lineFeed      // the line rd reads next
	rd      *event.Reader // of JSON Lines lines
	doc     *event.Reader // of JSON documents' events (readEventAt)
}

// The event package's reading of a JSON document's events one at a time
// (see hooks.EventStart, hooks.ReadEventAt).
var (
	eventStart  = hooks.EventStart.(func(*event.Reader) int64)
	readEventAt = hooks.ReadEventAt.(func(r *event.Reader, name string, in io.Reader, line, col int) (*event.Event, error))
)

// lineFeed hands the JSON Lines reader the one line it is to read next.
type lineFeed struct{ b []byte }

func (l *lineFeed) Read(p []byte) (int, error) {
	if len(l.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, l.b)
	l.b = l.b[n:]
	return n, nil
}

// byteCount counts the bytes read through it.
type byteCount struct {
	r io.Reader
	n int64
}

func (c *byteCount) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// index reads history i once, adding its events to the index and their
// ids to src's fingerprints, and keeps it open for the ordered pass. An
// event of a JSON Lines file is indexed at its line's start (LineStarts
// turns the reader's line number into an offset); one of a JSON document
// at its '{', where the document reader found it.
func (o *orderedSource) index(src *councilSource, i int, name string) bool {
	format, _ := historyFormat(name)
	in, file, err := openHistory(name, src.opts.Limits)
	if err != nil {
		return false
	}
	o.files = append(o.files, file)
	var at io.ReaderAt = file
	var mtime time.Time
	if file == nil {
		if at = stdinReaderAt(); at == nil {
			return false
		}
	} else if info, err := file.Stat(); err == nil {
		mtime = info.ModTime()
		src.progress.file(name, file.Size())
	}
	var lines *workspace.LineStarts
	count := &byteCount{r: in}
	var read io.Reader = count
	if format == event.JSONL {
		lines = workspace.NewLineStarts(count)
		read = lines
	}
	h := workspace.NewHashingReader(read)
	defer h.Close()
	rd, err := event.NewFormatReader(name, format, h, src.opts)
	if err != nil {
		return false
	}
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || ev.Uncertain() {
			return false // loading words it, or weighs every day
		}
		off, ok, col := int64(0), true, 1
		if format == event.JSON {
			off, col = eventStart(rd), ev.Pos.Column
		} else {
			off, ok = lines.Start(rd.Line())
		}
		if !ok || !o.idx.Add(ev.At, i, off, rd.Line(), col) {
			return false
		}
		src.ids.Add(ev.ID)
		src.progress.event(rd.Offset())
	}
	d := h.Sum()
	src.digests[name] = d
	o.formats = append(o.formats, format)
	o.readers = append(o.readers, at)
	o.sizes = append(o.sizes, count.n)
	o.mtimes = append(o.mtimes, mtime)
	o.digests = append(o.digests, d)
	return true
}

// next is the next event in loading's order, with the position it was
// read at; after the last, the files are checked unchanged. Every event
// was read without a problem by the indexing pass, so a problem now is a
// file that changed (inOrder words it so), or else left to loading to word: this
// pass's own messages are never shown (a JSON document's lack the
// "events[N]" path, which the index does not keep).
func (o *orderedSource) next() (*event.Event, error) {
	e, ok := o.idx.Next()
	err := o.idx.Err()
	if err == nil && !ok {
		if err := o.unchanged(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	var ev *event.Event
	if err == nil {
		ev, err = o.read(e)
	}
	if err != nil {
		// inOrder checks the files unchanged after any error but a
		// changed file's, so they are not hashed twice here.
		return nil, errNotStreamable
	}
	return ev, nil
}

// read reads the event at e through the reader of its file's format.
func (o *orderedSource) read(e workspace.OrderEntry) (*event.Event, error) {
	f := e.File()
	if o.formats[f] == event.JSON {
		in, err := o.at.From(e)
		if err != nil {
			return nil, err
		}
		// Positions are the document reader's own: Pos is the '{'.
		return readEventAt(o.doc, o.names[f], in, int(e.Line), int(e.Col))
	}
	line, err := o.at.Line(e)
	if err != nil {
		return nil, err
	}
	o.feed.b = line
	ev, err := o.rd.Next()
	if errors.Is(err, io.EOF) || (err == nil && len(o.feed.b) > 0) {
		return nil, workspace.ErrOrderedLine // not one event's line
	}
	if err != nil {
		return nil, err
	}
	ev.Pos = diag.Position{File: o.names[f], Line: int(e.Line), Column: 1}
	return ev, nil
}

// unchanged hashes each file again from its start and compares it with
// what was indexed.
func (o *orderedSource) unchanged() error {
	for i, name := range o.names {
		d, n, err := workspace.Digest(io.NewSectionReader(o.readers[i], 0, math.MaxInt64))
		if err != nil {
			return err
		}
		changed := d != o.digests[i] || n != o.sizes[i]
		if f := o.files[i]; f != nil {
			// Bytes appended after the open are not read (event.File):
			// a file that only grew is not changed, by its digest.
			if info, err := f.Stat(); err != nil || (info.Size() == f.Size() && !info.ModTime().Equal(o.mtimes[i])) {
				changed = true
			}
		}
		if changed {
			return &workspace.ChangedError{Path: name, Was: o.digests[i], Now: d, Then: o.sizes[i], Size: n}
		}
	}
	return nil
}

func (o *orderedSource) close() {
	o.idx.Close()
	for _, f := range o.files {
		closeFile(f)
	}
	o.files = nil
}

// orderGC returns the first pass's garbage before the index is built, and
// has the collector keep the heap within twice what is live from then on
// instead of tuneGC's five times: live are the index (up to
// orderInMemory entries), the id fingerprints and the evaluation, and at
// GOGC=400 the heap grew to the 100 MB soft limit (114 MB peak RSS at
// 10^6 events, against 92 MB).
func orderGC() {
	if gcTuned.Load() {
		debug.SetGCPercent(100)
	}
	runtime.GC()
}
