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
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/obligation"
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

// CouncilRow is one line of the summary.
type CouncilRow struct {
	Council string `json:"council"`
	Folder  string `json:"folder"`
	// InForce counts the directions in force at the as-of time.
	InForce int `json:"directions_in_force"`
	// Due counts the instances whose deadline had passed by the as-of
	// time, whatever their status.
	Due      int `json:"due"`
	Met      int `json:"met"`
	Late     int `json:"late"`
	Missed   int `json:"missed"`
	Open     int `json:"open"`
	Breached int `json:"breached"`
	// Breaches counts the council's duties late, missed or breached;
	// ExpectationsUnmet other parties' expectations not met (never breaches).
	Breaches          int `json:"breaches"`
	ExpectationsUnmet int `json:"expectations_unmet"`
	// Indeterminate and Possible count findings that depend on a date
	// known only to a range (not breaches).
	Indeterminate int `json:"indeterminate"`
	Possible      int `json:"possible"`
	// Next is the earliest deadline after the as-of time of an instance
	// of a council duty not yet discharged (other parties' expectations do
	// not count); NextClause and NextDirection say whose it is, and
	// NextAssumed is the assumption its date rests on, if any.
	Next          string `json:"next_deadline,omitempty"`
	NextClause    string `json:"next_clause,omitempty"`
	NextDirection string `json:"next_direction,omitempty"`
	NextAssumed   string `json:"next_assumed,omitempty"`
	Error         string `json:"error,omitempty"`
}

func councilRow(c workspace.Council, ws *workspace.Workspace, res *evaluator.Result) CouncilRow {
	row := CouncilRow{Council: c.Name, Folder: c.Dir}
	for _, d := range res.Directions {
		if d.InForce && !d.RevokesOnly {
			row.InForce++
		}
	}
	s := summarise(res)
	row.Met, row.Late, row.Missed, row.Open, row.Breached, row.Breaches, row.ExpectationsUnmet = s.Met, s.Late, s.Missed, s.Open, s.Breached, s.Breaches, s.ExpectationsUnmet
	row.Indeterminate, row.Possible = s.Indeterminate, s.Possible
	var next time.Time
	for _, f := range res.Findings {
		if f.Due == "" {
			continue
		}
		if !f.DueAt.After(res.AsOf) {
			row.Due++
			continue
		}
		if f.Status == evaluator.Open && f.Role != obligation.Expectation && (next.IsZero() || f.DueAt.Before(next)) {
			next = f.DueAt
			row.Next, row.NextClause, row.NextDirection, row.NextAssumed = f.Due, f.Clause, f.Direction, f.Assumed
		}
	}
	return row
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
		tot.InForce += row.InForce
		tot.Due += row.Due
		tot.Met += row.Met
		tot.Late += row.Late
		tot.Missed += row.Missed
		tot.Open += row.Open
		tot.Breached += row.Breached
		tot.Breaches += row.Breaches
		tot.ExpectationsUnmet += row.ExpectationsUnmet
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

// BatchReport is the JSON document `check --format json` writes for a tree
// of councils: the summary rows, then each council's own check report.
type BatchReport struct {
	Schema   string         `json:"schema"`
	Engine   string         `json:"engine"`
	Summary  []CouncilRow   `json:"summary"`
	Councils []CouncilCheck `json:"councils"`
}

// CouncilCheck is one council's part of a BatchReport: its check report, or
// the error that stopped it from being evaluated.
type CouncilCheck struct {
	Council string  `json:"council"`
	Folder  string  `json:"folder"`
	Report  *Report `json:"report,omitempty"`
	Error   string  `json:"error,omitempty"`
}

func writeBatchJSON(w io.Writer, results []councilResult) error {
	rep := BatchReport{
		Schema: "https://github.com/dfe-tools/directions/schemas/check-batch-output.schema.json", Engine: evaluator.Version,
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
	rep := &Report{
		Schema: "https://github.com/dfe-tools/directions/schemas/check-output.schema.json", Engine: evaluator.Version,
		AsOf: res.AsOf, Inputs: ws.Files, Directions: res.Directions, Findings: res.Findings, Events: res.Events,
		Summary: summarise(res),
	}
	if rep.Findings == nil {
		rep.Findings = []evaluator.Finding{}
	}
	return rep
}
