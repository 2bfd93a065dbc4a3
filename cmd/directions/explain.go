package main

import (
	"context"
	"strings"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/explain"
	"github.com/dfe-tools/directions/internal/workspace"
)

func init() {
	register("explain", "say in words how one obligation's due dates were computed and which events discharged them", runExplain)
}

func runExplain(ctx context.Context, env *cliEnv, args []string) int {
	fs := newFlags(env, "explain", "explain --obligation ID [--as-of DATE] [--format text|json] [--max-tested N] PATH...")
	asOf := fs.String("as-of", "", "evaluate as of this date (the end of that day) or RFC 3339 time; default today")
	oblID := fs.String("obligation", "", "the obligation to explain: its id, or DIRECTION/ID when several directions share it")
	format := fs.String("format", "text", "output format: text or json")
	maxTested := fs.Int("max-tested", explain.DefaultMaxNotSatisfying, "list at most `N` of the events tested against an instance that did not satisfy its condition (the last N in time order, nearest the discharge or the as-of time), after one line counting the earlier ones with the dates of the first and last of them (a candidate's note likewise names at most N of the instances it was tested against); every event that discharged an instance is listed whatever N is; 0 lists all")
	paths, ok := parseArgs(env, fs, args)
	if !ok {
		return exitInvalid
	}
	if *format != "text" && *format != "json" {
		env.errorf("%s", formatError("explain", *format, "text", "json"))
		return exitInvalid
	}
	if *maxTested < 0 {
		env.errorf("directions explain: --max-tested %d: give 0 (list all) or more", *maxTested)
		return exitInvalid
	}
	if *oblID == "" {
		env.errorf("directions explain: --obligation ID is required")
		fs.Usage()
		return exitInvalid
	}
	if !oneCouncil(env, "explain", paths) {
		return exitInvalid
	}
	defer useStdinSpool(ctx, env, paths)()
	tuneGCPercent(gcExplain)
	// Streamed when the history allows (councilStream says when), loaded
	// otherwise; the same explanation either way. Loading words the
	// problems with the files before those with the flags, as before.
	var (
		ws      *workspace.Workspace
		set     *direction.Set
		stream  *councilStream
		targets []explain.Target
		at      time.Time
		err     error
	)
	find := func() {
		targets = explain.Find(set, *oblID)
		at, err = parseAsOf(*asOf, ws.Location)
	}
	load := func() bool {
		if stream != nil {
			stream.close()
			stream = nil
		}
		loadingGC()
		ws, set, ok = loadWorkspace(env, "explain", paths)
		if ok {
			find()
		}
		return ok
	}
	prog := newProgress(env.stderr, *env.quiet)
	defer prog.done()
	if s, opened := openCouncilStream(workspace.Council{Paths: paths}, env.opts, prog); opened {
		ws, set, stream = s.WS, s.Set, s
		defer s.close()
		// A problem with the flags is worded once the files are known
		// to load, as loading words theirs first.
		if find(); (len(targets) == 0 || err != nil) && !s.readable() && !load() {
			return exitInvalid
		}
	} else if !load() {
		return exitInvalid
	}
	if len(targets) == 0 {
		env.errorf("directions explain: no obligation %q; the obligations are: %s", *oblID, strings.Join(explain.ObligationIDs(set), ", "))
		return exitInvalid
	}
	if err != nil {
		env.errorf("directions explain: %v", err)
		return exitInvalid
	}
	var ex *explain.Explanation
	if stream != nil {
		err = stream.inOrder(func(next func() (*event.Event, error)) (err error) {
			ex, err = explain.ExplainStream(ctx, set, next, targets, explain.Options{AsOf: at, MaxNotSatisfying: *maxTested})
			return err
		})
		switch {
		case changedHistory(err):
			env.errorf("directions explain: %v", err)
			return exitInvalid
		case err == nil && stream.finish():
			ex.Inputs = ws.Inputs() // with the digests of the files as read
		case ctx.Err() != nil:
			return exitInterrupted // run says "directions explain: interrupted"
		case !load():
			return exitInvalid
		default:
			ex = nil
		}
	}
	if ex == nil {
		ex, err = explain.Explain(set, ws.Events, targets, explain.Options{AsOf: at, Inputs: ws.Inputs(), MaxNotSatisfying: *maxTested})
		if err != nil {
			env.errorf("%v", err)
			return exitInvalid
		}
	}
	prog.done()
	if *format == "json" {
		err = explain.WriteJSON(env.stdout, ex)
	} else {
		err = explain.WriteText(env.stdout, ex)
	}
	if err != nil {
		env.errorf("directions explain: %v", err)
		return exitInvalid
	}
	return exitOK
}

// gcExplain is explain's GOGC (tuneGCPercent). The id fingerprints live
// outside the Go heap, as in check (gcCheck), and an explanation holds
// more than check until its end: the events of the types the obligation
// looks at, what was tested against each instance, and the obligation's
// findings (12 MB at 8,737,999 events for essex-access). At 400 (tuneGC)
// the heap grew to the 100 MB soft limit beside 70 MB of fingerprints;
// at 100 the peak was 145-150 MB; at 50, 137-141 MB, for the same CPU
// time within the noise (docs/benchmarks.md, "explain at 10^7").
const gcExplain = 50
