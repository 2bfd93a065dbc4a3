package explain

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/scenario"
)

// An explanation's evaluation traces only its targets, leaving every
// other obligation its keyed lookups and filters (options). These tests
// explain every obligation, one at a time and all together, with the
// trace so limited and with a trace of everything (traceAll, as before
// the limit), and require the same bytes of text and JSON, loaded and
// streamed: over the shipped councils' histories, every shipped
// scenario (extensions, variations, replacements, revocations, dates
// known only to a range) and generated councils with RFC 3339 times.

// written is ex as text and as JSON, or the error that stopped it.
func written(t *testing.T, ex *Explanation, err error) string {
	t.Helper()
	if err != nil {
		return "error: " + err.Error()
	}
	var b, j, whole bytes.Buffer
	require.NoError(t, WriteText(&b, ex))
	require.NoError(t, WriteJSON(&j, ex))
	// WriteJSON writes each candidate and instance on its own: the bytes
	// must be those of one Encoder for the whole document.
	enc := json.NewEncoder(&whole)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(ex))
	require.Equal(t, whole.String(), j.String(), "WriteJSON, piece by piece, against the whole")
	return b.String() + j.String()
}

// explainBothWays explains targets of set loaded and streamed, with the
// trace limited to them and with a trace of everything, and requires the
// same bytes. It returns the limited, loaded explanation's bytes.
func explainBothWays(t *testing.T, set *direction.Set, evs []event.Event, targets []Target, asOf time.Time) string {
	t.Helper()
	limit := 0 // the API's default: every event tested is listed
	run := func(all, stream bool) string {
		traceAll = all
		defer func() { traceAll = false }()
		opts := Options{AsOf: asOf, MaxNotSatisfying: limit}
		if !stream {
			ex, err := Explain(set, evs, targets, opts)
			return written(t, ex, err)
		}
		sorted := event.Sort(evs)
		i := 0
		next := func() (*event.Event, error) {
			if i == len(sorted) {
				return nil, io.EOF
			}
			c := sorted[i] // a copy, as a reader's reused event
			i++
			return &c, nil
		}
		ex, err := ExplainStream(context.Background(), set, next, targets, opts)
		return written(t, ex, err)
	}
	var names []string
	for _, tg := range targets {
		names = append(names, tg.Direction.ID+"/"+tg.Obligation.ID)
	}
	limited := run(false, false)
	require.Equal(t, run(true, false), limited, "%v as of %s, loaded: the limited trace explains differently", names, asOf)
	streamed := run(false, true)
	require.Equal(t, run(true, true), streamed, "%v as of %s, streamed: the limited trace explains differently", names, asOf)
	// Streamed, an explanation keeps only the findings and attributes it
	// reads (ExplainStream): the same bytes as loaded, wherever a stream
	// can take the history (not dates known only to a range).
	if !strings.HasPrefix(streamed, "error: ") {
		require.Equal(t, limited, streamed, "%v as of %s: streamed and loaded explain differently", names, asOf)
	}
	// And, loaded, with the events that did not satisfy an instance
	// counted beyond 2 (explain --max-tested; the gatherer is the same
	// streamed).
	limit = 2
	capped := run(false, false)
	require.Equal(t, run(true, false), capped, "%v as of %s, loaded, at most 2 listed: the limited trace explains differently", names, asOf)
	if streamed := run(false, true); !strings.HasPrefix(streamed, "error: ") {
		require.Equal(t, capped, streamed, "%v as of %s, at most 2 listed: streamed and loaded explain differently", names, asOf)
	}
	return limited
}

// explainEvery explains each obligation of set that each admits (nil:
// every one), then all of them at once.
func explainEvery(t *testing.T, set *direction.Set, evs []event.Event, each func(dir, obl string) bool, asOfs ...time.Time) {
	t.Helper()
	var all []Target
	for _, d := range set.Directions {
		for _, o := range d.Obligations {
			tg := Find(set, d.ID+"/"+o.ID)
			require.Len(t, tg, 1)
			all = append(all, tg...)
			if each != nil && !each(d.ID, o.ID) {
				continue
			}
			for _, at := range asOfs {
				explainBothWays(t, set, evs, tg, at)
			}
		}
	}
	for _, at := range asOfs {
		explainBothWays(t, set, evs, all, at)
	}
}

func TestTraceOnlyExplainsShippedHistoriesAlike(t *testing.T) {
	histories, err := filepath.Glob("../examples/*/history.*")
	require.NoError(t, err)
	more, err := filepath.Glob("../examples/*/*/history.*")
	require.NoError(t, err)
	histories = append(histories, more...)
	require.GreaterOrEqual(t, len(histories), 7)
	for _, h := range histories {
		dir := filepath.Dir(h)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ws, err := workspace.Load([]string{dir}, direction.Options{})
			require.NoError(t, err)
			set, err := ws.Set()
			require.NoError(t, err)
			sorted := event.Sort(ws.Events)
			mid, last := sorted[len(sorted)/2].At, sorted[len(sorted)-1].At
			explainEvery(t, set, ws.Events, nil, mid, last.AddDate(1, 0, 0))
		})
	}
}

func TestTraceOnlyExplainsShippedScenariosAlike(t *testing.T) {
	names, err := workspace.Expand([]string{"../examples"})
	require.NoError(t, err)
	var loader scenario.Loader
	n := 0
	for _, name := range names {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		if workspace.Classify(name, data) != workspace.Scenario {
			continue
		}
		f, err := loader.Load(name)
		require.NoError(t, err)
		for _, s := range f.Scenarios {
			n++
			// Where dates are known only to a range, each explanation
			// weighs every case: one at a time, only the obligations
			// the scenario is about (all are explained together).
			var each func(dir, obl string) bool
			if slices.ContainsFunc(s.Events, func(e event.Event) bool { return e.Uncertain() }) ||
				slices.ContainsFunc(s.Set.Directions, (*direction.Direction).Uncertain) {
				named := map[[2]string]bool{}
				for _, f := range s.Expect.Findings {
					named[[2]string{f.Direction, f.Obligation}] = true
				}
				each = func(dir, obl string) bool { return named[[2]string{dir, obl}] }
			}
			t.Run(filepath.Base(name)+"/"+s.Name, func(t *testing.T) { explainEvery(t, s.Set, s.Events, each, s.AsOf) })
		}
	}
	require.GreaterOrEqual(t, n, 12)
}

func TestTraceOnlyExplainsGeneratedCouncilsAlike(t *testing.T) {
	for c := range 3 {
		council := fmt.Sprintf("council-%d", c)
		issued := civil.New(2018, time.Month(2+3*c), 3+7*c)
		d, err := direction.Parse(council+".yaml", synth.Direction(council, issued), direction.Options{})
		require.NoError(t, err)
		set, err := direction.NewSet(d)
		require.NoError(t, err)
		evs, _ := synth.History(synth.Options{Seed: uint64(c), Council: council, Issued: issued, Years: 2, Noise: 0.5, RequestsPerMonth: 3, Times: true, Late: 0.1, Missed: 0.1})
		require.NotEmpty(t, evs)
		require.False(t, evs[0].DateOnly, "RFC 3339 times")
		t.Run(council, func(t *testing.T) {
			explainEvery(t, set, evs, nil, issued.AddDays(400).End(d.Location), issued.AddDays(1000).End(d.Location))
		})
	}
}

// WriteJSON writes nil lists as "null", as one Encoder of the whole
// document does: Explain with no targets gives no obligations, and an
// embedder may build an Explanation whose candidates or instances are nil.
func TestWriteJSONKeepsNilListsNull(t *testing.T) {
	whole := func(ex *Explanation) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(ex))
		return b.String()
	}
	for name, ex := range map[string]*Explanation{
		"no obligations":    {},
		"empty obligations": {Obligations: []ObligationExplained{}},
		"nil lists":         {Obligations: []ObligationExplained{{Direction: "a"}}},
		"one nil list":      {Obligations: []ObligationExplained{{Direction: "a", Candidates: []Candidate{}}, {Direction: "b", Instances: []InstanceExplained{}}}},
	} {
		var j bytes.Buffer
		require.NoError(t, WriteJSON(&j, ex), name)
		require.Equal(t, whole(ex), j.String(), name)
	}
}

// A tie between simultaneous triggers (README rule 4) reads the same in an
// explanation loaded and streamed: explain's streamed path finishes the
// findings it keeps as EvaluateStream does (a reviewer found the streamed
// path without the tie's words).
func TestExplainShowsTiesLoadedAndStreamed(t *testing.T) {
	d, err := direction.Load(filepath.Join("..", "evaluator", "testdata", "ties.yaml"), direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	day := func(id, typ string, n int) event.Event {
		return event.Event{ID: id, Type: typ, At: civil.New(2018, 3, n).Start(event.London()), DateOnly: true}
	}
	// req-a, req-b 1 Mar, due 8 Mar; r1 10 Mar goes to req-a (late 2),
	// req-b missed: exchanged, the verdicts would be exchanged, a tie.
	evs := []event.Event{day("req-a", "request", 1), day("req-b", "request", 1), day("r1", "response", 10)}
	asOf := time.Date(2018, 3, 12, 23, 59, 59, 0, event.London())
	targets := Find(set, "any-response")
	require.Len(t, targets, 1)
	out := explainBothWays(t, set, evs, targets, asOf)
	require.Contains(t, out, "tie with the instance of req-b")
	require.Contains(t, out, "tie with the instance of req-a")
}
