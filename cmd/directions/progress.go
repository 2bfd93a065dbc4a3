package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dfe-tools/directions/internal/workspace"
)

// progress shows how far a long read has got, on one line of a terminal:
// events read, events a second, and the share of the current file read.
// A nil *progress shows nothing: that is what commands get when standard
// error is not a terminal or --quiet is given. Councils of a tree are read
// by several workers at once, so the counts are shared under a lock taken
// once every progressEvery events.
type progress struct {
	w     io.Writer
	start time.Time
	mu    sync.Mutex
	next  time.Time
	n     atomic.Int64 // events read
	name  string
	size  int64
	shown bool
	// doing is what is being done to the events counted: "read" (empty)
	// unless a further pass over the same events restarted the count.
	doing string
	read  atomic.Int64 // bytes read by loads (watchLoads)
}

// progressEvery is how many events pass between looks at the clock.
const progressEvery = 1 << 14

// newProgress returns a progress line on w when w is a terminal and quiet
// is false, and nil otherwise.
func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	if quiet || !ok {
		return nil
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	now := time.Now()
	p := &progress{w: w, start: now, next: now.Add(time.Second)}
	watchLoads(p)
	return p
}

// restart begins a new count for a further pass over events already
// counted (the index of a history out of time order), so that neither
// the count nor the rate adds the passes together.
func (p *progress) restart(doing string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n.Store(0)
	p.start, p.doing = time.Now(), doing
}

// file notes that a file of size bytes is being read.
func (p *progress) file(name string, size int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.name, p.size = filepath.Base(name), size
	p.mu.Unlock()
}

// events counts events read; off is how far into the current file.
func (p *progress) event(off int64) {
	if p == nil {
		return
	}
	n := p.n.Add(1)
	if n%progressEvery != 0 {
		return
	}
	p.show(off, func(seconds float64) string {
		return fmt.Sprintf("%d events %s, %.0f events/s", n, cmp.Or(p.doing, "read"), float64(n)/seconds)
	})
}

// show writes what was read, given the seconds since the start, and the
// share of the current file, off bytes into it: at most four times a
// second, whatever counts it (events, or the bytes of a load).
func (p *progress) show(off int64, what func(seconds float64) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Before(p.next) {
		return
	}
	p.next = now.Add(250 * time.Millisecond)
	share := ""
	if p.size > 0 {
		share = fmt.Sprintf(", %d%% of %s", min(100, 100*off/p.size), p.name)
	}
	fmt.Fprintf(p.w, "\r\033[K%s%s", what(now.Sub(p.start).Seconds()), share)
	p.shown = true
}

// done clears the progress line, and stops watching loads.
func (p *progress) done() {
	if p == nil {
		return
	}
	workspace.WatchRead = nil
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// watchLoads shows on p the progress of the histories the workspace
// reads whole (a history out of time order, YAML or CSV, explain's and
// schedule's loads, validate), until p.done: reading the file is the long
// part, and its events are not counted until it is read, so the line
// gives bytes and the share of the file. A command runs once a process,
// so one hook (workspace.WatchRead) serves.
func watchLoads(p *progress) {
	workspace.WatchRead = func(name string, size int64, r io.Reader) io.Reader {
		p.file(name, size)
		return &watchedReader{r: r, p: p}
	}
}

// watchedReader counts the bytes read through it for a progress line.
type watchedReader struct {
	r   io.Reader
	p   *progress
	off int64 // into this file
}

// bytesEvery is how many bytes pass between looks at the clock.
const bytesEvery = 1 << 22

func (w *watchedReader) Read(b []byte) (int, error) {
	n, err := w.r.Read(b)
	before := w.off
	w.off += int64(n)
	total := w.p.read.Add(int64(n))
	if w.off/bytesEvery != before/bytesEvery {
		w.p.bytes(total, w.off)
	}
	return n, err
}

// bytes shows total bytes read by loads, off of them into the current file.
func (p *progress) bytes(total, off int64) {
	p.show(off, func(seconds float64) string {
		return fmt.Sprintf("%d MB read, %.0f MB/s", total>>20, float64(total)/(1<<20)/seconds)
	})
}
