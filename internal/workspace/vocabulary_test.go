package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// copyExamples copies the examples a test needs, with the shared
// vocabulary the directions name.
func copyExamples(t *testing.T, councils ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range councils {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, c), 0o755))
		files, err := filepath.Glob(filepath.Join("../../examples", c, "*.yaml"))
		require.NoError(t, err)
		for _, f := range files {
			copyFile(t, f, filepath.Join(dir, c, filepath.Base(f)))
		}
	}
	copyFile(t, "../../examples/vocabulary.yaml", filepath.Join(dir, "vocabulary.yaml"))
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

func TestHistoriesAreCheckedAgainstTheVocabulary(t *testing.T) {
	dir := copyExamples(t, "barnet")
	ws, err := Load([]string{filepath.Join(dir, "barnet")}, direction.Options{})
	require.NoError(t, err, "the example history uses the shared vocabulary")
	require.NotEmpty(t, ws.Directions)
	for _, d := range ws.Directions {
		require.NotNil(t, d.Vocabulary, d.ID)
	}

	history := filepath.Join(dir, "barnet", "history.yaml")
	b, err := os.ReadFile(history)
	require.NoError(t, err)
	bad := strings.Replace(string(b), "{id: review-1, type: review, at: 2018-07-20, by: essex}", "{id: review-1, type: review, at: 2018-07-20, bye: essex}", 1)
	require.NotEqual(t, string(b), bad)
	require.NoError(t, os.WriteFile(history, []byte(bad), 0o644))
	_, err = Load([]string{filepath.Join(dir, "barnet")}, direction.Options{})
	require.Error(t, err)
	assert.Regexp(t, `history.yaml:\d+:\d+: events\[\d+\].bye: unknown attribute "bye" for an event of type "review" \(did you mean "by"\?\)`, err.Error())
}

func TestVocabularyFilesAreNeitherHistoriesNorOrphans(t *testing.T) {
	dir := copyExamples(t, "barnet", "buckinghamshire")
	vocab := filepath.Join(dir, "vocabulary.yaml")
	b, err := os.ReadFile(vocab)
	require.NoError(t, err)
	assert.Equal(t, Vocabulary, Classify(vocab, b))

	tree, err := SplitTree([]string{dir}, yamlx.Limits{})
	require.NoError(t, err)
	assert.Empty(t, tree.Orphans)
	assert.Len(t, tree.Councils, 2)
	ws, err := Load([]string{dir + "/barnet", vocab}, direction.Options{})
	require.NoError(t, err, "a vocabulary file named on the command line is not read as a history")
	assert.NotEmpty(t, ws.Events)
}
