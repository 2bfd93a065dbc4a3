package direction_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// TestReadmeGoExample keeps the README's Go example and
// ExampleSet_LoadHistory, which runs it, the same: every line of the
// README's block is a line of the example, in order (the example adds
// error handling, and its paths are relative to this package).
func TestReadmeGoExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(readme), "## The Go API")
	require.True(t, ok, "README has a Go API section")
	_, block, ok := strings.Cut(after, "```go\n")
	require.True(t, ok, "README's Go API section has a go block")
	block, _, _ = strings.Cut(block, "```")

	src, err := os.ReadFile("history_example_test.go")
	require.NoError(t, err)
	_, body, _ := strings.Cut(string(src), "func ExampleSet_LoadHistory() {")
	body, _, _ = strings.Cut(body, "\n}\n")
	lines := strings.Split(body, "\n")
	next := 0
	for _, want := range strings.Split(strings.TrimSpace(block), "\n") {
		want = strings.TrimSpace(strings.ReplaceAll(want, `"examples/`, `"../examples/`))
		found := false
		for next < len(lines) {
			got := strings.TrimSpace(lines[next])
			next++
			if got == want {
				found = true
				break
			}
		}
		if !assert.True(t, found, "README line %q is not in ExampleSet_LoadHistory (after the lines before it)", want) {
			return
		}
	}
}

// writeHistory writes a history beside nothing, for LoadHistory.
func writeHistory(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

func barnetSet(t *testing.T) *direction.Set {
	t.Helper()
	d, err := direction.Load("../examples/barnet/direction-2018-01.yaml", direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	require.NotNil(t, set.Vocabulary(), "Barnet's direction names a vocabulary")
	return set
}

// A misspelt event type, which the CLI refuses, is refused by
// LoadHistory by default, at its position, with a suggestion; the caller
// may opt out, or give another vocabulary.
func TestLoadHistoryChecksVocabularyByDefault(t *testing.T) {
	set := barnetSet(t)
	path := writeHistory(t, "- {id: chair-q1, type: reprot, at: 2018-04-20, from: board-chair, to: secretary-of-state}\n")

	_, err := set.LoadHistory(path, event.Options{})
	var list diag.List
	require.True(t, errors.As(err, &list), "LoadHistory: want a diag.List, got %v", err)
	require.Len(t, list, 1)
	assert.Equal(t, diag.Position{File: path, Line: 1, Column: 18}, list[0].Pos, "LoadHistory: position of the type")
	assert.Contains(t, list[0].Msg, `unknown event type "reprot" (did you mean "report"?)`)

	evs, err := set.LoadHistory(path, event.Options{SkipVocabulary: true})
	assert.NoError(t, err, "LoadHistory with SkipVocabulary")
	assert.Len(t, evs, 1)

	own := &event.Vocabulary{Types: map[string]map[string]event.AttrType{"reprot": {"from": event.String, "to": event.String}}}
	_, err = set.LoadHistory(path, event.Options{Vocabulary: own})
	assert.NoError(t, err, "LoadHistory with the caller's vocabulary")

	// event.Load checks only against the vocabulary it is given.
	_, err = event.Load(path, event.Options{})
	assert.NoError(t, err, "event.Load without a vocabulary")
	_, err = event.Load(path, event.Options{Vocabulary: set.Vocabulary(), SkipVocabulary: true})
	assert.NoError(t, err, "event.Load: SkipVocabulary overrides Vocabulary")

	_, err = set.ReadHistory("h.jsonl", event.JSONL, strings.NewReader(`{"id":"a","type":"report","at":"2018-04-20","form":"dcs"}`+"\n"), event.Options{})
	assert.ErrorContains(t, err, `h.jsonl:1:`, "ReadHistory: positioned")
	assert.ErrorContains(t, err, `unknown attribute "form" for an event of type "report" (did you mean "from"?)`, "ReadHistory")
}

// A set whose directions declare no vocabulary accepts any event.
func TestLoadHistoryWithoutVocabulary(t *testing.T) {
	d, err := direction.Parse("d.yaml", []byte(`id: d
title: t
council: c
issued_by: c
issued: 2018-01-25
parties: {c: {name: Example Council}}
obligations:
  - id: o
    clause: "1"
    holder: c
    summary: s
    source: example
    once: {due: 'date("2018-03-01")'}
    satisfied_by: event.type == "report"
`), direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	assert.Nil(t, set.Vocabulary())
	path := writeHistory(t, "- {id: a, type: anything, at: 2018-04-20, colour: blue}\n")
	_, err = set.LoadHistory(path, event.Options{})
	assert.NoError(t, err)
	assert.NoError(t, set.CheckEvents([]event.Event{{ID: "a", Type: "anything", At: time.Now()}}))
}

// CheckEvents reports every problem with events made in code, each naming
// the event: Validate's and the vocabulary's, together.
func TestCheckEvents(t *testing.T) {
	set := barnetSet(t)
	at := time.Date(2018, time.April, 20, 0, 0, 0, 0, event.London())
	good := []event.Event{{ID: "chair-q1", Type: "report", At: at, Attrs: map[string]any{"from": "board-chair", "to": "secretary-of-state", "kind": "progress"}}}
	assert.NoError(t, set.CheckEvents(good))

	bad := []event.Event{
		{ID: "a", Type: "report", At: at, Attrs: map[string]any{"form": "dcs"}},
		{ID: "a", Type: "board-meeting", At: at},
		{ID: "c", Type: "request", At: at, Attrs: map[string]any{"due": "soon"}},
		{ID: "d", At: at},
	}
	err := set.CheckEvents(bad)
	var list diag.List
	require.True(t, errors.As(err, &list), "CheckEvents: want a diag.List, got %v", err)
	var msgs []string
	for _, e := range list {
		msgs = append(msgs, e.Path+": "+e.Msg)
	}
	text := strings.Join(msgs, "\n")
	assert.Contains(t, text, `events[0].form: event "a": unknown attribute "form" for an event of type "report" (did you mean "from"?)`)
	assert.Contains(t, text, `events[1]: duplicate event id "a"`)
	assert.Contains(t, text, `events[2].due: event "c": attribute "due" of a "request" event must be a date (2018-04-20) or an RFC 3339 time, found`)
	assert.Contains(t, text, `events[3]: event "d" has no type`)
	assert.Len(t, list, 4, "CheckEvents:\n%s", text)
}

// LoadHistory reads bare dates in the directions' time zone, as the
// command line does: in Auckland, 2018-04-20 starts at 00:00 +12:00, not
// at midnight in London. Directions of different zones need the caller's.
func TestLoadHistoryReadsDatesInTheDirectionsZone(t *testing.T) {
	src := func(id, tz string) string {
		return `id: ` + id + `
title: t
council: c
issued_by: c
issued: 2018-01-25
time_zone: ` + tz + `
parties: {c: {name: Example Council}}
obligations:
  - id: o
    clause: "1"
    holder: c
    summary: s
    source: example
    once: {due: 'date("2018-03-01")'}
    satisfied_by: event.type == "report"
`
	}
	nz, err := direction.Parse("nz.yaml", []byte(src("nz", "Pacific/Auckland")), direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(nz)
	require.NoError(t, err)
	path := writeHistory(t, "- {id: a, type: report, at: 2018-04-20}\n")
	evs, err := set.LoadHistory(path, event.Options{})
	require.NoError(t, err)
	assert.Equal(t, "2018-04-20T00:00:00+12:00", evs[0].At.Format(time.RFC3339), "the directions' zone")
	evs, err = set.LoadHistory(path, event.Options{Location: time.UTC})
	require.NoError(t, err)
	assert.Equal(t, "2018-04-20T00:00:00Z", evs[0].At.Format(time.RFC3339), "the caller's zone")

	uk, err := direction.Parse("uk.yaml", []byte(src("uk", "Europe/London")), direction.Options{})
	require.NoError(t, err)
	both, err := direction.NewSet(nz, uk)
	require.NoError(t, err)
	_, err = both.LoadHistory(path, event.Options{})
	assert.ErrorContains(t, err, "different time zones (nz has Pacific/Auckland, uk has Europe/London)")
	_, err = both.LoadHistory(path, event.Options{Location: time.UTC})
	assert.NoError(t, err)
}
