package schedule

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/obligation"
	"github.com/dfe-tools/directions/report"
)

// Listing is a list of deadlines and what it covers: what every writer of
// this package reads.
type Listing struct {
	// Council names whose deadlines these are (several joined by ", "),
	// for the calendar's name.
	Council string
	// Location is the zone dates are written in (the directions' own);
	// nil means Europe/London.
	Location *time.Location
	// From and Until bound the due dates listed, and AsOf is when the
	// deadlines' states were read: the ScheduleOptions the deadlines were
	// computed with.
	From, Until, AsOf time.Time
	// Deadlines are evaluator.Schedule's, in the order to list them.
	Deadlines []evaluator.Deadline
	// Inputs are the files the deadlines rest on, listed by the JSON
	// document.
	Inputs []report.Input
}

func (l Listing) zone() *time.Location {
	if l.Location != nil {
		return l.Location
	}
	return words.Zone(nil)
}

// Summary counts deadlines by state.
type Summary struct {
	Deadlines int `json:"deadlines"`
	Met       int `json:"met"`
	Late      int `json:"late"`
	Overdue   int `json:"overdue"`
	Due       int `json:"due"`
	Waived    int `json:"waived,omitempty"`
	// Expectations counts the deadlines that are other parties'
	// expectations rather than the council's duties (any state).
	Expectations int `json:"expectations"`
	// Indeterminate and Possible count deadlines that depend on a date
	// known only to a range.
	Indeterminate int `json:"indeterminate"`
	Possible      int `json:"possible"`
}

// Summarise counts ds by state.
func Summarise(ds []evaluator.Deadline) Summary {
	s := Summary{Deadlines: len(ds)}
	for _, d := range ds {
		if d.Role == obligation.Expectation {
			s.Expectations++
		}
		switch d.State {
		case evaluator.StateMet:
			s.Met++
		case evaluator.StateLate:
			s.Late++
		case evaluator.StateOverdue:
			s.Overdue++
		case evaluator.StateDue:
			s.Due++
		case evaluator.StateWaived:
			s.Waived++
		case evaluator.StateIndeterminate:
			s.Indeterminate++
		case evaluator.StatePossible:
			s.Possible++
		}
	}
	return s
}

// Document is the JSON document `directions schedule --format json`
// writes (schemas/schedule-output.schema.json).
type Document struct {
	Engine    string               `json:"engine"`
	From      time.Time            `json:"from"`
	Until     time.Time            `json:"until"`
	AsOf      time.Time            `json:"as_of"`
	TimeZone  string               `json:"time_zone"`
	Inputs    []report.Input       `json:"inputs"`
	Deadlines []evaluator.Deadline `json:"deadlines"`
	Summary   Summary              `json:"summary"`
}

// NewDocument builds the JSON document of l.
func NewDocument(l Listing) *Document {
	doc := &Document{
		Engine: evaluator.Version, From: l.From, Until: l.Until, AsOf: l.AsOf, TimeZone: l.zone().String(),
		Inputs: l.Inputs, Deadlines: l.Deadlines, Summary: Summarise(l.Deadlines),
	}
	if doc.Deadlines == nil {
		doc.Deadlines = []evaluator.Deadline{}
	}
	return doc
}

// WriteJSON writes l's JSON document, indented, as `directions schedule
// --format json` does.
func WriteJSON(w io.Writer, l Listing) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(NewDocument(l))
}

// WriteText writes l as a table for people, as `directions schedule`
// prints it: one row per deadline with its state in words, footnotes for
// due dates the model assumes, and the counts.
func WriteText(w io.Writer, l Listing) error {
	loc := l.zone()
	ds := l.Deadlines
	fmt.Fprintf(w, "Deadlines from %s to %s (%s), as of %s\n\n", civil.In(l.From, loc).Long(), civil.In(l.Until, loc).Long(), loc,
		l.AsOf.In(loc).Format("2 Jan 2006 15:04 MST"))
	if len(ds) == 0 {
		fmt.Fprintln(w, "No deadline falls due in this range.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DUE\tDIRECTION\tCLAUSE\tOBLIGATION\t#\tHOLDER\tSTATE\tWHAT IS DUE")
		var notes []string
		noted := map[string]bool{}
		for _, d := range ds {
			what := d.Summary
			if d.Trigger != nil {
				what = fmt.Sprintf("%s (for %s)", what, d.Trigger.ID)
			}
			due := dueDays(d, loc).Long()
			if d.Assumed != "" {
				due += "*"
				if k := d.Direction + "/" + d.Obligation; !noted[k] {
					noted[k] = true
					notes = append(notes, fmt.Sprintf("* %s %s: due date assumed, not in the text: %s", d.Clause, d.Obligation, d.Assumed))
				}
			}
			holder := d.Holder
			if d.Role == obligation.Expectation {
				holder += " (expectation)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", due, d.Direction, d.Clause, d.Obligation,
				d.Instance, holder, stateWords(d, loc), what)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	s := Summarise(ds)
	waived := ""
	if s.Waived > 0 {
		waived = fmt.Sprintf(", %d waived", s.Waived)
	}
	fmt.Fprintf(w, "\n%d deadline%s: %d met, %d met late, %d overdue, %d due%s.\n", s.Deadlines, words.Plural(s.Deadlines), s.Met, s.Late, s.Overdue, s.Due, waived)
	var err error
	if s.Expectations > 0 {
		_, err = fmt.Fprintf(w, "%d of them are other parties' expectations (holder marked \"expectation\"), tracked but never breaches of the direction.\n", s.Expectations)
	}
	if err == nil && s.Indeterminate+s.Possible > 0 {
		_, err = fmt.Fprintf(w, "Dates known only to a range: %d indeterminate, %d possible (check explains each).\n", s.Indeterminate, s.Possible)
	}
	return err
}
