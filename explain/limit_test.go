package explain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/synth"
)

// Options.MaxNotSatisfying's zero value lists every event tested, as
// before the option; a limit N keeps, of each instance's events that did
// not satisfy it, exactly the last N of the full list, keeps every one
// that did, and counts the rest (NotListed) with their first and last
// times; a candidate's note is the only other change. Checked against the
// full explanation of a generated council whose responses are tested
// against many instances (a traced obligation has no keyed lookup).
func TestMaxNotSatisfyingKeepsTheLastAndCountsTheRest(t *testing.T) {
	issued := civil.New(2018, time.March, 5)
	d, err := direction.Parse("c.yaml", synth.Direction("c", issued), direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	evs, _ := synth.History(synth.Options{Seed: 7, Council: "c", Issued: issued, Years: 2, Noise: 0.5, RequestsPerMonth: 4, Times: true, Late: 0.1, Missed: 0.1})
	at := issued.AddDays(700).End(d.Location)
	counted := 0
	for _, o := range d.Obligations {
		targets := Find(set, d.ID+"/"+o.ID)
		full, err := Explain(set, evs, targets, Options{AsOf: at})
		require.NoError(t, err)
		huge, err := Explain(set, evs, targets, Options{AsOf: at, MaxNotSatisfying: 1 << 30})
		require.NoError(t, err)
		assert.Equal(t, written(t, full, nil), written(t, huge, nil), "%s: the zero value lists all", o.ID)
		for _, n := range []int{1, 3} {
			lim, err := Explain(set, evs, targets, Options{AsOf: at, MaxNotSatisfying: n})
			require.NoError(t, err)
			fi, li := full.Obligations[0].Instances, lim.Obligations[0].Instances
			require.Len(t, li, len(fi))
			for i := range fi {
				var failed, kept []Considered
				for _, c := range fi[i].Considered {
					if !c.Satisfied {
						failed = append(failed, c)
					}
				}
				for _, c := range li[i].Considered {
					if !c.Satisfied {
						kept = append(kept, c)
					}
				}
				assert.Nil(t, fi[i].NotListed)
				if len(failed) <= n {
					assert.Equal(t, fi[i].Considered, li[i].Considered, "%s instance %d", o.ID, fi[i].Number)
					assert.Nil(t, li[i].NotListed)
					continue
				}
				counted++
				assert.Equal(t, failed[len(failed)-n:], kept, "%s instance %d: the last %d", o.ID, fi[i].Number, n)
				assert.Equal(t, len(fi[i].Considered)-len(failed)+n, len(li[i].Considered), "every satisfying event kept")
				require.NotNil(t, li[i].NotListed)
				assert.Equal(t, NotListed{Count: len(failed) - n, First: failed[0].At, Last: failed[len(failed)-n-1].At}, *li[i].NotListed)
				assert.Equal(t, fi[i].Outcome, li[i].Outcome, "the outcome counts every test")
			}
		}
	}
	require.Positive(t, counted, "some instance is over the limit")
}
