//go:build unix

package workspace_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/workspace"
)

// Symbolic links and empty folders: nothing a user points at is skipped
// in silence (audit of issue 11). Before, a council whose events folder
// was a link, or a council folder named through a link without a
// trailing slash, was read as holding no events, and every duty came out
// missed; so was a named folder holding no file at all.
func TestExpandLinksAndEmptyFolders(t *testing.T) {
	root := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
	write("council/direction.yaml", "obligations: []\n")
	write("council/history.jsonl", "{}\n")
	write("elsewhere/events.jsonl", "{}\n")
	link := filepath.Join(root, "lnk")
	require.NoError(t, os.Symlink(filepath.Join(root, "council"), link))

	// A named link to a folder is walked as the folder, its files named
	// under the link.
	got, err := workspace.Expand([]string{link})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(link, "direction.yaml"), filepath.Join(link, "history.jsonl")}, got)
	slash, err := workspace.Expand([]string{link + "/"})
	require.NoError(t, err)
	assert.Len(t, slash, 2, "lnk and lnk/ name the same files")

	// A link to a file inside a folder is read, as before.
	require.NoError(t, os.Symlink(filepath.Join(root, "elsewhere/events.jsonl"), filepath.Join(root, "council/more.jsonl")))
	got, err = workspace.Expand([]string{filepath.Join(root, "council")})
	require.NoError(t, err)
	assert.Contains(t, got, filepath.Join(root, "council/more.jsonl"))

	// A link to a folder inside a folder is refused, with or without an
	// extension, and so is a link to itself's folder (no loop).
	for _, name := range []string{"events", "events.jsonl", "loop"} {
		target := filepath.Join(root, "elsewhere")
		if name == "loop" {
			target = "."
		}
		inside := filepath.Join(root, "council", name)
		require.NoError(t, os.Symlink(target, inside))
		_, err = workspace.Expand([]string{filepath.Join(root, "council")})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), inside+" is a directory reached by a symbolic link")
		require.NoError(t, os.Remove(inside))
	}

	// A link that leads nowhere is refused.
	dangling := filepath.Join(root, "council", "old")
	require.NoError(t, os.Symlink(filepath.Join(root, "gone"), dangling))
	_, err = workspace.Expand([]string{filepath.Join(root, "council")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), dangling+" is a symbolic link that leads nowhere")
	require.NoError(t, os.Remove(dangling))

	// A named folder with nothing to read is refused, even beside others.
	empty := filepath.Join(root, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	write("empty/notes.txt", "not a history")
	_, err = workspace.Expand([]string{filepath.Join(root, "council", "direction.yaml"), empty})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no direction, history or scenario files (.yaml, .yml, .json, .jsonl, .ndjson, .csv) found in "+empty)
}
