package workspace

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/yamlx"
)

const dirYAML = "id: d\ntitle: t\nissued: 2018-01-01\nobligations: []\n"

func write(t *testing.T, path, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
}

func TestSplitTree(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "b", "direction.yaml"), dirYAML)
	write(t, filepath.Join(root, "b", "events", "2018.yaml"), "events: []\n")
	write(t, filepath.Join(root, "a", "direction.yaml"), dirYAML)
	write(t, filepath.Join(root, "a", "history.jsonl"), "")
	write(t, filepath.Join(root, "a", "sub", "direction.yaml"), dirYAML)
	write(t, filepath.Join(root, "notes.yaml"), "events: []\n")

	tree, err := SplitTree([]string{root}, yamlx.Limits{})
	require.NoError(t, err)
	var names []string
	for _, c := range tree.Councils {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"a", "a/sub", "b"}, names, "sorted by name; a nested folder with a direction is its own council")
	assert.Equal(t, []string{filepath.Join(root, "a", "direction.yaml"), filepath.Join(root, "a", "history.jsonl")}, tree.Councils[0].Paths)
	assert.Equal(t, []string{filepath.Join(root, "b", "direction.yaml"), filepath.Join(root, "b", "events", "2018.yaml")}, tree.Councils[2].Paths, "a subfolder without directions belongs to the council above it")
	assert.Equal(t, []string{filepath.Join(root, "notes.yaml")}, tree.Orphans)
}

func TestSplitTreeOneCouncilTakesEverything(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "directions", "d.yaml")
	hist := filepath.Join(root, "histories", "h.yaml")
	write(t, dir, dirYAML)
	write(t, hist, "events: []\n")
	tree, err := SplitTree([]string{dir, hist}, yamlx.Limits{})
	require.NoError(t, err)
	require.Len(t, tree.Councils, 1)
	assert.Equal(t, "directions", tree.Councils[0].Name)
	assert.Equal(t, []string{dir, hist}, tree.Councils[0].Paths)
	assert.Empty(t, tree.Orphans)
}

func TestSplitTreeSameName(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, filepath.Join(a, "x", "d.yaml"), dirYAML)
	write(t, filepath.Join(b, "x", "d.yaml"), dirYAML)
	_, err := SplitTree([]string{a, b}, yamlx.Limits{})
	assert.ErrorContains(t, err, `same name "x"`)
}

// A direction below a folder named scenarios is a supposed direction for
// what-if scenarios: walking the council's folder leaves it out (of the
// tree and of Load), naming it as a file brings it in with the council,
// never as a council of its own.
func TestWhatIfDirectionsInScenarioFolders(t *testing.T) {
	root := t.TempDir()
	council := filepath.Join(root, "barnet")
	real := filepath.Join(council, "direction.yaml")
	supposed := filepath.Join(council, "scenarios", "supposed", "revokes.yaml")
	const parties = "council: c\nissued_by: s\nparties: {c: {name: C}, s: {name: S}}\n"
	write(t, real, "id: d\ntitle: t\nissued: 2018-01-01\n"+parties+`obligations:
  - {id: o, clause: "1", holder: c, summary: s, source: s, once: {date: 2018-12-31}, satisfied_by: event.type == "x"}
`)
	write(t, supposed, "id: s\ntitle: t\nissued: 2018-06-01\nrevokes: [d]\n"+parties)
	assert.Equal(t, WhatIf, Classify(supposed, []byte("revokes: [d]\n")))
	assert.Equal(t, Direction, Classify(real, []byte("revokes: [d]\n")), "a revokes key alone makes a direction")

	tree, err := SplitTree([]string{council}, yamlx.Limits{})
	require.NoError(t, err)
	require.Len(t, tree.Councils, 1)
	assert.Equal(t, []string{real}, tree.Councils[0].Paths)

	tree, err = SplitTree([]string{real, supposed}, yamlx.Limits{})
	require.NoError(t, err)
	require.Len(t, tree.Councils, 1, "named, it joins the council")
	assert.Equal(t, []string{real, supposed}, tree.Councils[0].Paths)

	ids := func(paths ...string) []string {
		ws, err := Load(paths, direction.Options{})
		require.NoError(t, err)
		var out []string
		for _, d := range ws.Directions {
			out = append(out, d.ID)
		}
		return out
	}
	assert.Equal(t, []string{"d"}, ids(council))
	assert.Equal(t, []string{"d", "s"}, ids(real, supposed))
}

// Only a scenarios folder below the folder walked makes a direction
// supposed: a council kept in, or run from, a folder that happens to be
// called scenarios (/srv/scenarios/barnet) is read like any other, whatever
// the working directory.
func TestWhatIfOnlyBelowTheFolderWalked(t *testing.T) {
	root := t.TempDir()
	council := filepath.Join(root, "scenarios", "barnet")
	real := filepath.Join(council, "direction.yaml")
	supposed := filepath.Join(council, "scenarios", "revokes.yaml")
	const parties = "council: c\nissued_by: s\nparties: {c: {name: C}, s: {name: S}}\n"
	write(t, real, "id: d\ntitle: t\nissued: 2018-01-01\n"+parties+`obligations:
  - {id: o, clause: "1", holder: c, summary: s, source: s, once: {date: 2018-12-31}, satisfied_by: event.type == "x"}
`)
	write(t, supposed, "id: s\ntitle: t\nissued: 2018-06-01\nrevokes: [d]\n"+parties)

	ws, err := Load([]string{council}, direction.Options{})
	require.NoError(t, err)
	require.Len(t, ws.Directions, 1, "the council's own direction is read; the one in its scenarios folder is not")
	assert.Equal(t, "d", ws.Directions[0].ID)

	tree, err := SplitTree([]string{council}, yamlx.Limits{})
	require.NoError(t, err)
	require.Len(t, tree.Councils, 1)
	assert.Equal(t, []string{real}, tree.Councils[0].Paths)

	tree, err = SplitTree([]string{filepath.Join(root, "scenarios")}, yamlx.Limits{})
	require.NoError(t, err)
	require.Len(t, tree.Councils, 1, "a tree of councils kept in a folder called scenarios")
	assert.Equal(t, []string{real}, tree.Councils[0].Paths)
}
