package event_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
)

func errorsOf(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	var list diag.List
	require.True(t, errors.As(err, &list), "want a diag.List, got %T: %v", err, err)
	var out []string
	for _, e := range list {
		out = append(out, e.Error())
	}
	return out
}

func TestFormatsReadAlike(t *testing.T) {
	yamlSrc := `
- {id: bm-1, type: board-meeting, at: 2018-02-14}
- {id: r-1, type: report, at: "2018-04-25T23:30:00+01:00", from: dcs, pages: 12, urgent: true, score: 2.5, meeting: bm-1}
`
	jsonSrc := `{"events": [
  {"id": "bm-1", "type": "board-meeting", "at": "2018-02-14"},
  {"id": "r-1", "type": "report", "at": "2018-04-25T23:30:00+01:00", "from": "dcs", "pages": 12, "urgent": true, "score": 2.5, "meeting": "bm-1"}
]}`
	jsonlSrc := `{"id": "bm-1", "type": "board-meeting", "at": "2018-02-14"}

{"id": "r-1", "type": "report", "at": "2018-04-25T23:30:00+01:00", "from": "dcs", "pages": 12, "urgent": true, "score": 2.5, "meeting": "bm-1"}
`
	for name, src := range map[string]string{"h.yaml": yamlSrc, "h.json": jsonSrc, "h.jsonl": jsonlSrc} {
		evs, err := event.Parse(name, []byte(src), event.Options{})
		require.NoError(t, err, name)
		require.Len(t, evs, 2, name)
		assert.Equal(t, time.Date(2018, 2, 14, 0, 0, 0, 0, event.London()), evs[0].At, name)
		assert.True(t, evs[0].DateOnly, name)
		assert.Equal(t, "2018-04-25T22:30:00Z", evs[1].At.UTC().Format(time.RFC3339), name)
		assert.Equal(t, map[string]any{"from": "dcs", "pages": int64(12), "urgent": true, "score": 2.5, "meeting": "bm-1"}, evs[1].Attrs, name)
		assert.Equal(t, name, evs[1].Pos.File)
	}
}

func TestYAMLErrorsArePositioned(t *testing.T) {
	src := `events:
  - {id: a, type: report, at: 2018-02-30}
  - {id: b, at: 2018-03-01}
  - {id: a, type: report, at: "2018-03-01T10:00:00"}
  - {id: c, type: report, at: tomorrow}
`
	assert.Equal(t, []string{
		`h.yaml:2:31: events[0].at: "2018-02-30" is not a date of the form YYYY-MM-DD that exists in the calendar`,
		`h.yaml:3:5: events[1].type: missing required key "type": the event's type, such as report or board-meeting`,
		`h.yaml:4:31: events[2].at: time "2018-03-01T10:00:00" has no UTC offset: add one (2018-04-25T23:30:00+01:00) or Z, or give a plain date`,
		`h.yaml:5:31: events[3].at: "tomorrow" is neither a date (2018-04-25) nor an RFC 3339 time (2018-04-25T23:30:00+01:00)`,
	}, errorsOf(t, mustFail(event.Parse("h.yaml", []byte(src), event.Options{}))))
}

func TestDuplicateIDs(t *testing.T) {
	src := "- {id: a, type: report, at: 2018-03-01}\n- {id: a, type: report, at: 2018-03-02}\n"
	got := errorsOf(t, mustFail(event.Parse("h.yaml", []byte(src), event.Options{})))
	assert.Equal(t, []string{`h.yaml:2:3: events[1]: duplicate event id "a" (also at h.yaml:1:3)`}, got)
}

func TestJSONErrorsArePositioned(t *testing.T) {
	got := errorsOf(t, mustFail(event.Parse("h.json", []byte("[\n  {\"id\": \"a\", \"type\": \"report\", \"at\": \"2018-03-01\"},\n  {\"id\": \"b\" \"type\": 1}\n]"), event.Options{})))
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "h.json:3:")
	assert.Contains(t, got[0], "not valid JSON")

	got = errorsOf(t, mustFail(event.Parse("h.jsonl", []byte("{\"id\": \"a\", \"type\": \"report\", \"at\": \"2018-03-01\"}\n{\"id\": 7, \"type\": \"report\", \"at\": \"2018-03-01\"}\n{oops}\n"), event.Options{})))
	assert.Equal(t, []string{
		`h.jsonl:2:8: id: "id" must be a non-empty string: the event's id, unique in the history; found the number 7`,
		`h.jsonl:3:2: not valid JSON: invalid character 'o' at start of value`,
	}, got)
}

func TestEmptyAndUnknownFiles(t *testing.T) {
	for _, name := range []string{"e.yaml", "e.json"} {
		got := errorsOf(t, mustFail(event.Parse(name, []byte("  \n"), event.Options{})))
		assert.Equal(t, []string{name + ":1:1: file is empty"}, got)
	}
	// JSON Lines has no other way to write a history with no events.
	evs, err := event.Parse("e.jsonl", []byte("  \n"), event.Options{})
	require.NoError(t, err)
	assert.Empty(t, evs)
	_, err = event.Parse("e.txt", []byte("x"), event.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown history file extension")
}

func TestBareDatesUseTheGivenZone(t *testing.T) {
	utc := time.UTC
	evs, err := event.Parse("h.yaml", []byte("- {id: a, type: t, at: 2018-07-01}\n"), event.Options{Location: utc})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2018, 7, 1, 0, 0, 0, 0, utc), evs[0].At)
}

func TestSortIsStableAndCopies(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2018, 1, day, 0, 0, 0, 0, time.UTC) }
	in := []event.Event{{ID: "c", At: d(3)}, {ID: "a1", At: d(1)}, {ID: "a2", At: d(1)}}
	out := event.Sort(in)
	assert.Equal(t, []string{"a1", "a2", "c"}, []string{out[0].ID, out[1].ID, out[2].ID})
	assert.Equal(t, "c", in[0].ID, "Sort must not reorder its input")
}

func mustFail(_ []event.Event, err error) error { return err }

func TestRFC3339LowerCaseAndSpace(t *testing.T) {
	want := time.Date(2018, 4, 25, 22, 30, 0, 0, time.UTC)
	for _, s := range []string{"2018-04-25T22:30:00Z", "2018-04-25t22:30:00z", "2018-04-25 23:30:00+01:00"} {
		got, dateOnly, err := event.ParseTime(s, event.London())
		require.NoError(t, err, s)
		assert.False(t, dateOnly, s)
		assert.True(t, want.Equal(got), "%s: got %s", s, got)
	}
}
