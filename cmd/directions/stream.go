package main

import (
	"bufio"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
)

func init() {
	register("stream", "evaluate a council's JSON Lines history as it is read, printing findings as JSON Lines", runStream)
}

// maxStreamErrors caps the bad lines reported after the first.
const maxStreamErrors = 20

// errStop ends an evaluation at a bad line; the line's error is reported.
var errStop = errors.New("stopped at a bad line")

func runStream(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "stream", "stream [--as-of DATE] [--window N] PATH...")
	asOf := fs.String("as-of", "", "evaluate as of this date (the end of that day) or RFC 3339 time; default today")
	window := fs.Int("window", 0, "sort events that are up to N places out of time order (0: report any event out of order)")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	if *window < 0 {
		env.errorf("directions stream: --window must be 0 or more, not %d", *window)
		return exitInvalid
	}
	if !oneCouncil(env, "stream", paths) {
		return exitInvalid
	}
	set, histories, vocab, err := loadForStream(paths, env.opts)
	if err != nil {
		env.errorf("%v", err)
		return exitInvalid
	}
	loc := set.Directions[0].Location
	at, err := parseAsOf(*asOf, loc)
	if err != nil {
		env.errorf("%v", err)
		return exitInvalid
	}
	tuneGC()
	src := &streamSource{ctx: ctx, files: histories, opts: event.Options{Location: loc, Limits: env.opts.Limits, Vocabulary: vocab, ReadsAttributes: evaluator.ReadsAttributes(set)},
		window: *window, progress: newProgress(env.stderr, *env.quiet), ids: event.NewIDPrints()}
	if slices.Contains(paths, workspace.Stdin) {
		src.stdin = newStdinIDs()
	}
	defer src.close()
	defer src.progress.done()
	out := bufio.NewWriterSize(env.stdout, 64<<10)
	counts := map[evaluator.Status]int{}
	breaches, unmet := 0, 0
	var writeErr error
	var line []byte
	res, err := evaluator.StreamContext(ctx, set, src.next, evaluator.Options{AsOf: at}, func(f evaluator.Finding) {
		counts[f.Status]++
		switch {
		case f.IsBreach():
			breaches++
		case f.IsUnmetExpectation():
			unmet++
		}
		if writeErr == nil {
			line = appendFinding(line[:0], &f)
			// Whole lines only reach the output, so that output cut off
			// by an exit (main's, after Ctrl-C) ends at a line's end.
			if out.Available() < len(line) && out.Buffered() > 0 {
				writeErr = out.Flush()
			}
			if writeErr == nil {
				_, writeErr = out.Write(line)
			}
		}
	})
	if ferr := out.Flush(); writeErr == nil {
		writeErr = ferr
	}
	src.progress.done()
	if ctx.Err() != nil {
		// Interrupted: the findings written are true (each was final when
		// written, see evaluator.Stream), but the history was not read to
		// its end, so there are no missed or open findings, no summary and
		// no breach count; run says the stream was interrupted.
		return exitInterrupted
	}
	if errors.Is(err, errStop) || src.errs.Len() > 0 {
		src.drain()
		env.errorf("%v", src.errs.Err())
		env.errorf("directions stream: stopped at the first bad line; the findings written before it are incomplete")
		return exitInvalid
	}
	var oe *evaluator.OrderError
	if errors.As(err, &oe) {
		env.errorf("%s: %v (the history must be in time order: sort it, or give --window N to sort within N events)", src.pos(), err)
		return exitInvalid
	}
	if err != nil {
		env.errorf("%v", err)
		return exitInvalid
	}
	if writeErr != nil {
		env.errorf("directions stream: writing findings: %v", writeErr)
		return exitInvalid
	}
	if dups := repeatedIDs(histories, src.opts, src.ids, src.stdin); len(dups) > 0 {
		env.errorf("%v", dups.Err())
		if slices.ContainsFunc(dups, func(e *diag.Error) bool { return strings.HasPrefix(e.Msg, "duplicate event id") }) {
			env.errorf("directions stream: event ids repeat, so the findings written are not valid (check reports the same)")
		} else {
			env.errorf("directions stream: an event id may repeat, so the findings written may not be valid")
		}
		return exitInvalid
	}
	ev := res.Events
	waived := ""
	if n := counts[evaluator.Waived]; n > 0 {
		waived = fmt.Sprintf(", %d waived", n)
	}
	fmt.Fprintf(env.stderr, "stream: %s (%d after the as-of time, %d irrelevant); findings: %d met, %d late, %d missed, %d open, %d breached%s; %s; %s of others not met\n",
		nouns(ev.Read, "event", "events"), ev.AfterAsOf, ev.Irrelevant, counts[evaluator.Met], counts[evaluator.Late], counts[evaluator.Missed], counts[evaluator.Open], counts[evaluator.Breached], waived, nouns(breaches, "breach", "breaches"), nouns(unmet, "expectation", "expectations"))
	if breaches > 0 {
		return exitBreaches
	}
	return exitOK
}

// loadForStream loads the direction (and vocabulary) files under paths and
// lists the JSON Lines histories, which are read later, as evaluated.
func loadForStream(paths []string, opts direction.Options) (*direction.Set, []string, *event.Vocabulary, error) {
	names, root, err := workspace.ExpandFrom(paths)
	if err != nil {
		return nil, nil, nil, err
	}
	var dirs []*direction.Direction
	var histories []string
	var errs diag.List
	for _, name := range names {
		if name == workspace.Stdin || workspace.IsJSONLines(name) {
			histories = append(histories, name)
			continue
		}
		kind, data, err := workspace.Probe(name, yamlx.LimitsOf(opts.Limits))
		if err != nil {
			return nil, nil, nil, err
		}
		kind = workspace.Under(root[name], name, kind)
		if kind == workspace.WhatIf && slices.Contains(paths, name) {
			// A supposed direction named as a file is read, as check reads it.
			kind = workspace.Direction
		}
		switch kind {
		case workspace.Direction:
			d, err := direction.Parse(name, data, opts)
			if err != nil {
				errs.Append(diag.Position{File: name}, err)
				continue
			}
			dirs = append(dirs, d)
		case workspace.History:
			errs.Add(diag.Position{File: name}, "", "stream reads histories in JSON Lines (.jsonl, .ndjson) only; use check for other formats")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, nil, nil, err
	}
	if len(dirs) == 0 {
		return nil, nil, nil, fmt.Errorf("directions stream: no direction file among %s (a direction is a YAML mapping with an obligations key)", strings.Join(paths, ", "))
	}
	if len(histories) == 0 {
		return nil, nil, nil, fmt.Errorf("directions stream: no JSON Lines history (.jsonl, .ndjson) among %s", strings.Join(paths, ", "))
	}
	for _, d := range dirs[1:] {
		if d.Location.String() != dirs[0].Location.String() {
			return nil, nil, nil, &diag.Error{Pos: diag.Position{File: d.File}, Path: "time_zone", Msg: fmt.Sprintf(
				"directions loaded together must share one time zone, so that dates in histories mean one thing: %s has %s, %s has %s",
				d.ID, d.Location, dirs[0].ID, dirs[0].Location)}
		}
	}
	set, err := direction.NewSet(dirs...)
	if err != nil {
		return nil, nil, nil, err
	}
	return set, histories, direction.VocabularyOf(dirs...), nil
}

// streamSource reads the histories one after another, one line in memory,
// optionally sorting within a window of events, and collects bad lines.
type streamSource struct {
	// ctx stops a read of standard input blocked on a feed that is slow
	// or never ends (see interruptible).
	ctx    context.Context
	files  []string
	opts   event.Options
	window int

	f        *event.File
	r        *event.Reader
	errs     diag.List
	progress *progress
	ids      *event.IDPrints
	// stdin, when standard input is among the histories, keeps what is
	// needed to settle a repeated fingerprint there (it cannot be read
	// again); inStdin is set while standard input is being read.
	stdin   *stdinIDs
	inStdin bool
	// The window: events read ahead, ordered by time then input order;
	// spare holds event copies for reuse.
	pending eventHeap
	seq     int
	spare   []*pendingEvent
	out     *pendingEvent
	last    *event.Event
	eof     bool
}

type pendingEvent struct {
	ev  event.Event
	seq int
}

func (s *streamSource) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// pos names the event last handed on, for error messages.
func (s *streamSource) pos() string {
	if s.last != nil {
		return s.last.Pos.String()
	}
	if len(s.files) == 0 {
		return "the history"
	}
	return s.files[0]
}

// read returns the next event of the files in order.
func (s *streamSource) read() (*event.Event, error) {
	for {
		if s.r == nil {
			if len(s.files) == 0 {
				return nil, io.EOF
			}
			s.close()
			s.inStdin = s.files[0] == workspace.Stdin
			if s.inStdin {
				s.f, s.r = nil, event.NewReader(s.files[0], interruptible(s.ctx, workspace.StdinReader), s.opts)
			} else {
				f, err := event.Open(s.files[0], event.JSONL, s.opts.Limits)
				if err != nil {
					return nil, err
				}
				s.f, s.r = f, event.NewReader(s.files[0], f, s.opts)
				s.progress.file(s.files[0], f.Size())
			}
			s.files = s.files[1:]
		}
		ev, err := s.r.Next()
		if errors.Is(err, io.EOF) {
			s.r = nil
			continue
		}
		var list diag.List
		if errors.As(err, &list) {
			s.errs = append(s.errs, list...)
			return nil, errStop
		}
		if err == nil {
			s.ids.Add(ev.ID)
			if s.stdin != nil { // the id's print is hashed only for it
				s.stdin.see(s.ids.Print(ev.ID), ev, s.inStdin)
			}
			s.progress.event(s.r.Offset())
		}
		return ev, err
	}
}

// drain reads on after a bad line to report the next few.
func (s *streamSource) drain() {
	for s.errs.Len() < maxStreamErrors {
		_, err := s.read()
		if errors.Is(err, io.EOF) || (err != nil && !errors.Is(err, errStop)) {
			return
		}
	}
}

// next hands on the next event in time order.
func (s *streamSource) next() (*event.Event, error) {
	if s.window == 0 {
		ev, err := s.read()
		if err == nil {
			s.last = ev
		}
		return ev, err
	}
	for !s.eof && s.pending.Len() <= s.window {
		ev, err := s.read()
		if errors.Is(err, io.EOF) {
			s.eof = true
			break
		}
		if err != nil {
			return nil, err
		}
		if s.last != nil && ev.At.Before(s.last.At) {
			return nil, &diag.Error{Pos: ev.Pos, Msg: fmt.Sprintf(
				"event %q at %s is earlier than event %q at %s (%s), which has already been evaluated: the history is out of time order by more than the window of %d events; sort it by time or raise --window",
				ev.ID, ev.At.Format(time.RFC3339), s.last.ID, s.last.At.Format(time.RFC3339), s.last.Pos, s.window)}
		}
		var p *pendingEvent
		if n := len(s.spare); n > 0 {
			p, s.spare = s.spare[n-1], s.spare[:n-1]
		} else {
			p = &pendingEvent{ev: event.Event{Attrs: map[string]any{}}}
		}
		attrs := p.ev.Attrs
		clear(attrs)
		p.ev = *ev
		p.ev.Attrs = attrs
		for k, v := range ev.Attrs {
			attrs[k] = v
		}
		s.seq++
		p.seq = s.seq
		heap.Push(&s.pending, p)
	}
	if s.pending.Len() == 0 {
		return nil, io.EOF
	}
	if s.out != nil {
		s.spare = append(s.spare, s.out)
	}
	s.out = heap.Pop(&s.pending).(*pendingEvent)
	s.last = &s.out.ev
	return s.last, nil
}

// interruptible returns r read so that a Read returns ctx's error as soon
// as ctx is done, even while r's Read is blocked (a pipe whose producer
// is silent): that Read goes on in a goroutine, into a buffer of its own,
// and is abandoned; the program is about to exit. A Read of standard
// input cannot be unblocked otherwise (os.Stdin takes no deadline when it
// is a terminal or a blocking pipe, and closing it does not wake a
// blocked read). Only standard input is read so: a file's reads do not
// block.
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	if ctx.Done() == nil {
		return r
	}
	return &ctxReader{ctx: ctx, r: r, space: make([]byte, 64<<10)}
}

type ctxReader struct {
	ctx   context.Context
	r     io.Reader
	space []byte
	// The background read: running while pending is open; n and err are
	// its result, to be read only once pending is closed.
	pending chan struct{}
	n       int
	err     error
	buf     []byte // read, not yet handed on
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(c.buf) == 0 {
		if c.pending == nil {
			if c.err != nil {
				return 0, c.err
			}
			done := make(chan struct{})
			c.pending = done
			go func() {
				c.n, c.err = c.r.Read(c.space)
				close(done)
			}()
		}
		select {
		case <-c.pending:
			c.pending = nil
			c.buf = c.space[:c.n]
		case <-c.ctx.Done():
			return 0, c.ctx.Err()
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	if len(c.buf) == 0 && c.err != nil {
		return n, c.err
	}
	return n, nil
}

type eventHeap []*pendingEvent

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].ev.At.Equal(h[j].ev.At) {
		return h[i].ev.At.Before(h[j].ev.At)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(*pendingEvent)) }
func (h *eventHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

// repeatedIDs settles the fingerprints seen more than once by reading the
// histories again: each repeated id, at its second and later places, with
// where it was first. Standard input cannot be read again: its places are
// those stdinIDs kept, which hold every copy but the first of a
// fingerprint there; a fingerprint whose known places do not settle it
// (one known place, the other the unkept first copy in standard input) is
// reported as possible, at the place known, never as certain.
func repeatedIDs(files []string, opts event.Options, prints *event.IDPrints, stdin *stdinIDs) diag.List {
	repeated := prints.Repeated()
	if len(repeated) == 0 {
		return nil
	}
	var errs diag.List
	places := map[uint64][]idPlace{} // of each repeated fingerprint, in reading order
	for _, name := range files {
		if name == workspace.Stdin {
			for p, kept := range stdin.kept {
				if repeated[p] {
					places[p] = append(places[p], kept...)
				}
			}
			continue
		}
		file, err := event.Open(name, event.JSONL, opts.Limits)
		if err != nil {
			errs.Add(diag.Position{File: name, Line: 1, Column: 1}, "", "%v", err)
			continue
		}
		rd := event.NewReader(name, file, opts)
		for {
			ev, err := rd.Next()
			if err != nil {
				break // io.EOF; the first pass read every line without error
			}
			if p := prints.Print(ev.ID); repeated[p] {
				places[p] = append(places[p], idPlace{ev.ID, ev.Pos})
			}
		}
		file.Close()
	}
	for p := range repeated {
		known := places[p]
		if len(known) == 1 && stdin != nil {
			// The other copy is the first of this fingerprint in
			// standard input, not kept: its id is unknown.
			k := known[0]
			where := "read earlier from standard input"
			if k.pos.File != workspace.Stdin {
				where = "in standard input"
			}
			errs.Add(k.pos, "", "event id %q may repeat an id %s: its fingerprint matches that id's, and standard input cannot be read again to tell a repeat from two ids sharing a fingerprint (rare: about one history in 10^5 of ten million events); give the history as a file to settle it", k.id, where)
			continue
		}
		first := map[string]diag.Position{}
		for _, k := range known {
			if at, seen := first[k.id]; seen {
				errs.Add(k.pos, "", "duplicate event id %q (also at %s)", k.id, at)
			} else {
				first[k.id] = k.pos
			}
		}
	}
	errs.Sort() // the map's order is random
	return errs
}

// idPlace is an id and where it was read.
type idPlace struct {
	id  string
	pos diag.Position
}

// stdinIDs keeps, of the events read from standard input, the id and
// place of each whose fingerprint may have been seen before (a Bloom
// filter of every fingerprint read, from any history: no false negatives,
// about 1% false positives at 10^7 events, 16 MB touched as it fills).
// So every copy in standard input of a repeated fingerprint but the first
// is kept, and repeatedIDs can name the id and its places exactly unless
// the only other copy is that first one.
type stdinIDs struct {
	bits []uint64
	kept map[uint64][]idPlace
}

func newStdinIDs() *stdinIDs {
	return &stdinIDs{bits: make([]uint64, 1<<21), kept: map[uint64][]idPlace{}}
}

// see notes the fingerprint p of ev, read from standard input if in.
func (s *stdinIDs) see(p uint64, ev *event.Event, in bool) {
	if s == nil {
		return
	}
	const mask = 1<<27 - 1 // bits in the filter
	seen := true
	for _, h := range [3]uint64{p & mask, (p >> 27) & mask, (p>>54 | p<<10) & mask} {
		w, b := h>>6, uint64(1)<<(h&63)
		if s.bits[w]&b == 0 {
			seen = false
			s.bits[w] |= b
		}
	}
	if seen && in {
		s.kept[p] = append(s.kept[p], idPlace{strings.Clone(ev.ID), ev.Pos})
	}
}

// appendFinding appends f as one line of JSON with the members, order and
// omissions encoding/json gives evaluator.Finding (check --format json),
// without reflection: a national check writes hundreds of thousands.
func appendFinding(b []byte, f *evaluator.Finding) []byte {
	str := func(b []byte, name, v string) []byte {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b, _ = jsontext.AppendQuote(b, v)
		return b
	}
	tm := func(b []byte, name string, t time.Time) []byte {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, `":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	ref := func(b []byte, name string, r *evaluator.EventRef) []byte {
		if r == nil {
			return b
		}
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, `":{"id":`...)
		b, _ = jsontext.AppendQuote(b, r.ID)
		b = tm(b, "at", r.At)
		return append(b, '}')
	}
	b = append(b, `{"direction":`...)
	b, _ = jsontext.AppendQuote(b, f.Direction)
	b = str(b, "obligation", f.Obligation)
	b = str(b, "clause", f.Clause)
	b = str(b, "holder", f.Holder)
	if f.Role != "" {
		b = str(b, "role", string(f.Role))
	}
	b = str(b, "kind", string(f.Kind))
	b = append(b, `,"instance":`...)
	b = strconv.AppendInt(b, int64(f.Instance), 10)
	b = str(b, "status", string(f.Status))
	b = tm(b, "opens", f.Opens)
	if f.Due != "" {
		b = str(b, "due", f.Due)
	}
	if !f.DueAt.IsZero() {
		b = tm(b, "due_at", f.DueAt)
	}
	b = ref(b, "trigger", f.Trigger)
	b = ref(b, "discharged_by", f.DischargedBy)
	if f.Attribution != "" {
		b = str(b, "attribution", f.Attribution)
	}
	if f.DaysLate != 0 {
		b = append(b, `,"days_late":`...)
		b = strconv.AppendInt(b, int64(f.DaysLate), 10)
	}
	if f.Basis != "" {
		b = str(b, "basis", f.Basis)
	}
	b = str(b, "reason", f.Reason)
	if f.Version != "" {
		b = str(b, "version", f.Version)
	}
	if f.Assumed != "" {
		b = str(b, "assumed", f.Assumed)
	}
	return append(b, '}', '\n')
}

// tuneGC trades memory for less garbage collection, unless the user has
// set GOGC or GOMEMLIMIT: a stream keeps little alive (outstanding
// instances and one line), so the collector would otherwise run very often
// for the short-lived strings of each line. The soft memory limit makes it
// collect harder before the heap passes 100 MiB. GOGC is 400 (the
// default of 100 cost stream and validate more collections than it
// saved); check uses gcCheck, through tuneGCPercent.
func tuneGC() { tuneGCPercent(400) }

// tuneGCPercent is tuneGC with GOGC at percent.
func tuneGCPercent(percent int) {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(100 << 20)
		gcTuned.Store(true)
	}
}

// gcTuned is set while tuneGC's settings are in force.
var gcTuned atomic.Bool

// loadingGC undoes tuneGC for a command that falls back to loading a
// history: a loaded history of a million events is several hundred MB,
// which tuneGC's 100 MB soft limit would have the collector chase
// without end (a fallback measured 3 times slower), and GOGC=400 would
// let it grow to five times what is live.
func loadingGC() {
	if gcTuned.CompareAndSwap(true, false) {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

// gcCheck is check's GOGC. The id fingerprints (event.IDPrints) live
// outside the Go heap, so the soft limit no longer holds them back: at
// 400, check's heap grew to 55 MiB beside 70 MB of fingerprints at 10^7
// events (168 MB peak, over the 150 MB the project allows). At 100 the
// peak is 121-137 MB, and at 10^6 events check takes about 3% less CPU time
// (the ids of skipped events, made in blocks, are garbage the collector
// then reuses before the kernel has to hand over fresh pages: 4,400
// page faults against 6,600) and 42 MB instead of 51.
const gcCheck = 100
