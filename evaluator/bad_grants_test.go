package evaluator

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/golden"
)

// TestBadGrants is the catalogue of extension and waiver events the
// evaluation refuses: each testdata/bad-grants/<case>/history.yaml is
// evaluated against the Barnet directions (plus the case's direction*.yaml,
// if any) as of 30 Sep 2018, and must stop with a GrantError at the
// event's file:line:col, worded as in want.txt. Run with -update to
// rewrite want.txt after reading the new messages.
func TestBadGrants(t *testing.T) {
	cases, err := filepath.Glob("testdata/bad-grants/*")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cases), 20)
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			paths := []string{
				filepath.Join("..", "examples", "barnet", "direction-2017-09.yaml"),
				filepath.Join("..", "examples", "barnet", "direction-2018-01.yaml"),
			}
			extra, err := filepath.Glob(filepath.Join(dir, "direction*.yaml"))
			require.NoError(t, err)
			set := loadSet(t, append(paths, extra...)...)
			evs, err := event.Load(filepath.ToSlash(filepath.Join(dir, "history.yaml")), event.Options{})
			require.NoError(t, err)
			_, err = Evaluate(set, evs, Options{AsOf: EndOfDay(2018, 9, 30, event.London())})
			var ge *GrantError
			require.True(t, errors.As(err, &ge), "want a GrantError, got %v", err)
			golden.CheckDiagnostics(t, filepath.Join(dir, "want.txt"), err.Error())
		})
	}
}
