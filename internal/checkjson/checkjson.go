// Package checkjson builds the documents `directions check` writes (the
// JSON report of one council, the summary row of a council in a tree, and
// the CSV of a tree), so that the CLI and the server (directions serve)
// share one implementation and one schema.
package checkjson

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/obligation"
)

// SchemaURL and BatchSchemaURL identify the documents' schemas.
const (
	SchemaURL      = "https://github.com/dfe-tools/directions/schemas/check-output.schema.json"
	BatchSchemaURL = "https://github.com/dfe-tools/directions/schemas/check-batch-output.schema.json"
)

// Report is the JSON document `check --format json` writes. Its schema is
// documented in the README and in schemas/check-output.schema.json.
type Report struct {
	Schema     string                      `json:"schema"`
	Engine     string                      `json:"engine"`
	AsOf       time.Time                   `json:"as_of"`
	Inputs     []workspace.File            `json:"inputs"`
	Directions []evaluator.DirectionStatus `json:"directions"`
	Findings   []evaluator.Finding         `json:"findings"`
	Events     evaluator.EventCounts       `json:"events"`
	Summary    Summary                     `json:"summary"`
}

// Summary counts findings by status.
type Summary struct {
	Findings int `json:"findings"`
	Met      int `json:"met"`
	Late     int `json:"late"`
	Missed   int `json:"missed"`
	Open     int `json:"open"`
	Breached int `json:"breached"`
	// Waived instances are neither breaches nor open.
	Waived int `json:"waived,omitempty"`
	// Breaches counts late, missed and breached findings of the council's
	// duties; ExpectationsUnmet those of other parties' expectations, which
	// are never breaches of the direction.
	ExpectationsUnmet int `json:"expectations_unmet"`
	// Indeterminate and Possible count findings that depend on a date
	// known only to a range; they are not breaches (Breaches counts only
	// definite ones) unless every case is one.
	Indeterminate int `json:"indeterminate"`
	Possible      int `json:"possible"`
	Breaches      int `json:"breaches"`
}

// Summarise counts res's findings.
func Summarise(res *evaluator.Result) Summary {
	return Summary{
		Findings: len(res.Findings), Met: res.Count(evaluator.Met), Late: res.Count(evaluator.Late),
		Missed: res.Count(evaluator.Missed), Open: res.Count(evaluator.Open), Breached: res.Count(evaluator.Breached),
		Indeterminate: res.Count(evaluator.Indeterminate), Possible: res.Count(evaluator.Possible),
		Waived: res.Count(evaluator.Waived), Breaches: len(res.Breaches()), ExpectationsUnmet: len(res.UnmetExpectations()),
	}
}

// NewReport builds the single-council JSON report of res over inputs.
func NewReport(inputs []workspace.File, res *evaluator.Result) *Report {
	rep := &Report{
		Schema: SchemaURL, Engine: evaluator.Version,
		AsOf: res.AsOf, Inputs: inputs, Directions: res.Directions, Findings: res.Findings, Events: res.Events,
		Summary: Summarise(res),
	}
	if rep.Findings == nil {
		rep.Findings = []evaluator.Finding{}
	}
	if rep.Inputs == nil {
		rep.Inputs = []workspace.File{}
	}
	return rep
}

// CouncilRow is one line of the summary of a tree of councils.
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
}

// Row summarises one council's result.
func Row(council, folder string, res *evaluator.Result) CouncilRow {
	row := CouncilRow{Council: council, Folder: folder}
	for _, d := range res.Directions {
		if d.InForce && !d.RevokesOnly {
			row.InForce++
		}
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

// CSV output is one table per output, each with one header row, so that a
// spreadsheet or CSV reader (Excel, pandas.read_csv, encoding/csv) loads it
// as is: `--format csv` writes the findings (one row per instance, with the
// council in the first column), `--format csv-summary` the summary (one row
// per council).

// SummaryHeader and FindingsHeader head the two CSV tables.
var SummaryHeader = []string{"council", "folder", "directions_in_force", "due", "met", "late", "missed", "open", "breached", "breaches", "next_deadline", "next_clause", "next_direction", "error", "expectations_unmet", "indeterminate", "possible", "next_assumed"}

var FindingsHeader = []string{"council", "direction", "obligation", "clause", "holder", "kind", "instance", "status", "due", "trigger", "trigger_at", "discharged_by", "discharged_at", "days_late", "reason", "role", "assumed", "due_latest", "cases", "version"}

// CSVCouncil is one council's part of the CSV: its row, and its result
// (nil when it could not be evaluated) with the zone its times are in.
type CSVCouncil struct {
	Row CouncilRow
	Res *evaluator.Result
	Loc *time.Location
}

// WriteCSVSummary writes the per-council summary table.
func WriteCSVSummary(w io.Writer, results []CSVCouncil) error {
	cw := &SafeCSV{Writer: csv.NewWriter(w)}
	_ = cw.Write(SummaryHeader)
	for _, r := range results {
		row := r.Row
		rec := []string{row.Council, row.Folder, "", "", "", "", "", "", "", "", row.Next, row.NextClause, row.NextDirection, row.Error, "", "", "", row.NextAssumed}
		if r.Res != nil {
			for i, n := range []int{row.InForce, row.Due, row.Met, row.Late, row.Missed, row.Open, row.Breached, row.Breaches} {
				rec[2+i] = strconv.Itoa(n)
			}
			rec[14] = strconv.Itoa(row.ExpectationsUnmet)
			rec[15], rec[16] = strconv.Itoa(row.Indeterminate), strconv.Itoa(row.Possible)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes the findings table.
func WriteCSV(w io.Writer, results []CSVCouncil) error {
	cw := &SafeCSV{Writer: csv.NewWriter(w)}
	_ = cw.Write(FindingsHeader)
	for _, r := range results {
		if r.Res == nil {
			continue
		}
		loc := r.Loc
		for _, f := range r.Res.Findings {
			rec := []string{r.Row.Council, f.Direction, f.Obligation, f.Clause, f.Holder, string(f.Kind), strconv.Itoa(f.Instance), string(f.Status), f.Due, "", "", "", "", "", f.Reason, string(f.Role), f.Assumed, f.DueLatest, "", f.Version}
			if f.Trigger != nil {
				rec[9], rec[10] = f.Trigger.ID, csvTime(f.Trigger.At, loc)
			}
			if f.DischargedBy != nil {
				rec[11], rec[12] = f.DischargedBy.ID, csvTime(f.DischargedBy.At, loc)
			}
			if f.Status == "late" {
				rec[13] = strconv.Itoa(f.DaysLate)
			}
			var cases []string
			for _, c := range f.Cases {
				cases = append(cases, c.String())
			}
			rec[18] = strings.Join(cases, "; ")
			_ = cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCSV keeps spreadsheets from running text from the inputs as a
// formula: a cell that begins with =, +, -, @, a tab or a carriage return
// is written with a leading apostrophe (OWASP's advice on CSV injection).
// Event ids and reasons come from council returns, so they are not trusted.
type SafeCSV struct{ *csv.Writer }

func (c *SafeCSV) Write(rec []string) error {
	for i, v := range rec {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			rec[i] = "'" + v
		}
	}
	return c.Writer.Write(rec)
}

// csvTime writes an event time as a date when it is the start of a day, as
// events given by date are, and in RFC 3339 otherwise.
func csvTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if d := civil.In(t, loc); d.Start(loc).Equal(t) {
		return d.String()
	}
	return t.Format(time.RFC3339)
}

// DueText is a finding's due date for people: "25 Apr 2018", or the range
// it may be when it depends on a date known only to a range, or "-".
func DueText(f evaluator.Finding, loc *time.Location) string {
	if f.Due == "" {
		return "-"
	}
	first := civil.In(f.DueAt, loc)
	if last, err := civil.Parse(f.DueLatest); err == nil {
		return civil.Range{First: first, Last: last}.Long()
	}
	return first.Long()
}
