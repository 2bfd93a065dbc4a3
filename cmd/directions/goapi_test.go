package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// A misspelt event type that the command refuses is refused by the
// README's Go path (direction.Set.LoadHistory) too, with the same message:
// in the trial the README's example read it, silently, as an event no
// condition matched and found six false breaches.
func TestGoAPIRefusesWhatTheCLIRefuses(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/barnet/direction-2018-01.yaml")
	require.NoError(t, err)
	// The direction names its vocabulary relative to itself.
	src = []byte(strings.Replace(string(src), "vocabulary: ../vocabulary.yaml", "vocabulary: "+mustAbsRel(t, dir, "../../examples/vocabulary.yaml"), 1))
	dpath := filepath.Join(dir, "direction.yaml")
	require.NoError(t, os.WriteFile(dpath, src, 0o644))
	hpath := filepath.Join(dir, "history.yaml")
	require.NoError(t, os.WriteFile(hpath, []byte("- {id: chair-q1, type: reprot, at: 2018-04-20, from: board-chair, to: secretary-of-state}\n"), 0o644))

	code, _, stderr := cli("check", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitInvalid, code, "check: %s", stderr)
	want := hpath + `:1:18: events[0].type: unknown event type "reprot" (did you mean "report"?)`
	assert.Contains(t, stderr, want, "check")

	d, err := direction.Load(dpath, direction.Options{})
	require.NoError(t, err)
	set, err := direction.NewSet(d)
	require.NoError(t, err)
	_, err = set.LoadHistory(hpath, event.Options{})
	require.Error(t, err, "LoadHistory")
	assert.Contains(t, err.Error(), want, "LoadHistory")
}

// mustAbsRel returns target (relative to this package) relative to dir.
func mustAbsRel(t *testing.T, dir, target string) string {
	t.Helper()
	abs, err := filepath.Abs(target)
	require.NoError(t, err)
	rel, err := filepath.Rel(dir, abs)
	require.NoError(t, err)
	return rel
}
