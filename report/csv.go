package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/words"
)

// The CSV outputs are one table each, with one header row, so that a
// spreadsheet or CSV reader (Excel, pandas.read_csv, encoding/csv) loads
// them as they are: WriteCSV the findings (one row per instance, the
// council in the first column), WriteCSVSummary the summary (one row per
// council).

// summaryHeader and findingsHeader head the two tables. New columns go at
// the end, so that readers that take columns by position keep working.
var (
	summaryHeader  = []string{"council", "folder", "directions_in_force", "due", "met", "late", "missed", "open", "breached", "breaches", "next_deadline", "next_clause", "next_direction", "error", "expectations_unmet", "indeterminate", "possible", "next_assumed", "not_generated"}
	findingsHeader = []string{"council", "direction", "obligation", "clause", "holder", "kind", "instance", "status", "due", "trigger", "trigger_at", "discharged_by", "discharged_at", "days_late", "reason", "role", "assumed", "due_latest", "cases", "version"}
)

// WriteCSVSummary writes the summary table of councils, one row each, as
// `directions check --format csv-summary` does. A council that could not
// be evaluated has its error and no counts.
func WriteCSVSummary(w io.Writer, councils []Council) error {
	cw := safeCSV{csv.NewWriter(w)}
	_ = cw.Write(summaryHeader)
	for _, c := range councils {
		row := c.Row()
		rec := []string{row.Council, row.Folder, "", "", "", "", "", "", "", "", row.Next, row.NextClause, row.NextDirection, row.Error, "", "", "", row.NextAssumed, ""}
		if c.failed() == nil {
			for i, n := range []int{row.InForce, row.Due, row.Met, row.Late, row.Missed, row.Open, row.Breached, row.Breaches} {
				rec[2+i] = strconv.Itoa(n)
			}
			rec[14] = strconv.Itoa(row.ExpectationsUnmet)
			rec[15], rec[16] = strconv.Itoa(row.Indeterminate), strconv.Itoa(row.Possible)
			rec[18] = strconv.Itoa(row.NotGenerated)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes the findings table of councils, one row per instance,
// as `directions check --format csv` does. Councils that could not be
// evaluated have no rows (WriteCSVSummary gives their errors). Event
// times are dates when they are the start of a day in the directions'
// zone, RFC 3339 otherwise.
func WriteCSV(w io.Writer, councils []Council) error {
	cw := safeCSV{csv.NewWriter(w)}
	_ = cw.Write(findingsHeader)
	for _, c := range councils {
		if c.failed() != nil {
			continue
		}
		loc := words.Zone(c.Set)
		for _, f := range c.Result.Findings {
			rec := []string{c.Name, f.Direction, f.Obligation, f.Clause, f.Holder, string(f.Kind), strconv.Itoa(f.Instance), string(f.Status), f.Due, "", "", "", "", "", f.Reason, string(f.Role), f.Assumed, f.DueLatest, "", f.Version}
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

// safeCSV keeps spreadsheets from running text from the inputs as a
// formula: a cell that begins with =, +, -, @, a tab or a carriage return
// is written with a leading apostrophe (OWASP's advice on CSV injection).
// Event ids and reasons come from council returns, so they are not trusted.
type safeCSV struct{ *csv.Writer }

func (c safeCSV) Write(rec []string) error {
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
