package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitsDirection is a direction whose one condition runs a nested
// comprehension over an event's items: cheap to estimate (its inputs are
// assumed to hold 100 elements), dear to run on a long list.
const limitsDirection = `id: d
title: Limits
council: c
issued_by: c
issued: 2018-01-01
parties: {c: {name: Example Council}}
obligations:
  - id: pairs
    clause: "1"
    holder: c
    summary: s
    source: s
    once: {date: 2018-06-30}
    satisfied_by: event.type == "pairs" && event.items.all(a, event.items.all(b, a != b || a == b))
`

// limitsCouncil writes a council folder: the direction and one history
// file of the given name.
func limitsCouncil(t *testing.T, historyName, history string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "direction.yaml"), []byte(limitsDirection), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, historyName), []byte(history), 0o644))
	return dir
}

func itemsList(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprint(i)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Each limit flag: the input is refused at the limit with a message that
// names the flag (not the Go option, which a CLI user cannot set), and
// the same input passes once the flag raises the limit. Every command
// that reads input takes them; check and validate stand for the others
// here, TestLimitFlagsOnEveryCommand shows they are registered alike.
func TestLimitFlags(t *testing.T) {
	pairs := "- {id: e1, type: pairs, at: 2018-03-01, items: " + itemsList(40) + "}\n"
	deep := "- {id: e1, type: note, at: 2018-03-01, v: [[[[[1]]]]]}\n"
	jsonl := `{"id":"e1","type":"note","at":"2018-03-01"}` + "\n"
	for _, tc := range []struct {
		flag, low, high string
		dir             string
		cmd             string
		want            string // in the refusal
	}{
		{"max-bytes", "300", "1KiB", limitsCouncil(t, "history.yaml", pairs), "validate",
			"over the limit of 300 bytes: split it into smaller files, or raise --max-bytes"},
		{"max-history-bytes", "20", "1KiB", limitsCouncil(t, "history.jsonl", jsonl), "validate",
			"file is 44 bytes, over the limit of 20 bytes: split it into smaller files, or raise --max-history-bytes"},
		{"max-history-bytes", "20", "1KiB", limitsCouncil(t, "history.jsonl", jsonl), "check",
			"file is 44 bytes, over the limit of 20 bytes: split it into smaller files, or raise --max-history-bytes"},
		{"max-depth", "3", "6", limitsCouncil(t, "history.yaml", deep), "validate",
			"raise --max-depth"},
		{"max-nodes", "20", "1000", limitsCouncil(t, "history.yaml", pairs), "validate",
			"write the data out without multiplying aliases, or raise --max-nodes"},
		{"max-estimated-cost", "50", "300000", limitsCouncil(t, "history.yaml", pairs), "validate",
			"avoid nesting them, or raise --max-estimated-cost"},
		// 40 items: 1,600 pairs, each costing a few units.
		{"max-eval-cost", "500", "100000", limitsCouncil(t, "history.yaml", pairs), "check",
			"cost limit exceeded (raise --max-eval-cost)"},
	} {
		args := []string{tc.cmd, "--" + tc.flag, tc.low}
		if tc.cmd == "check" {
			args = append(args, "--as-of", "2018-09-30")
		}
		code, _, stderr := cli(append(args, tc.dir)...)
		assert.Equal(t, exitInvalid, code, "--%s %s: %s", tc.flag, tc.low, stderr)
		assert.Contains(t, stderr, tc.want, "--%s %s", tc.flag, tc.low)
		assert.NotContains(t, stderr, "Limits.", "--%s %s: the CLI names its flag, not the Go option", tc.flag, tc.low)
		assert.NotContains(t, stderr, "Cost.", "--%s %s: the CLI names its flag, not the Go option", tc.flag, tc.low)

		// Raised, the input is read (check may then find the duty
		// missed, exit 1: the note event does not meet it).
		args[2] = tc.high
		code, _, stderr = cli(append(args, tc.dir)...)
		assert.NotEqual(t, exitInvalid, code, "--%s %s: %s", tc.flag, tc.high, stderr)
		assert.Empty(t, stderr, "--%s %s", tc.flag, tc.high)
	}
}

// The default limits are those of the library: without the flags the
// inputs above pass.
func TestLimitFlagsDefaults(t *testing.T) {
	dir := limitsCouncil(t, "history.yaml", "- {id: e1, type: pairs, at: 2018-03-01, items: "+itemsList(40)+"}\n")
	code, out, stderr := cli("check", "--as-of", "2018-09-30", dir)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "1 finding: 1 met")
}

func TestLimitFlagsBadValues(t *testing.T) {
	dir := limitsCouncil(t, "history.yaml", "[]\n")
	for _, tc := range []struct{ flag, value, want string }{
		{"max-bytes", "0", "want a positive number of bytes, such as 33554432 or 32MiB"},
		{"max-bytes", "lots", "want a positive number of bytes"},
		{"max-bytes", "16MB", "want a positive number of bytes"},
		{"max-depth", "-1", "want a positive whole number"},
		{"max-eval-cost", "1KiB", "want a positive whole number"},
		{"max-history-bytes", "99999999999GiB", "want a positive number of bytes"},
	} {
		code, _, stderr := cli("validate", "--"+tc.flag, tc.value, dir)
		assert.Equal(t, exitInvalid, code, "--%s %s", tc.flag, tc.value)
		assert.Contains(t, stderr, "directions validate: ", "--%s %s", tc.flag, tc.value)
		assert.Contains(t, stderr, "--"+tc.flag, "--%s %s: names the flag", tc.flag, tc.value)
		assert.Contains(t, stderr, tc.want, "--%s %s", tc.flag, tc.value)
	}
}

// Every command that reads input registers the same limit flags, with
// the same defaults and help; the others none. Completion offers them.
func TestLimitFlagsOnEveryCommand(t *testing.T) {
	sets := collectFlags(context.Background())
	var want []string
	for _, d := range limitFlagDefs {
		want = append(want, d.flag)
	}
	var first map[string]string
	for _, name := range commandNames() {
		fs := sets[name]
		if !readsInput[name] {
			if fs != nil {
				for _, f := range want {
					assert.Nil(t, fs.Lookup(f), "%s takes no --%s", name, f)
				}
			}
			continue
		}
		require.NotNil(t, fs, name)
		got := map[string]string{}
		for _, f := range want {
			fl := fs.Lookup(f)
			if assert.NotNil(t, fl, "%s --%s", name, f) {
				got[f] = fl.DefValue + " " + fl.Usage
			}
		}
		if first == nil {
			first = got
		}
		assert.Equal(t, first, got, "%s registers the limit flags as the others do", name)
		code, out, _ := cli(name, "--help")
		assert.Equal(t, exitOK, code)
		assert.Contains(t, out, "input limits (the same on every command that reads files):\n  --max-bytes SIZE\n", name)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		_, out, _ := cli("completion", shell)
		for _, f := range want {
			assert.Contains(t, out, f, "%s completion offers --%s", shell, f)
		}
	}
	assert.Equal(t, map[string]bool{"validate": true, "check": true, "explain": true, "report": true, "schedule": true, "stream": true, "test": true, "serve": true},
		readsInput, "the commands that read input")
	for name := range readsInput {
		_, ok := commands[name]
		assert.True(t, ok, "readsInput names a command: %s", name)
	}
}
