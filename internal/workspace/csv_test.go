package workspace

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
)

// A CSV history in a council's folder is found, classified as a history
// and loaded next to a YAML one, with its problems placed in the CSV file.
func TestLoadCSVHistory(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "barnet", "direction-2018-01.yaml"))
	require.NoError(t, err)
	// The direction names ../vocabulary.yaml; keep the layout.
	vocab, err := os.ReadFile(filepath.Join("..", "..", "examples", "vocabulary.yaml"))
	require.NoError(t, err)
	write(t, filepath.Join(dir, "vocabulary.yaml"), string(vocab))
	write(t, filepath.Join(dir, "barnet", "direction.yaml"), string(src))
	write(t, filepath.Join(dir, "barnet", "history.yaml"), "- {id: bm-1, type: board-meeting, at: 2018-02-14}\n")
	write(t, filepath.Join(dir, "barnet", "returns.csv"),
		"id,type,at,from,to,kind,meeting\n"+
			"dcs-1,report,2018-02-12,dcs,improvement-board,progress,bm-1\n")

	ws, err := Load([]string{filepath.Join(dir, "barnet")}, direction.Options{})
	require.NoError(t, err)
	kinds := map[string]Kind{}
	for _, f := range ws.Files {
		kinds[filepath.Base(f.Path)] = f.Kind
	}
	assert.Equal(t, History, kinds["returns.csv"])
	ids := map[string]map[string]any{}
	for _, ev := range ws.Events {
		ids[ev.ID] = ev.Attrs
	}
	assert.Equal(t, map[string]any{"from": "dcs", "to": "improvement-board", "kind": "progress", "meeting": "bm-1"}, ids["dcs-1"])
	assert.Contains(t, ids, "bm-1")

	write(t, filepath.Join(dir, "barnet", "returns.csv"), "id,type,at\ndcs-1,report,2018-02-31\n")
	_, err = Load([]string{filepath.Join(dir, "barnet")}, direction.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "barnet", "returns.csv")+":2:14: line 2.at:")
}
