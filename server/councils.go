package server

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/report"
)

// directions is one council's loaded directions; never modified once
// built, so readers share it without a lock and a reload swaps it whole.
type directions struct {
	set    *direction.Set
	loc    *time.Location
	vocab  *event.Vocabulary
	inputs []report.Input // direction and vocabulary files, for the report
	loaded time.Time
}

// loaded is what loading a council's folder gives.
type loaded struct {
	name, dir string
	dirs      *directions
	histories []string // history files in the folder, for --import
	err       error
}

// loadTree reads the council folders under dir: each folder holding a
// direction file is a council. A council whose directions do not load is
// returned with err set, so that the others still load.
func loadTree(dir string, opts direction.Options) ([]loaded, error) {
	tree, err := workspace.SplitTree([]string{dir}, yamlx.LimitsOf(opts.Limits))
	if err != nil {
		return nil, err
	}
	if len(tree.Councils) == 0 {
		return nil, fmt.Errorf("no council folder (a folder holding a direction file) under %s", dir)
	}
	out := make([]loaded, 0, len(tree.Councils))
	for _, c := range tree.Councils {
		l := loaded{name: c.Name, dir: c.Dir}
		var dirFiles []string
		for _, p := range c.Paths {
			// Probe reads only YAML (the one format that can be a
			// direction), bounded by the limits, and refuses what is
			// not a regular file.
			kind, _, err := workspace.Probe(p, yamlx.LimitsOf(opts.Limits))
			if err != nil {
				l.err = err
				break
			}
			switch kind {
			case workspace.Direction:
				dirFiles = append(dirFiles, p)
			case workspace.History:
				l.histories = append(l.histories, p)
			}
		}
		if l.err == nil {
			l.dirs, l.err = loadDirections(dirFiles, opts)
		}
		out = append(out, l)
	}
	return out, nil
}

func loadDirections(paths []string, opts direction.Options) (*directions, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no direction file")
	}
	ws, err := workspace.Load(paths, opts)
	if err != nil {
		return nil, err
	}
	set, err := ws.Set()
	if err != nil {
		return nil, err
	}
	loc := ws.Location
	if loc == nil {
		loc = event.London()
	}
	return &directions{set: set, loc: loc, vocab: direction.VocabularyOf(ws.Directions...), inputs: ws.Inputs(), loaded: time.Now().UTC()}, nil
}

// council is the council's result as the report package takes it.
func (d *directions) council(res *evaluator.Result) report.Council {
	return report.Council{Set: d.set, Inputs: d.inputs, Result: res}
}

// council is one council's live state: its directions, its events as
// stored (in arrival order, the order ties are taken in), and the monitor
// that watches its deadlines.
type council struct {
	name, dir string
	srv       *Server

	mu     sync.Mutex
	dirs   *directions
	events []event.Event // append-only; readers keep a slice of it
	// eventsGen counts the times events was set back (new directions in
	// another zone read the stored events again).
	eventsGen int
	// sortMu guards sorted: events in time order, ties in arrival order
	// (as Evaluate would sort them), for a prefix of events of
	// generation sortedGen. It is remade only when events change and
	// never modified in place, so readers may keep it; it is kept apart
	// from mu so that sorting (a copy of the history when late events
	// arrive) holds up neither ingest nor reads of the other state.
	sortMu    sync.Mutex
	sorted    []event.Event
	sortedGen int
	lastSeq   int64
	// rebuild is set while a rebuild of the monitor is scheduled or
	// running (rebuildOff); rebuildGen names the latest scheduled, so
	// that one overtaken is dropped.
	rebuild    *time.Timer
	rebuildGen int
	mon        *evaluator.Monitor
	monLast    time.Time // the time of the last event the monitor observed
	timer      *time.Timer
	live       map[string]LiveFinding
	order      []string // live keys in the order first reported
	// evals are evaluations kept for reads (evalcache.go), in evalOrder
	// oldest first.
	evals     map[evalKey]*evaluation
	evalOrder []evalKey
	// pending are final findings not yet in the webhook outbox.
	pending []pendingFinding
	stopped bool
}

// LiveFinding is a finding as the monitor reported it, and when.
type LiveFinding struct {
	Reported time.Time         `json:"reported"`
	Finding  evaluator.Finding `json:"finding"`
}

// snapshot returns the directions and the events to evaluate.
func (c *council) snapshot(ctx context.Context) (*directions, []event.Event, error) {
	if err := c.sync(ctx); err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	d, gen, evs := c.dirs, c.eventsGen, c.events
	c.mu.Unlock()
	return d, c.sortedFor(gen, evs), nil
}

// sortedFor returns the events in time order, ties in arrival order, for
// evs (events of generation gen, as read under mu) or for more of the
// council's events if another caller has sorted more since: the result
// is always the council's events up to some point of arrival, and its
// length says up to which.
func (c *council) sortedFor(gen int, evs []event.Event) []event.Event {
	c.sortMu.Lock()
	defer c.sortMu.Unlock()
	if c.sortedGen != gen {
		if gen < c.sortedGen {
			return event.Sort(evs) // read before the events were set back
		}
		c.sorted, c.sortedGen = nil, gen
	}
	n := len(c.sorted)
	switch {
	case n >= len(evs):
	case n > 0 && inOrderAfter(evs[n:], c.sorted[n-1].At):
		// New events at or after the last: appending keeps the order.
		// The capacity is cut so that an append never writes under a
		// reader's slice.
		c.sorted = append(c.sorted[:n:n], evs[n:]...)
	case n > 0:
		c.sorted = merge(c.sorted, event.Sort(evs[n:]))
	default:
		c.sorted = event.Sort(evs)
	}
	return c.sorted[:len(c.sorted):len(c.sorted)]
}

// merge merges two time-ordered lists into a new one; on equal times old
// comes first, as it arrived first, so the result is what a stable sort
// of the events in arrival order gives. new is a few late returns and old
// the whole history, so old is copied in runs between them (one bulk copy
// each), not an event at a time.
func merge(old, new []event.Event) []event.Event {
	out := make([]event.Event, 0, len(old)+len(new))
	i := 0
	for j := range new {
		k := i + sort.Search(len(old)-i, func(x int) bool { return new[j].At.Before(old[i+x].At) })
		out = append(out, old[i:k]...)
		out = append(out, new[j])
		i = k
	}
	return append(out, old[i:]...)
}

func inOrderAfter(evs []event.Event, t time.Time) bool {
	for i := range evs {
		if evs[i].At.Before(t) {
			return false
		}
		t = evs[i].At
	}
	return true
}

// sync reads the events stored since the last sync (by this instance or
// another sharing the database) and feeds them to the monitor. The store
// is read and the events decoded without the council's lock, so that
// neither reads nor ingest queue behind another's trip to the store;
// syncs that overlap apply each event once.
func (c *council) sync(ctx context.Context) error {
	c.mu.Lock()
	d, after := c.dirs, c.lastSeq
	c.mu.Unlock()
	rows, err := c.srv.store.Events(ctx, c.name, after)
	if err != nil || len(rows) == 0 {
		return err
	}
	evs, err := decodeStored(c.name, rows, d.loc)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d != c.dirs {
		// New directions came meanwhile (and may have set the events
		// back, for a new zone): read again under the lock.
		return c.syncLocked(ctx)
	}
	// Another sync may have applied the first of them already.
	skip := 0
	for skip < len(rows) && rows[skip].Seq <= c.lastSeq {
		skip++
	}
	if skip == len(rows) {
		return nil
	}
	c.applyLocked(rows[skip:], evs[skip:])
	return nil
}

func (c *council) syncLocked(ctx context.Context) error {
	rows, err := c.srv.store.Events(ctx, c.name, c.lastSeq)
	if err != nil || len(rows) == 0 {
		return err
	}
	evs, err := decodeStored(c.name, rows, c.dirs.loc)
	if err != nil {
		return err
	}
	c.applyLocked(rows, evs)
	return nil
}

// applyLocked appends newly stored events and feeds them to the monitor.
func (c *council) applyLocked(rows []Stored, evs []event.Event) {
	c.events = append(c.events, evs...)
	c.lastSeq = rows[len(rows)-1].Seq
	if c.rebuild != nil {
		return // the scheduled rebuild will read them
	}
	rebuild := false
	for i := range evs {
		if c.mon == nil {
			break
		}
		if evs[i].At.Before(c.monLast) {
			// An event dated before one the monitor has seen (a late
			// return): a monitor only moves forward, so start it again
			// from the whole history.
			rebuild = true
			break
		}
		if err := c.mon.Observe(&evs[i]); err != nil {
			rebuild = true
			break
		}
		c.monLast = evs[i].At
	}
	switch {
	case c.mon == nil:
		c.rebuildLocked()
	case rebuild:
		c.scheduleRebuildLocked()
	default:
		c.advanceLocked()
	}
}

// rebuildDelay is how long the monitor may lag after a late return.
const rebuildDelay = time.Second

// decodeStored reads stored events back through the event package's JSON
// Lines reader. They were checked against the vocabulary when received,
// and are not checked again: a reloaded vocabulary never loses an event.
func decodeStored(name string, rows []Stored, loc *time.Location) ([]event.Event, error) {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Body)
		b.WriteByte('\n')
	}
	evs, err := event.ParseJSONL("store:"+name, []byte(b.String()), event.Options{Location: loc})
	if err != nil {
		return nil, fmt.Errorf("reading council %s's stored events: %w", name, err)
	}
	// An event's position is where it arrived: its batch, line and column.
	for i := range evs {
		evs[i].Pos = diag.Position{File: "batch " + rows[i].Batch, Line: rows[i].Line, Column: rows[i].Column}
	}
	return evs, nil
}

// rebuildLocked makes a new monitor over every stored event.
func (c *council) rebuildLocked() {
	c.live, c.order = map[string]LiveFinding{}, nil
	c.mon = evaluator.NewMonitor(c.dirs.set, c.reportLocked)
	c.monLast = time.Time{}
	sorted := c.sortedFor(c.eventsGen, c.events)
	for i := range sorted {
		if err := c.mon.Observe(&sorted[i]); err != nil {
			c.srv.logf("council %s: monitor: %v", c.name, err)
			continue
		}
		c.monLast = sorted[i].At
	}
	c.advanceLocked()
}

// scheduleRebuildLocked rebuilds the monitor after rebuildDelay, off the
// council's lock (rebuildOff). Rebuilding costs the whole history; under
// a stream of late returns it runs once a second, not once a batch, and
// neither reads nor ingest wait for it: findings are evaluated from the
// events, and events that arrive meanwhile are fed to the new monitor
// when it is swapped in.
func (c *council) scheduleRebuildLocked() {
	c.rebuildGen++
	gen := c.rebuildGen
	c.rebuild = time.AfterFunc(rebuildDelay, func() { c.rebuildOff(gen) })
}

// rebuilding is a monitor rebuilt off the council's lock, and what it
// has reported.
type rebuilding struct {
	gen  int         // the rebuild's schedule (rebuildGen)
	dirs *directions // the directions it watches
	n    int         // the events it has seen: the first n to arrive
	mon  *evaluator.Monitor
	last time.Time // the time of the last event it observed
	// own is set while the monitor is the builder's alone; its reports
	// are kept here until it is installed (under the lock), and go to
	// the council's after.
	own     bool
	live    map[string]LiveFinding
	order   []string
	pending []pendingFinding
}

// rebuildOff makes a new monitor over the events stored so far without
// holding the council's lock, then installs it. A rebuild overtaken by
// new directions (which rebuild at once) or by a newer schedule is
// dropped.
func (c *council) rebuildOff(gen int) {
	if b := c.buildMonitor(gen); b != nil {
		c.install(b)
	}
}

// buildMonitor replays the stored events into a new monitor without the
// council's lock; nil if the rebuild is no longer wanted.
func (c *council) buildMonitor(gen int) *rebuilding {
	c.mu.Lock()
	if c.stopped || gen != c.rebuildGen {
		c.mu.Unlock()
		return nil
	}
	d, evGen, evs := c.dirs, c.eventsGen, c.events
	c.mu.Unlock()
	sorted := c.sortedFor(evGen, evs)
	b := &rebuilding{gen: gen, dirs: d, n: len(sorted), own: true, live: map[string]LiveFinding{}}
	b.mon = evaluator.NewMonitor(d.set, func(f evaluator.Finding) {
		if b.own {
			c.record(b.live, &b.order, &b.pending, f)
			return
		}
		c.reportLocked(f)
	})
	for i := range sorted {
		if err := b.mon.Observe(&sorted[i]); err != nil {
			c.srv.logf("council %s: monitor: %v", c.name, err)
			continue
		}
		b.last = sorted[i].At
	}
	return b
}

// install swaps in a rebuilt monitor, feeding it the events stored while
// it was built.
func (c *council) install(b *rebuilding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || b.gen != c.rebuildGen || b.dirs != c.dirs {
		return
	}
	c.rebuild = nil
	c.mon, c.monLast = b.mon, b.last
	c.live, c.order = b.live, b.order
	c.pending = append(c.pending, b.pending...)
	b.own = false
	if len(b.pending) > 0 {
		c.srv.poke()
	}
	// Events stored while it was built, in time order (ties in arrival
	// order); one dated before what the monitor has seen needs another
	// rebuild.
	late := false
	for _, ev := range event.Sort(c.events[b.n:]) {
		if ev.At.Before(c.monLast) {
			late = true
			continue
		}
		if err := c.mon.Observe(&ev); err != nil {
			late = true
			continue
		}
		c.monLast = ev.At
	}
	if late {
		c.scheduleRebuildLocked()
		return
	}
	c.advanceLocked()
}

func (c *council) reportLocked(f evaluator.Finding) {
	c.record(c.live, &c.order, &c.pending, f)
}

// record keeps f as the latest finding of its instance in live (order
// lists the instances as first reported), and a final finding in pending
// for the council's webhooks, if it has any.
func (c *council) record(live map[string]LiveFinding, order *[]string, pending *[]pendingFinding, f evaluator.Finding) {
	key := FindingID(c.name, f)
	if _, seen := live[key]; !seen {
		*order = append(*order, key)
	}
	now := c.srv.now().UTC()
	live[key] = LiveFinding{Reported: now, Finding: f}
	if f.Status != evaluator.Open && len(c.srv.hooksFor(c.name)) > 0 {
		*pending = append(*pending, pendingFinding{reported: now, f: f})
		c.srv.poke()
	}
}

// maxTimer bounds how long the timer sleeps, so that a wall clock set
// forward (or a suspended machine) delays a deadline by at most this.
const maxTimer = time.Hour

// advanceLocked moves the monitor to now and sets the timer to the next
// time it has anything to do.
func (c *council) advanceLocked() {
	if c.stopped || c.mon == nil {
		return
	}
	now := c.srv.now()
	if !now.Before(c.monLast) {
		if err := c.mon.Advance(now); err == nil {
			c.monLast = now
		}
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	wake, ok := c.mon.Wake()
	if !ok {
		return
	}
	d := min(max(wake.Sub(now), 0), maxTimer)
	c.timer = time.AfterFunc(d, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.advanceLocked()
	})
}

func (c *council) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.rebuild != nil {
		c.rebuild.Stop()
	}
}

// setDirections swaps in newly loaded directions and rebuilds the monitor.
func (c *council) setDirections(d *directions) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dirs != nil && d.loc.String() != c.dirs.loc.String() {
		// Stored bare dates were read in the old zone; their text is kept,
		// so read them again in the new one.
		c.events, c.lastSeq = nil, 0
		c.eventsGen++
	}
	c.dirs = d
	c.mon = nil
	if c.rebuild != nil {
		c.rebuild.Stop()
		c.rebuild = nil
		c.rebuildGen++ // one running is dropped
	}
	if err := c.syncLocked(context.Background()); err != nil {
		c.srv.logf("council %s: %v", c.name, err)
	}
	if c.mon == nil {
		c.rebuildLocked()
	}
}

// liveFindings returns the monitor's reports, latest per instance.
func (c *council) liveFindings() []LiveFinding {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]LiveFinding, 0, len(c.order))
	for _, k := range c.order {
		out = append(out, c.live[k])
	}
	return out
}
