package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// serve's help names its argument DIR, as its usage line does, and gives
// each default once; --max-body takes a size as --max-bytes does.
func TestServeHelpAndMaxBody(t *testing.T) {
	t.Setenv("DIRECTIONS_DB", "")
	code, out, errs := cli("help", "serve")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "usage: directions serve [--addr HOST:PORT] [--db FILE|URL] [--import=false] DIR\n")
	assert.Equal(t, 1, strings.Count(out, "directions-serve.db"), out)
	assert.NotContains(t, out, "PATH")
	assert.Contains(t, out, "\nDIR is a folder of council folders")
	assert.Contains(t, out, "--max-body SIZE\n")
	assert.Contains(t, out, `(default "16MiB")`)

	db := filepath.Join(t.TempDir(), "s.db")
	missing := filepath.Join(t.TempDir(), "missing")
	for _, size := range []string{"16MiB", "1048576", "2KiB"} {
		code, _, errs = cli("serve", "--db", db, "--max-body", size, missing)
		assert.Equal(t, exitInvalid, code)
		assert.NotContains(t, errs, "--max-body", size)
		assert.Contains(t, errs, "missing", "the flags parse; the folder is what is wrong (%s)", size)
	}
	code, _, errs = cli("serve", "--db", db, "--max-body", "16MB", missing)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, `invalid value "16MB" for flag --max-body: want a positive number of bytes, such as 33554432 or 32MiB`)

	code, _, errs = cli("serve", "--db", db)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "no DIR given")
}
