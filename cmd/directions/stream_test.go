package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/synth"
)

// writeSynthCouncil writes a generated council (direction and JSON Lines
// history) to a temporary folder.
func writeSynthCouncil(t testing.TB, years int, noise float64, perMonth int) string {
	dir := t.TempDir()
	issued := civil.New(2018, time.February, 16)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("c1", issued), 0o644))
	evs, _ := synth.History(synth.Options{Seed: 9, Council: "c1", Issued: issued, Years: years, Noise: noise, RequestsPerMonth: perMonth})
	var b []byte
	for i := range evs {
		b = synth.AppendJSONL(b, &evs[i])
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), b, 0o644))
	return dir
}

func sortedJSON(t *testing.T, items []json.RawMessage) []string {
	var out []string
	for _, it := range items {
		var v any
		require.NoError(t, json.Unmarshal(it, &v))
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// stream prints the findings check reports, as JSON Lines.
func TestStreamGivesCheckFindings(t *testing.T) {
	dir := writeSynthCouncil(t, 3, 0.8, 3)
	code, out, stderr := cli("check", "--as-of", "2020-06-30", "--format", "json", dir)
	require.Equal(t, 1, code, stderr)
	var report struct{ Findings []json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(out), &report))

	code, out, stderr = cli("stream", "--as-of", "2020-06-30", dir)
	require.Equal(t, 1, code, stderr)
	var lines []json.RawMessage
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		lines = append(lines, json.RawMessage(l))
	}
	require.NotEmpty(t, report.Findings)
	assert.Equal(t, sortedJSON(t, report.Findings), sortedJSON(t, lines))
	assert.Contains(t, stderr, "stream: ")
	assert.Regexp(t, `\d+ late, \d+ missed`, stderr)
}

func TestStreamRejectsUnsortedHistoryUnlessWindowed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("c1", civil.New(2018, 2, 16)), 0o644))
	hist := `{"id":"a","type":"visit","at":"2018-03-02"}
{"id":"b","type":"visit","at":"2018-03-05"}
{"id":"c","type":"visit","at":"2018-03-01"}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.jsonl"), []byte(hist), 0o644))
	code, _, stderr := cli("stream", "--as-of", "2018-03-31", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, `h.jsonl:3:1: event "c" at 2018-03-01T00:00:00Z is out of time order: event "b"`)
	assert.Contains(t, stderr, "--window")

	code, _, stderr = cli("stream", "--as-of", "2018-03-31", "--window", "1", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "out of time order by more than the window of 1 events")

	code, _, stderr = cli("stream", "--as-of", "2018-03-31", "--window", "2", dir)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "stream: 3 events")
}

func TestStreamStopsAtBadLines(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("c1", civil.New(2018, 2, 16)), 0o644))
	hist := `{"id":"a","type":"visit","at":"2018-03-02"}
{"id":"b","type":"visit","at":"2018-02-31"}
{"id":"c","type":"visit"
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.jsonl"), []byte(hist), 0o644))
	code, _, stderr := cli("stream", "--as-of", "2018-03-31", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "h.jsonl:2:")
	assert.Contains(t, stderr, "h.jsonl:3:")
	assert.Contains(t, stderr, "findings written before it are incomplete")
}

// appendFinding writes what encoding/json writes for a Finding, member for
// member, over every finding of a generated council (met, late, missed,
// open and breached, with and without triggers).
func TestAppendFindingMatchesEncodingJSON(t *testing.T) {
	dir := writeSynthCouncil(t, 2, 0.5, 4)
	code, out, stderr := cli("check", "--as-of", "2020-01-31", "--format", "json", dir)
	require.Equal(t, 1, code, stderr)
	var report struct{ Findings []evaluator.Finding }
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	statuses := map[evaluator.Status]bool{}
	for _, f := range report.Findings {
		statuses[f.Status] = true
		want, err := json.Marshal(f)
		require.NoError(t, err)
		got := appendFinding(nil, &f)
		require.True(t, json.Valid(got), string(got))
		var a, b map[string]any
		require.NoError(t, json.Unmarshal(want, &a))
		require.NoError(t, json.Unmarshal(got, &b))
		require.Equal(t, a, b)
		require.Equal(t, keysInOrder(t, want), keysInOrder(t, got))
	}
	assert.Len(t, statuses, 5, "every status is exercised: %v", statuses)
	// A finding of a varied obligation carries its version.
	f := report.Findings[0]
	f.Version = "barnet-2018-01"
	want, err := json.Marshal(f)
	require.NoError(t, err)
	got := appendFinding(nil, &f)
	require.Equal(t, keysInOrder(t, want), keysInOrder(t, got))
	require.JSONEq(t, string(want), string(got))
}

func keysInOrder(t *testing.T, b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' {
				depth++
			} else if v == '}' {
				depth--
			}
		case string:
			if depth == 1 && dec.More() {
				keys = append(keys, v)
				// Skip the value.
				var skip json.RawMessage
				require.NoError(t, dec.Decode(&skip))
			}
		}
	}
}

// Bare dates in a history mean one day only if the directions share a
// time zone, as check requires.
func TestStreamRequiresOneTimeZone(t *testing.T) {
	dir := t.TempDir()
	a := synth.Direction("c1", civil.New(2018, 2, 16))
	b := strings.Replace(strings.Replace(string(a), "time_zone: Europe/London", "time_zone: Europe/Paris", 1), "id: c1-2018-02-16", "id: c2", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), a, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(b), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.jsonl"), []byte(`{"id":"a","type":"visit","at":"2018-03-02"}`+"\n"), 0o644))
	code, _, stderr := cli("stream", "--as-of", "2018-03-31", dir)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, stderr, "b.yaml: time_zone: directions loaded together must share one time zone")
}

// A supposed direction in a scenarios folder is skipped when a folder is
// walked but loaded when named as a file, by stream as by check. Here the
// supposed direction of 14 May 2018 revokes clause 8(f) of the Barnet
// direction of 25 January 2018 (quarterly, the first within 3 months: due
// 25 Apr, 25 Jul, 25 Oct 2018). Instance 1 (due 25 Apr) fell due before
// 14 May and is met by the report of 20 Apr; instance 2 (25 Jul) and later
// would fall due after the revocation, so they never exist: one finding of
// 8(f), where ignoring the named file gives three (met, met, open).
func TestStreamLoadsANamedSupposedDirection(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history.jsonl")
	require.NoError(t, os.WriteFile(hist, []byte(
		`{"id":"chair-q1","type":"report","at":"2018-04-20","from":"board-chair","to":"secretary-of-state","kind":"progress"}`+"\n"+
			`{"id":"chair-q2","type":"report","at":"2018-07-19","from":"board-chair","to":"secretary-of-state","kind":"progress"}`+"\n"), 0o644))
	args := []string{"--as-of", "2018-09-30", "../../examples/barnet/direction-2018-01.yaml", "../../examples/barnet/scenarios/supposed/revokes-8f-2018-05.yaml", hist}

	code, out, stderr := cli(append([]string{"stream"}, args...)...)
	// The only council duty that fell due is 8(f)'s first report, met; what
	// is missed is Essex's and the Commissioner's (expectations): exit 0.
	require.Equal(t, 0, code, stderr)
	var chair []evaluator.Finding
	var lines []json.RawMessage
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		lines = append(lines, json.RawMessage(l))
		var f evaluator.Finding
		require.NoError(t, json.Unmarshal([]byte(l), &f))
		if f.Obligation == "chair-quarterly-report" {
			chair = append(chair, f)
		}
	}
	require.Len(t, chair, 1, "8(f) instances after the revocation of 14 May 2018 must not exist")
	assert.Equal(t, evaluator.Met, chair[0].Status)
	assert.Equal(t, "2018-04-25", chair[0].Due)

	code, out, stderr = cli(append([]string{"check", "--format", "json"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var report struct{ Findings []json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	assert.Equal(t, sortedJSON(t, report.Findings), sortedJSON(t, lines))
}

// stream reads one council's feed. Given a tree of two councils it put
// every council's events before every council's directions: here c1's
// report met c2's duty, and stream exited 0 where check finds c2's duty
// missed (audit of issue 11). A tree is now refused, as explain refuses
// one, and each council streams on its own.
func TestStreamRefusesATreeOfCouncils(t *testing.T) {
	root := t.TempDir()
	direction := func(council string) string {
		return "id: d-" + council + "\ntitle: t\ncouncil: " + council + "\nissued_by: sos\nissued: 2020-01-01\n" +
			"parties:\n  " + council + ": {name: C, role: directed authority}\n  sos: {name: S, role: issuer}\n" +
			"obligations:\n  - id: rep\n    clause: \"1\"\n    holder: " + council + "\n    summary: report\n    source: test\n" +
			"    once: {due: 'date(\"2020-03-01\")'}\n    satisfied_by: event.type == \"report\"\n"
	}
	for council, history := range map[string]string{
		"c1": `{"id":"e1","type":"report","at":"2020-02-01"}` + "\n",
		"c2": `{"id":"f1","type":"visit","at":"2020-05-01"}` + "\n",
	} {
		dir := filepath.Join(root, council)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), []byte(direction(council)), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "history.jsonl"), []byte(history), 0o644))
	}

	out, errs, code := runCLI("stream", "--as-of", "2020-06-01", root)
	assert.Equal(t, exitInvalid, code, errs)
	assert.Empty(t, out, "no findings from a mixed stream")
	assert.Contains(t, errs, "the paths hold 2 council folders")
	assert.Contains(t, errs, "stream reads one council at a time")

	_, errs, code = runCLI("check", "--as-of", "2020-06-01", root)
	assert.Equal(t, exitBreaches, code, "check: c2's report was missed; %s", errs)

	out, _, code = runCLI("stream", "--as-of", "2020-06-01", filepath.Join(root, "c1"))
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, `"status":"met","opens"`)
	assert.Contains(t, out, `"discharged_by":{"id":"e1"`)
	out, _, code = runCLI("stream", "--as-of", "2020-06-01", filepath.Join(root, "c2"))
	assert.Equal(t, exitBreaches, code)
	assert.Contains(t, out, `"status":"missed"`)
}
