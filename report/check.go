package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/jsonlist"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/obligation"
)

// Schema ids of the JSON documents, as their "schema" field gives them
// (the files are schemas/check-output.schema.json and
// schemas/check-batch-output.schema.json).
const (
	CheckSchema = "https://github.com/dfe-tools/directions/schemas/check-output.schema.json"
	BatchSchema = "https://github.com/dfe-tools/directions/schemas/check-batch-output.schema.json"
)

// Check is the JSON document `directions check --format json` writes for
// one council: the result with the engine version and the SHA-256 of
// every input, so that it can be audited later.
type Check struct {
	Schema     string                      `json:"schema"`
	Engine     string                      `json:"engine"`
	AsOf       time.Time                   `json:"as_of"`
	Inputs     []Input                     `json:"inputs"`
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
		Waived: res.Count(evaluator.Waived), Breaches: res.CountBreaches(), ExpectationsUnmet: len(res.UnmetExpectations()),
	}
}

// NewCheck builds the check document of c, which must have a Result.
func NewCheck(c Council) *Check {
	res := c.Result
	rep := &Check{
		Schema: CheckSchema, Engine: evaluator.Version,
		AsOf: res.AsOf, Inputs: c.Inputs, Directions: res.Directions, Findings: res.Findings, Events: res.Events,
		Summary: Summarise(res),
	}
	if rep.Findings == nil {
		rep.Findings = []evaluator.Finding{}
	}
	if rep.Inputs == nil {
		rep.Inputs = []Input{}
	}
	return rep
}

// WriteJSON writes c's check document, indented, as `directions check
// --format json` does. It returns c.Err if c could not be evaluated.
func WriteJSON(w io.Writer, c Council) error {
	if err := c.failed(); err != nil {
		return err
	}
	return writeCheck(w, NewCheck(c))
}

// writeIndented writes v as JSON indented by two spaces, with a line end.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeCheck writes doc exactly as writeIndented does, but its findings
// one at a time (findingsOneByOne): encoding/json builds a whole
// document in memory, and then its indented copy, before writing a byte;
// for a council's thousands of findings (820 KB at 10^6 events) that is
// several megabytes of buffers grown by doubling, fresh memory that the
// kernel hands over a page at a time and the collector then sweeps. Here
// the document is encoded with no findings, and the findings are
// written where its empty list was, each encoded into one reused buffer
// with the indentation it has in the whole document, through a small
// buffered writer. TestWriteCheckAgreesWithEncoder holds the bytes to
// writeIndented's. An error encoding a finding (none of a finding's
// values can fail to encode but a time beyond the year 9999) may leave
// part of the document written.
func writeCheck(w io.Writer, doc *Check) error {
	if len(doc.Findings) == 0 {
		return writeIndented(w, doc)
	}
	shell := *doc
	shell.Findings = []evaluator.Finding{}
	var head bytes.Buffer
	if err := writeIndented(&head, &shell); err != nil {
		return err
	}
	// The member at the top level, two spaces in: a string in the
	// document cannot hold a raw line end, so this is found only there.
	const empty = "\n  \"findings\": []"
	at := bytes.Index(head.Bytes(), []byte(empty))
	if at < 0 {
		return writeIndented(w, doc)
	}
	at += len(empty) - 1 // at the ]
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(head.Bytes()[:at])
	// an item of a list in a member of the document
	if err := jsonlist.WriteItems(bw, "    ", true, len(doc.Findings), func(i int) any { return &doc.Findings[i] }); err != nil {
		return err
	}
	bw.WriteString("\n  ")
	bw.Write(head.Bytes()[at:])
	return bw.Flush()
}

// WriteText writes c's findings for people, direction by direction, as
// `directions check` prints them. It returns c.Err if c could not be
// evaluated.
func WriteText(w io.Writer, c Council) error {
	if err := c.failed(); err != nil {
		return err
	}
	res := c.Result
	loc := words.Zone(c.Set)
	fmt.Fprintf(w, "As of %s (%s)\n", res.AsOf.In(loc).Format("2 Jan 2006 15:04 MST"), loc)
	for _, d := range res.Directions {
		fmt.Fprintf(w, "\n%s: %s\n  %s; %s (%s)\n", d.ID, d.Title, d.File, d.Period(loc), d.Reason)
		for _, r := range d.Revokes {
			fmt.Fprintf(w, "  revokes %s\n", r)
		}
		for _, v := range d.Varied {
			fmt.Fprintf(w, "  varied: %s\n", v)
		}
		if d.RevokesOnly {
			fmt.Fprintln(w, "  a revoking instrument: it imposes no obligations of its own")
			continue
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CLAUSE\tOBLIGATION\t#\tDUE\tSTATUS\tWHOSE\tEVENT\tDETAIL")
		n := 0
		var notes []string
		noted := map[string]bool{}
		for _, f := range res.Findings {
			if f.Direction != d.ID {
				continue
			}
			n++
			due := words.DueText(f, loc)
			if f.Assumed != "" {
				due += "*"
				if !noted[f.Obligation] {
					noted[f.Obligation] = true
					notes = append(notes, fmt.Sprintf("  * %s %s: due date assumed, not in the text: %s", f.Clause, f.Obligation, f.Assumed))
				}
			}
			ev := "-"
			switch {
			case f.DischargedBy != nil:
				ev = f.DischargedBy.ID
			case f.Status == evaluator.Breached:
				ev = f.Trigger.ID
			case f.Waiver != nil:
				ev = f.Waiver.ID
			}
			status := string(f.Status)
			if f.Status == evaluator.Late {
				status = fmt.Sprintf("late %dd", f.DaysLate)
			}
			reason := f.Reason
			if f.Version != "" {
				reason += " [under the text of " + f.Version + "]"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", f.Clause, f.Obligation, f.Instance, due, strings.ToUpper(status[:1])+status[1:], whose(f), ev, reason)
		}
		if n == 0 {
			fmt.Fprintln(tw, "  (no instances yet)")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, note := range notes {
			fmt.Fprintln(w, note)
		}
		for _, ng := range d.NotGenerated {
			fmt.Fprintf(w, "  not generated: %s\n", ng.Words(loc))
		}
	}
	s := Summarise(res)
	waived := ""
	if s.Waived > 0 {
		waived = fmt.Sprintf(", %d waived", s.Waived)
	}
	fmt.Fprintf(w, "\n%s: %d met, %d late, %d missed, %d open, %d breached by an event%s; %s of the council's duties; %s of others not met.\n",
		words.Nouns(s.Findings, "finding", "findings"), s.Met, s.Late, s.Missed, s.Open, s.Breached, waived, words.Nouns(s.Breaches, "breach", "breaches"), words.Nouns(s.ExpectationsUnmet, "expectation", "expectations"))
	if s.Indeterminate+s.Possible > 0 {
		fmt.Fprintf(w, "Dates known only to a range: %d indeterminate (the verdict depends on the day), %d possible (the instance exists only on some days); not counted as breaches.\n",
			s.Indeterminate, s.Possible)
	}
	// Findings whose verdict rests on the input order of simultaneous
	// triggers (rule 4) keep their status and are counted under it; this
	// line says how many there are.
	tied := 0
	for _, f := range res.Findings {
		if f.TiedCount > 0 {
			tied++
		}
	}
	if tied > 0 {
		fmt.Fprintf(w, "Simultaneous triggers: %s tied with an instance triggered at the same instant whose verdict differs, by an event satisfying both; input order chose which it answered, and the history does not say (each finding's reason names the other).\n",
			words.Nouns(tied, "finding", "findings"))
	}
	e := res.Events
	if _, err := fmt.Fprintf(w, "%s read: %d used, %d irrelevant, %d after the as-of time.\n", words.Nouns(e.Read, "event", "events"), e.Used, e.Irrelevant, e.AfterAsOf); err != nil {
		return err
	}
	ng := 0
	for _, d := range res.Directions {
		ng += len(d.NotGenerated)
	}
	if ng > 0 {
		_, err := fmt.Fprintf(w, "%s not generated: the trigger came in time, but the duty ended before the instance would fall due (\"not generated\" above).\n", words.Nouns(ng, "triggered instance", "triggered instances"))
		return err
	}
	return nil
}

// whose says whose obligation a finding is: "duty" for the council's, or
// "expectation of HOLDER" for another party's role.
func whose(f evaluator.Finding) string {
	if f.Role == obligation.Expectation {
		return "expectation of " + f.Holder
	}
	return "duty"
}
