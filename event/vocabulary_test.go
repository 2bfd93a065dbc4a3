package event_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
)

const vocab = `event_types:
  score: {s: string, i: int, n: number, b: bool, d: date, l: list, m: map, a: any, u: }
  note: {}
`

func check(t *testing.T, v *event.Vocabulary, typ string, attrs map[string]any) []string {
	t.Helper()
	var errs diag.List
	ev := event.Event{ID: "e", Type: typ, Attrs: attrs}
	ok := v.CheckEvent(&ev, "events[0]", func(string) diag.Position { return diag.Position{File: "h.yaml", Line: 1, Column: 1} }, &errs)
	assert.Equal(t, len(errs) == 0, ok, "CheckEvent's result agrees with its errors")
	var out []string
	for _, e := range errs {
		out = append(out, e.Path+": "+e.Msg)
	}
	return out
}

func TestVocabularyAttributeTypes(t *testing.T) {
	v, err := event.ParseVocabulary("v.yaml", []byte(vocab), event.Limits{})
	require.NoError(t, err)
	good := map[string]any{"s": "x", "i": int64(3), "n": 2.5, "b": true, "d": "2018-04-20T10:00:00Z", "l": []any{int64(1)}, "m": map[string]any{}, "a": nil, "u": "anything"}
	assert.Empty(t, check(t, v, "score", good))
	assert.Empty(t, check(t, v, "score", map[string]any{"n": int64(2)}), "a whole number is a number")

	bad := map[string]any{"s": int64(1), "i": 2.5, "n": "two", "b": "yes", "d": "2018-02-30", "l": "x", "m": []any{}}
	assert.Equal(t, []string{
		`events[0].b: attribute "b" of a "score" event must be true or false, found "yes"`,
		`events[0].d: attribute "d" of a "score" event must be a date (2018-04-20) or an RFC 3339 time, found "2018-02-30"`,
		`events[0].i: attribute "i" of a "score" event must be a whole number, found the number 2.5`,
		`events[0].l: attribute "l" of a "score" event must be a list, found "x"`,
		`events[0].m: attribute "m" of a "score" event must be a mapping, found a list`,
		`events[0].n: attribute "n" of a "score" event must be a number, found "two"`,
		`events[0].s: attribute "s" of a "score" event must be a string, found the number 1`,
	}, check(t, v, "score", bad))

	assert.Equal(t, []string{`events[0].type: unknown event type "nte" (did you mean "note"?) (vocabulary v.yaml)`}, check(t, v, "nte", nil))
}

func TestMergeUnitesTypesAndAttributes(t *testing.T) {
	a := &event.Vocabulary{Types: map[string]map[string]event.AttrType{"report": {"from": event.String, "n": event.Int}}, File: "a.yaml"}
	b := &event.Vocabulary{Types: map[string]map[string]event.AttrType{"report": {"to": event.String, "n": event.String}, "review": {"by": event.String}}, File: "b.yaml"}
	m := event.Merge(nil, a, b)
	assert.Equal(t, []string{"report", "review"}, m.TypeNames())
	assert.Equal(t, map[string]event.AttrType{"from": event.String, "to": event.String, "n": event.Any}, m.Types["report"], "a conflict widens to any")
	assert.Equal(t, "", m.File, "merged from two files")
	assert.Nil(t, event.Merge(nil, nil))
	assert.Equal(t, map[string]event.AttrType{"from": event.String, "n": event.Int}, a.Types["report"], "Merge leaves its inputs alone")
}

// Every reader honours Options.SkipVocabulary: a history of a type the
// vocabulary lacks is refused with it set to false, read with it true,
// in every format and through the streaming Reader too.
func TestSkipVocabularyInEveryReader(t *testing.T) {
	v, err := event.ParseVocabulary("v.yaml", []byte(vocab), event.Limits{})
	require.NoError(t, err)
	for name, src := range map[string]string{
		"h.yaml":  "- {id: a, type: reprot, at: 2018-04-20}\n",
		"h.json":  `[{"id": "a", "type": "reprot", "at": "2018-04-20"}]`,
		"h.jsonl": `{"id": "a", "type": "reprot", "at": "2018-04-20"}` + "\n",
		"h.csv":   "id,type,at\na,reprot,2018-04-20\n",
	} {
		_, err := event.Parse(name, []byte(src), event.Options{Vocabulary: v})
		assert.ErrorContains(t, err, `unknown event type "reprot"`, name)
		evs, err := event.Parse(name, []byte(src), event.Options{Vocabulary: v, SkipVocabulary: true})
		assert.NoError(t, err, name)
		assert.Len(t, evs, 1, name)
	}
	rd := event.NewReader("h.jsonl", strings.NewReader(`{"id": "a", "type": "reprot", "at": "2018-04-20"}`+"\n"), event.Options{Vocabulary: v, SkipVocabulary: true})
	ev, err := rd.Next()
	require.NoError(t, err, "Reader with SkipVocabulary")
	assert.Equal(t, "reprot", ev.Type)
}

// Check reports events made in code by id, with a suggestion; a nil
// vocabulary accepts anything.
func TestVocabularyCheck(t *testing.T) {
	v, err := event.ParseVocabulary("v.yaml", []byte(vocab), event.Limits{})
	require.NoError(t, err)
	at := time.Date(2018, 4, 20, 0, 0, 0, 0, time.UTC)
	evs := []event.Event{
		{ID: "ok", Type: "note", At: at},
		{ID: "x", Type: "notes", At: at},
		{ID: "y", Type: "score", At: at, Attrs: map[string]any{"i": 2.5}},
	}
	err = v.Check(evs)
	var list diag.List
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 2, "%v", err)
	assert.Equal(t, "events[1].type", list[0].Path)
	assert.Equal(t, `event "x": unknown event type "notes" (did you mean "note"?) (vocabulary v.yaml)`, list[0].Msg)
	assert.Equal(t, "events[2].i", list[1].Path)
	assert.Contains(t, list[1].Msg, `event "y": attribute "i" of a "score" event must be a whole number`)
	var none *event.Vocabulary
	assert.NoError(t, none.Check(evs))
}
