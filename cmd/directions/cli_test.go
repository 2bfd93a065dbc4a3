package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errs := cli(args...)
		assert.Equal(t, exitOK, code)
		assert.Empty(t, errs)
		assert.Regexp(t, `^directions \S+ \(engine \S+\)\n$`, out)
	}
}

// Help asked for goes to stdout with exit 0, for every command, and lists
// the command's exit codes; help not asked for (a usage error) goes to
// stderr with exit 2.
func TestHelpOnStdoutExitZero(t *testing.T) {
	code, out, _ := cli("--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "commands:")
	for _, name := range commandNames() {
		for _, args := range [][]string{{"help", name}, {name, "--help"}, {name, "-h"}} {
			code, out, errs := cli(args...)
			assert.Equal(t, exitOK, code, "%v", args)
			assert.Empty(t, errs, "%v", args)
			assert.Contains(t, out, "usage: directions "+name, "%v", args)
			assert.Contains(t, out, "exit status: 0", "%v", args)
		}
	}
	code, out, errs := cli("help", "chek")
	assert.Equal(t, exitInvalid, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, `did you mean "check"?`)
	code, out, errs = cli("check")
	assert.Equal(t, exitInvalid, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "usage: directions check")
}

func TestFlagErrorsNameTheCommandAndSuggest(t *testing.T) {
	code, _, errs := cli("schedule", "--untill", "2018-12-01", "../../examples/barnet")
	assert.Equal(t, exitInvalid, code)
	assert.Equal(t, "directions schedule: unknown flag --untill (did you mean --until?)\nRun 'directions schedule --help' for usage.\n", errs)
	code, _, errs = cli("explain", "--zzzzzzzz", "x", "../../examples/barnet")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "directions explain: unknown flag --zzzzzzzz; the flags are: --as-of, --format, --max-tested, --obligation, --quiet, and the input limits (--max-bytes and others; see --help)")
	code, _, errs = cli("check", "no/such/dir")
	assert.Equal(t, exitInvalid, code)
	assert.True(t, strings.HasPrefix(errs, "directions check: "), errs)
}

// Every --format error lists every format the command accepts.
func TestFormatErrorsListEveryFormat(t *testing.T) {
	for cmd, want := range map[string]string{
		"check":    "text, json, csv or csv-summary",
		"explain":  "text or json",
		"schedule": "text, json or ics",
		"report":   "html",
	} {
		args := []string{cmd, "--format", "xml", "../../examples/barnet"}
		if cmd == "explain" {
			args = append(args, "--obligation", "chair-quarterly-report")
		}
		code, _, errs := cli(args...)
		assert.Equal(t, exitInvalid, code, cmd)
		assert.Contains(t, errs, "directions "+cmd+": --format must be "+want+", not \"xml\"", cmd)
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errs := cli("completion", shell)
		require.Equal(t, exitOK, code, errs)
		for _, want := range []string{"check", "schedule", "--as-of", "--junit", "csv-summary", "ics"} {
			if shell == "fish" {
				want = strings.TrimPrefix(want, "--") // fish writes -l as-of
			}
			assert.Contains(t, out, want, shell)
		}
		// Where the shell is installed, the script must at least parse.
		if path, err := exec.LookPath(shell); err == nil {
			flag := map[string]string{"bash": "-n", "zsh": "-n", "fish": "--no-execute"}[shell]
			cmd := exec.Command(path, flag)
			cmd.Stdin = strings.NewReader(out)
			msg, err := cmd.CombinedOutput()
			assert.NoError(t, err, "%s rejects its completion script: %s", shell, msg)
		}
	}
	code, _, errs := cli("completion", "powershell")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "bash, zsh or fish")
}
