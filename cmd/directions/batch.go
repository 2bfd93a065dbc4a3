package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/checkjson"
	"github.com/dfe-tools/directions/internal/workspace"
)

// checkTree runs check over a tree of council folders. It reports done
// when it handled the command: when the paths hold two or more council
// folders, or when CSV output was asked for. Otherwise check goes on as for
// one council (and reports any loading error itself).
func checkTree(ctx context.Context, env *cliEnv, paths []string, asOf, format string, strict bool, prog *progress) (code int, done bool) {
	tree, err := workspace.SplitTree(paths)
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
	results := checkCouncils(ctx, tree.Councils, asOf, runtime.GOMAXPROCS(0), prog)
	prog.done()
	switch format {
	case "json":
		err = writeBatchJSON(env.stdout, results)
	case "csv":
		err = writeBatchCSV(env.stdout, results)
	case "csv-summary":
		err = writeBatchCSVSummary(env.stdout, results)
	default:
		err = writeBatchText(env.stdout, results)
	}
	if err != nil {
		env.errorf("directions check: %v", err)
		return exitInvalid, true
	}
	code = exitOK
	for _, r := range results {
		switch {
		case r.Err != nil:
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
	Res     *evaluator.Result
	Row     CouncilRow
	// Err is why the council could not be evaluated (invalid input); the
	// other councils are evaluated regardless.
	Err error
}

// checkCouncils evaluates each council on a pool of at most workers
// goroutines. Results come back in the councils' order, whatever order the
// work finishes in.
func checkCouncils(ctx context.Context, councils []workspace.Council, asOf string, workers int, prog *progress) []councilResult {
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
				out[i] = checkCouncil(ctx, councils[i], asOf, prog)
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
func checkCouncil(ctx context.Context, c workspace.Council, asOf string, prog *progress) councilResult {
	if r, ok := streamCouncil(ctx, c, asOf, prog); ok {
		return r
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: loading the history again would only delay stopping.
		return councilResult{Council: c, Err: err}
	}
	return loadCouncil(ctx, c, asOf)
}

// loadCouncil loads every file of a council and evaluates its events in
// memory: the path for everything streamCouncil does not take.
func loadCouncil(ctx context.Context, c workspace.Council, asOf string) councilResult {
	r := councilResult{Council: c, Row: CouncilRow{Council: c.Name, Folder: c.Dir}}
	ws, err := workspace.Load(c.Paths, direction.Options{})
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
	r.WS, r.Res, r.Row = ws, res, councilRow(c, ws, res)
	return r
}

// CouncilRow is one line of the summary (internal/checkjson).
type CouncilRow = checkjson.CouncilRow

func councilRow(c workspace.Council, _ *workspace.Workspace, res *evaluator.Result) CouncilRow {
	return checkjson.Row(c.Name, c.Dir, res)
}

func (r councilResult) row() CouncilRow {
	row := r.Row
	if r.Err != nil {
		row.Error = r.Err.Error()
	}
	return row
}

func writeBatchText(w io.Writer, results []councilResult) error {
	fmt.Fprint(w, nouns(len(results), "council", "councils"))
	if at, loc, ok := commonAsOf(results); ok {
		fmt.Fprintf(w, " as of %s (%s)", at.In(loc).Format("2 Jan 2006 15:04 MST"), loc)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COUNCIL\tIN FORCE\tDUE\tMET\tLATE\tMISSED\tOPEN\tBREACHED\tBREACHES\tOTHERS UNMET\tNEXT DEADLINE")
	var tot CouncilRow
	for _, r := range results {
		row := r.row()
		if r.Err != nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\tinvalid input, see below\n", row.Council)
			continue
		}
		next := "-"
		if row.Next != "" {
			d, _ := civil.Parse(row.Next)
			mark := ""
			if row.NextAssumed != "" {
				mark = "*" // as check marks a due date the text does not give
			}
			next = fmt.Sprintf("%s%s (%s)", d.Long(), mark, row.NextClause)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", row.Council, row.InForce, row.Due, row.Met, row.Late, row.Missed, row.Open, row.Breached, row.Breaches, row.ExpectationsUnmet, next)
		tot.Add(row)
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", tot.InForce, tot.Due, tot.Met, tot.Late, tot.Missed, tot.Open, tot.Breached, tot.Breaches, tot.ExpectationsUnmet)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		fmt.Fprintf(w, "\n== %s (%s)\n", r.Council.Name, r.Council.Dir)
		if r.Err != nil {
			fmt.Fprintf(w, "invalid input:\n%v\n", r.Err)
			continue
		}
		if err := writeText(w, r.WS, r.Res); err != nil {
			return err
		}
	}
	return nil
}

// commonAsOf returns the as-of time when every council evaluated shares it.
func commonAsOf(results []councilResult) (time.Time, *time.Location, bool) {
	var at time.Time
	var loc *time.Location
	for _, r := range results {
		if r.Res == nil {
			continue
		}
		if at.IsZero() {
			at, loc = r.Res.AsOf, r.WS.Location
		} else if !at.Equal(r.Res.AsOf) {
			return time.Time{}, nil, false
		}
	}
	return at, loc, !at.IsZero()
}

// BatchReport and CouncilCheck live in internal/checkjson.
type (
	BatchReport  = checkjson.BatchReport
	CouncilCheck = checkjson.CouncilCheck
)

func writeBatchJSON(w io.Writer, results []councilResult) error {
	rep := BatchReport{
		Schema: checkjson.BatchSchemaURL, Engine: evaluator.Version,
		Summary: []CouncilRow{}, Councils: []CouncilCheck{},
	}
	for _, r := range results {
		rep.Summary = append(rep.Summary, r.row())
		cc := CouncilCheck{Council: r.Council.Name, Folder: r.Council.Dir}
		if r.Err != nil {
			cc.Error = r.Err.Error()
		} else {
			cc.Report = newReport(r.WS, r.Res)
		}
		rep.Councils = append(rep.Councils, cc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// newReport builds the single-council JSON report, as writeJSON does.
func newReport(ws *workspace.Workspace, res *evaluator.Result) *Report {
	return checkjson.NewReport(ws.Files, res)
}
