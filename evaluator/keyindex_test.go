package evaluator

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dfe-tools/directions/obligation"
)

// The keyed obligations of a direction share one keyIndex, which
// remembers its last look-up. It must answer as one map an obligation
// would (the engine before it shared one): put replaces that
// obligation's instance under the id, drop removes it whichever instance
// it is, and no answer outlives a change.
func TestKeyIndexAgreesWithAMapAnObligation(t *testing.T) {
	obls := make([]*obligation.Obligation, 4)
	for i := range obls {
		obls[i] = &obligation.Obligation{ID: fmt.Sprint("o", i)}
	}
	ids := []string{"r1", "r2", "r3", "r4", "r5"}
	r := rand.New(rand.NewPCG(3, 4))
	for run := range 200 {
		x := &keyIndex{open: map[string]openSet{}}
		want := map[*obligation.Obligation]map[string]*instance{}
		for _, o := range obls {
			want[o] = map[string]*instance{}
		}
		for step := range 200 {
			o, id := obls[r.IntN(len(obls))], ids[r.IntN(len(ids))]
			switch r.IntN(3) {
			case 0:
				in := &instance{Instance: obligation.Instance{Obligation: o, Number: step}}
				x.put(id, in)
				want[o][id] = in
			case 1:
				x.drop(id, o)
				delete(want[o], id)
			}
			// Ask about every pair, in random order, so that the remembered
			// look-up is tried for hits and misses.
			for range 8 {
				o, id := obls[r.IntN(len(obls))], ids[r.IntN(len(ids))]
				if got := x.get(id).find(o); got != want[o][id] {
					t.Fatalf("run %d step %d: %s under %s: got %v, want %v", run, step, o.ID, id, got, want[o][id])
				}
			}
		}
		// An id with nothing outstanding is not kept.
		for id, s := range x.open {
			if s.first == nil {
				t.Fatalf("run %d: %s filed with no instance", run, id)
			}
		}
	}
}
