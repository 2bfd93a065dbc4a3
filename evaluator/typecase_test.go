package evaluator

import (
	"testing"
)

// A typeCase's may flags, asked of the guards once, must be what the
// obligations' guards say for every type: the types the guards name, and
// for types none names (anyType, whose flags are asked each time) the
// same. The set has obligations with and without type guards.
func TestTypeCaseAgreesWithTheGuards(t *testing.T) {
	e := newEngine(barnetAndStress(t), nil, nil, func(*dirState, *oblState, *Finding) {})
	unguarded := 0
	for _, ds := range e.states {
		types := []string{"", "visit", "no-guard-names-this"}
		for typ := range ds.byType {
			types = append(types, typ, typ+"x")
		}
		unguarded += len(ds.anyType.obls)
		for _, typ := range types {
			c := ds.caseOf(typ)
			if _, named := ds.byType[typ]; named && c.may == nil {
				t.Fatalf("%s: type %q, which a guard names, has no flags", ds.d.ID, typ)
			}
			for i, st := range c.obls {
				got, want := c.mayFor(i, typ), mayBy{sat: st.o.MaySatisfy(typ), trig: st.o.MayTrigger(typ)}
				if got != want {
					t.Fatalf("%s: %s for type %q: flags %+v, guards %+v", ds.d.ID, st.o.ID, typ, got, want)
				}
			}
		}
	}
	if unguarded == 0 {
		t.Fatal("no obligation without a type guard: the test needs one")
	}
}
