package event

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dfe-tools/directions/diag"
)

var fuzzVocabulary = &Vocabulary{Types: map[string]map[string]AttrType{
	"report":        {"from": String, "to": String, "kind": String, "meeting": String},
	"request":       {"from": String, "to": String, "kind": String, "due": Date},
	"board-meeting": {},
	"score":         {"n": Int, "x": Number, "ok": Bool, "tags": List, "more": Map, "any": Any},
}}

// fuzzLoad is one fuzz target per format: whatever the input, the loader
// returns events that pass Validate, or a positioned diag.List naming the
// file; it never panics, and it never returns both.
func fuzzLoad(f *testing.F, name string, globs ...string) {
	for _, glob := range globs {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src, false)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, vocab bool) {
		opts := Options{Limits: Limits{MaxBytes: 1 << 16, MaxNodes: 20_000}}
		if vocab {
			opts.Vocabulary = fuzzVocabulary
		}
		evs, err := Parse(name, src, opts)
		if err != nil {
			if evs != nil {
				t.Fatalf("Parse returned both events and an error")
			}
			var list diag.List
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty diag.List: %T %v", err, err)
			}
			for _, e := range list {
				if e.Pos.File != name || !e.Pos.IsValid() || !strings.HasPrefix(e.Error(), name+":") {
					t.Fatalf("problem without file and line: %q", e.Error())
				}
			}
			return
		}
		if err := Validate(evs); err != nil {
			t.Fatalf("loaded events fail Validate: %v", err)
		}
		for _, ev := range evs {
			if !ev.Pos.IsValid() {
				t.Fatalf("event %q has no position", ev.ID)
			}
			if vocab {
				var errs diag.List
				if !fuzzVocabulary.CheckEvent(&ev, "", func(string) diag.Position { return ev.Pos }, &errs) {
					t.Fatalf("an event outside the vocabulary was loaded: %v", errs)
				}
			}
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	f.Add([]byte("- {id: a, type: report, at: 2018-04-20, from: dcs}\n"), true)
	f.Add([]byte("events:\n  - id: a\n    type: score\n    at: 2018-04-20T10:00:00+01:00\n    tags: [1, 2.5, x]\n"), true)
	fuzzLoad(f, "fuzz.yaml", "../examples/*/history.yaml", "testdata/bad/*/input.yaml", "testdata/*.yaml")
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`[{"id": "a", "type": "report", "at": "2018-04-20", "from": "dcs"}]`), true)
	f.Add([]byte(`{"events": [{"id": "a", "type": "score", "at": "2018-04-20T10:00:00Z", "n": 1e3, "more": {"x": [null]}}]}`), true)
	fuzzLoad(f, "fuzz.json", "testdata/bad/*/input.json", "testdata/*.json")
}

func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte("{\"id\": \"a\", \"type\": \"report\", \"at\": \"2018-04-20\"}\r\n\n{\"id\": \"b\", \"type\": \"score\", \"at\": \"2018-04-21\", \"n\": 2}\n"), true)
	fuzzLoad(f, "fuzz.jsonl", "testdata/bad/*/input.jsonl", "testdata/*.jsonl")
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("id,type,at,from,to\r\nr1,report,2018-04-20,dcs,improvement-board\r\nm1,board-meeting,2018-04-22T10:00:00+01:00,,\r\n"), true)
	f.Add([]byte("\ufefftype,id,at,n,x,ok\ns1,score,2018-04-20,3,2.5,true\n\"s 2\",score,\"2018-04-21\",\"4\",,false\n"), true)
	fuzzLoad(f, "fuzz.csv", "testdata/bad/*/input.csv", "../examples/*/*.csv")
}

// FuzzParseVocabulary: a vocabulary file is read or refused with positioned
// problems; one that is read declares at least one type and only known
// attribute types, and never id, type or at.
func FuzzParseVocabulary(f *testing.F) {
	for _, glob := range []string{"../examples/vocabulary.yaml", "testdata/bad/*/vocabulary.yaml", "../direction/testdata/bad/*/vocabulary.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		v, err := ParseVocabulary("v.yaml", src, Limits{MaxBytes: 1 << 16, MaxNodes: 20_000})
		if err != nil {
			var list diag.List
			if v != nil || !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("want no vocabulary and a diag.List, got %v and %T %v", v, err, err)
			}
			for _, e := range list {
				if !e.Pos.IsValid() {
					t.Fatalf("problem without a line: %q", e.Error())
				}
			}
			return
		}
		if len(v.Types) == 0 {
			t.Fatalf("a vocabulary without types was accepted")
		}
		for typ, attrs := range v.Types {
			for a, at := range attrs {
				if slices.Contains(reserved[:], a) || !slices.Contains(attrTypes, string(at)) {
					t.Fatalf("type %q declares %q as %q", typ, a, at)
				}
			}
		}
	})
}
