package evaluator_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Ties between simultaneous triggers (rule 4, ties.go). testdata/ties.yaml
// has any-response (any response answers, the request is not named),
// named-response (keyed: event.request == trigger.id) and kind-response
// (reads trigger.kind). Every request is due 7 days after it is made.

func tieSet(t *testing.T) *direction.Set {
	t.Helper()
	d, err := direction.Load("testdata/ties.yaml", direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	return set
}

func tieEv(id, typ string, day int, attrs map[string]any) event.Event {
	return event.Event{ID: id, Type: typ, At: civil.New(2018, 3, day).Start(event.London()), DateOnly: true, Attrs: attrs}
}

// tieRun evaluates evs as of the end of March day asOf and checks that
// EvaluateStream and a Monitor (its final reports, marked as a Result is)
// give the same findings; it returns any-response's findings by trigger.
func tieRun(t *testing.T, evs []event.Event, asOfDay int) map[string]evaluator.Finding {
	t.Helper()
	set := tieSet(t)
	asOf := evaluator.EndOfDay(2018, 3, asOfDay, event.London())
	res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	sorted, i := event.Sort(evs), 0
	sres, err := evaluator.EvaluateStream(t.Context(), set, func() (*event.Event, error) {
		if i == len(sorted) {
			return nil, io.EOF
		}
		i++
		return &sorted[i-1], nil
	}, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, res.Findings, sres.Findings, "EvaluateStream differs from Evaluate")
	advCheckMonitor(t, set, evs, asOf, res)
	ref, _, bad := evaluator.RefEvaluate(t, set, evs, asOf)
	require.Empty(t, bad)
	assert.Equal(t, evaluator.Essences(ref), evaluator.Essences(res.Findings), "the reference differs")
	out := map[string]evaluator.Finding{}
	for _, f := range res.Findings {
		if f.Obligation == "any-response" {
			out[f.Trigger.ID] = f
		} else {
			assert.Zero(t, f.TiedCount, "%s/%s is never tied", f.Obligation, f.Trigger.ID)
		}
	}
	return out
}

// Reviewer's repro 2: both requests met 0 days late whatever the order, so
// exchanging them changes nothing and nothing is flagged.
func TestTieNotFlaggedWhenVerdictsEqual(t *testing.T) {
	// req-a, req-b 1 Mar, due 1 + 7 = 8 Mar. r1 (3 Mar) goes to req-a
	// (listed first), r2 (4 Mar) to req-b: both met, 0 days late. In the
	// other order both are still met 0 days late: no tie.
	got := tieRun(t, []event.Event{
		tieEv("req-a", "request", 1, nil), tieEv("req-b", "request", 1, nil),
		tieEv("r1", "response", 3, nil), tieEv("r2", "response", 4, nil),
	}, 31)
	for _, id := range []string{"req-a", "req-b"} {
		assert.Equal(t, evaluator.Met, got[id].Status, id)
		assert.Zero(t, got[id].TiedCount, id)
		assert.Nil(t, got[id].TiedWith, id)
		assert.NotContains(t, got[id].Reason, "tie", id)
	}
	// 30 requests on 1 Mar answered by 30 responses on 2 Mar: all met 0
	// days late (due 8 Mar), none tied.
	var evs []event.Event
	for i := range 30 {
		evs = append(evs, tieEv(fmt.Sprintf("q%02d", i), "request", 1, nil))
	}
	for i := range 30 {
		evs = append(evs, tieEv(fmt.Sprintf("s%02d", i), "response", 2, nil))
	}
	for id, f := range tieRun(t, evs, 31) {
		assert.Equal(t, evaluator.Met, f.Status, id)
		assert.Zero(t, f.TiedCount, id)
	}
}

// Reviewer's repro 3: the tie rests on r1, after req-b was already
// reported missed; Evaluate, EvaluateStream and Monitor's final findings
// (as a Result marks them) agree.
func TestTieAfterMissedReport(t *testing.T) {
	// req-a, req-b 1 Mar, due 8 Mar. r1 on 10 Mar goes to req-a (the
	// older by input order): late 10 - 8 = 2 days. req-b: nothing by 12
	// Mar, missed. Exchanged, req-b would be late 2 days and req-a missed:
	// the verdicts differ, so both are tied, each with the other.
	got := tieRun(t, []event.Event{
		tieEv("req-a", "request", 1, nil), tieEv("req-b", "request", 1, nil),
		tieEv("r1", "response", 10, nil),
	}, 12)
	a, b := got["req-a"], got["req-b"]
	assert.Equal(t, evaluator.Late, a.Status)
	assert.Equal(t, 2, a.DaysLate)
	assert.Equal(t, []string{"req-b"}, a.TiedWith)
	assert.Equal(t, 1, a.TiedCount)
	assert.Equal(t, evaluator.Missed, b.Status)
	assert.Equal(t, []string{"req-a"}, b.TiedWith)
	assert.Contains(t, b.Reason, "tie with the instance of req-a, triggered at the same instant, whose verdict differs")
	// As of 9 Mar r1 has not come: both missed, equal verdicts, no tie.
	got = tieRun(t, []event.Event{
		tieEv("req-a", "request", 1, nil), tieEv("req-b", "request", 1, nil),
		tieEv("r1", "response", 10, nil),
	}, 9)
	assert.Zero(t, got["req-a"].TiedCount)
	assert.Zero(t, got["req-b"].TiedCount)
}

// Reviewer's repro 4: a waiver of req-b at the very instant of the
// response that went to req-a.
func TestTieWithWaiverAtSameInstant(t *testing.T) {
	// req-a, req-b 1 Mar; on 3 Mar r1 (goes to req-a, met) and a waiver
	// of instance 2 (req-b, waived). req-b was not yet done at r1's
	// instant: input order decided which came first, and the verdicts
	// (met, waived) differ, so both are tied.
	waiver := tieEv("w", evaluator.WaiverEvent, 3, map[string]any{"by": "secretary-of-state", "obligation": "any-response", "instance": int64(2)})
	for _, evs := range [][]event.Event{
		{tieEv("req-a", "request", 1, nil), tieEv("req-b", "request", 1, nil), tieEv("r1", "response", 3, nil), waiver},
		{tieEv("req-a", "request", 1, nil), tieEv("req-b", "request", 1, nil), waiver, tieEv("r1", "response", 3, nil)},
	} {
		got := tieRun(t, evs, 31)
		assert.Equal(t, evaluator.Met, got["req-a"].Status)
		assert.Equal(t, evaluator.Waived, got["req-b"].Status)
		assert.Equal(t, []string{"req-b"}, got["req-a"].TiedWith)
		assert.Equal(t, []string{"req-a"}, got["req-b"].TiedWith)
	}
	// A waiver the day before r1: req-b was done when r1 came, no tie.
	early := tieEv("w", evaluator.WaiverEvent, 2, map[string]any{"by": "secretary-of-state", "obligation": "any-response", "instance": int64(2)})
	got := tieRun(t, []event.Event{tieEv("req-a", "request", 1, nil), tieEv("req-b", "request", 1, nil), early, tieEv("r1", "response", 3, nil)}, 31)
	assert.Zero(t, got["req-a"].TiedCount)
	assert.Zero(t, got["req-b"].TiedCount)
}

// Bounded output: at most five triggers named, all counted.
func TestTieListBounded(t *testing.T) {
	// q01..q30 on 1 Mar, due 8 Mar; one response a day 2..31 Mar, each to
	// the oldest outstanding: the response on day d answers q(d-1). Days
	// 2..8 meet q01..q07 (0 days late); day d >= 9 answers q(d-1) late by
	// d - 8 = 1..23 days, each a different verdict. Each met finding ties
	// with the 23 late ones (not with the 6 other met ones); each late one
	// with the 29 others. q01 names the first five late: q08..q12.
	var evs []event.Event
	for i := 1; i <= 30; i++ {
		evs = append(evs, tieEv(fmt.Sprintf("q%02d", i), "request", 1, nil))
	}
	for d := 2; d <= 31; d++ {
		evs = append(evs, tieEv(fmt.Sprintf("s%02d", d), "response", d, nil))
	}
	got := tieRun(t, evs, 31)
	assert.Equal(t, 23, got["q01"].TiedCount)
	assert.Equal(t, []string{"q08", "q09", "q10", "q11", "q12"}, got["q01"].TiedWith)
	assert.Contains(t, got["q01"].Reason, "q12 and 18 more,")
	assert.Equal(t, 29, got["q30"].TiedCount)
	assert.Equal(t, []string{"q01", "q02", "q03", "q04", "q05"}, got["q30"].TiedWith)
	assert.Equal(t, 23, got["q30"].DaysLate)
	for id, f := range got {
		assert.LessOrEqual(t, len(f.Reason), 700, id)
	}
}

// Keyed (named-response) and trigger-reading (kind-response) conditions
// never tie, even when the verdicts differ.
func TestTieNotForKeyedOrTriggerReading(t *testing.T) {
	// req-a, req-b 1 Mar with kind x; one response on 3 Mar naming req-a
	// with kind x: named-response has req-a met, req-b missed by 31 Mar;
	// kind-response likewise (x matches both, req-a older); any-response
	// ignores it (it names a request). tieRun checks the first two are
	// untied; any-response has both missed, untied.
	x := map[string]any{"kind": "x"}
	got := tieRun(t, []event.Event{
		tieEv("req-a", "request", 1, x), tieEv("req-b", "request", 1, x),
		tieEv("r1", "response", 3, map[string]any{"request": "req-a", "kind": "x"}),
	}, 31)
	assert.Equal(t, evaluator.Missed, got["req-a"].Status)
	assert.Zero(t, got["req-a"].TiedCount)
}

// Random histories of simultaneous requests, unnamed and named responses
// and waivers: Evaluate agrees with the reference, EvaluateStream and
// Monitor at random as-of days (tieRun).
func TestTieRandomAgainstReference(t *testing.T) {
	tied := 0
	for seed := range uint64(150) {
		r := rand.New(rand.NewPCG(seed, 7))
		var evs []event.Event
		n := 2 + r.IntN(5)
		for i := range n {
			evs = append(evs, tieEv(fmt.Sprintf("q%d", i), "request", 1+r.IntN(2), map[string]any{"kind": "x"}))
		}
		for i := range r.IntN(6) {
			var a map[string]any
			if r.IntN(3) == 0 {
				a = map[string]any{"request": fmt.Sprintf("q%d", r.IntN(n))}
			}
			evs = append(evs, tieEv(fmt.Sprintf("r%d", i), "response", 1+r.IntN(20), a))
		}
		if r.IntN(3) == 0 {
			evs = append(evs, tieEv("w", evaluator.WaiverEvent, 2+r.IntN(19), map[string]any{"by": "secretary-of-state", "obligation": "any-response", "instance": int64(1 + r.IntN(n))}))
		}
		evs = event.Sort(evs)
		day := 1 + r.IntN(30)
		if _, err := evaluator.Evaluate(tieSet(t), evs, evaluator.Options{AsOf: evaluator.EndOfDay(2018, 3, day, event.London())}); err != nil {
			continue // a waiver of an instance already done, or not yet arisen
		}
		for id, f := range tieRun(t, evs, day) {
			if f.TiedCount > 0 {
				tied++
				assert.Len(t, f.TiedWith, min(f.TiedCount, 5), id)
			}
		}
	}
	assert.Greater(t, tied, 20, "the histories should give ties")
}

// Two simultaneous requests with different due dates, each answered at one
// later instant: the two responses are exchangeable, so neither verdict
// can change and nothing ties (a second reviewer's case A).
func TestTieNotFlaggedWhenDischargedAtOneInstant(t *testing.T) {
	// days-response: req-a {days 7} due 1 + 7 = 8 Mar, req-b {days 1} due
	// 2 Mar, both made 1 Mar. r1 and r2 on 5 Mar. Listed a, b: r1 -> req-a
	// met, r2 -> req-b late 5 - 2 = 3 days. Listed b, a: r1 -> req-b late
	// 3, r2 -> req-a met. The same verdicts either way: no tie. (The
	// obligations answered by any response tie as before: any-response
	// sees two requests, both met.)
	set := tieSet(t)
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		reqs := []event.Event{
			tieEv("req-a", "request", 1, map[string]any{"days": int64(7)}),
			tieEv("req-b", "request", 1, map[string]any{"days": int64(1)}),
		}
		evs := []event.Event{reqs[order[0]], reqs[order[1]],
			tieEv("r1", "response", 5, nil), tieEv("r2", "response", 5, nil)}
		asOf := evaluator.EndOfDay(2018, 3, 31, event.London())
		res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
		require.NoError(t, err)
		got := map[string]evaluator.Finding{}
		for _, f := range res.Findings {
			if f.Obligation == "days-response" {
				got[f.Trigger.ID] = f
			}
		}
		require.Len(t, got, 2)
		assert.Equal(t, evaluator.Met, got["req-a"].Status, "order %v", order)
		assert.Equal(t, evaluator.Late, got["req-b"].Status, "order %v", order)
		assert.Equal(t, 3, got["req-b"].DaysLate, "order %v", order)
		for id, f := range got {
			assert.Zero(t, f.TiedCount, "%s, order %v", id, order)
			assert.NotContains(t, f.Reason, "tie", "%s, order %v", id, order)
		}
		ref, _, bad := evaluator.RefEvaluate(t, set, evs, asOf)
		require.Empty(t, bad)
		assert.Equal(t, evaluator.Essences(ref), evaluator.Essences(res.Findings), "the reference differs")
	}
}

// A root-scoped name (.trigger.ref) is the trigger all the same: the plan
// must keep the trigger's attributes for it. Before, it was not seen as
// reading them, so a streamed read (check, stream) dropped the requests'
// attributes (ReadsAttributes) and a response carrying the request's ref
// was found not to satisfy it: a false "missed".
func TestRootScopedTriggerAttributes(t *testing.T) {
	src, err := os.ReadFile("testdata/ties.yaml")
	require.NoError(t, err)
	head, _, _ := strings.Cut(string(src), "obligations:")
	path := filepath.Join(t.TempDir(), "direction.yaml")
	require.NoError(t, os.WriteFile(path, []byte(head+`obligations:
  - id: ref-response
    clause: "1"
    holder: barnet
    summary: Answer each request; the response carries the request's ref.
    source: none (test)
    triggered:
      when: event.type == "request"
      due: addDays(trigger.at, 7)
    satisfied_by: event.type == "response" && event.ref == .trigger.ref
`), 0o644))
	d, err := direction.Load(path, direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	// req-a 1 Mar, due 8 Mar; r1 on 3 Mar carries its ref: met.
	evs := []event.Event{
		tieEv("req-a", "request", 1, map[string]any{"ref": "A"}),
		tieEv("r1", "response", 3, map[string]any{"ref": "A"}),
	}
	opts := evaluator.Options{AsOf: evaluator.EndOfDay(2018, 3, 31, event.London())}
	res, err := evaluator.Evaluate(set, evs, opts)
	require.NoError(t, err)
	i := 0
	sres, err := evaluator.EvaluateStream(t.Context(), set, func() (*event.Event, error) {
		if i == len(evs) {
			return nil, io.EOF
		}
		i++
		return &evs[i-1], nil
	}, opts)
	require.NoError(t, err)
	for name, r := range map[string]*evaluator.Result{"loaded": res, "streamed": sres} {
		require.Len(t, r.Findings, 1, name)
		assert.Equal(t, evaluator.Met, r.Findings[0].Status, name)
		if assert.NotNil(t, r.Findings[0].DischargedBy, name) {
			assert.Equal(t, "r1", r.Findings[0].DischargedBy.ID, name)
		}
	}
}
