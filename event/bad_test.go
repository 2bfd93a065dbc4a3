package event_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/golden"
)

// TestBadInputs loads testdata/bad/<case>/input.<ext>, with the case's
// vocabulary.yaml when it has one and in the zone its zone.txt names
// (London without), and compares the error with want.txt.
// Every problem must name file:line:col; -update rewrites want.txt.
func TestBadInputs(t *testing.T) {
	cases, err := filepath.Glob("testdata/bad/*")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cases), 30, "the catalogue of bad histories")
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			inputs, err := filepath.Glob(filepath.Join(dir, "input.*"))
			require.NoError(t, err)
			require.Len(t, inputs, 1)
			opts := event.Options{}
			if _, err := os.Stat(filepath.Join(dir, "vocabulary.yaml")); err == nil {
				opts.Vocabulary, err = event.LoadVocabulary(filepath.ToSlash(filepath.Join(dir, "vocabulary.yaml")), event.Limits{})
				require.NoError(t, err)
			}
			if zone, err := os.ReadFile(filepath.Join(dir, "zone.txt")); err == nil {
				opts.Location, err = time.LoadLocation(strings.TrimSpace(string(zone)))
				require.NoError(t, err)
			}
			evs, err := event.Load(filepath.ToSlash(inputs[0]), opts)
			require.Error(t, err, "loading %s should fail", inputs[0])
			assert.Nil(t, evs, "no events come back with an error")
			var list diag.List
			var one *diag.Error
			assert.True(t, errors.As(err, &list) || errors.As(err, &one), "the error is a diag.List or *diag.Error, got %T", err)
			got := err.Error()
			golden.CheckDiagnostics(t, filepath.Join(dir, "want.txt"), got)
		})
	}
}
