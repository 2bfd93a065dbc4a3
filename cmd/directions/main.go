package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/yamlx"
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
	// cmd is the command running, the prefix of its unpositioned errors.
	cmd string
	// help is set when the command was asked for its help (--help, or
	// directions help CMD): its usage goes to stdout and the exit is 0.
	help bool
	// parsing is set while flags are parsed, so that the flag package's
	// own call to Usage on a bad flag prints nothing (parseArgs words it).
	parsing bool
	// flags is the command's flag set, for completion.
	flags *flag.FlagSet
	// limits are the command's limit flags, if it reads input, and opts
	// the loader options they give once parsed (the zero value, the
	// library's defaults, until then).
	limits limitFlags
	// quiet is --quiet on the commands that read histories: no progress.
	quiet *bool
	opts  direction.Options
}

func (e *cliEnv) errorf(format string, args ...any) {
	msg := e.prefix(fmt.Sprintf(format, args...))
	fmt.Fprint(e.stderr, msg)
	if !strings.HasSuffix(msg, "\n") {
		fmt.Fprintln(e.stderr)
	}
}

func main() {
	// Ctrl-C (or SIGTERM) cancels the context: evaluations stop at the
	// next event, a stream's history reader returns at once (stream.go),
	// and a batch starts no more councils; the command writes nothing
	// more to standard output and run words the interruption. A command
	// still blocked after interruptGrace (reading standard input to its
	// end for check, say, or opening a named pipe) is not waited for: the
	// program says it was interrupted and exits 130 itself, which is one
	// simple rule for every blocking call rather than one fix each. serve
	// is left to its own graceful shutdown. A second Ctrl-C stops the
	// program at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cmd := ""
	if len(os.Args) > 1 {
		if _, ok := commands[os.Args[1]]; ok {
			cmd = os.Args[1]
		}
	}
	go func() {
		<-ctx.Done()
		stop()
		if cmd == "serve" {
			return
		}
		time.Sleep(interruptGrace)
		exitMu.Lock() // held for good by main once run has returned
		if !saidInterrupted {
			fmt.Fprintln(os.Stderr, interrupted(cmd))
		}
		os.Exit(exitInterrupted)
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	exitMu.Lock()
	stop()
	os.Exit(code)
}

// interruptGrace is how long main waits, after Ctrl-C, for a command to
// return before it exits anyway.
const interruptGrace = 1500 * time.Millisecond

// exitMu orders main's exit after an interruption with run's words on it,
// so that the interruption is said once.
var (
	exitMu          sync.Mutex
	saidInterrupted bool
)

// interrupted is the message for a command stopped by Ctrl-C.
func interrupted(cmd string) string {
	if cmd == "" {
		return "directions: interrupted"
	}
	return "directions " + cmd + ": interrupted"
}

// run is the whole program, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &cliEnv{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(env.stderr)
		return exitInvalid
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(env.stdout)
		return exitOK
	case "-v", "-version", "--version":
		fmt.Fprintln(env.stdout, version())
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		env.errorf("directions: unknown command %q%s\nRun 'directions help' for the commands.", args[0], yamlx.Suggest(args[0], commandNames()))
		return exitInvalid
	}
	env.cmd = args[0]
	if wantsHelp(args[1:]) {
		return helpFor(ctx, env, args[0], subcommand(args[0], args[1:])...)
	}
	code := cmd.run(ctx, env, args[1:])
	// serve's way to stop is a signal: once it has shut down cleanly it
	// exits 0, as a service manager expects. Any other command stopped by
	// a signal did not finish its job, whatever it has written; a command
	// that sees the cancellation returns exitInterrupted without words.
	if ctx.Err() != nil && !(env.cmd == "serve" && code == exitOK) {
		exitMu.Lock()
		fmt.Fprintln(env.stderr, interrupted(env.cmd))
		saidInterrupted = true
		exitMu.Unlock()
		return exitInterrupted
	}
	return code
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: directions <command> [flags] PATH...")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nflags: --version, --help")
	fmt.Fprintln(w, "Run 'directions help <command>' (or 'directions <command> --help') for a command's flags and exit codes.")
	fmt.Fprintln(w, "PATH is a file or a folder read recursively; a tree of council folders is checked council by council.")
}
