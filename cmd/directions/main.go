package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK       = 0
	exitBreaches = 1
	exitInvalid  = 2
	// exitInterrupted is the shell's code for a program stopped by
	// Ctrl-C (128 + SIGINT).
	exitInterrupted = 130
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) int
}

// commands is the table of subcommands; each lives in its own file.
var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, env *cliEnv, args []string) int) {
	commands[name] = command{summary: summary, run: run}
}

// cliEnv carries what a command may touch.
type cliEnv struct {
	stdout, stderr io.Writer
}

func (e *cliEnv) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, format, args...)
	if !strings.HasSuffix(format, "\n") {
		fmt.Fprintln(e.stderr)
	}
}

func main() {
	// Ctrl-C (or SIGTERM) cancels the context: evaluations stop within a
	// few thousand events, and a batch starts no more councils. A second
	// Ctrl-C stops the program at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if ctx.Err() != nil {
		fmt.Fprintln(os.Stderr, "directions: interrupted")
		code = exitInterrupted
	}
	stop()
	os.Exit(code)
}

// run is the whole program, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &cliEnv{stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.stderr)
		if len(args) == 0 {
			return exitInvalid
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		env.errorf("directions: unknown command %q", args[0])
		usage(env.stderr)
		return exitInvalid
	}
	return cmd.run(ctx, env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: directions <command> [flags] PATH...")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'directions <command> -h' for a command's flags.")
}
