package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
)

// TestRebuildFeedsEventsThatArriveMeanwhile: a monitor rebuilt off the
// council's lock is given, when installed, the events stored while it was
// built; one among them dated before what it has seen schedules another
// rebuild.
func TestRebuildFeedsEventsThatArriveMeanwhile(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	tok := h.token(RoleCouncil, "ambridge")
	c := h.srv.council("ambridge")
	post := func(body string) {
		t.Helper()
		code, resp := h.do("POST", "/v1/councils/ambridge/events", tok, jsonl, body)
		require.Equal(t, 200, code, string(resp))
	}
	// Ambridge's direction is of 1 March 2018; 8(f) wants the chair's
	// report every 3 months, the first within 3: instance 1 is due
	// 1 June 2018, instance 2 on 1 September 2018.
	status := func(instance int) evaluator.Status {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, lf := range c.live {
			if lf.Finding.Obligation == "chair-quarterly-report" && lf.Finding.Instance == instance {
				return lf.Finding.Status
			}
		}
		return ""
	}

	// The monitor has advanced to today: a report of 30 May 2018 is a
	// late return, and schedules a rebuild. Take it in hand.
	// (Assertions are made off the lock, so that a failure cannot leave
	// it held.)
	takeRebuild := func() int {
		t.Helper()
		c.mu.Lock()
		r, gen := c.rebuild, c.rebuildGen
		if r != nil {
			r.Stop()
		}
		c.mu.Unlock()
		require.NotNil(t, r, "a late return schedules a rebuild")
		return gen
	}
	post(`{"id": "chair-q1", "type": "report", "at": "2018-05-30", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	gen := takeRebuild()
	b := c.buildMonitor(gen)
	require.NotNil(t, b)

	// While it is built, the report of 30 August 2018 arrives: stored,
	// but not given to the old monitor, which is being replaced.
	post(`{"id": "chair-q2", "type": "report", "at": "2018-08-30", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	c.install(b)
	assert.Equal(t, evaluator.Met, status(1), "the rebuilt monitor saw chair-q1")
	assert.Equal(t, evaluator.Met, status(2), "installing fed it chair-q2, which arrived during the build")
	c.mu.Lock()
	pending := c.rebuild
	c.mu.Unlock()
	assert.Nil(t, pending, "nothing late arrived during the build")

	// Again, with a late return among the events that arrive during the
	// build: it is installed, and another rebuild is scheduled.
	post(`{"id": "review-1", "type": "review", "at": "2018-08-24", "by": "felpersham"}`)
	gen = takeRebuild()
	b = c.buildMonitor(gen)
	require.NotNil(t, b)
	post(`{"id": "chair-early", "type": "report", "at": "2018-04-02", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	c.install(b)
	c.mu.Lock()
	mon, again, newGen := c.mon, c.rebuild, c.rebuildGen
	c.mu.Unlock()
	assert.Same(t, b.mon, mon, "installed")
	require.NotNil(t, again, "another rebuild is scheduled for the late return")
	assert.Greater(t, newGen, gen)

	// An overtaken rebuild is dropped.
	c.mu.Lock()
	c.rebuild.Stop()
	stale := c.rebuildGen
	c.scheduleRebuildLocked()
	c.mu.Unlock()
	assert.Nil(t, c.buildMonitor(stale))
}
