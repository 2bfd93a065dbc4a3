package evaluator

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// TestUncertainAgreesWithReference checks the merged findings of an
// evaluation with one event known only to a range against the reference
// evaluator run on each day of that range: every instance the reference
// finds on a day must be in the merged result with the status (and days
// late) the merged finding gives for that day, and a merged instance that
// is not possible must be found on every day.
func TestUncertainAgreesWithReference(t *testing.T) {
	set := barnetAndStress(t)
	histories := 150 / raceScale
	if testing.Short() {
		histories = 30
	}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 7))
		evs := chaosHistory(r, 1+r.IntN(40))
		asOf := randomAsOf(r)
		var dated []int
		for i := range evs {
			if evs[i].DateOnly {
				dated = append(dated, i)
			}
		}
		if len(dated) == 0 {
			continue
		}
		k := dated[r.IntN(len(dated))]
		first := civil.In(evs[k].At, event.London())
		last := first.AddDays(1 + r.IntN(20))
		unc := append([]event.Event(nil), evs...)
		unc[k].Through = last
		res, err := Evaluate(set, unc, Options{AsOf: asOf})
		require.NoError(t, err)
		key := func(f Finding) string {
			if f.Kind == obligation.Triggered || f.Kind == obligation.Prohibition {
				return fmt.Sprintf("%s/%s@%s", f.Direction, f.Obligation, f.Trigger.ID)
			}
			return fmt.Sprintf("%s/%s#%d", f.Direction, f.Obligation, f.Instance)
		}
		merged := map[string]Finding{}
		for _, f := range res.Findings {
			merged[key(f)] = f
		}
		for d := first; !d.After(last); d = d.AddDays(1) {
			world := append([]event.Event(nil), evs...)
			world[k].At = d.Start(event.London())
			want, _, _ := refEvaluate(t, set, world, asOf)
			seen := map[string]bool{}
			fail := func(format string, args ...any) {
				t.Fatalf("seed %d, %s on %s (range %s..%s), as of %s: %s\nmerged:\n%s\nreference:\n%s", seed, evs[k].ID, d, first, last, asOf,
					fmt.Sprintf(format, args...), join(essences(res.Findings)), join(essences(want)))
			}
			for _, w := range want {
				kk := key(w)
				seen[kk] = true
				m, ok := merged[kk]
				if !ok {
					fail("the reference has %s, the merged result has not", essence(w))
				}
				status, lo, hi := m.Status, m.DaysLate, m.DaysLate
				if len(m.Cases) > 0 {
					c, ok := caseOn(m.Cases, d)
					if !ok {
						fail("%s exists on this day but no case covers it", kk)
					}
					status, lo, hi = c.Status, c.DaysLate, max(c.DaysLate, c.DaysLateMax)
				}
				if status != w.Status || (w.Status == Late && (w.DaysLate < lo || w.DaysLate > hi)) {
					fail("%s is %s (%d days late) in the reference, %s (%d-%d) merged", kk, w.Status, w.DaysLate, status, lo, hi)
				}
			}
			for kk, m := range merged {
				if !seen[kk] && m.Status != Possible {
					fail("%s (%s) is not in the reference on this day", kk, m.Status)
				}
				if !seen[kk] && m.Status == Possible {
					if _, ok := caseOn(m.Cases, d); ok {
						fail("%s is possible with a case on this day, but the reference has none", kk)
					}
				}
			}
		}
	}
}

// caseOn returns the case whose (single) span holds day d.
func caseOn(cs []Case, d civil.Date) (Case, bool) {
	for _, c := range cs {
		sp := c.When[len(c.When)-1]
		from, _ := civil.Parse(sp.From)
		to, _ := civil.Parse(sp.To)
		if !d.Before(from) && !d.After(to) {
			return c, true
		}
	}
	return Case{}, false
}
