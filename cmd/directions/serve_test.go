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

// Each token subcommand has its own help (it used to print serve's), a
// misspelt one gets a suggestion, and a wrong number of arguments is
// refused before any store is opened or created.
func TestServeTokenSubcommandHelp(t *testing.T) {
	t.Setenv("DIRECTIONS_DB", "")
	for _, sub := range []string{"create", "revoke", "list"} {
		for _, args := range [][]string{{"serve", "token", sub, "--help"}, {"serve", "token", sub, "-h"}} {
			code, out, errs := cli(args...)
			assert.Equal(t, exitOK, code, errs)
			assert.True(t, strings.HasPrefix(out, "usage: directions serve token "+sub+" "), out)
			assert.NotContains(t, out, "--addr", "serve's own flags are not the subcommand's")
		}
	}
	code, out, _ := cli("serve", "token", "create", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "--role string")
	_, out, _ = cli("serve", "token", "list", "--help")
	assert.NotContains(t, out, "--role", "list takes no role")

	code, out, errs := cli("serve", "token", "--help")
	assert.Equal(t, exitOK, code, errs)
	for _, sub := range []string{"create", "revoke", "list"} {
		assert.Contains(t, out, "directions serve token "+sub)
	}

	code, _, errs = cli("serve", "token", "crate")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, `unknown subcommand "crate" (did you mean "create"?)`)

	db := filepath.Join(t.TempDir(), "never.db")
	for _, args := range [][]string{{"revoke"}, {"revoke", "a", "b"}, {"list", "extra"}, {"create", "--role", "dfe", "extra"}} {
		code, _, errs = cli(append([]string{"serve", "token", args[0], "--db", db}, args[1:]...)...)
		assert.Equal(t, exitInvalid, code, args)
		assert.Contains(t, errs, "usage: directions serve token "+args[0], args)
		assert.NoFileExists(t, db, "%v: refused before opening the store", args)
	}
	code, _, errs = cli("serve", "token", "create", "--rol", "dfe", "--db", db)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "unknown flag --rol (did you mean --role?)")
}
