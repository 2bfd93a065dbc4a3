package event_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// paths reads the same bytes every way the package offers: Parse, Load
// from a file, and the streaming Reader. It returns each way's events or
// error text, for the caller to compare.
func paths(t *testing.T, name string, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	show := func(evs []event.Event, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		var b strings.Builder
		for _, e := range evs {
			b.WriteString(e.ID + " " + e.Type + " " + e.At.String() + "\n")
		}
		return b.String()
	}
	out["Parse"] = show(event.Parse(name, data, event.Options{}))
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	evs, err := event.Load(path, event.Options{})
	out["Load"] = strings.ReplaceAll(show(evs, err), dir+string(filepath.Separator), "")
	if f, _ := event.FormatOf(name); f == event.JSON || f == event.JSONL {
		r, err := event.NewFormatReader(name, f, bytes.NewReader(data), event.Options{})
		require.NoError(t, err)
		var got []event.Event
		var errs []string
		for n := 0; ; n++ {
			require.Less(t, n, 1000, "the reader makes progress")
			ev, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			got = append(got, ev.Clone())
		}
		if len(errs) > 0 {
			out["Reader"] = "error: " + strings.Join(errs, "\n")
		} else {
			out["Reader"] = show(got, event.Validate(got))
		}
	}
	return out
}

// agree checks that every path gives the same answer, and returns it.
func agree(t *testing.T, name string, data []byte) string {
	t.Helper()
	got := paths(t, name, data)
	want := got["Parse"]
	for how, g := range got {
		assert.Equal(t, want, g, "%s: %s and Parse disagree", name, how)
	}
	return want
}

// The five disagreements issue 11 found between the two JSON parsers, and
// their YAML and CSV counterparts: every reader refuses, with a position.
func TestReadersAgreeOnTheRules(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }
	cases := []struct {
		name, file, src, want string
	}{
		{"duplicate key", "h.jsonl", `{"id":"e1","type":"report","at":"2018-04-20","type":"visit"}`,
			`h.jsonl:1:46: not valid JSON: duplicate key "type": a key appears at most once in an object`},
		{"duplicate key", "h.json", "[\n {\"id\":\"e1\",\"type\":\"report\",\"at\":\"2018-04-20\",\"type\":\"visit\"}\n]",
			`h.json:2:47: not valid JSON: duplicate key "type": a key appears at most once in an object`},
		{"duplicate key", "h.yaml", "- {id: e1, type: report, at: 2018-04-20, type: visit}\n", `h.yaml:1:42:`},
		{"duplicate key", "h.csv", "id,type,at,type\ne1,report,2018-04-20,visit\n", `h.csv:1:12: header: duplicate column "type"`},
		{"nested duplicate key", "h.jsonl", `{"id":"e1","type":"report","at":"2018-04-20","m":{"k":1,"k":2}}`,
			`h.jsonl:1:57: not valid JSON: duplicate key "k": a key appears at most once in an object`},
		{"integer beyond 64 bits", "h.jsonl", `{"id":"e1","type":"report","at":"2018-04-20","n":123456789012345678901234}`,
			`h.jsonl:1:50: n: the whole number 123456789012345678901234 does not fit in 64 bits; quote it to keep it as text`},
		{"integer beyond 64 bits", "h.json", `[{"id":"e1","type":"report","at":"2018-04-20","n":[123456789012345678901234]}]`,
			`h.json:1:51: events[0].n: the whole number 123456789012345678901234 does not fit in 64 bits; quote it to keep it as text`},
		{"integer beyond 64 bits", "h.yaml", "- {id: e1, type: report, at: 2018-04-20, n: 123456789012345678901234}\n",
			`h.yaml:1:45: events[0].n: the whole number 123456789012345678901234 does not fit in 64 bits; quote it to keep it as text`},
		{"integer beyond 64 bits", "h.csv", "id,type,at,n\ne1,report,2018-04-20,123456789012345678901234\n",
			`h.csv:2:22: line 2.n: the whole number 123456789012345678901234 does not fit in 64 bits`},
		{"nesting over 64", "h.jsonl", `{"id":"e1","type":"report","at":"2018-04-20","d":` + deep(65) + `}`,
			`h.jsonl:1:50: d: the value nests more than 64 levels deep (raise Limits.MaxDepth to read it)`},
		{"nesting over 64", "h.json", `{"events":[{"id":"e1","type":"report","at":"2018-04-20","d":` + deep(65) + `}]}`,
			`h.json:1:61: events[0].d: the value nests more than 64 levels deep (raise Limits.MaxDepth to read it)`},
		{"nesting over 64", "h.yaml", "events:\n- {id: e1, type: report, at: 2018-04-20, d: " + deep(65) + "}\n",
			`h.yaml:2:45: events[0].d: the value nests more than 64 levels deep (raise Limits.MaxDepth to read it)`},
		{"nested duplicate key", "h.yaml", "- {id: e1, type: report, at: 2018-04-20, m: {k: 1, k: 2}}\n", `h.yaml:1:52: events[0].m.k: duplicate key "k"`},
		{"lone surrogate", "h.yaml", "- {id: e1, type: report, at: 2018-04-20, note: \"e\\ud800\"}\n", `h.yaml:1:1: not valid YAML: found invalid Unicode character escape code`},
		{"lone surrogate", "h.jsonl", `{"id":"e1","type":"report","at":"2018-04-20","note":"e\ud800"}`,
			"h.jsonl:1:55: not valid JSON: invalid surrogate pair `\\ud800\"}` in string: strings must be UTF-8 text"},
		{"lone surrogate", "h.json", `[{"id":"e1","type":"report","at":"2018-04-20","note":"e\ud800"}]`,
			"h.json:1:56: not valid JSON: invalid surrogate pair `\\ud800\"}]` in string: strings must be UTF-8 text"},
		// Go's zero time, which exporters write for a missing date, and the
		// year 0: validate took the first, the loaders refused it as "no
		// time", stream in other words; every reader took the second
		// (audit of issue 11).
		{"zero time", "h.jsonl", `{"id":"e1","type":"report","at":"0001-01-01T00:00:00Z"}`,
			`h.jsonl:1:33: at: "0001-01-01T00:00:00Z" is 1 January of the year 1, 00:00 UTC: the zero time that exporters write when a date is missing`},
		{"zero time after the same day", "h.jsonl", `{"id":"e0","type":"visit","at":"0001-01-01T00:00:01Z"}` + "\n" + `{"id":"e1","type":"report","at":"0001-01-01T00:00:00Z"}`,
			`h.jsonl:2:33: at: "0001-01-01T00:00:00Z" is 1 January of the year 1`},
		{"zero time", "h.json", `[{"id":"e1","type":"report","at":"0001-01-01T00:00:00Z"}]`,
			`h.json:1:34: events[0].at: "0001-01-01T00:00:00Z" is 1 January of the year 1`},
		{"zero time", "h.yaml", "- {id: e1, type: report, at: 0001-01-01T00:00:00Z}\n",
			`h.yaml:1:30: events[0].at: "0001-01-01T00:00:00Z" is 1 January of the year 1`},
		{"zero time", "h.csv", "id,type,at\ne1,report,0001-01-01T00:00:00Z\n",
			`h.csv:2:11: line 2.at: "0001-01-01T00:00:00Z" is 1 January of the year 1`},
		{"year 0", "h.jsonl", `{"id":"e1","type":"report","at":"0000-01-01"}`,
			`h.jsonl:1:33: at: "0000-01-01" is in the year 0, outside the years 1 to 9999 that dates may have`},
		{"year 0", "h.yaml", "- {id: e1, type: report, at: 0000-06-01T12:00:00+01:00}\n",
			`h.yaml:1:30: events[0].at: "0000-06-01T12:00:00+01:00" is in the year 0`},
		{"year 0", "h.csv", "id,type,at\ne1,report,0000-01\n",
			`h.csv:2:11: line 2.at: "0000-01" is in the year 0`},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.file, func(t *testing.T) {
			got := agree(t, c.file, []byte(c.src))
			assert.True(t, strings.HasPrefix(got, "error: "+c.want), "got %s\nwant %s", got, c.want)
		})
	}
	// At the limit, every format reads the value.
	for _, c := range []struct{ file, src string }{
		{"h.jsonl", `{"id":"e1","type":"report","at":"2018-04-20","d":` + deep(64) + `}`},
		{"h.json", `{"events":[{"id":"e1","type":"report","at":"2018-04-20","d":` + deep(64) + `}]}`},
		{"h.yaml", "events:\n- {id: e1, type: report, at: 2018-04-20, d: " + deep(64) + "}\n"},
	} {
		assert.False(t, strings.HasPrefix(agree(t, c.file, []byte(c.src)), "error"), c.file)
	}
}

// An empty JSON Lines file is a history with no events, however it is read:
// JSON Lines has no other way to write one ([] in JSON, a header row in
// CSV), and a log being appended to starts empty.
func TestEmptyJSONLinesIsNoEventsEverywhere(t *testing.T) {
	for _, src := range []string{"", "\n\n", "  \r\n", "\xef\xbb\xbf"} {
		assert.Equal(t, "", agree(t, "h.jsonl", []byte(src)), "%q", src)
	}
	assert.Equal(t, "error: h.json:1:1: file is empty", agree(t, "h.json", nil))
	assert.Equal(t, "", agree(t, "h.json", []byte("[]")))
}

// The same events written in each format read the same everywhere.
func TestFormatsReadAlikeEverywhere(t *testing.T) {
	srcs := map[string]string{
		"h.jsonl": `{"id":"a","type":"report","at":"2018-04-20"}` + "\n" + `{"id":"b","type":"visit","at":"2018-04-25T23:30:00+01:00"}` + "\n",
		"h.json":  `{"events": [{"id":"a","type":"report","at":"2018-04-20"}, {"id":"b","type":"visit","at":"2018-04-25T23:30:00+01:00"}]}`,
		"h.yaml":  "- {id: a, type: report, at: 2018-04-20}\n- {id: b, type: visit, at: \"2018-04-25T23:30:00+01:00\"}\n",
		"h.csv":   "id,type,at\na,report,2018-04-20\nb,visit,2018-04-25T23:30:00+01:00\n",
	}
	var first string
	for name, src := range srcs {
		got := agree(t, name, []byte(src))
		if first == "" {
			first = got
		}
		assert.Equal(t, first, got, name)
	}
}
