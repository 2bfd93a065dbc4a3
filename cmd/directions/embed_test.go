package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/explain"
	"github.com/dfe-tools/directions/report"
	"github.com/dfe-tools/directions/scenario"
	"github.com/dfe-tools/directions/schedule"
)

// embedded is one council loaded as a program embedding the library would
// load it, through the public packages only (no internal/workspace): each
// file read once, parsed, and digested with report.NewInput.
type embedded struct {
	set    *direction.Set
	events []event.Event
	inputs []report.Input
	loc    *time.Location
}

func embed(t *testing.T, dir string) embedded {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var e embedded
	var dirs []*direction.Direction
	var histories [][2]string
	for _, ent := range entries { // ReadDir sorts by name, as the CLI lists inputs
		if ent.IsDir() {
			continue
		}
		path := filepath.Join(dir, ent.Name())
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		kind := "history"
		if strings.HasPrefix(ent.Name(), "direction") {
			kind = "direction"
			d, err := direction.Parse(path, data, direction.Options{})
			require.NoError(t, err)
			dirs = append(dirs, d)
		} else {
			histories = append(histories, [2]string{path, string(data)})
		}
		e.inputs = append(e.inputs, report.NewInput(path, kind, data))
	}
	e.set, err = direction.NewSet(dirs...)
	require.NoError(t, err)
	e.loc = dirs[0].Location
	// The vocabulary a direction names is an input too, listed after the
	// files of the folder, once, as the CLI lists it.
	e.inputs = append(e.inputs, report.VocabularyInputs(dirs)...)
	for _, h := range histories {
		evs, err := event.Parse(h[0], []byte(h[1]), event.Options{Location: e.loc, Vocabulary: direction.VocabularyOf(dirs...)})
		require.NoError(t, err)
		e.events = append(e.events, evs...)
	}
	return e
}

func (e embedded) council(t *testing.T, name, folder string, asOf time.Time) report.Council {
	t.Helper()
	res, err := evaluator.Evaluate(e.set, e.events, evaluator.Options{AsOf: asOf})
	require.NoError(t, err)
	return report.Council{Name: name, Folder: folder, Set: e.set, Inputs: e.inputs, Result: res}
}

// An embedding program produces every output the CLI writes, byte for
// byte, from the public packages: check (text, JSON; a tree as text, JSON,
// CSV and CSV summary), report (HTML), schedule (text, JSON, iCalendar)
// and explain (text, JSON).
func TestEmbedderWritesWhatTheCLIWrites(t *testing.T) {
	const asOf = "2018-09-30"
	at := evaluator.EndOfDay(2018, time.September, 30, event.London())
	dir := filepath.Join(national, "ambridge")
	amb := embed(t, dir)
	one := amb.council(t, "", "", at)
	write := func(f func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		require.NoError(t, f(&b))
		return b.String()
	}
	cliOut := func(args ...string) string {
		t.Helper()
		out, errs, code := runCLI(args...)
		require.Contains(t, []int{exitOK, exitBreaches}, code, errs)
		return out
	}

	assert.Equal(t, cliOut("check", "--as-of", asOf, dir), write(func(b *bytes.Buffer) error { return report.WriteText(b, one) }), "check")
	assert.Equal(t, cliOut("check", "--as-of", asOf, "--format", "json", dir), write(func(b *bytes.Buffer) error { return report.WriteJSON(b, one) }), "check --format json")
	amb1 := one
	amb1.Name = "ambridge"
	assert.Equal(t, cliOut("report", "--as-of", asOf, dir), write(func(b *bytes.Buffer) error { return report.WriteHTML(b, []report.Council{amb1}) }), "report")

	var tree []report.Council
	for _, name := range []string{"ambridge", "borsetshire", "casterbridge"} {
		folder := filepath.Join(national, name)
		tree = append(tree, embed(t, folder).council(t, name, folder, at))
	}
	for format, w := range map[string]func(*bytes.Buffer) error{
		"text":        func(b *bytes.Buffer) error { return report.WriteBatchText(b, tree) },
		"json":        func(b *bytes.Buffer) error { return report.WriteBatchJSON(b, tree) },
		"csv":         func(b *bytes.Buffer) error { return report.WriteCSV(b, tree) },
		"csv-summary": func(b *bytes.Buffer) error { return report.WriteCSVSummary(b, tree) },
	} {
		assert.Equal(t, cliOut("check", "--as-of", asOf, "--format", format, national), write(w), "check --format %s of a tree", format)
	}

	exported := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return exported }
	l := schedule.Listing{Council: "ambridge", Location: amb.loc, Inputs: amb.inputs, AsOf: at,
		From: civil.New(2018, time.September, 1).Start(amb.loc), Until: civil.New(2018, time.December, 31).End(amb.loc)}
	var err error
	l.Deadlines, err = evaluator.Schedule(amb.set, amb.events, evaluator.ScheduleOptions{From: l.From, Until: l.Until, Now: l.AsOf})
	require.NoError(t, err)
	args := []string{"schedule", "--as-of", asOf, "--from", "2018-09-01", "--until", "2018-12-31"}
	assert.Equal(t, cliOut(append(args, dir)...), write(func(b *bytes.Buffer) error { return schedule.WriteText(b, l) }), "schedule")
	assert.Equal(t, cliOut(append(args, "--format", "json", dir)...), write(func(b *bytes.Buffer) error { return schedule.WriteJSON(b, l) }), "schedule --format json")
	assert.Equal(t, cliOut(append(args, "--format", "ics", dir)...), write(func(b *bytes.Buffer) error {
		return schedule.WriteICS(b, l, schedule.ICSOptions{ExportedAt: exported, Remind: 7})
	}), "schedule --format ics")

	ex, err := explain.Explain(amb.set, amb.events, explain.Find(amb.set, "chair-quarterly-report"), explain.Options{AsOf: at, Inputs: amb.inputs})
	require.NoError(t, err)
	args = []string{"explain", "--as-of", asOf, "--obligation", "chair-quarterly-report"}
	assert.Equal(t, cliOut(append(args, dir)...), write(func(b *bytes.Buffer) error { return explain.WriteText(b, ex) }), "explain")
	assert.Equal(t, cliOut(append(args, "--format", "json", dir)...), write(func(b *bytes.Buffer) error { return explain.WriteJSON(b, ex) }), "explain --format json")
	// The CLI lists 20 events that did not satisfy an instance unless
	// told (none here has more); MaxNotSatisfying is --max-tested.
	ex, err = explain.Explain(amb.set, amb.events, explain.Find(amb.set, "chair-quarterly-report"), explain.Options{AsOf: at, Inputs: amb.inputs, MaxNotSatisfying: 1})
	require.NoError(t, err)
	args = append(args, "--max-tested", "1")
	assert.Equal(t, cliOut(append(args, dir)...), write(func(b *bytes.Buffer) error { return explain.WriteText(b, ex) }), "explain --max-tested 1")
	assert.Equal(t, cliOut(append(args, "--format", "json", dir)...), write(func(b *bytes.Buffer) error { return explain.WriteJSON(b, ex) }), "explain --max-tested 1 --format json")
}

// The scenario outputs too: the console report and JUnit XML of `directions
// test`, from package scenario.
func TestEmbedderWritesWhatTestWrites(t *testing.T) {
	files := []string{"../../examples/barnet/scenarios/commissioner-report.yaml", "../../examples/barnet/scenarios/extensions.yaml"}
	var outcomes []*scenario.Outcome
	var console bytes.Buffer
	for _, name := range files {
		f, err := scenario.Load(name)
		require.NoError(t, err)
		for _, s := range f.Scenarios {
			o := s.Run()
			outcomes = append(outcomes, o)
			require.NoError(t, scenario.WriteOutcome(&console, o))
		}
	}
	require.NoError(t, scenario.WriteSummary(&console, outcomes, len(files)))
	var junit bytes.Buffer
	require.NoError(t, scenario.WriteJUnit(&junit, outcomes))

	xml, text, code := runCLI(append([]string{"test", "--junit", "-"}, files...)...)
	require.Equal(t, exitOK, code, text)
	assert.Equal(t, text, console.String(), "the console report (on stderr with --junit -)")
	assert.Equal(t, xml, junit.String(), "the JUnit XML")
}
