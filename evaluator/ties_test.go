package evaluator_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Ties between simultaneous triggers (rule 4, ties.go). The direction has
// one obligation answered by any response (the response does not name its
// request) and one whose response names its request.
const tieDirection = `id: tie-2018
title: Ties
council: barnet
issued_by: secretary-of-state
issued: 2018-01-10
parties:
  barnet: {name: Barnet}
  secretary-of-state: {name: SoS}
obligations:
  - id: any-response
    clause: "1"
    holder: barnet
    summary: Answer each request within 7 days; any response answers.
    source: none (test)
    triggered:
      when: event.type == "request"
      due: addDays(trigger.at, 7)
    satisfied_by: event.type == "response" && !has(event.request)
  - id: named-response
    clause: "2"
    holder: barnet
    summary: Answer each request within 7 days; the response names it.
    source: none (test)
    triggered:
      when: event.type == "request"
      due: addDays(trigger.at, 7)
    satisfied_by: event.type == "response" && has(event.request) && event.request == trigger.id
  - id: kind-response
    clause: "3"
    holder: barnet
    summary: Answer each request within 7 days; a response with a kind answers only a request of that kind.
    source: none (test)
    triggered:
      when: event.type == "request" && has(event.kind)
      due: addDays(trigger.at, 7)
    satisfied_by: event.type == "response" && (!has(event.kind) || event.kind == trigger.kind)
`

func tieSet(t *testing.T) *direction.Set {
	t.Helper()
	p := filepath.Join(t.TempDir(), "d.yaml")
	require.NoError(t, os.WriteFile(p, []byte(tieDirection), 0o644))
	d, err := direction.Load(p, direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	return set
}

func tieEvent(id, typ string, day int, attrs map[string]any) event.Event {
	return event.Event{ID: id, Type: typ, At: civil.New(2018, 3, day).Start(event.London()), DateOnly: true, Attrs: attrs}
}

// byTrigger keys the findings of one obligation by their trigger's id.
func byTrigger(fs []evaluator.Finding, obl string) map[string]evaluator.Finding {
	out := map[string]evaluator.Finding{}
	for _, f := range fs {
		if f.Obligation == obl {
			out[f.Trigger.ID] = f
		}
	}
	return out
}

func TestSimultaneousRequestsOneResponse(t *testing.T) {
	set := tieSet(t)
	asOf := evaluator.EndOfDay(2018, 3, 31, event.London())
	reqA := tieEvent("req-a", "request", 1, nil)
	reqB := tieEvent("req-b", "request", 1, nil)
	resp := tieEvent("resp-1", "response", 5, nil)
	// By hand: req-a and req-b are both made on 1 Mar 2018 (the same
	// instant, the start of the day), both due 1 + 7 = 8 Mar 2018.
	// resp-1 on 5 Mar satisfies both instances of any-response: taken in
	// input order, it answers the first listed (met, 3 days early), and
	// the other is missed by 31 Mar. The history cannot say which request
	// it answered, so both findings name the tie. named-response is not
	// discharged at all (resp-1 names no request): both missed, no tie.
	for _, order := range [][]event.Event{{reqA, reqB, resp}, {reqB, reqA, resp}} {
		first, second := order[0].ID, order[1].ID
		res, err := evaluator.Evaluate(set, order, evaluator.Options{AsOf: asOf})
		require.NoError(t, err)
		got := byTrigger(res.Findings, "any-response")
		require.Len(t, got, 2)
		assert.Equal(t, evaluator.Met, got[first].Status, "first listed, %s", first)
		assert.Equal(t, "resp-1", got[first].DischargedBy.ID)
		assert.Equal(t, evaluator.Missed, got[second].Status, "second listed, %s", second)
		assert.Equal(t, []string{second}, got[first].TiedWith)
		assert.Equal(t, []string{first}, got[second].TiedWith)
		assert.Contains(t, got[first].Reason, "tie: resp-1 also satisfies the instance of "+second)
		assert.Contains(t, got[second].Reason, "tie: resp-1, which discharged the instance of "+first)
		assert.Contains(t, got[second].Reason, "the history does not say which trigger it answered")
		for id, f := range byTrigger(res.Findings, "named-response") {
			assert.Equal(t, evaluator.Missed, f.Status, id)
			assert.Empty(t, f.TiedWith, id)
		}
		advCheckMonitor(t, set, order, asOf, res)
	}
}

func TestSimultaneousRequestsNamedResponsesAreNotTied(t *testing.T) {
	set := tieSet(t)
	asOf := evaluator.EndOfDay(2018, 3, 31, event.London())
	// By hand: both requests on 1 Mar, due 8 Mar; resp-a (2 Mar) names
	// req-a, resp-b (12 Mar) names req-b. named-response: req-a met 6
	// days early, req-b late 4 days, whatever the order of the requests;
	// neither is tied, since each response satisfies one instance only.
	evs := []event.Event{
		tieEvent("req-a", "request", 1, nil), tieEvent("req-b", "request", 1, nil),
		tieEvent("resp-a", "response", 2, map[string]any{"request": "req-a"}),
		tieEvent("resp-b", "response", 12, map[string]any{"request": "req-b"}),
	}
	for _, order := range [][]event.Event{evs, {evs[1], evs[0], evs[2], evs[3]}} {
		res, err := evaluator.Evaluate(set, order, evaluator.Options{AsOf: asOf})
		require.NoError(t, err)
		got := byTrigger(res.Findings, "named-response")
		assert.Equal(t, evaluator.Met, got["req-a"].Status)
		assert.Equal(t, evaluator.Late, got["req-b"].Status)
		assert.Equal(t, 4, got["req-b"].DaysLate)
		assert.Empty(t, got["req-a"].TiedWith)
		assert.Empty(t, got["req-b"].TiedWith)
		advCheckMonitor(t, set, order, asOf, res)
	}
}

func TestTieFoundAfterTheDischargeInTheSameInstant(t *testing.T) {
	set := tieSet(t)
	asOf := evaluator.EndOfDay(2018, 3, 31, event.London())
	// req-a, resp-1 and req-b all on 1 Mar, in that order: resp-1
	// discharges req-a's instance before req-b's exists, but listed
	// req-b first it would have answered req-b. Both are tied: req-a met
	// on the day it was made (7 days early), req-b missed (due 8 Mar).
	order := []event.Event{tieEvent("req-a", "request", 1, nil), tieEvent("resp-1", "response", 1, nil), tieEvent("req-b", "request", 1, nil)}
	res, err := evaluator.Evaluate(set, order, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	got := byTrigger(res.Findings, "any-response")
	assert.Equal(t, evaluator.Met, got["req-a"].Status)
	assert.Equal(t, evaluator.Missed, got["req-b"].Status)
	assert.Equal(t, []string{"req-b"}, got["req-a"].TiedWith)
	assert.Equal(t, []string{"req-a"}, got["req-b"].TiedWith)
	advCheckMonitor(t, set, order, asOf, res)

	// A response a day later than both requests, and a second request
	// the day after them: not simultaneous, so no tie.
	order = []event.Event{tieEvent("req-a", "request", 1, nil), tieEvent("resp-1", "response", 2, nil), tieEvent("req-b", "request", 3, nil)}
	res, err = evaluator.Evaluate(set, order, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	for id, f := range byTrigger(res.Findings, "any-response") {
		assert.Empty(t, f.TiedWith, id)
	}
}

// TestPropertyOrderOfSimultaneousEvents shuffles the events of each
// instant of random histories (many of them dated to the day, so sharing
// the day's first instant): every finding that is not tied in either
// order must keep its status and days late, found by its trigger (a
// triggered instance's number follows input order) or by its number.
func TestPropertyOrderOfSimultaneousEvents(t *testing.T) {
	set := evaluator.LoadSet(t, filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"), filepath.Join("testdata", "stress.yaml"))
	// A status that another order would change came up in one history
	// of these 400 (seed 362) when the tie was not flagged.
	histories := 400
	tied := 0
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 7))
		evs := evaluator.ChaosHistory(r, 20+r.IntN(80))
		// Dated to the day, and half of them to the day of an earlier
		// event: many share an instant.
		for i := range evs {
			at := evs[i].At
			if i > 0 && r.IntN(2) == 0 {
				at = evs[r.IntN(i)].At
			}
			evs[i].At = civil.In(at, event.London()).Start(event.London())
		}
		asOf := evaluator.EndOfDay(2020, 3, 1, event.London())
		a := event.Sort(evs)
		b := slices.Clone(a)
		for i := 0; i < len(b); {
			j := i
			for j < len(b) && b[j].At.Equal(b[i].At) {
				j++
			}
			r.Shuffle(j-i, func(x, y int) { b[i+x], b[i+y] = b[i+y], b[i+x] })
			i = j
		}
		ra, erra := evaluator.Evaluate(set, a, evaluator.Options{AsOf: asOf})
		rb, errb := evaluator.Evaluate(set, b, evaluator.Options{AsOf: asOf})
		require.NoError(t, erra)
		require.NoError(t, errb)
		key := func(f evaluator.Finding) string {
			if f.Trigger != nil {
				return f.Direction + "/" + f.Obligation + "/" + f.Trigger.ID
			}
			return f.Direction + "/" + f.Obligation + "/" + strconv.Itoa(f.Instance)
		}
		fb := map[string]evaluator.Finding{}
		for _, f := range rb.Findings {
			fb[key(f)] = f
		}
		require.Len(t, fb, len(ra.Findings), "seed %d", seed)
		for _, f := range ra.Findings {
			g, ok := fb[key(f)]
			require.True(t, ok, "seed %d: %s only in one order", seed, key(f))
			if len(f.TiedWith) > 0 || len(g.TiedWith) > 0 {
				tied++
				continue
			}
			assert.Equal(t, f.Status, g.Status, "seed %d: %s changed with the order of simultaneous events\n%s\n%s", seed, key(f), f.Reason, g.Reason)
			assert.Equal(t, f.DaysLate, g.DaysLate, "seed %d: %s", seed, key(f))
		}
		// Which of two simultaneous events is named, and so the counts
		// of events used, may follow input order; the verdicts may not.
		assert.Equal(t, ra.Events.Read, rb.Events.Read)
	}
	assert.Positive(t, tied, "no history had a tie: the test proves nothing")
}

func TestTieInSomeCasesOfAnUnknownDay(t *testing.T) {
	set := tieSet(t)
	asOf := evaluator.EndOfDay(2018, 4, 30, event.London())
	// req-a is dated only to March 2018 and listed first; req-b is on
	// 5 Mar; resp-1 (20 Mar) names no request. By hand, each day of req-a:
	//   1-4 Mar: req-a is older, resp-1 answers it, due (day+7) 8-11 Mar:
	//     late 12-9 days; req-b (due 12 Mar) missed;
	//   5 Mar: simultaneous with req-b, listed first so older: req-a late
	//     20 - 12 = 8 days, req-b missed; a tie (rule 4);
	//   6-31 Mar: req-b is older (or resp-1 comes first): req-b late 8
	//     days; req-a due 13 Mar-7 Apr, missed by 30 Apr.
	// Both are indeterminate, and both keep the tie of 5 Mar.
	a := tieEvent("req-a", "request", 1, nil)
	_, _, a.Through, _ = event.ParseAt("2018-03", event.London())
	evs := []event.Event{a, tieEvent("req-b", "request", 5, nil), tieEvent("resp-1", "response", 20, nil)}
	res, err := evaluator.Evaluate(set, evs, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	got := byTrigger(res.Findings, "any-response")
	require.Len(t, got, 2)
	for id, other := range map[string]string{"req-a": "req-b", "req-b": "req-a"} {
		f := got[id]
		assert.Equal(t, evaluator.Indeterminate, f.Status, id)
		assert.Equal(t, []string{other}, f.TiedWith, id)
		assert.Contains(t, f.Reason, "tie, in some cases at least, with the instance of "+other, id)
	}
	var cases []string
	for _, c := range got["req-a"].Cases {
		cases = append(cases, c.String())
	}
	// Rule 8 joins consecutive days of one status: late 12 days (1 Mar)
	// to 8 days (5 Mar), then missed.
	assert.Equal(t, []string{"late 8-12 days 2018-03-01..2018-03-05", "missed 2018-03-06..2018-03-31"}, cases)
}

func TestTieBetweenDischargesInOneInstant(t *testing.T) {
	set := tieSet(t)
	asOf := evaluator.EndOfDay(2018, 3, 31, event.London())
	// kind-response: req-a (kind x) and req-b (kind y) on 1 Mar, due
	// 8 Mar; on 3 Mar resp-1 (no kind: answers either) and resp-x (kind
	// x: answers req-a only). By hand, in the order of the responses:
	//   resp-x, resp-1: resp-x answers req-a, resp-1 then req-b: both met
	//     5 days early;
	//   resp-1, resp-x: resp-1 answers req-a (the older), resp-x has no
	//     request of kind x left: req-b missed.
	// The order of the two responses changes req-b's verdict, so both
	// findings are tied in either order.
	reqs := []event.Event{tieEvent("req-a", "request", 1, map[string]any{"kind": "x"}), tieEvent("req-b", "request", 1, map[string]any{"kind": "y"})}
	resp1, respX := tieEvent("resp-1", "response", 3, nil), tieEvent("resp-x", "response", 3, map[string]any{"kind": "x"})
	for _, tc := range []struct {
		order []event.Event
		b     evaluator.Status
	}{
		{append(slices.Clone(reqs), respX, resp1), evaluator.Met},
		{append(slices.Clone(reqs), resp1, respX), evaluator.Missed},
	} {
		res, err := evaluator.Evaluate(set, tc.order, evaluator.Options{AsOf: asOf})
		require.NoError(t, err)
		got := byTrigger(res.Findings, "kind-response")
		assert.Equal(t, evaluator.Met, got["req-a"].Status)
		assert.Equal(t, tc.b, got["req-b"].Status)
		assert.Equal(t, []string{"req-b"}, got["req-a"].TiedWith)
		assert.Equal(t, []string{"req-a"}, got["req-b"].TiedWith)
		advCheckMonitor(t, set, tc.order, asOf, res)
	}
}
