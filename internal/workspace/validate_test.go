package workspace

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// validDirection loads without problems, so that repeats across files
// are reported.
const validDirection = `id: d
title: t
council: council
issued_by: sos
issued: 2018-01-01
parties:
  council: {name: A Council}
  sos: {name: Secretary of State}
obligations:
  - id: report
    clause: "1"
    holder: council
    summary: reports
    source: test
    once: {date: 2018-03-01}
    satisfied_by: event.type == "report"
`

// Validate must say what Load says, message for message, while streaming
// the JSON and JSON Lines histories: repeated ids within a file, across
// files of every format (numbered in load order), bad lines, syntax
// errors, I/O errors and a bad direction beside bad histories.
func TestValidateAgreesWithLoad(t *testing.T) {
	ev := func(id, at string) string {
		return fmt.Sprintf(`{"id":%q,"type":"visit","at":%q,"child":"c1"}`, id, at)
	}
	lines := func(evs ...string) string { return strings.Join(evs, "\n") + "\n" }
	cases := map[string]map[string]string{
		"good": {
			"a.jsonl": lines(ev("e1", "2018-01-02"), ev("e2", "2018-01-03T09:00:00Z")),
			"b.yaml":  "events:\n  - {id: y1, type: visit, at: 2018-01-04}\n",
			"c.json":  "[" + ev("j1", "2018-01-05") + "]",
		},
		"repeated within a file, three times": {
			"a.jsonl": lines(ev("e1", "2018-01-02"), ev("e2", "2018-01-03"), ev("e1", "2018-01-04"), ev("e1", "2018-01-05")),
		},
		"repeated across streamed and loaded files, in load order": {
			"a.jsonl": lines(ev("e1", "2018-01-02"), ev("e2", "2018-01-03")),
			"b.yaml":  "events:\n  - {id: y1, type: visit, at: 2018-01-04}\n  - {id: e2, type: visit, at: 2018-01-05}\n",
			"c.jsonl": lines(ev("c1", "2018-01-02"), ev("y1", "2018-01-03"), ev("e1", "2018-01-04")),
			"d.json":  "[" + ev("e1", "2018-01-05") + "]",
		},
		"a bad line hides the repeats of its file, and those across files": {
			"a.jsonl": lines(ev("e1", "2018-01-02"), `{"id":"e9","type":"visit"}`, ev("e1", "2018-01-04")),
			"b.jsonl": lines(ev("e1", "2018-01-02"), ev("b1", "2018-01-03"), ev("b1", "2018-01-04")),
		},
		"a repeat within a file hides those across files": {
			"a.jsonl": lines(ev("e1", "2018-01-02"), ev("e1", "2018-01-03")),
			"b.jsonl": lines(ev("e2", "2018-01-02")),
			"c.jsonl": lines(ev("e2", "2018-01-02")),
		},
		"syntax error in a JSON document, bad YAML history and bad direction": {
			"a.json":      `[` + ev("e1", "2018-01-02") + `,{"id":}]`,
			"b.yaml":      "events:\n  - {id: y1, type: visit}\n",
			"c.jsonl":     lines(ev("e1", "2018-01-02"), `{"id":"x","type":"visit","at":"2018-02-30"}`, `not json`),
			"direct.yaml": strings.Replace(validDirection, "title: t", "title: t\nbogus: 1", 1),
		},
		"duplicate keys, big numbers, deep nesting": {
			"a.jsonl": lines(`{"id":"e1","type":"visit","at":"2018-01-02","type":"report"}`, `{"id":"e2","type":"visit","at":"2018-01-02","n":123456789012345678901234}`,
				`{"id":"e3","type":"visit","at":"2018-01-02","d":`+strings.Repeat("[", 70)+strings.Repeat("]", 70)+`}`),
		},
		"empty JSON Lines and empty JSON": {
			"a.jsonl": "",
			"b.json":  "",
		},
	}
	// What Load says in some cases, so that each tests what it says: the
	// events are numbered across files in load order (a.jsonl's 2, b.yaml's
	// 2, c.jsonl's 3, d.json's 1).
	wants := map[string][]string{
		"repeated within a file, three times":                              {"a.jsonl:3:1: events[2]: duplicate", "a.jsonl:4:1: events[3]: duplicate"},
		"repeated across streamed and loaded files, in load order":         {"b.yaml:3:5: events[3]: duplicate event id \"e2\"", "c.jsonl:2:1: events[5]: duplicate event id \"y1\"", "c.jsonl:3:1: events[6]: duplicate event id \"e1\"", "d.json:1:2: events[7]: duplicate event id \"e1\" (also at "},
		"a bad line hides the repeats of its file, and those across files": {"b.jsonl:3:1: events[2]: duplicate event id \"b1\""},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if _, ok := files["direct.yaml"]; !ok {
				write(t, filepath.Join(dir, "direct.yaml"), validDirection)
			}
			for f, data := range files {
				write(t, filepath.Join(dir, f), data)
			}
			loaded, lerr := Load([]string{dir}, direction.Options{})
			streamed, serr := Validate([]string{dir}, direction.Options{})
			if lerr != nil {
				require.Error(t, serr, "Load: %v", lerr)
				assert.Equal(t, lerr.Error(), serr.Error())
				for _, w := range wants[name] {
					assert.Contains(t, lerr.Error(), w, "the case tests what it says")
				}
				return
			}
			require.NoError(t, serr)
			assert.Equal(t, len(loaded.Events), len(streamed.Events)+streamed.Streamed)
			assert.Equal(t, len(loaded.Files), len(streamed.Files))
			assert.Equal(t, len(loaded.Directions), len(streamed.Directions))
		})
	}
}
