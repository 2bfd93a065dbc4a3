package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/obligation"
)

// Outcome is the result of running one scenario.
type Outcome struct {
	Scenario *Scenario
	// Result is the evaluation; nil when Err is set.
	Result *evaluator.Result
	// Failures lists each expectation the evaluation did not meet.
	Failures []Failure
	// Err is an evaluation error, such as an expression failing on an
	// event; the scenario then neither passes nor fails.
	Err error
	// notLoaded marks the Outcome of a file that did not load (NotLoaded).
	notLoaded bool
}

// Passed reports whether the scenario ran and met every expectation.
func (o *Outcome) Passed() bool { return o.Err == nil && len(o.Failures) == 0 }

// Failure is one expectation that the evaluation did not meet.
type Failure struct {
	// Pos is where the expectation is written.
	Pos diag.Position
	// What names what was compared: "8(f) chair-quarterly-report #1",
	// "breaches" or "in force barnet-2017-09".
	What string
	// Rows compare field by field, side by side.
	Rows []Row
	// Note adds context, such as the instances that do exist.
	Note string
}

// Row is one compared field.
type Row struct {
	Field, Expected, Got string
}

// Differs reports whether the row is a mismatch.
func (r Row) Differs() bool { return r.Expected != r.Got }

// String prints the failure over several lines, expected and got side by
// side with the differing fields marked.
func (f Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", f.Pos, f.What)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  \tfield\texpected\tgot")
	for _, r := range f.Rows {
		mark := " "
		if r.Differs() {
			mark = "≠"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", mark, r.Field, r.Expected, r.Got)
	}
	_ = tw.Flush()
	if f.Note != "" {
		fmt.Fprintf(&b, "  %s\n", f.Note)
	}
	return b.String()
}

// Run evaluates the scenario and compares the result with its
// expectations.
func (s *Scenario) Run() *Outcome {
	out := &Outcome{Scenario: s}
	res, err := evaluator.Evaluate(s.Set, s.Events, evaluator.Options{AsOf: s.AsOf})
	if err != nil {
		out.Err = err
		return out
	}
	out.Result = res
	out.Failures = Compare(s.Expect, res)
	return out
}

// compareCount checks an expected count of findings (nil: not asserted)
// against got, naming the findings when they differ.
func compareCount(what string, want *int, pos diag.Position, got []evaluator.Finding, none, some string) (Failure, bool) {
	if want == nil || len(got) == *want {
		return Failure{}, true
	}
	note := none
	if len(got) > 0 {
		names := make([]string, len(got))
		for i := range got {
			names[i] = describe(&got[i])
		}
		note = some + strings.Join(names, "; ")
	}
	return Failure{Pos: pos, What: what, Rows: []Row{{what, strconv.Itoa(*want), strconv.Itoa(len(got))}}, Note: note}, false
}

// Compare checks a result against expectations and returns what differs.
func Compare(x Expect, res *evaluator.Result) []Failure {
	var fails []Failure
	if f, ok := compareCount("breaches", x.Breaches, x.BreachesPos, res.Breaches(), "no breaches", "breaches: "); !ok {
		fails = append(fails, f)
	}
	if f, ok := compareCount("expectations_unmet", x.ExpectationsUnmet, x.ExpectationsUnmetPos, res.UnmetExpectations(),
		"no expectations of others unmet", "expectations of others not met: "); !ok {
		fails = append(fails, f)
	}
	for _, want := range x.InForce {
		for _, d := range res.Directions {
			if d.ID == want.Direction && d.InForce != want.InForce {
				fails = append(fails, Failure{Pos: want.Pos, What: "in force " + d.ID,
					Rows: []Row{{"in_force", strconv.FormatBool(want.InForce), strconv.FormatBool(d.InForce)}}, Note: d.Reason})
			}
		}
	}
	for i := range x.Findings {
		if f, bad := compareFinding(&x.Findings[i], res); bad {
			fails = append(fails, f)
		}
	}
	return fails
}

// Find returns the finding e selects, or nil.
func Find(e *Expected, res *evaluator.Result) *evaluator.Finding {
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Direction != e.Direction || f.Obligation != e.Obligation {
			continue
		}
		if e.Trigger != "" && f.Trigger != nil && f.Trigger.ID == e.Trigger {
			return f
		}
		if e.Trigger == "" && f.Instance == e.Instance {
			return f
		}
	}
	return nil
}

func compareFinding(e *Expected, res *evaluator.Result) (Failure, bool) {
	fail := Failure{Pos: e.Pos, What: e.Name()}
	got := Find(e, res)
	if got == nil {
		if e.Status == Absent {
			return fail, false
		}
		fail.Rows = []Row{{"status", string(e.Status), "absent"}}
		var have []string
		for _, f := range res.Findings {
			if f.Direction == e.Direction && f.Obligation == e.Obligation {
				have = append(have, fmt.Sprintf("#%d %s", f.Instance, f.Status))
			}
		}
		if len(have) == 0 {
			fail.Note = "the evaluation has no instance of " + e.Obligation
		} else {
			fail.Note = "instances of " + e.Obligation + ": " + strings.Join(have, ", ")
		}
		return fail, true
	}
	status := string(got.Status)
	fail.Rows = append(fail.Rows, Row{"status", string(e.Status), status})
	if e.HasDaysLate {
		fail.Rows = append(fail.Rows, Row{"days_late", strconv.Itoa(e.DaysLate), strconv.Itoa(got.DaysLate)})
	}
	if e.Due != "" {
		fail.Rows = append(fail.Rows, Row{"due", e.Due, orNone(got.Due)})
	}
	if e.Role != "" {
		fail.Rows = append(fail.Rows, Row{"role", string(e.Role), string(roleOf(got))})
	}
	if e.Assumed != nil {
		fail.Rows = append(fail.Rows, Row{"assumed", strconv.FormatBool(*e.Assumed), strconv.FormatBool(got.Assumed != "")})
	}
	if e.DischargedBy != "" {
		by := "none"
		if got.DischargedBy != nil {
			by = got.DischargedBy.ID
		}
		fail.Rows = append(fail.Rows, Row{"discharged_by", e.DischargedBy, by})
	}
	if e.Version != "" {
		fail.Rows = append(fail.Rows, Row{"version", e.Version, orDash(got.Version)})
	}
	if e.Attribution != "" {
		fail.Rows = append(fail.Rows, Row{"attribution", e.Attribution, orNone(got.Attribution)})
	}
	if e.OriginalDue != "" {
		fail.Rows = append(fail.Rows, Row{"original_due", e.OriginalDue, orNone(got.OriginalDue)})
	}
	if e.ExtendedTo != "" {
		fail.Rows = append(fail.Rows, Row{"extended_to", e.ExtendedTo, orNone(got.ExtendedTo)})
	}
	for _, x := range []struct {
		key, want string
		got       *evaluator.EventRef
	}{{"extension", e.Extension, got.Extension}, {"waiver", e.Waiver, got.Waiver}} {
		if x.want != "" {
			id := "none"
			if x.got != nil {
				id = x.got.ID
			}
			fail.Rows = append(fail.Rows, Row{x.key, x.want, id})
		}
	}
	if e.HasDaysLateOriginal {
		fail.Rows = append(fail.Rows, Row{"days_late_original", strconv.Itoa(e.DaysLateOriginal), strconv.Itoa(got.DaysLateOriginal)})
	}
	if e.HasCases {
		var have []string
		for _, c := range got.Cases {
			have = append(have, CaseText(c))
		}
		fail.Rows = append(fail.Rows, Row{"cases", orNone(strings.Join(e.Cases, "; ")), orNone(strings.Join(have, "; "))})
	}
	for _, r := range fail.Rows {
		if r.Differs() {
			fail.Note = got.Reason
			return fail, true
		}
	}
	return fail, false
}

// roleOf is a finding's role, an empty one read as a duty.
func roleOf(f *evaluator.Finding) obligation.Role {
	if f.Role == "" {
		return obligation.Duty
	}
	return f.Role
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// describe names a finding in a line: "8(f) chair-quarterly-report #2 missed
// (due 25 Jul 2018)".
func describe(f *evaluator.Finding) string {
	s := fmt.Sprintf("%s %s #%d %s", f.Clause, f.Obligation, f.Instance, f.Status)
	if f.Status == evaluator.Late {
		s += fmt.Sprintf(" %dd", f.DaysLate)
	}
	if f.Due != "" {
		if d, err := civil.Parse(f.Due); err == nil {
			s += " (due " + d.Long() + ")"
		}
	} else if f.Trigger != nil {
		s += " (by " + f.Trigger.ID + ")"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
