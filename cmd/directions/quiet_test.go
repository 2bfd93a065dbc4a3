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
