package scenario_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/scenario"
)

// FuzzParseWithExamples feeds the scenario loader arbitrary bytes, named as if in the
// examples' scenario folder so that the seeds' relative paths resolve. It
// must never panic or hang, never return both a file and an error, and
// report every problem at a position.
func FuzzParseWithExamples(f *testing.F) {
	for _, glob := range []string{"../examples/*/scenarios/*.yaml", "testdata/bad/*/input.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if src, err := os.ReadFile(name); err == nil {
				f.Add(src)
			}
		}
	}
	// One loader for the whole run: it caches the direction and history
	// files the inputs name, as it would for a folder of scenarios.
	l := &scenario.Loader{Limits: event.Limits{MaxBytes: 1 << 16, MaxNodes: 20_000}}
	const name = "../examples/barnet/scenarios/fuzz.yaml"
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := l.Parse(name, src)
		if err == nil {
			if file == nil || len(file.Scenarios) == 0 {
				t.Fatalf("Parse accepted a file without scenarios")
			}
			for _, s := range file.Scenarios {
				if s.Set == nil || s.AsOf.IsZero() {
					t.Fatalf("scenario %q loaded without directions or as-of time", s.Name)
				}
			}
			return
		}
		if file != nil {
			t.Fatalf("Parse returned both a file and an error")
		}
		var list diag.List
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is not a non-empty diag.List: %T %v", err, err)
		}
		for _, e := range list {
			if !e.Pos.IsValid() || !strings.HasPrefix(e.Error(), e.Pos.File+":") {
				t.Fatalf("problem without file and line: %q", e.Error())
			}
		}
	})
}
