package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/synth"
)

// jsonForms are the ways a JSON history is written: a list, one event a
// line; the list on a single line (columns in the millions); the object
// form {"events": [...]}, pretty-printed with each member on its own
// line; a byte order mark and CRLF line ends.
var jsonForms = []string{"list", "one line", "wrapped", "bom crlf"}

// asJSON writes JSON Lines lines (each ending in a line feed) as a JSON
// document of the given form.
func asJSON(lines []byte, form string) []byte {
	evs := bytes.Split(bytes.TrimSuffix(lines, []byte("\n")), []byte("\n"))
	if len(lines) == 0 {
		evs = nil
	}
	switch form {
	case "one line":
		return append(append([]byte("["), bytes.Join(evs, []byte(", "))...), ']')
	case "wrapped":
		pretty := make([][]byte, len(evs))
		for i, ev := range evs {
			// {"id":…,"type":…} -> members on lines of their own.
			ev = bytes.Replace(ev, []byte(`{"`), []byte("{\n    \""), 1)
			ev = bytes.ReplaceAll(ev, []byte(`","`), []byte("\",\n    \""))
			pretty[i] = append(ev[:len(ev)-1], "\n  }"...)
		}
		return append(append([]byte("{\"events\": [\n  "), bytes.Join(pretty, []byte(",\n  "))...), "\n]}\n"...)
	case "bom crlf":
		return append(append([]byte("\xef\xbb\xbf[\r\n"), bytes.Join(evs, []byte(",\r\n"))...), "\r\n]\r\n"...)
	}
	return append(append([]byte("[\n"), bytes.Join(evs, []byte(",\n"))...), "\n]\n"...)
}

// The shipped examples, their histories written as JSON documents with
// the events shuffled, in each form: check, schedule and explain read
// through the order index give what loading gives, byte for byte.
func TestOutOfOrderJSONExamplesAgreeWithLoading(t *testing.T) {
	fixedNow(t)
	for i, dir := range examplesAsJSONL(t) {
		data, err := os.ReadFile(filepath.Join(dir, "history.jsonl"))
		require.NoError(t, err)
		require.NoError(t, os.Remove(filepath.Join(dir, "history.jsonl")))
		form := jsonForms[i%len(jsonForms)]
		require.NoError(t, os.WriteFile(filepath.Join(dir, "history.json"), asJSON(shuffleLines(data, uint64(i), 1)[0], form), 0o644))
		name := filepath.Base(dir) + " (" + form + ")"
		assertIndexedUnlessLoaded(t, name, dir, data, orderAgree(t, name, nil, "2025-06-30", dir))
	}
}

// Generated histories with RFC 3339 times and with bare dates, with ties
// on an instant and on a day, shuffled: one JSON document (each form),
// three JSON documents, and JSON documents beside a JSON Lines file in
// one council: the order index gives what loading gives.
func TestOutOfOrderJSONGeneratedAgreeWithLoading(t *testing.T) {
	fixedNow(t)
	issued := civil.New(2018, time.January, 25)
	for i, times := range []bool{true, false} {
		whole := historyWithTies(uint64(31+i), issued, times)
		council := func(files map[string][]byte) string {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
			for name, b := range files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
			}
			return dir
		}
		var cases []struct {
			name string
			dir  string
		}
		add := func(name, dir string) {
			cases = append(cases, struct{ name, dir string }{name, dir})
		}
		for j, form := range jsonForms {
			add("one file, "+form, council(map[string][]byte{"history.json": asJSON(shuffleLines(whole, uint64(7+j), 1)[0], form)}))
		}
		parts := shuffleLines(whole, 8, 3)
		add("three files", council(map[string][]byte{"a.json": asJSON(parts[0], "list"), "b.json": asJSON(parts[1], "wrapped"), "c.json": asJSON(parts[2], "one line")}))
		add("mixed", council(map[string][]byte{"a.json": asJSON(parts[0], "bom crlf"), "b.jsonl": parts[1], "c.json": asJSON(parts[2], "list")}))
		for _, asOf := range []string{"2018-11-30", "2019-12-31"} {
			for _, c := range cases {
				assert.Equal(t, int64(4), orderAgree(t, c.name, nil, asOf, c.dir), "%s: times %v", c.name, times)
			}
		}
	}
}

// A bad event late in a shuffled JSON document is worded as loading
// words it, at the same place: the index's pass meets it and the
// history is loaded. The place is worked out here from the file.
func TestOutOfOrderJSONBadEventIsLoadingsError(t *testing.T) {
	fixedNow(t)
	issued := civil.New(2018, time.January, 25)
	evs, _ := synth.History(synth.Options{Seed: 5, Council: "town", Issued: issued, Years: 1, Noise: 0.5, RequestsPerMonth: 1, Times: true})
	lines := shuffleLines(jsonl(evs), 6, 1)[0]
	for _, bad := range []struct{ name, event, at, want string }{
		{"no such day", `{"id":"bad","type":"report","at":"2018-02-30"}`, `"2018-02-30"`, "2018-02-30"},
		{"duplicate key", `{"id":"bad","type":"report","at":"2018-03-01","type":"visit"}`, `"type":"visit"`, "duplicate key \"type\""},
		{"over 64 bits", `{"id":"bad","type":"report","at":"2018-03-01","n":123456789012345678901}`, `123456789012345678901`, "does not fit in 64 bits"},
		{"lone surrogate", `{"id":"bad","type":"report","at":"2018-03-01","s":"e\ud800"}`, `\ud800`, "surrogate"},
		{"missing comma", `{"id":"bad","type":"report" "at":"2018-03-01"}`, `"at":"2018-03-01"}`, "(is a comma missing?)"},
	} {
		// The bad event nine from the end, in the list form.
		all := bytes.SplitAfter(lines, []byte("\n"))
		k := len(all) - 10
		withBad := append(append(append([]byte(nil), bytes.Join(all[:k], nil)...), bad.event+"\n"...), bytes.Join(all[k:], nil)...)
		doc := asJSON(withBad, "list")
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
		file := filepath.Join(dir, "history.json")
		require.NoError(t, os.WriteFile(file, doc, 0o644))
		// Line k+2 (the list's [ is line 1); the column of what is wrong.
		line := k + 2
		lineText := strings.Split(string(doc), "\n")[line-1]
		require.True(t, strings.HasPrefix(lineText, bad.event), bad.name)
		where := fmt.Sprintf("%s:%d:%d:", file, line, strings.Index(lineText, bad.at)+1)
		before := reordered.Load()
		for _, args := range [][]string{
			{"check", "--as-of", "2018-12-31", dir},
			{"schedule", "--as-of", "2018-12-31", dir},
			{"explain", "--obligation", obligationIDs(t, filepath.Join(dir, "direction.yaml"))[0], "--as-of", "2018-12-31", dir},
		} {
			s, l, _ := runBoth(t, nil, args...)
			assert.Equal(t, l, s, "%s: %s", bad.name, args[0])
			assert.Equal(t, string(rune('0'+exitInvalid)), s[2], "%s: %s", bad.name, args[0])
			assert.Contains(t, s[1], where, "%s: %s", bad.name, args[0])
			assert.Contains(t, s[1], bad.want, "%s: %s", bad.name, args[0])
		}
		assert.Zero(t, reordered.Load()-before, "%s: loaded, not read in order", bad.name)
	}
}

// A JSON document that changes between the pass that indexes it and the
// pass that reads it in order is refused, as a JSON Lines file is.
func TestOutOfOrderJSONFileChangedIsRefused(t *testing.T) {
	fixedNow(t)
	issued := civil.New(2018, time.January, 25)
	evs, _ := synth.History(synth.Options{Seed: 3, Council: "town", Issued: issued, Years: 1, Noise: 0.5, RequestsPerMonth: 1, Times: true})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), synth.Direction("town", issued), 0o644))
	file := filepath.Join(dir, "history.json")
	data := asJSON(shuffleLines(jsonl(evs), 4, 1)[0], "list")
	for _, tc := range []struct {
		name   string
		change func([]byte) []byte
	}{
		{"same size", func(b []byte) []byte {
			b = bytes.Clone(b)
			i := bytes.Index(b, []byte(`"at":"20`))
			b[i+7] = '1' // 2018 -> 1018: the same length
			return b
		}},
		{"shifted", func(b []byte) []byte { return append([]byte(" "), b...) }},
		{"shorter", func(b []byte) []byte { return b[:len(b)/2] }},
	} {
		require.NoError(t, os.WriteFile(file, data, 0o644))
		afterIndex = func() { require.NoError(t, os.WriteFile(file, tc.change(data), 0o644)) }
		out, errs, code := runCLI("check", "--as-of", "2018-12-31", dir)
		afterIndex = nil
		assert.Equal(t, exitInvalid, code, "%s: %s", tc.name, out)
		assert.Contains(t, errs, file+": the file changed while it was being read", tc.name)
	}
	// Unchanged, it is read in order, by the index.
	require.NoError(t, os.WriteFile(file, data, 0o644))
	before := reordered.Load()
	_, errs, _ := runCLI("check", "--as-of", "2018-12-31", dir)
	assert.NotContains(t, errs, "changed")
	assert.Equal(t, int64(1), reordered.Load()-before)
}
