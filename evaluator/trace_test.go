package evaluator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
)

type traced struct {
	kind      evaluator.StepKind
	obl       string
	n         int
	event     string
	satisfied bool
	retained  bool
}

func traceOf(t *testing.T, dir string) ([]traced, *evaluator.Result, *evaluator.Result) {
	t.Helper()
	ws, err := workspace.Load([]string{dir}, direction.Options{})
	require.NoError(t, err)
	set, err := ws.Set()
	require.NoError(t, err)
	asOf := evaluator.EndOfDay(2018, 9, 30, ws.Location)
	var steps []traced
	withTrace, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: asOf, Trace: func(s evaluator.Step) {
		st := traced{kind: s.Kind, obl: s.Instance.Obligation.ID, n: s.Instance.Number, satisfied: s.Satisfied, retained: s.Retained}
		if s.Event != nil {
			st.event = s.Event.ID
		}
		steps = append(steps, st)
	}})
	require.NoError(t, err)
	without, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	return steps, withTrace, without
}

func filter(steps []traced, obl string) []traced {
	var out []traced
	for _, s := range steps {
		if s.obl == obl {
			out = append(out, s)
		}
	}
	return out
}

// Borsetshire's 8(f): instance 1 (due 15 May 2018) is open from 15 Feb; the
// adviser's report of 10 May is a report, so it is tested and fails the
// condition; the Chair's report of 21 May discharges it. Instance 2 opens
// when instance 1 falls due and sees two reports that are not the Chair's.
// Instance 3 opens on 15 Aug and sees nothing by 30 Sep.
func TestTraceRecurring(t *testing.T) {
	steps, with, without := traceOf(t, "../examples/national/borsetshire")
	assert.Equal(t, without, with, "a trace must not change the result")
	const o = "chair-quarterly-report"
	want := []traced{
		{kind: evaluator.StepCreated, obl: o, n: 1},
		{kind: evaluator.StepTested, obl: o, n: 1, event: "loamshire-dfe-q1"},
		{kind: evaluator.StepCreated, obl: o, n: 2},
		{kind: evaluator.StepTested, obl: o, n: 1, event: "chair-q1", satisfied: true},
		{kind: evaluator.StepTested, obl: o, n: 2, event: "dcs-2018-06"},
		{kind: evaluator.StepTested, obl: o, n: 2, event: "loamshire-dfe-q2"},
		{kind: evaluator.StepCreated, obl: o, n: 3},
	}
	assert.Equal(t, want, filter(steps, o))
}

// Barnet's 8(d): the DCS's report of 16 Apr 2018 comes two days before the
// board meeting it is for, so it is held back and claimed when the meeting
// creates the instance. The once obligation of the first direction is
// reported although it was created before any event.
func TestTraceRetainedAndOnce(t *testing.T) {
	steps, _, _ := traceOf(t, "../examples/barnet")
	assert.Contains(t, filter(steps, "dcs-progress-report"),
		traced{kind: evaluator.StepTested, obl: "dcs-progress-report", n: 2, event: "dcs-2018-04", satisfied: true, retained: true})
	assert.Equal(t, []traced{
		{kind: evaluator.StepCreated, obl: "commissioner-review-report", n: 1},
		{kind: evaluator.StepTested, obl: "commissioner-review-report", n: 1, event: "commissioner-2017-12", satisfied: true},
	}, filter(steps, "commissioner-review-report"))
}

func benchmarkTrace(b *testing.B, trace evaluator.Trace) {
	ws, err := workspace.Load([]string{"../examples/barnet"}, direction.Options{})
	require.NoError(b, err)
	set, err := ws.Set()
	require.NoError(b, err)
	opts := evaluator.Options{AsOf: evaluator.EndOfDay(2018, 9, 30, ws.Location), Trace: trace}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evaluator.Evaluate(set, ws.Events, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// go test -run '^$' -bench 'Trace' -count 6 ./evaluator
func BenchmarkTraceNil(b *testing.B)  { benchmarkTrace(b, nil) }
func BenchmarkTraceNoop(b *testing.B) { benchmarkTrace(b, func(evaluator.Step) {}) }

// Follow the Chair's quarterly reports (Barnet 8(f)) through an
// evaluation: each instance as it is created, each report tested against it.
// Essex's reports to the DfE of 24 Apr and 23 Jul are not tested: each comes
// after the Chair's report of its quarter and before the next quarter's
// instance opens (when the previous one falls due), so no instance is
// outstanding for them.
func ExampleTrace() {
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	if err != nil {
		panic(err)
	}
	set, err := direction.NewSet(d)
	if err != nil {
		panic(err)
	}
	history, err := event.Load("../examples/barnet/history.yaml", event.Options{})
	if err != nil {
		panic(err)
	}
	trace := func(s evaluator.Step) {
		if s.Instance.Obligation.ID != "chair-quarterly-report" {
			return
		}
		switch s.Kind {
		case evaluator.StepCreated:
			fmt.Printf("instance %d: %s\n", s.Instance.Number, s.Instance.Basis)
		case evaluator.StepTested:
			fmt.Printf("  %s tested against instance %d: %v\n", s.Event.ID, s.Instance.Number, s.Satisfied)
		}
	}
	_, err = evaluator.Evaluate(set, history, evaluator.Options{
		AsOf:  evaluator.EndOfDay(2018, time.July, 31, event.London()),
		Trace: trace,
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// instance 1: 25 Jan 2018 (the direction's date) + 3 months = 25 Apr 2018
	//   dcs-2018-02 tested against instance 1: false
	//   dcs-2018-04 tested against instance 1: false
	//   chair-q1 tested against instance 1: true
	// instance 2: 25 Jan 2018 (the direction's date) + 3 months + 1 × 3 months = 25 Jul 2018
	//   commissioner-2018-05 tested against instance 2: false
	//   dcs-2018-06 tested against instance 2: false
	//   chair-q2 tested against instance 2: true
	// instance 3: 25 Jan 2018 (the direction's date) + 3 months + 2 × 3 months = 25 Oct 2018
}
