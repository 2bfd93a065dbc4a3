package direction

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dfe-tools/directions/diag"
)

// FuzzParse feeds the direction loader arbitrary bytes. It must never
// panic or hang, and whatever it rejects it must reject with positioned
// diagnostics naming the file. The seeds are the examples and the bad-input
// catalogue; testdata/fuzz/FuzzParse holds inputs the fuzzer found.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"../examples/*/direction-*.yaml", "testdata/bad/*/input.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if src, err := os.ReadFile(name); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		// Small limits keep each input cheap, so the fuzzer explores more.
		opts := Options{Limits: Limits{MaxBytes: 1 << 16, MaxNodes: 20_000}}
		d, err := Parse("fuzz.yaml", src, opts)
		if err == nil {
			if d == nil || d.ID == "" || len(d.Obligations) == 0 {
				t.Fatalf("Parse accepted a direction without an id or obligations: %+v", d)
			}
			if _, err := NewSet(d); err != nil {
				checkDiag(t, err)
			}
			return
		}
		if d != nil {
			t.Fatalf("Parse returned both a direction and an error")
		}
		checkDiag(t, err)
	})
}

// checkDiag insists that every problem is a *diag.Error naming the file.
func checkDiag(t *testing.T, err error) {
	t.Helper()
	var list diag.List
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error is not a non-empty diag.List: %T %v", err, err)
	}
	for _, e := range list {
		if e.Pos.File == "" || !strings.HasPrefix(e.Error(), e.Pos.File) {
			t.Fatalf("problem without a file: %q", e.Error())
		}
		if e.Pos.File == "fuzz.yaml" && !e.Pos.IsValid() {
			t.Fatalf("problem without a line: %q", e.Error())
		}
	}
}
