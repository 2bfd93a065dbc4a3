package server

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/report"
)

// evaluation is one evaluation of a council's events as of one time,
// shared by every read that asks the same of the same events and
// directions: findings, the summary, the dashboard and the report read
// it, none modifies it.
type evaluation struct {
	done chan struct{} // closed once res or err is set
	res  *evaluator.Result
	err  error

	jsonOnce sync.Once
	json     []byte // the findings report as sent, encoded once
}

// findingsJSON is the findings report (the JSON `check` writes), encoded
// on first use.
func (e *evaluation) findingsJSON(s *Server, d *directions) []byte {
	e.jsonOnce.Do(func() {
		// Encoding costs about what evaluating does: it takes a slot too.
		s.evalSlots <- struct{}{}
		defer func() { <-s.evalSlots }()
		// Not indented: a council's report can hold thousands of
		// findings, and indenting them was a fifth of a read's time.
		e.json, _ = json.Marshal(report.NewCheck(d.council(e.res)))
		e.json = append(e.json, '\n')
	})
	return e.json
}

// evalKey names what an evaluation depends on: the directions, the
// events (the first n to arrive, of generation gen) and the as-of time.
type evalKey struct {
	dirs   *directions
	gen, n int
	asOf   int64 // Unix nanoseconds
}

// maxEvals bounds the evaluations kept per council (for distinct as-of
// times over the same events).
const maxEvals = 8

// errRetry is the error of an evaluation given up because the request
// that ran it went away: a reader waiting on it runs its own.
var errRetry = errors.New("evaluation abandoned")

// evaluate returns the council's directions and the evaluation of its
// events as of the time asOf gives in the directions' zone.
//
// Reads of the same events, directions and as-of time share one
// evaluation (a read that arrives while it runs waits for it), and an
// evaluation is kept until an event arrives or the directions change. At
// most evalSlots evaluations run at once across the server, so that
// readers cannot take every core from ingest.
func (c *council) evaluate(ctx context.Context, asOf func(*directions) (time.Time, error)) (*directions, *evaluation, error) {
	for {
		if err := c.sync(ctx); err != nil {
			return nil, nil, storeError{err}
		}
		c.mu.Lock()
		d, gen, evs := c.dirs, c.eventsGen, c.events
		c.mu.Unlock()
		at, err := asOf(d)
		if err != nil {
			return nil, nil, err
		}
		sorted := c.sortedFor(gen, evs)
		key := evalKey{dirs: d, gen: gen, n: len(sorted), asOf: at.UnixNano()}
		c.mu.Lock()
		e, found := c.evals[key]
		if !found {
			e = &evaluation{done: make(chan struct{})}
			c.keepEvalLocked(key, e)
		}
		c.mu.Unlock()
		if !found {
			e.res, e.err = c.srv.runEvaluation(ctx, d, sorted, at)
			if e.err != nil {
				c.mu.Lock()
				if c.evals[key] == e {
					delete(c.evals, key) // errors are not kept
				}
				c.mu.Unlock()
			}
			close(e.done)
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		if errors.Is(e.err, errRetry) && ctx.Err() == nil {
			continue // its reader went away; this one is still here
		}
		return d, e, e.err
	}
}

// keepEvalLocked adds e under key, dropping evaluations of fewer events
// or of other directions, and the oldest beyond maxEvals.
func (c *council) keepEvalLocked(key evalKey, e *evaluation) {
	if c.evals == nil {
		c.evals = map[evalKey]*evaluation{}
	}
	kept := c.evalOrder[:0]
	for _, k := range c.evalOrder {
		if _, ok := c.evals[k]; ok && k.dirs == key.dirs && k.gen == key.gen && k.n >= key.n {
			kept = append(kept, k)
		} else {
			delete(c.evals, k)
		}
	}
	for len(kept) >= maxEvals {
		delete(c.evals, kept[0])
		kept = kept[1:]
	}
	c.evals[key] = e
	c.evalOrder = append(kept, key)
}

// storeError is a store failure met while reading (answered 503).
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// runEvaluation evaluates in one of the server's evaluation slots.
func (s *Server) runEvaluation(ctx context.Context, d *directions, evs []event.Event, at time.Time) (*evaluator.Result, error) {
	select {
	case s.evalSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, errRetry
	}
	defer func() { <-s.evalSlots }()
	res, err := evaluator.EvaluateContext(ctx, d.set, evs, evaluator.Options{AsOf: at})
	if err != nil && ctx.Err() != nil {
		return nil, errRetry
	}
	return res, err
}

// evalSlotCount is how many evaluations may run at once: every core but
// one, so that ingest always has a core to itself.
func evalSlotCount() int { return max(1, runtime.GOMAXPROCS(0)-1) }
