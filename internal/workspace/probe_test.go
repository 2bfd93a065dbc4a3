package workspace

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/yamlx"
)

// A file probed again is classified again when its bytes have changed
// (classifyOnce remembers a kind by path and content), and not otherwise.
func TestProbeAgainAfterAChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "council.yaml")
	probe := func(src string) Kind {
		t.Helper()
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		k, _, err := Probe(path, yamlx.Limits{})
		require.NoError(t, err)
		return k
	}
	assert.Equal(t, Direction, probe("id: d\nobligations: []\n"))
	assert.Equal(t, Direction, probe("id: d\nobligations: []\n"))
	assert.Equal(t, Vocabulary, probe("event_types: {}\n"))
	assert.Equal(t, Scenario, probe("scenarios: []\n"))
	assert.Equal(t, History, probe("- id: e1\n  type: report\n  at: 2018-04-25\n"))
	assert.Equal(t, History, probe("obligations: [\n")) // not YAML: the history loader words it
	assert.Equal(t, Direction, probe("id: d\nobligations: []\n"))
}
