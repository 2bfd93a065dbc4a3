package report

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCSVNeutralisesFormulas(t *testing.T) {
	var b bytes.Buffer
	cw := safeCSV{csv.NewWriter(&b)}
	require.NoError(t, cw.Write([]string{"=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok", "", "2018-05-15", "a=b"}))
	cw.Flush()
	assert.Equal(t, "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),ok,,2018-05-15,a=b\n", b.String())
}
