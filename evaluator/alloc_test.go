package evaluator

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
)

// A noise event (a type no obligation's guard admits) costs no allocation
// in the engine, through Evaluate's loop or the monitor. (The stress
// direction is left out: its unguarded expressions make every event worth
// a CEL call.)
func TestNoiseEventsDoNotAllocate(t *testing.T) {
	set := loadSet(t, filepath.Join("..", "examples", "barnet", "direction-2017-09.yaml"),
		filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"))
	start := civil.New(2018, 3, 1).Start(event.London())
	evs := make([]event.Event, 1000)
	for i := range evs {
		evs[i] = event.Event{ID: "v", Type: "assessment", At: start.Add(time.Duration(i) * time.Hour),
			Attrs: map[string]any{"child": "c1"}}
	}
	e := newEngine(set, nil, nil, func(*dirState, *oblState, *Finding) {})
	i := 0
	allocs := testing.AllocsPerRun(len(evs)-1, func() {
		if err := e.observe(&evs[i]); err != nil {
			t.Fatal(err)
		}
		i++
	})
	require.Zero(t, allocs, "allocations per noise event in the engine")

	m := NewMonitor(set, func(Finding) {})
	i = 0
	allocs = testing.AllocsPerRun(len(evs)-1, func() {
		if err := m.Observe(&evs[i]); err != nil {
			t.Fatal(err)
		}
		i++
	})
	require.Zero(t, allocs, "allocations per noise event in the monitor")
}
