package schemas_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The schemas, the docs, the README and the Go source stand alone: they
// send no user to the project's private notes (the domain file or the
// shared folder beside the repository), which users do not have. The
// vocabulary is described in docs/vocabulary.md.
func TestNoMentionOfPrivateNotes(t *testing.T) {
	needles := []string{"DOMAIN" + ".md", "../" + "shared"}
	seen := 0
	require.NoError(t, filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
		switch {
		case rel == "README.md", strings.HasPrefix(rel, "docs/"), strings.HasPrefix(rel, "schemas/"), strings.HasSuffix(rel, ".go"):
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		seen++
		for _, n := range needles {
			assert.NotContains(t, string(data), n, "%s mentions %s", rel, n)
		}
		return nil
	}))
	assert.Greater(t, seen, 100, "files looked at")
}
