package server

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// TestMergeIsAStableSort: merging the sorted history with the sorted late
// arrivals gives what a stable sort of all the events in arrival order
// gives, ties included.
func TestMergeIsAStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ids := func(evs []event.Event) []string {
		out := make([]string, len(evs))
		for i := range evs {
			out[i] = evs[i].ID
		}
		return out
	}
	for round := range 500 {
		n := r.IntN(60)
		evs := make([]event.Event, n)
		for i := range evs {
			// Few distinct days, so that ties are common.
			evs[i] = event.Event{ID: fmt.Sprint(i), Type: "x", At: time.Date(2018, 1, 1+r.IntN(8), 0, 0, 0, 0, time.UTC)}
		}
		cut := 0
		if n > 0 {
			cut = r.IntN(n + 1)
		}
		got := merge(event.Sort(evs[:cut]), event.Sort(evs[cut:]))
		require.Equal(t, ids(event.Sort(evs)), ids(got), "round %d, %d events cut at %d", round, n, cut)
	}
}
