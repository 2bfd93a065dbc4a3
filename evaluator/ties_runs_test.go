package evaluator

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/obligation"
)

// plainMarkTies is markTies as it was before it went a run of one
// obligation at a time: every finding's trigger compared with the next's,
// eligibility asked of each group that may tie. markTies must mark the
// same findings.
func plainMarkTies(set *direction.Set, fs []Finding) {
	for i := 0; i < len(fs); {
		j := i + 1
		if t := fs[i].Trigger; t != nil {
			for j < len(fs) && fs[j].Trigger != nil && fs[j].Trigger.At.Equal(t.At) &&
				fs[j].Obligation == fs[i].Obligation && fs[j].Direction == fs[i].Direction {
				j++
			}
		}
		if j-i > 1 && mayTie(fs[i:j]) && tieEligible(set, fs[i].Direction, fs[i].Obligation) {
			markGroup(fs[i:j])
		}
		i = j
	}
}

// Random results over testdata/ties.yaml (any-response and days-response
// can tie, named-response and kind-response cannot): runs of findings of
// one obligation, triggers at few instants so that groups form, verdicts
// and discharges mixed, an obligation's run sometimes split in two by
// another's, a direction the set lacks. markTies marks exactly what the
// plain pass marks, and the test's results do hold ties of both kinds of
// run (eligible marked, ineligible not).
func TestMarkTiesRunsMatchPlain(t *testing.T) {
	d, err := direction.Load("testdata/ties.yaml", direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	obls := []string{"any-response", "named-response", "kind-response", "days-response"}
	dirs := []string{"tie-2018", "tie-2018", "tie-2018", "other"}
	base := time.Date(2018, 3, 1, 9, 0, 0, 0, time.UTC)
	statuses := []Status{Met, Late, Missed, Open, Waived}
	marked, eligibleSeen := 0, 0
	for seed := range 400 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		var fs []Finding
		for range 1 + r.IntN(6) {
			dir, obl := dirs[r.IntN(len(dirs))], obls[r.IntN(len(obls))]
			for n := range 1 + r.IntN(12) {
				f := Finding{Direction: dir, Obligation: obl, Instance: n + 1, Kind: obligation.Triggered, Status: statuses[r.IntN(len(statuses))]}
				if r.IntN(8) > 0 {
					f.Trigger = &EventRef{ID: "q" + string(rune('a'+n)), At: base.Add(time.Duration(r.IntN(3)) * time.Hour)}
				}
				switch f.Status {
				case Met, Late:
					f.DischargedBy = &EventRef{ID: "r", At: base.Add(time.Duration(1+r.IntN(5)) * time.Hour)}
					f.Attribution = string(obligation.OldestOutstanding)
					if r.IntN(4) == 0 {
						f.Attribution = string(obligation.Window)
					}
					if f.Status == Late {
						f.DaysLate = 1 + r.IntN(2)
					}
				case Waived:
					f.Waiver = &EventRef{ID: "w", At: base.Add(time.Duration(r.IntN(5)) * time.Hour)}
				}
				f.Reason = "r"
				fs = append(fs, f)
			}
		}
		want := make([]Finding, len(fs))
		copy(want, fs) // the refs are only read
		plainMarkTies(set, want)
		markTies(set, fs)
		require.Equal(t, want, fs, "seed %d", seed)
		for _, f := range fs {
			if f.TiedCount > 0 {
				marked++
			}
			if f.Direction == "tie-2018" && (f.Obligation == "any-response" || f.Obligation == "days-response") {
				eligibleSeen++
			}
		}
	}
	assert.Greater(t, marked, 100, "the results hold ties")
	assert.Greater(t, eligibleSeen, 100)
}
