package evaluator

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/synth"
)

// caseOf's table of remembered answers must give what the map gives, for
// every type in any order: types whose lengths share a slot (they evict
// each other), equal types in different bytes (the comparison cannot stop
// at the pointer), types no guard names and the empty type.
func TestCaseOfAgreesWithTheMap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "direction.yaml")
	if err := writeFile(path, synth.Direction("bench", civil.New(2018, time.January, 25))); err != nil {
		t.Fatal(err)
	}
	e := newEngine(loadSet(t, path), nil, nil, func(*dirState, *oblState, *Finding) {})
	ds := e.states[0]
	var types []string
	for typ := range ds.byType {
		types = append(types, typ, strings.Clone(typ), typ+"x", strings.Repeat("y", len(typ)), strings.Repeat("z", len(typ)+len(ds.lastCase)))
	}
	if len(types) < 2*5 {
		t.Fatalf("the direction's guards name %d types; the test needs several", len(types)/5)
	}
	types = append(types, "", "visit", "audit", "extension")
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 100_000 {
		typ := types[r.IntN(len(types))]
		want, known := ds.byType[typ]
		if !known {
			want = ds.anyType
		}
		got := ds.caseOf(typ)
		if !slices.Equal(got.obls, want.obls) {
			t.Fatalf("event %d of type %q: caseOf gave %d obligations; the map %d", i, typ, len(got.obls), len(want.obls))
		}
	}
}
