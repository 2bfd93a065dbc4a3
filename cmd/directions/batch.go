package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/report"
)

// checkTree runs check over a tree of council folders. It reports done
// when it handled the command: when the paths hold two or more council
// folders, or when CSV output was asked for. Otherwise check goes on as for
// one council (and reports any loading error itself).
func checkTree(ctx context.Context, env *cliEnv, paths []string, asOf, format string, strict bool, prog *progress) (code int, done bool) {
	tree, err := workspace.SplitTree(paths, env.yamlLimits())
	csvOut := format == "csv" || format == "csv-summary"
	if err != nil || len(tree.Councils) == 0 || (len(tree.Councils) == 1 && !csvOut) {
		return 0, false
	}
	if !slices.Contains(checkFormats, format) {
		env.errorf("%s", formatError("check", format, checkFormats...))
		return exitInvalid, true
	}
	if len(tree.Orphans) > 0 {
		env.errorf("directions check: %d file(s) lie in no council folder (a folder holding a direction file), so no council's directions apply to them:\n  %s\nmove each into its council's folder, or check it with that council's files", len(tree.Orphans), strings.Join(tree.Orphans, "\n  "))
		return exitInvalid, true
	}
	results := checkCouncils(ctx, tree.Councils, asOf, env.opts, runtime.GOMAXPROCS(0), prog)
	prog.done()
	if ctx.Err() != nil {
		// Councils not evaluated to the end would be listed as failed:
		// nothing is written, and run says the check was interrupted.
		return exitInterrupted, true
	}
	switch cs := reportCouncils(results); format {
	case "json":
		err = report.WriteBatchJSON(env.stdout, cs)
	case "csv":
		err = report.WriteCSV(env.stdout, cs)
	case "csv-summary":
		err = report.WriteCSVSummary(env.stdout, cs)
	default:
		err = report.WriteBatchText(env.stdout, cs)
	}
	if err != nil {
		env.errorf("directions check: %v", err)
		return exitInvalid, true
	}
	code = exitOK
	for _, r := range results {
		switch {
		case r.Err != nil:
			// Every problem goes to stderr, in every format, whatever
			// the report on stdout says of it (CSV findings cannot).
			env.errorf("%v", r.Err)
			code = exitInvalid
		case code == exitOK && r.Row.Breaches > 0:
			code = exitBreaches
		case code == exitOK && strict && r.Res != nil && len(r.Res.Indeterminate()) > 0:
			code = exitBreaches
		}
	}
	return code, true
}

// councilResult is one council's evaluation.
type councilResult struct {
	Council workspace.Council
	WS      *workspace.Workspace
	Set     *direction.Set
	Res     *evaluator.Result
	Row     CouncilRow
	// Err is why the council could not be evaluated (invalid input); the
	// other councils are evaluated regardless.
	Err error
}

// out is r as the report package takes it.
func (r councilResult) out() report.Council {
	c := report.Council{Name: r.Council.Name, Folder: r.Council.Dir, Set: r.Set, Result: r.Res, Err: r.Err}
	if r.WS != nil {
		c.Inputs = r.WS.Inputs()
	}
	return c
}

// reportCouncils is results as the report package takes them.
func reportCouncils(results []councilResult) []report.Council {
	cs := make([]report.Council, len(results))
	for i, r := range results {
		cs[i] = r.out()
	}
	return cs
}

// checkCouncils evaluates each council on a pool of at most workers
// goroutines. Results come back in the councils' order, whatever order the
// work finishes in.
func checkCouncils(ctx context.Context, councils []workspace.Council, asOf string, opts direction.Options, workers int, prog *progress) []councilResult {
	out := make([]councilResult, len(councils))
	if workers < 1 {
		workers = 1
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(councils)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = checkCouncil(ctx, councils[i], asOf, opts, prog)
			}
		}()
	}
	for i := range councils {
		if ctx.Err() != nil {
			out[i] = councilResult{Council: councils[i], Err: ctx.Err()}
			continue
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// checkCouncil evaluates one council: streamed when it can be, loaded
// otherwise, with the same findings either way.
func checkCouncil(ctx context.Context, c workspace.Council, asOf string, opts direction.Options, prog *progress) councilResult {
	if r, ok := streamCouncil(ctx, c, asOf, opts, prog); ok {
		return r
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: loading the history again would only delay stopping.
		return councilResult{Council: c, Err: err}
	}
	return loadCouncil(ctx, c, asOf, opts)
}

// loadCouncil loads every file of a council and evaluates its events in
// memory: the path for everything streamCouncil does not take.
func loadCouncil(ctx context.Context, c workspace.Council, asOf string, opts direction.Options) councilResult {
	r := councilResult{Council: c, Row: CouncilRow{Council: c.Name, Folder: c.Dir}}
	rewindStdin() // read from its start, if the stream read some of it
	loadingGC()
	ws, err := workspace.Load(c.Paths, opts)
	if err != nil {
		r.Err = err
		return r
	}
	set, err := ws.Set()
	if err != nil {
		r.Err = err
		return r
	}
	if len(set.Directions) == 0 {
		r.Err = fmt.Errorf("directions check: no direction file among %s (a direction is a YAML mapping with an obligations key)", strings.Join(c.Paths, ", "))
		return r
	}
	at, err := parseAsOf(asOf, ws.Location)
	if err != nil {
		r.Err = fmt.Errorf("directions check: %v", err)
		return r
	}
	res, err := evaluator.EvaluateContext(ctx, set, ws.Events, evaluator.Options{AsOf: at})
	if err != nil {
		r.Err = err
		return r
	}
	r.WS, r.Set, r.Res, r.Row = ws, set, res, councilRow(c, ws, res)
	return r
}

// CouncilRow is one line of the summary.
type CouncilRow = report.CouncilRow

func councilRow(c workspace.Council, _ *workspace.Workspace, res *evaluator.Result) CouncilRow {
	return report.Council{Name: c.Name, Folder: c.Dir, Result: res}.Row()
}
