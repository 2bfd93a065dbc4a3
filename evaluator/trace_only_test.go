package evaluator_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/workspace"
)

// A trace limited to some obligations (hooks.TraceOnly, which package
// explain uses) leaves the others their keys and filters. It must tell
// each admitted obligation's steps exactly as a trace of everything does,
// and change no finding: these tests limit the trace to each obligation
// in turn, and to none, and compare with a trace of everything.

var traceOnly = hooks.TraceOnly.(func(evaluator.Options, func(dir, obl string) bool) evaluator.Options)

// stepLine is everything a step says, read while the step is current.
func stepLine(s evaluator.Step) string {
	in := s.Instance
	line := fmt.Sprintf("%d %s/%s #%d opens=%s due=%s at=%s basis=%q", s.Kind, s.Direction, in.Obligation.ID, in.Number,
		in.Opens.Format(time.RFC3339), in.Due, in.DueAt.Format(time.RFC3339), in.Basis)
	if in.Trigger != nil {
		line += fmt.Sprintf(" trigger=%s%v", in.Trigger.ID, in.Trigger.Attrs)
	}
	if s.Event != nil {
		line += fmt.Sprintf(" event=%s%v satisfied=%v retained=%v rule=%s", s.Event.ID, s.Event.Attrs, s.Satisfied, s.Retained, s.Attribution)
	}
	return line
}

// evalTraced evaluates with a trace limited by only (nil: every
// obligation), loaded or streamed, and returns the findings and the steps
// of each obligation.
func evalTraced(t *testing.T, set *direction.Set, evs []event.Event, asOf time.Time, stream bool, only func(dir, obl string) bool) (*evaluator.Result, map[string][]string, error) {
	t.Helper()
	steps := map[string][]string{}
	byID := map[string]*event.Event{}
	for i := range evs {
		byID[evs[i].ID] = &evs[i]
	}
	opts := evaluator.Options{AsOf: asOf, Trace: func(s evaluator.Step) {
		k := s.Direction + "/" + s.Instance.Obligation.ID
		steps[k] = append(steps[k], stepLine(s))
		// A traced trigger keeps its attributes, even streamed (a due
		// date's derivation names them).
		if tr := s.Instance.Trigger; tr != nil && !reflect.DeepEqual(tr.Attrs, byID[tr.ID].Attrs) {
			t.Errorf("%s: trigger %s has attributes %v, not its event's %v", k, tr.ID, tr.Attrs, byID[tr.ID].Attrs)
		}
	}}
	if only != nil {
		opts = traceOnly(opts, only)
	}
	var res *evaluator.Result
	var err error
	if stream {
		res, err = evaluator.EvaluateStream(context.Background(), set, evaluator.Reusing(evs), opts)
	} else {
		res, err = evaluator.Evaluate(set, evs, opts)
	}
	return res, steps, err
}

// compareTraceOnly limits the trace to each obligation of set in turn and
// to none, as of each time, and requires the steps a trace of everything
// gives that obligation and the findings of an untraced evaluation.
func compareTraceOnly(t *testing.T, set *direction.Set, evs []event.Event, asOfs []time.Time, stream bool) {
	t.Helper()
	if stream {
		evs = event.Sort(evs)
	}
	for _, asOf := range asOfs {
		fast, ferr := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
		_, all, aerr := evalTraced(t, set, evs, asOf, stream, nil)
		if ferr != nil || aerr != nil {
			require.Equal(t, fmt.Sprint(ferr), fmt.Sprint(aerr), "as of %s", asOf)
		}
		none, steps, nerr := evalTraced(t, set, evs, asOf, stream, func(string, string) bool { return false })
		require.Equal(t, fmt.Sprint(ferr), fmt.Sprint(nerr), "as of %s: traced nowhere", asOf)
		require.Empty(t, steps, "as of %s: a trace admitting no obligation was told steps", asOf)
		if ferr == nil {
			require.Equal(t, fast.Findings, none.Findings, "as of %s: traced nowhere", asOf)
		}
		for _, d := range set.Directions {
			for _, o := range d.Obligations {
				k := d.ID + "/" + o.ID
				res, steps, err := evalTraced(t, set, evs, asOf, stream, func(dir, obl string) bool { return dir == d.ID && obl == o.ID })
				require.Equal(t, fmt.Sprint(ferr), fmt.Sprint(err), "as of %s, tracing %s", asOf, k)
				if err != nil {
					continue
				}
				require.Equal(t, fast.Findings, res.Findings, "as of %s, tracing %s: findings differ from an untraced evaluation's", asOf, k)
				require.Equal(t, fast.Events, res.Events, "as of %s, tracing %s", asOf, k)
				require.Equal(t, all[k], steps[k], "as of %s, tracing %s: steps differ from a trace of everything", asOf, k)
				require.Len(t, steps, min(len(steps[k]), 1), "as of %s, tracing %s: told another obligation's steps", asOf, k)
			}
		}
	}
}

func TestTraceOnlyOnShippedDirections(t *testing.T) {
	for _, dir := range shippedCouncils(t) {
		t.Run(strings.TrimPrefix(filepath.ToSlash(dir), "../examples/"), func(t *testing.T) {
			ws, err := workspace.Load([]string{dir}, direction.Options{})
			require.NoError(t, err)
			set, err := ws.Set()
			require.NoError(t, err)
			sorted := event.Sort(ws.Events)
			var asOfs []time.Time
			for _, q := range []int{1, 2, 4} {
				asOfs = append(asOfs, sorted[q*(len(sorted)-1)/4].At)
			}
			asOfs = append(asOfs, sorted[len(sorted)-1].At.AddDate(1, 0, 0))
			// Loaded, with dates known only to a range weighed (Barnet's
			// third direction); streamed, each fixed at its first day.
			compareTraceOnly(t, set, ws.Events, asOfs, false)
			compareTraceOnly(t, firstDays(t, set), ws.Events, asOfs, true)
			for seed := range uint64(4) {
				r := rand.New(rand.NewPCG(seed, 7))
				evs := mutate(r, ws.Events, 20+r.IntN(60))
				t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { compareTraceOnly(t, firstDays(t, set), evs, asOfs, seed%2 == 1) })
			}
		})
	}
}

func TestTraceOnlyOnGeneratedDirections(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) {
		compareTraceOnly(t, c.set, c.events, c.asOfs[2:], c.seed%2 == 1)
	})
}

// Across replaces chains, where an event one obligation of the chain
// takes is blocked for the next, tracing one link leaves the other its
// filters.
func TestTraceOnlyAcrossReplacements(t *testing.T) {
	shapes := evaluator.LoadSet(t, "testdata/shapes.yaml")
	set := evaluator.LoadSet(t, "testdata/shapes.yaml", "testdata/shapes-replaced.yaml")
	for seed := range uint64(12) {
		r := rand.New(rand.NewPCG(seed, 31))
		evs := evaluator.ShapesHistory(r, shapes, 10+r.IntN(40))
		asOf := civil.New(2018, 9, 1).AddDays(r.IntN(400)).End(event.London())
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { compareTraceOnly(t, set, evs, []time.Time{asOf}, seed%2 == 1) })
	}
}
