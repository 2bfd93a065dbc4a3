package evaluator

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/obligation"
)

// Evaluate pools its scratch between calls (scratch.go). Evaluations one
// after another, of different histories, which take blocks and id tables
// another evaluation filled, must give exactly what an evaluation with an
// empty pool gives, and must leave earlier results as they were.
func TestPooledScratchChangesNoResult(t *testing.T) {
	big := newBenchCouncil(t, 30_000, 0.5, 4)
	small := newBenchCouncil(t, 3_000, 0.2, 2)
	fresh := func(c benchCouncil) *Result {
		scratchPool = sync.Pool{}
		res, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf})
		require.NoError(t, err)
		return res
	}
	wantBig, wantSmall := fresh(big), fresh(small)
	require.NotEmpty(t, wantBig.Findings)
	scratchPool = sync.Pool{}
	type evaluation struct{ want, got *Result }
	var kept []evaluation
	for _, c := range []benchCouncil{big, small, big, small, small, big} {
		res, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf})
		require.NoError(t, err)
		want := wantSmall
		if len(c.events) == len(big.events) {
			want = wantBig
		}
		require.Equal(t, want, res)
		kept = append(kept, evaluation{want, res})
	}
	for i, k := range kept {
		require.Equal(t, k.want, k.got, "result %d changed after later evaluations", i)
	}
}

// A Trace is handed each instance and may keep it: a traced evaluation's
// instance blocks are not pooled, so a later evaluation leaves them alone.
func TestTracedInstancesOutliveLaterEvaluations(t *testing.T) {
	c := newBenchCouncil(t, 5_000, 0.5, 2)
	other := newBenchCouncil(t, 8_000, 0.3, 3) // other instances to write
	scratchPool = sync.Pool{}
	// Each instance as it was created, and where it is.
	var seen []*obligation.Instance
	var created []instanceFields
	_, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf, Trace: func(s Step) {
		if s.Kind == StepCreated {
			seen, created = append(seen, s.Instance), append(created, fieldsOf(s.Instance))
		}
	}})
	require.NoError(t, err)
	require.NotEmpty(t, seen)
	for range 3 {
		_, err := Evaluate(other.set, other.events, Options{AsOf: other.asOf})
		require.NoError(t, err)
	}
	for i, in := range seen {
		require.Equal(t, created[i], fieldsOf(in), "instance %d of the traced evaluation was overwritten", i)
	}
}

// instanceFields are an instance's exported fields (it also caches its
// value for CEL as it is evaluated).
type instanceFields struct {
	o          *obligation.Obligation
	number     int
	opens, due string
	trigger    string
	basis      string
}

func fieldsOf(in *obligation.Instance) instanceFields {
	f := instanceFields{o: in.Obligation, number: in.Number, opens: in.Opens.String(), due: in.DueAt.String() + " " + in.Due.String(), basis: in.Basis}
	if in.Trigger != nil {
		f.trigger = in.Trigger.ID
	}
	return f
}
