package direction_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/golden"
)

// TestBadInputs loads each testdata/bad/<case>/input*.yaml (several files
// make a set, for revocation checks) and compares the error with want.txt.
// Every problem must be positioned; run with -update to rewrite want.txt
// after reading the new messages.
func TestBadInputs(t *testing.T) {
	cases, err := filepath.Glob("testdata/bad/*")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cases), 40, "the catalogue of bad directions")
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got := loadError(t, dir)
			require.NotEmpty(t, got, "loading %s should fail", dir)
			for _, line := range strings.Split(got, "\n") {
				assert.True(t, strings.HasPrefix(line, filepath.ToSlash(dir)+"/"), "the problem is in the case's files: %s", line)
			}
			golden.CheckDiagnostics(t, filepath.Join(dir, "want.txt"), got)
		})
	}
}

func loadError(t *testing.T, dir string) string {
	inputs, err := filepath.Glob(filepath.Join(dir, "input*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, inputs)
	var errs diag.List
	var dirs []*direction.Direction
	for _, in := range inputs {
		d, err := direction.Load(filepath.ToSlash(in), direction.Options{})
		if err != nil {
			var list diag.List
			require.True(t, errors.As(err, &list), "Load returns a diag.List, got %T: %v", err, err)
			errs = append(errs, list...)
			continue
		}
		dirs = append(dirs, d)
	}
	if err := errs.Err(); err != nil {
		return err.Error()
	}
	if _, err := direction.NewSet(dirs...); err != nil {
		return err.Error()
	}
	return ""
}
