package report_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/report"
)

// DirectionInputs lists Barnet's three directions and, once, the one
// vocabulary all three read, each with the SHA-256 of the file on disk.
func TestDirectionInputs(t *testing.T) {
	sum := func(path string) string {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		s := sha256.Sum256(data)
		return hex.EncodeToString(s[:])
	}
	var ds []*direction.Direction
	for _, name := range []string{"direction-2017-09.yaml", "direction-2018-01.yaml", "direction-2018-06.yaml"} {
		d, err := direction.Load("../examples/barnet/"+name, direction.Options{})
		require.NoError(t, err)
		ds = append(ds, d)
	}
	in := report.DirectionInputs(ds)
	require.Len(t, in, 4)
	for i, d := range ds {
		assert.Equal(t, report.Input{Path: d.File, Kind: "direction", SHA256: sum(d.File)}, in[i])
	}
	assert.Equal(t, "vocabulary", in[3].Kind)
	assert.Equal(t, sum(in[3].Path), in[3].SHA256)
	assert.Equal(t, in[3:], report.VocabularyInputs(ds))
}
