package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/synth"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/report"
)

// streamedCouncil writes a council folder with a generated direction and
// the given history files.
func streamedCouncil(t *testing.T, files map[string][]byte) workspace.Council {
	t.Helper()
	dir := t.TempDir()
	issued := civil.New(2018, time.January, 25)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
	var paths []string
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	paths, err := workspace.Expand([]string{dir})
	require.NoError(t, err)
	return workspace.Council{Name: "town", Dir: dir, Paths: paths}
}

func jsonl(evs []event.Event) []byte {
	var b []byte
	for i := range evs {
		b = synth.AppendJSONL(b, &evs[i])
	}
	return b
}

// jsonDoc writes events as a JSON document, {"events": [...]}.
func jsonDoc(evs []event.Event) []byte {
	b := []byte("{\"events\": [\n")
	for i := range evs {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = bytes.TrimSuffix(synth.AppendJSONL(b, &evs[i]), []byte("\n"))
	}
	return append(b, "\n]}\n"...)
}

func reportJSON(t *testing.T, r councilResult) string {
	t.Helper()
	require.NoError(t, r.Err)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(struct {
		Row    CouncilRow
		Report *Report
	}{r.Row, report.NewCheck(r.out())}))
	return b.String()
}

// Streaming a council's JSON Lines gives the report loading gives, byte
// for byte: findings in the same order, the same counts and digests.
func TestStreamCouncilAgreesWithLoading(t *testing.T) {
	for seed := range uint64(6) {
		evs, _ := synth.History(synth.Options{Seed: seed, Council: "town", Issued: civil.New(2018, time.January, 25), Years: 3, Noise: 0.5, RequestsPerMonth: 3})
		half := len(evs) / 2
		files := map[string][]byte{"a.jsonl": jsonl(evs[:half]), "b.ndjson": jsonl(evs[half:])}
		switch seed {
		case 0:
			files = map[string][]byte{"history.jsonl": jsonl(evs)}
		case 1:
			files = map[string][]byte{"a.json": jsonDoc(evs[:half]), "b.jsonl": jsonl(evs[half:]), "c.jsonl": nil}
		}
		c := streamedCouncil(t, files)
		for _, asOf := range []string{"2018-06-30", "2020-12-31"} {
			got, ok := streamCouncil(context.Background(), c, asOf, direction.Options{}, nil)
			require.True(t, ok, "seed %d: a sorted JSON Lines council should stream", seed)
			want := loadCouncil(context.Background(), c, asOf, direction.Options{})
			require.Equal(t, reportJSON(t, want), reportJSON(t, got), "seed %d as of %s", seed, asOf)
		}
	}
}

// Whatever loading treats differently is left to it.
func TestStreamCouncilLeavesOtherInputsToLoading(t *testing.T) {
	evs, _ := synth.History(synth.Options{Seed: 9, Council: "town", Issued: civil.New(2018, time.January, 25), Years: 1, Noise: 0.5, RequestsPerMonth: 2})
	require.Greater(t, len(evs), 10)
	swapped := append([]event.Event(nil), evs...)
	last := len(swapped) - 1
	swapped[0], swapped[last] = swapped[last], swapped[0]
	dup := append(append([]event.Event(nil), evs...), evs[3])
	dup[len(dup)-1].At = evs[len(evs)-1].At
	cases := map[string]map[string][]byte{
		"a repeated id":            {"h.jsonl": jsonl(dup)},
		"a bad line":               {"h.jsonl": append(jsonl(evs), "{not json\n"...)},
		"out of order, a bad line": {"h.jsonl": append(jsonl(swapped), "{not json\n"...)},
		"a JSON document out of order, a bad event": {"h.json": append(jsonDoc(swapped)[:len(jsonDoc(swapped))-4], ",\n{\"id\":\"x\"}\n]}\n"...)},
		"another format too":                        {"a.jsonl": jsonl(evs[:5]), "b.yaml": []byte("- {id: y1, type: visit, at: 2030-01-01}\n")},
		"no JSON Lines at all":                      {"h.yaml": []byte("- {id: y1, type: visit, at: 2018-03-01}\n")},
		"an empty JSON file":                        {"a.jsonl": jsonl(evs), "b.json": []byte("\n \n")},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			c := streamedCouncil(t, files)
			_, ok := streamCouncil(context.Background(), c, "2018-12-31", direction.Options{}, nil)
			require.False(t, ok)
			// And the answer is loading's, since checkCouncil falls back.
			require.Equal(t, loadCouncil(context.Background(), c, "2018-12-31", direction.Options{}).Row, checkCouncil(context.Background(), c, "2018-12-31", direction.Options{}, nil).Row)
		})
	}
}

// JSON Lines and JSON documents out of time order, in a file or across
// files, are read again in loading's order (batch_order.go), not loaded:
// the same report.
func TestStreamCouncilPutsHistoriesInOrder(t *testing.T) {
	evs, _ := synth.History(synth.Options{Seed: 9, Council: "town", Issued: civil.New(2018, time.January, 25), Years: 1, Noise: 0.5, RequestsPerMonth: 2})
	swapped := append([]event.Event(nil), evs...)
	last := len(swapped) - 1
	swapped[0], swapped[last] = swapped[last], swapped[0]
	for name, files := range map[string]map[string][]byte{
		"out of time order":                 {"h.jsonl": jsonl(swapped)},
		"files interleaved":                 {"a.jsonl": jsonl(evs[1:]), "b.jsonl": jsonl(evs[:1])},
		"a JSON document out of time order": {"h.json": jsonDoc(swapped)},
		"JSON and JSON Lines interleaved":   {"a.json": jsonDoc(evs[1:]), "b.jsonl": jsonl(evs[:1])},
	} {
		c := streamedCouncil(t, files)
		before := reordered.Load()
		got, ok := streamCouncil(context.Background(), c, "2018-12-31", direction.Options{}, nil)
		require.True(t, ok, name)
		assert.Equal(t, int64(1), reordered.Load()-before, name)
		want := loadCouncil(context.Background(), c, "2018-12-31", direction.Options{})
		require.Equal(t, reportJSON(t, want), reportJSON(t, got), name)
	}
}

// A fingerprint seen twice is only a candidate: reading the ids again
// tells two ids sharing a fingerprint (the evaluation stands) from a
// repeated id (loading reports it).
func TestDistinctIDsSettlesSharedFingerprints(t *testing.T) {
	evs, _ := synth.History(synth.Options{Seed: 4, Council: "town", Issued: civil.New(2018, time.January, 25), Years: 1, Noise: 0.5, Times: true})
	c := streamedCouncil(t, map[string][]byte{"a.jsonl": jsonl(evs[:10]), "b.json": jsonDoc(evs[10:])})
	var histories []string
	for _, p := range c.Paths {
		if streamable(p) {
			histories = append(histories, p)
		}
	}
	prints := event.NewIDPrints()
	// As if evs[3] and evs[12] had shared a fingerprint: distinct ids.
	shared := map[uint64]bool{prints.Print(evs[3].ID): true, prints.Print(evs[12].ID): true}
	require.True(t, distinctIDs(histories, event.Options{}, prints, shared))

	dup := append(append([]event.Event(nil), evs...), evs[3])
	dup[len(dup)-1].At = evs[len(evs)-1].At
	c = streamedCouncil(t, map[string][]byte{"h.jsonl": jsonl(dup)})
	require.False(t, distinctIDs([]string{filepath.Join(c.Dir, "h.jsonl")}, event.Options{}, prints, shared))
}

// A stream given up half way through a file (a bad line, events out of
// order, a cancelled context) stops the file's hasher
// (workspace.HashingReader): no goroutine is left behind.
func TestStreamCouncilStopsItsHashers(t *testing.T) {
	evs, _ := synth.History(synth.Options{Seed: 5, Council: "town", Issued: civil.New(2018, time.January, 25), Years: 3, Noise: 0.99, RequestsPerMonth: 2, Times: true})
	body := jsonl(evs)
	require.Greater(t, len(body), 1<<20, "many chunks beyond the few in flight")
	swapped := append([]event.Event(nil), evs...)
	swapped[10], swapped[len(swapped)-1] = swapped[len(swapped)-1], swapped[10]
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := map[string]struct {
		ctx   context.Context
		files map[string][]byte
	}{
		"a bad line":        {context.Background(), map[string][]byte{"h.jsonl": append(append(jsonl(evs[:3]), "{not json\n"...), body...)}},
		"out of time order": {context.Background(), map[string][]byte{"h.jsonl": jsonl(swapped)}}, // read again in order
		"cancelled":         {cancelled, map[string][]byte{"h.jsonl": body}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := streamedCouncil(t, tc.files)
			before := runtime.NumGoroutine()
			_, ok := streamCouncil(tc.ctx, c, "2020-12-31", direction.Options{}, nil)
			require.Equal(t, name == "out of time order", ok)
			for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					buf := make([]byte, 1<<16)
					t.Fatalf("%d goroutines left from %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
				}
			}
		})
	}
}
