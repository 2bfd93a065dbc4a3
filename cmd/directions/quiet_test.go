package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every command that reads histories takes --quiet (one registration in
// newFlags), as the README's progress line promises.
func TestQuietOnEveryCommandThatReadsHistories(t *testing.T) {
	for name := range readsHistories {
		_, stderr, _ := runCLI(name, "--quiet", "--help")
		assert.NotContains(t, stderr, "unknown flag", name)
		out, _, _ := runCLI("help", name)
		assert.Contains(t, out, "--quiet", name)
	}
}

// The unknown-flag message never lists nothing (": ," was printed for a
// command whose only flags were the limits).
func TestFlagListWording(t *testing.T) {
	assert.Equal(t, "the flags are the input limits (--max-bytes and others; see --help)", flagList(nil, true))
	assert.Equal(t, "the command takes no flags", flagList(nil, false))
	assert.Equal(t, "the flags are: --a, --b", flagList([]string{"--a", "--b"}, false))
	assert.Equal(t, "the flags are: --quiet, and the input limits (--max-bytes and others; see --help)", flagList([]string{"--quiet"}, true))
	_, stderr, code := runCLI("validate", "--bogus", "x")
	assert.Equal(t, exitInvalid, code)
	assert.NotContains(t, stderr, ": ,")
}

// test takes --quiet, for scripts that pass it to every command, but has
// no progress to hide: its help says so rather than promise what the
// other commands do, and the output is the same with it or without.
func TestQuietOnTestChangesNothing(t *testing.T) {
	help, _, _ := runCLI("help", "test")
	assert.Contains(t, help, "--quiet\n      changes nothing here: test shows no progress to hide")
	assert.NotContains(t, help, "show no progress on standard error")
	for _, args := range [][]string{
		{"../../examples/barnet"},
		{"--junit", "-", "../../examples/barnet"}, // the console report on standard error
	} {
		out, errs, code := runCLI(append([]string{"test"}, args...)...)
		quietOut, quietErrs, quietCode := runCLI(append([]string{"test", "--quiet"}, args...)...)
		assert.Equal(t, code, quietCode, args)
		assert.Equal(t, out, quietOut, args)
		assert.Equal(t, errs, quietErrs, args)
	}
	check, _, _ := runCLI("help", "check")
	assert.Contains(t, check, "--quiet\n      show no progress on standard error (it is shown only on a terminal)")
}
