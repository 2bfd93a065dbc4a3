package scenario

import (
	"fmt"
	"io"
	"strings"

	"github.com/dfe-tools/directions/diag"
)

// The console report of `directions test`: WriteOutcome as each scenario
// runs, WriteSummary at the end. Its counts agree with WriteJUnit's: a file
// that does not load (NotLoaded) is one scenario in error in both.

// NotLoaded is the Outcome that stands for a scenario file that could not
// be loaded: one scenario in error, as WriteOutcome, WriteSummary and
// WriteJUnit count it.
func NotLoaded(file string, err error) *Outcome {
	return &Outcome{Scenario: &Scenario{Name: "(file could not be loaded)", Pos: diag.Position{File: file}}, Err: err, notLoaded: true}
}

// WriteOutcome writes one scenario's line, as `directions test` prints it:
// "ok", "FAIL" followed by each expectation not met (expected and got side
// by side), or "ERROR" followed by the error. For a file that did not load
// it writes "FAIL  FILE  [invalid file]": the error itself is the caller's
// to report (the CLI writes it to standard error).
func WriteOutcome(w io.Writer, o *Outcome) error {
	s := o.Scenario
	if o.notLoaded {
		_, err := fmt.Fprintf(w, "FAIL  %s  [invalid file]\n", s.Pos.File)
		return err
	}
	at := fmt.Sprintf("%s:%d", s.Pos.File, s.Pos.Line)
	var b strings.Builder
	switch {
	case o.Err != nil:
		fmt.Fprintf(&b, "ERROR %s  %s\n", at, s.Name)
		fmt.Fprintf(&b, "      %v\n", o.Err)
	case len(o.Failures) > 0:
		fmt.Fprintf(&b, "FAIL  %s  %s\n", at, s.Name)
		for _, fl := range o.Failures {
			for _, l := range strings.SplitAfter(fl.String(), "\n") {
				if l != "" {
					b.WriteString("      " + l)
				}
			}
		}
	default:
		fmt.Fprintf(&b, "ok    %s  %s\n", at, s.Name)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSummary writes the closing line of `directions test`: "PASS: N
// scenarios in M files", or "FAIL:" with how many failed, could not be
// evaluated, or were in files that did not load. files is the number of
// scenario files given.
func WriteSummary(w io.Writer, outcomes []*Outcome, files int) error {
	ran, invalid, failed, errored := 0, 0, 0, 0
	for _, o := range outcomes {
		switch {
		case o.notLoaded:
			invalid++
			continue
		case o.Err != nil:
			errored++
		case len(o.Failures) > 0:
			failed++
		}
		if o.Scenario.Set != nil {
			ran++
		}
	}
	if invalid+failed+errored == 0 {
		_, err := fmt.Fprintf(w, "PASS: %d scenario%s in %d file%s\n", ran, plural(ran), files, plural(files))
		return err
	}
	var parts []string
	// The total is the JUnit XML's tests count: each invalid file is one
	// test in error there.
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d scenario%s failed", failed, len(outcomes), plural(len(outcomes))))
	}
	if errored > 0 {
		parts = append(parts, fmt.Sprintf("%d could not be evaluated", errored))
	}
	if invalid > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d files invalid (each counted as one scenario in error)", invalid, files))
	}
	_, err := fmt.Fprintf(w, "FAIL: %s\n", strings.Join(parts, "; "))
	return err
}
