package server

import (
	"context"
	"fmt"
	"os"
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
			data, err := os.ReadFile(p)
			if err != nil {
				l.err = err
				break
			}
			switch workspace.Classify(p, data) {
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
	// sorted is events in time order, ties in arrival order (as Evaluate
	// would sort them), remade only when events change; never modified
	// in place, so readers may keep it.
	sorted  []event.Event
	lastSeq int64
	// rebuild is set while a rebuild of the monitor is scheduled.
	rebuild *time.Timer
	mon     *evaluator.Monitor
	monLast time.Time // the time of the last event the monitor observed
	timer   *time.Timer
	live    map[string]LiveFinding
	order   []string // live keys in the order first reported
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.syncLocked(ctx); err != nil {
		return nil, nil, err
	}
	return c.dirs, c.sortedLocked(), nil
}

// sortedLocked returns the events in time order, ties in arrival order.
func (c *council) sortedLocked() []event.Event {
	n := len(c.sorted)
	switch {
	case n == len(c.events):
	case n > 0 && inOrderAfter(c.events[n:], c.sorted[n-1].At):
		// New events at or after the last: appending keeps the order.
		// The capacity is cut so that an append never writes under a
		// reader's slice.
		c.sorted = append(c.sorted[:n:n], c.events[n:]...)
	case n > 0:
		c.sorted = merge(c.sorted, event.Sort(c.events[n:]))
	default:
		c.sorted = event.Sort(c.events)
	}
	return c.sorted[:len(c.sorted):len(c.sorted)]
}

// merge merges two time-ordered lists into a new one; on equal times old
// comes first, as it arrived first, so the result is what a stable sort
// of the events in arrival order gives.
func merge(old, new []event.Event) []event.Event {
	out := make([]event.Event, 0, len(old)+len(new))
	i, j := 0, 0
	for i < len(old) && j < len(new) {
		if new[j].At.Before(old[i].At) {
			out = append(out, new[j])
			j++
		} else {
			out = append(out, old[i])
			i++
		}
	}
	out = append(out, old[i:]...)
	return append(out, new[j:]...)
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
// another sharing the database) and feeds them to the monitor.
func (c *council) sync(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.syncLocked(ctx)
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
	c.events = append(c.events, evs...)
	c.lastSeq = rows[len(rows)-1].Seq
	if c.rebuild != nil {
		return nil // the scheduled rebuild will read them
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
		// Rebuilding costs the whole history; under a stream of late
		// returns do it once a second, not once a batch. Reads do not
		// wait for it: findings are evaluated from the events.
		c.rebuild = time.AfterFunc(rebuildDelay, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.rebuild = nil
			if !c.stopped {
				c.rebuildLocked()
			}
		})
	default:
		c.advanceLocked()
	}
	return nil
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
	sorted := c.sortedLocked()
	for i := range sorted {
		if err := c.mon.Observe(&sorted[i]); err != nil {
			c.srv.logf("council %s: monitor: %v", c.name, err)
			continue
		}
		c.monLast = sorted[i].At
	}
	c.advanceLocked()
}

func (c *council) reportLocked(f evaluator.Finding) {
	key := FindingID(c.name, f)
	if _, seen := c.live[key]; !seen {
		c.order = append(c.order, key)
	}
	c.live[key] = LiveFinding{Reported: c.srv.now().UTC(), Finding: f}
	if f.Status != evaluator.Open && len(c.srv.hooksFor(c.name)) > 0 {
		c.pending = append(c.pending, pendingFinding{reported: c.srv.now().UTC(), f: f})
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
		c.events, c.sorted, c.lastSeq = nil, nil, 0
	}
	c.dirs = d
	c.mon = nil
	if c.rebuild != nil {
		c.rebuild.Stop()
		c.rebuild = nil
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
