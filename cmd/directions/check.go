package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/obligation"
	"github.com/dfe-tools/directions/report"
)

func init() {
	register("check", "evaluate histories against directions and print the findings", runCheck)
	register("validate", "load and check files without evaluating", runValidate)
}

// now is the clock the CLI (never the library) reads for the default as-of.
var now = time.Now

// newFlags makes a command's flag set. Its usage goes to stdout when help
// was asked for and to stderr otherwise, and ends with the exit codes.
func newFlags(env *cliEnv, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseArgs words flag errors itself
	usageLines[name] = usageLine
	env.flags = fs
	if readsInput[name] {
		env.limits = addLimitFlags(fs)
	}
	if readsHistories[name] {
		usage := "show no progress on standard error (it is shown only on a terminal)"
		if name == "test" {
			// Scripts pass --quiet to every command; test has no
			// progress line, and its help says so.
			usage = "changes nothing here: test shows no progress to hide (taken for scripts that pass --quiet to every command)"
		}
		env.quiet = fs.Bool("quiet", false, usage)
	}
	fs.Usage = func() {
		if env.parsing && !env.help {
			return
		}
		w := env.stderr
		if env.help {
			w = env.stdout
		}
		fmt.Fprintf(w, "usage: directions %s\n\n%s.\n\nflags:\n", usageLine, summaryOf(name))
		printFlags(w, fs)
		fmt.Fprintln(w)
		if note := argNote(usageLine); note != "" {
			fmt.Fprintln(w, note)
		}
		if note := streamNotes[name]; note != "" {
			fmt.Fprintln(w, note)
		}
		fmt.Fprintln(w, exitCodesLine(name))
	}
	return fs
}

// streamNotes say, in a command's help, how it reads histories.
var streamNotes = map[string]string{
	"check":    streamsNote,
	"schedule": streamsNote,
	"explain":  streamsNote + "\nOf a streamed history, explain keeps only the events of the types the\nobligation's conditions name.",
}

const streamsNote = `JSON and JSON Lines histories, and - (JSON Lines on standard input), are read
an event at a time, not held in memory; events out of time order are put in
order through an index in a temporary file, not loaded. A history with a date
known only to a range, or in YAML or CSV, is loaded whole (standard input then
from a temporary copy). See docs/limits.md.`

// argName is what a usage line calls the paths it takes: PATH, or DIR
// for serve, whose one argument is a folder of council folders.
func argName(usageLine string) string {
	if strings.HasSuffix(usageLine, " DIR") {
		return "DIR"
	}
	return "PATH"
}

// argNote says what the paths of a usage line are, if it takes any.
func argNote(usageLine string) string {
	switch {
	case argName(usageLine) == "DIR":
		return "DIR is a folder of council folders, one per council (docs/serve.md)."
	case strings.Contains(usageLine, "PATH"):
		return "PATH is a file or a folder read recursively."
	}
	return ""
}

// parseArgs parses flags and requires at least one path.
func parseArgs(env *cliEnv, fs *flag.FlagSet, args []string) ([]string, bool) {
	env.parsing = true
	err := fs.Parse(interleave(fs, args))
	env.parsing = false
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(env.stderr, flagError(fs, err))
		}
		return nil, false
	}
	if env.limits != nil {
		env.opts = env.limits.options()
	}
	if fs.NArg() == 0 {
		env.errorf("directions %s: no %s given", fs.Name(), argName(usageLines[fs.Name()]))
		fs.Usage()
		return nil, false
	}
	return fs.Args(), true
}

// interleave moves flags after paths to the front, so that both
// "check --as-of D dir" and "check dir --as-of D" work.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, paths []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			paths = append(paths, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") {
				if f := fs.Lookup(name); f != nil {
					if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool && i+1 < len(args) {
						flags = append(flags, args[i+1])
						i++
					}
				}
			}
			continue
		}
		paths = append(paths, a)
	}
	return append(flags, paths...)
}

// parseAsOf reads a date (the end of that day in loc) or an RFC 3339 time.
func parseAsOf(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return civil.In(now(), loc).End(loc), nil
	}
	t, err := evaluator.ParseAsOf(s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of: %v", err)
	}
	return t, nil
}

func loadWorkspace(env *cliEnv, cmd string, paths []string) (*workspace.Workspace, *direction.Set, bool) {
	return loadWorkspaceWith(env, cmd, paths, workspace.Load)
}

// loadWorkspaceWith is loadWorkspace with another loader (workspace.Validate).
func loadWorkspaceWith(env *cliEnv, cmd string, paths []string, load func([]string, direction.Options) (*workspace.Workspace, error)) (*workspace.Workspace, *direction.Set, bool) {
	rewindStdin() // read from its start, if a stream read some of it
	ws, err := load(paths, env.opts)
	if err != nil {
		env.errorf("%v", err)
		return nil, nil, false
	}
	set, err := ws.Set()
	if err != nil {
		env.errorf("%v", err)
		return nil, nil, false
	}
	if len(set.Directions) == 0 {
		env.errorf("directions %s: no direction file among %s (a direction is a YAML mapping with an obligations key)", cmd, strings.Join(paths, ", "))
		return nil, nil, false
	}
	return ws, set, true
}

func runValidate(_ context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "validate", "validate PATH...")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	tuneGC() // validate keeps one event and the id fingerprints (outside the Go heap)
	prog := newProgress(env.stderr, *env.quiet)
	councils, ok := loadCouncils(env, "validate", paths, true)
	prog.done()
	if !ok {
		return exitInvalid
	}
	files, directions, obligations, events := 0, 0, 0, 0
	for _, c := range councils {
		files += len(c.WS.Files)
		directions += len(c.WS.Directions)
		for _, d := range c.WS.Directions {
			obligations += len(d.Obligations)
			// An obligation without role is a duty whoever holds it, as before
			// roles existed; say so where that may not be what was meant.
			for _, o := range d.Obligations {
				if o.Role == obligation.Duty && !d.CouncilHolds(o.Holder) {
					fmt.Fprintf(env.stderr, "note: %s: obligation %s (clause %s) is held by %s, not the directed council %s or one of its officers, and gives no role, so it counts as the council's duty and its failures as breaches; write role: expectation if it is %s's own role, or hold it by %s (see docs/duties.md)\n",
						o.Pos, o.ID, o.Clause, o.Holder, d.Council, o.Holder, d.Council)
				}
			}
		}
		events += len(c.WS.Events) + c.WS.Streamed
	}
	if len(councils) > 1 {
		fmt.Fprintf(env.stdout, "ok: %d councils, %s, %s, %s, %s\n", len(councils), nouns(files, "file", "files"), nouns(directions, "direction", "directions"), nouns(obligations, "obligation", "obligations"), nouns(events, "event", "events"))
		return exitOK
	}
	fmt.Fprintf(env.stdout, "ok: %s, %s, %s, %s\n", nouns(files, "file", "files"), nouns(directions, "direction", "directions"), nouns(obligations, "obligation", "obligations"), nouns(events, "event", "events"))
	return exitOK
}

// checkFormats are the formats check writes.
var checkFormats = []string{"text", "json", "csv", "csv-summary"}

func runCheck(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "check", "check [--as-of DATE] [--format text|json|csv|csv-summary] PATH...")
	asOf := fs.String("as-of", "", "evaluate as of this date (the end of that day) or RFC 3339 time; default today")
	format := fs.String("format", "text", "output format: text, json, csv (the findings, one row per instance) or csv-summary (one row per council); with a tree of council folders, text and json print one summary row per council, then the details")
	strict := fs.Bool("strict", false, "count indeterminate findings (a breach on some days of a date known only to a range) as breaches for the exit code")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	defer useStdinSpool(ctx, env, paths)()
	prog := newProgress(env.stderr, *env.quiet)
	defer prog.done()
	tuneGCPercent(gcCheck)
	if code, done := checkTree(ctx, env, paths, *asOf, *format, *strict, prog); done {
		return code
	}
	if !slices.Contains(checkFormats, *format) {
		env.errorf("%s", formatError("check", *format, checkFormats...))
		return exitInvalid
	}
	// One council, given as a folder or as files: the same streaming path
	// as each council of a tree.
	r := checkCouncil(ctx, workspace.Council{Paths: paths}, *asOf, env.opts, prog)
	prog.done()
	if ctx.Err() != nil {
		return exitInterrupted // run says so; the evaluation did not finish
	}
	if r.Err != nil {
		env.errorf("%v", r.Err)
		return exitInvalid
	}
	var err error
	switch *format {
	case "json":
		err = report.WriteJSON(env.stdout, r.out())
	default:
		err = report.WriteText(env.stdout, r.out())
	}
	if err != nil {
		env.errorf("directions check: %v", err)
		return exitInvalid
	}
	return exitFor(r.Res, *strict)
}

// exitFor is 1 when there is a definite breach, or with strict an
// indeterminate one, and 0 otherwise.
func exitFor(res *evaluator.Result, strict bool) int {
	if res.CountBreaches() > 0 || (strict && len(res.Indeterminate()) > 0) {
		return exitBreaches
	}
	return exitOK
}
