package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/obligation"
)

// CouncilRow is one line of the summary of many councils: the batch JSON's
// summary, the CSV summary table and the server's dashboard.
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
	// NotGenerated counts the triggered instances whose trigger came
	// while their obligation was in force but which would have fallen due
	// after it ended (DirectionStatus.NotGenerated): no finding, so no
	// other count includes them.
	NotGenerated int `json:"not_generated"`
	// Next is the earliest deadline after the as-of time of an instance
	// of a council duty not yet discharged (other parties' expectations do
	// not count); NextClause and NextDirection say whose it is, and
	// NextAssumed is the assumption its date rests on, if any.
	Next          string `json:"next_deadline,omitempty"`
	NextClause    string `json:"next_clause,omitempty"`
	NextDirection string `json:"next_direction,omitempty"`
	NextAssumed   string `json:"next_assumed,omitempty"`
	// Error is why the council could not be evaluated; the counts are
	// then zero.
	Error string `json:"error,omitempty"`
}

// Add adds o's counts to r's, for a total row; names and deadlines are
// left as they are.
func (r *CouncilRow) Add(o CouncilRow) {
	r.InForce += o.InForce
	r.Due += o.Due
	r.Met += o.Met
	r.Late += o.Late
	r.Missed += o.Missed
	r.Open += o.Open
	r.Breached += o.Breached
	r.Breaches += o.Breaches
	r.ExpectationsUnmet += o.ExpectationsUnmet
	r.Indeterminate += o.Indeterminate
	r.Possible += o.Possible
	r.NotGenerated += o.NotGenerated
}

// Row summarises c in one line.
func (c Council) Row() CouncilRow {
	row := CouncilRow{Council: c.Name, Folder: c.Folder}
	if err := c.failed(); err != nil {
		row.Error = err.Error()
		return row
	}
	res := c.Result
	for _, d := range res.Directions {
		if d.InForce && !d.RevokesOnly {
			row.InForce++
		}
		row.NotGenerated += len(d.NotGenerated)
	}
	s := Summarise(res)
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

// Batch is the JSON document `directions check --format json` writes for
// a tree of councils: the summary rows, then each council's own check
// document.
type Batch struct {
	Schema   string         `json:"schema"`
	Engine   string         `json:"engine"`
	Summary  []CouncilRow   `json:"summary"`
	Councils []CouncilCheck `json:"councils"`
}

// CouncilCheck is one council's part of a Batch: its check document, or
// the error that stopped it from being evaluated.
type CouncilCheck struct {
	Council string `json:"council"`
	Folder  string `json:"folder"`
	Check   *Check `json:"report,omitempty"`
	Error   string `json:"error,omitempty"`
}

// NewBatch builds the batch document of councils.
func NewBatch(councils []Council) *Batch {
	b := &Batch{Schema: BatchSchema, Engine: evaluator.Version, Summary: []CouncilRow{}, Councils: []CouncilCheck{}}
	for _, c := range councils {
		b.Summary = append(b.Summary, c.Row())
		cc := CouncilCheck{Council: c.Name, Folder: c.Folder}
		if err := c.failed(); err != nil {
			cc.Error = err.Error()
		} else {
			cc.Check = NewCheck(c)
		}
		b.Councils = append(b.Councils, cc)
	}
	return b
}

// WriteBatchJSON writes the batch document of councils, indented, as
// `directions check --format json` does for a tree of councils.
func WriteBatchJSON(w io.Writer, councils []Council) error {
	return writeIndented(w, NewBatch(councils))
}

// WriteBatchText writes a summary table of councils (one row each, and a
// total), then each council's findings as WriteText writes them, or the
// error that stopped it, as `directions check` prints a tree of councils.
func WriteBatchText(w io.Writer, councils []Council) error {
	fmt.Fprint(w, words.Nouns(len(councils), "council", "councils"))
	if at, loc, ok := commonAsOf(councils); ok {
		fmt.Fprintf(w, " as of %s (%s)", at.In(loc).Format("2 Jan 2006 15:04 MST"), loc)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COUNCIL\tIN FORCE\tDUE\tMET\tLATE\tMISSED\tOPEN\tBREACHED\tBREACHES\tOTHERS UNMET\tNEXT DEADLINE")
	var tot CouncilRow
	for _, c := range councils {
		row := c.Row()
		if c.failed() != nil {
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
	for _, c := range councils {
		fmt.Fprintf(w, "\n== %s (%s)\n", c.Name, c.Folder)
		if err := c.failed(); err != nil {
			fmt.Fprintf(w, "invalid input:\n%v\n", err)
			continue
		}
		if err := WriteText(w, c); err != nil {
			return err
		}
	}
	return nil
}

// commonAsOf returns the as-of time when every council evaluated shares it.
func commonAsOf(councils []Council) (time.Time, *time.Location, bool) {
	var at time.Time
	var loc *time.Location
	for _, c := range councils {
		if c.failed() != nil {
			continue
		}
		if at.IsZero() {
			at, loc = c.Result.AsOf, words.Zone(c.Set)
		} else if !at.Equal(c.Result.AsOf) {
			return time.Time{}, nil, false
		}
	}
	return at, loc, !at.IsZero()
}
