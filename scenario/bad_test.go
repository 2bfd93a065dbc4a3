package scenario_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/golden"
	"github.com/dfe-tools/directions/scenario"
)

// TestBadInputs loads testdata/bad/<case>/input.yaml and compares the
// error with want.txt; every problem must name file:line:col. Run with
// -update to rewrite want.txt after reading the new messages.
func TestBadInputs(t *testing.T) {
	cases, err := filepath.Glob("testdata/bad/*")
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			f, err := new(scenario.Loader).Load(filepath.ToSlash(filepath.Join(dir, "input.yaml")))
			require.Error(t, err)
			assert.Nil(t, f)
			var list diag.List
			require.True(t, errors.As(err, &list), "a diag.List, got %T: %v", err, err)
			got := err.Error()
			golden.CheckDiagnostics(t, filepath.Join(dir, "want.txt"), got)
		})
	}
}
