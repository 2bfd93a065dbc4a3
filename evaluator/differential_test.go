package evaluator_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/workspace"
)

// The engine's fast paths (an obligation's key, which files candidate
// events by the field they compare with trigger.id; the filters, which
// skip CEL for events whose literal tests fail; the fields they compare,
// read from each event's map once, eventFields) must
// never change a finding. An evaluation traced with no limit (the default;
// explain limits its trace, trace_only_test.go) uses none of them and
// calls CEL for every candidate, so it is the plain path: these tests run every
// shipped direction, and generated directions and histories, through both
// and through Stream and Monitor, and require the same findings.

// plainEvaluate evaluates without keys, filters or eventFields.
func plainEvaluate(set *direction.Set, evs []event.Event, asOf time.Time) (*evaluator.Result, error) {
	return evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf, Trace: func(evaluator.Step) {}})
}

// compareFastAndPlain evaluates evs both ways as of each time and requires
// the same result (or the same error); Stream and Monitor must match too.
func compareFastAndPlain(t *testing.T, set *direction.Set, evs []event.Event, asOfs []time.Time) {
	t.Helper()
	for _, asOf := range asOfs {
		fast, ferr := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
		plain, perr := plainEvaluate(set, evs, asOf)
		if perr != nil || ferr != nil {
			require.Equal(t, fmt.Sprint(perr), fmt.Sprint(ferr), "as of %s: the paths fail differently", asOf)
			continue
		}
		require.Equal(t, plain.Findings, fast.Findings, "as of %s: the fast path's findings differ from the plain path's", asOf)
		require.Equal(t, plain.Events, fast.Events, "as of %s: event counts differ", asOf)
		advCheckMonitor(t, set, evs, asOf, fast)
	}
}

// mutate makes a history from a shipped one: some events dropped, moved
// or copied under new ids, and new events of the history's types whose
// attributes take values the history uses, including other events' ids,
// so that keyed conditions (event.request == trigger.id) meet both ids
// that name a trigger and ids that do not, before and after it.
func mutate(r *rand.Rand, base []event.Event, n int) []event.Event {
	pool := map[string][]any{}
	var types, ids []string
	for _, e := range base {
		types = append(types, e.Type)
		ids = append(ids, e.ID)
		for k, v := range e.Attrs {
			pool[k] = append(pool[k], v)
		}
	}
	for k, vs := range pool {
		// Attributes that hold an id may hold any id; due dates stay dates.
		if s, ok := vs[0].(string); ok && slices.Contains(ids, s) {
			for _, id := range ids {
				pool[k] = append(pool[k], id)
			}
		}
	}
	keys := make([]string, 0, len(pool))
	for k := range pool {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	first, last := base[0].At, base[0].At
	for _, e := range base {
		first, last = minT(first, e.At), maxT(last, e.At)
	}
	span := last.Sub(first) + 90*24*time.Hour
	when := func() (time.Time, bool) {
		t := first.Add(-30 * 24 * time.Hour).Add(time.Duration(r.Int64N(int64(span))))
		if r.IntN(3) == 0 {
			y, m, d := t.In(event.London()).Date()
			return time.Date(y, m, d, 0, 0, 0, 0, event.London()), true
		}
		return t.Truncate(time.Minute), false
	}
	var out []event.Event
	for _, e := range base {
		switch r.IntN(6) {
		case 0: // dropped
		case 1: // moved
			e.At, e.DateOnly = when()
			out = append(out, e)
		default:
			out = append(out, e)
		}
	}
	for i := range n {
		e := event.Event{ID: fmt.Sprintf("g%d", i), Type: types[r.IntN(len(types))], Attrs: map[string]any{}}
		e.At, e.DateOnly = when()
		for _, k := range keys {
			if r.IntN(2) == 0 {
				e.Attrs[k] = pool[k][r.IntN(len(pool[k]))]
			}
		}
		out = append(out, e)
	}
	return out
}

func minT(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxT(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// shippedCouncils lists every shipped council folder: those holding a
// history.
func shippedCouncils(t *testing.T) []string {
	t.Helper()
	histories, err := filepath.Glob("../examples/*/history.*")
	require.NoError(t, err)
	more, err := filepath.Glob("../examples/*/*/history.*")
	require.NoError(t, err)
	histories = append(histories, more...)
	require.GreaterOrEqual(t, len(histories), 7)
	dirs := make([]string, len(histories))
	for i, h := range histories {
		dirs[i] = filepath.Dir(h)
	}
	return dirs
}

func TestFastPathsAgreeWithPlainOnShippedDirections(t *testing.T) {
	for _, dir := range shippedCouncils(t) {
		t.Run(strings.TrimPrefix(filepath.ToSlash(dir), "../examples/"), func(t *testing.T) {
			ws, err := workspace.Load([]string{dir}, direction.Options{})
			require.NoError(t, err)
			set, err := ws.Set()
			require.NoError(t, err)
			require.NotEmpty(t, ws.Events)
			// Streaming refuses dates known only to a range (Barnet's
			// third direction, issued: 2018-06): the fast paths are
			// compared on one case of them, each at its first day.
			set = firstDays(t, set)
			// As of the first event, the quartiles of the history, the
			// last event and a year later.
			sorted := event.Sort(ws.Events)
			var asOfs []time.Time
			for _, q := range []int{0, 1, 2, 3, 4} {
				asOfs = append(asOfs, sorted[q*(len(sorted)-1)/4].At)
			}
			asOfs = append(asOfs, sorted[len(sorted)-1].At.AddDate(1, 0, 0))
			compareFastAndPlain(t, set, ws.Events, asOfs)
			for seed := range uint64(8) {
				r := rand.New(rand.NewPCG(seed, 7))
				evs := mutate(r, ws.Events, 20+r.IntN(60))
				t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { compareFastAndPlain(t, set, evs, asOfs) })
			}
		})
	}
}

func TestFastPathsAgreeWithPlainOnGeneratedDirections(t *testing.T) {
	eachCase(t, func(t *testing.T, c generatedCase) { compareFastAndPlain(t, c.set, c.events, c.asOfs) })
}

// Conditions comparing the event's own fields, literals and keys in the
// shapes the plan reads, each against histories mixing the fields.
func TestFastPathsAgreeWithPlainOnFieldShapes(t *testing.T) {
	for _, sat := range []string{
		`event.id == trigger.id`,
		`trigger.id == event.id`,
		`event["id"] == trigger["id"]`,
		`event.type == trigger.id`,
		`event.at == trigger.id`,
		`event.meeting == trigger.id`,
		`event.meeting == trigger.id && event.type == "report"`,
		`event.type in ["report", "board-meeting"] && event.meeting == trigger.id`,
		`event.id == "r1" || event.meeting == trigger.id`,
		`event.meeting == trigger.id && event.id == trigger.id`,
		`event.kind == "progress" && event.to == trigger.chair`,
	} {
		t.Run(sat, func(t *testing.T) {
			src := board("d", "2018-01-25", "", false, "trigger.at")
			src = replaceOnce(t, src, `satisfied_by: event.type == "report"`, "satisfied_by: '"+sat+"'")
			set := advSet(t, src)
			base := []event.Event{
				advEv(t, "bm1", "board-meeting", "2018-02-14", "chair", "sos"),
				advEv(t, "r1", "report", "2018-02-12", "meeting", "bm1", "kind", "progress", "to", "sos"),
				advEv(t, "r2", "report", "2018-03-01", "meeting", "bm2"),
				advEv(t, "bm2", "board-meeting", "2018-03-20"),
				advEv(t, "board-meeting", "report", "2018-03-21", "meeting", "bm1"),
				advEv(t, "bm3", "bm1", "2018-04-02"),
			}
			asOfs := []time.Time{endOf(2018, 2, 13), endOf(2018, 3, 20), endOf(2018, 6, 30)}
			compareFastAndPlain(t, set, base, asOfs)
			for seed := range uint64(10) {
				r := rand.New(rand.NewPCG(seed, 11))
				compareFastAndPlain(t, set, mutate(r, base, 15), asOfs)
			}
		})
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Contains(t, s, old)
	return strings.Replace(s, old, new, 1)
}

// firstDays returns set with every direction whose dates are known only to
// a range fixed at the first day of each.
func firstDays(t *testing.T, set *direction.Set) *direction.Set {
	t.Helper()
	dirs := make([]*direction.Direction, len(set.Directions))
	for i, d := range set.Directions {
		dirs[i] = d
		if d.Uncertain() {
			var revoked civil.Date
			if d.Revoked != nil {
				revoked = d.Revoked.On
			}
			dirs[i] = d.Fixed(d.Issued, d.Ends, revoked)
		}
	}
	fixed, err := direction.NewSet(dirs...)
	require.NoError(t, err)
	return fixed
}
