package scenario

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/obligation"
)

// Boundary is where a discharging event fell relative to an instance's due
// day.
type Boundary string

// The deadline boundaries coverage looks for.
const (
	DayBefore Boundary = "day before"
	DueDay    Boundary = "due day"
	DayAfter  Boundary = "day after"
)

// Boundaries returns the boundaries in date order.
func Boundaries() []Boundary { return []Boundary{DayBefore, DueDay, DayAfter} }

// Outcomes returns the statuses coverage counts, in report order.
func Outcomes() []evaluator.Status {
	return []evaluator.Status{evaluator.Met, evaluator.Late, evaluator.Missed, evaluator.Open, evaluator.Breached}
}

// Coverage says which clauses and outcomes a set of scenarios exercises.
type Coverage struct {
	Directions []*DirectionCoverage
}

// DirectionCoverage is the coverage of one direction file.
type DirectionCoverage struct {
	ID, File    string
	Obligations []*ObligationCoverage
}

// ObligationCoverage counts, for one obligation, how many scenarios produced
// each outcome and discharged an instance at each boundary.
type ObligationCoverage struct {
	ID, Clause string
	Kind       obligation.Kind
	Outcomes   map[evaluator.Status]int
	Boundaries map[Boundary]int
}

// Applicable returns the outcomes the obligation can have: breached for a
// prohibition, the others for every other kind.
func (c *ObligationCoverage) Applicable() []evaluator.Status {
	if c.Kind == obligation.Prohibition {
		return []evaluator.Status{evaluator.Breached}
	}
	return Outcomes()[:4]
}

// HasDeadlines reports whether the obligation's instances fall due.
func (c *ObligationCoverage) HasDeadlines() bool { return c.Kind != obligation.Prohibition }

// Exercised reports whether any scenario produced a finding of it.
func (c *ObligationCoverage) Exercised() bool {
	for _, n := range c.Outcomes {
		if n > 0 {
			return true
		}
	}
	return false
}

// Untested returns the applicable outcomes and boundaries no scenario
// reached.
func (c *ObligationCoverage) Untested() (outcomes []evaluator.Status, boundaries []Boundary) {
	for _, s := range c.Applicable() {
		if c.Outcomes[s] == 0 {
			outcomes = append(outcomes, s)
		}
	}
	if c.HasDeadlines() {
		for _, b := range Boundaries() {
			if c.Boundaries[b] == 0 {
				boundaries = append(boundaries, b)
			}
		}
	}
	return outcomes, boundaries
}

// NewCoverage computes coverage from run outcomes. A direction is identified
// by its file, so two scenario files naming the same direction add up. An
// outcome counts once per scenario however many instances show it. Also
// lists directions that no scenario names (such as the direction files in
// the folders tested), so that their clauses show as unexercised.
func NewCoverage(outcomes []*Outcome, also ...*direction.Direction) *Coverage {
	cov := &Coverage{}
	byFile := map[string]*DirectionCoverage{}
	add := func(d *direction.Direction) *DirectionCoverage {
		key := fileKey(d.File)
		if dc := byFile[key]; dc != nil {
			return dc
		}
		dc := &DirectionCoverage{ID: d.ID, File: d.File}
		for _, o := range d.Obligations {
			dc.Obligations = append(dc.Obligations, &ObligationCoverage{ID: o.ID, Clause: o.Clause, Kind: o.Kind,
				Outcomes: map[evaluator.Status]int{}, Boundaries: map[Boundary]int{}})
		}
		byFile[key] = dc
		cov.Directions = append(cov.Directions, dc)
		return dc
	}
	defer func() {
		for _, d := range also {
			add(d)
		}
	}()
	for _, out := range outcomes {
		if out.Scenario.Set == nil {
			continue
		}
		type key struct{ dir, obl string }
		seenOutcome := map[key]map[evaluator.Status]bool{}
		seenBoundary := map[key]map[Boundary]bool{}
		for _, d := range out.Scenario.Set.Directions {
			dc := add(d)
			if out.Result == nil {
				continue
			}
			loc := d.Location
			for _, f := range out.Result.Findings {
				if f.Direction != d.ID {
					continue
				}
				k := key{d.File, f.Obligation}
				if seenOutcome[k] == nil {
					seenOutcome[k], seenBoundary[k] = map[evaluator.Status]bool{}, map[Boundary]bool{}
				}
				oc := dc.obligation(f.Obligation)
				if oc == nil {
					continue
				}
				if !seenOutcome[k][f.Status] {
					seenOutcome[k][f.Status] = true
					oc.Outcomes[f.Status]++
				}
				if f.DischargedBy == nil || f.Due == "" {
					continue
				}
				due, err := civil.Parse(f.Due)
				if err != nil {
					continue
				}
				var b Boundary
				switch due.DaysUntil(civil.In(f.DischargedBy.At, loc)) {
				case -1:
					b = DayBefore
				case 0:
					b = DueDay
				case 1:
					b = DayAfter
				default:
					continue
				}
				if !seenBoundary[k][b] {
					seenBoundary[k][b] = true
					oc.Boundaries[b]++
				}
			}
		}
	}
	return cov
}

// fileKey identifies a file however its path was written.
func fileKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}

func (dc *DirectionCoverage) obligation(id string) *ObligationCoverage {
	for _, o := range dc.Obligations {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// WriteText prints the coverage report: a table per direction with the
// number of scenarios reaching each outcome and boundary ("-" none, blank
// not applicable), then the clauses, outcomes and boundaries untested.
func (cov *Coverage) WriteText(w io.Writer) error {
	for i, dc := range cov.Directions {
		if i > 0 {
			fmt.Fprintln(w)
		}
		n := 0
		for _, o := range dc.Obligations {
			if o.Exercised() {
				n++
			}
		}
		if len(dc.Obligations) == 0 {
			fmt.Fprintf(w, "coverage: %s (%s): a revoking instrument, with no obligations to exercise\n", dc.ID, dc.File)
			continue
		}
		fmt.Fprintf(w, "coverage: %s (%s): %d of %d obligations exercised\n", dc.ID, dc.File, n, len(dc.Obligations))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CLAUSE\tOBLIGATION\tMET\tLATE\tMISSED\tOPEN\tBREACHED\tDAY-BEFORE\tDUE-DAY\tDAY-AFTER")
		for _, o := range dc.Obligations {
			fmt.Fprintf(tw, "  %s\t%s", o.Clause, o.ID)
			app := o.Applicable()
			for _, s := range Outcomes() {
				fmt.Fprintf(tw, "\t%s", cell(o.Outcomes[s], contains(app, s)))
			}
			for _, b := range Boundaries() {
				fmt.Fprintf(tw, "\t%s", cell(o.Boundaries[b], o.HasDeadlines()))
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		var unex, gaps []string
		for _, o := range dc.Obligations {
			name := o.Clause + " " + o.ID
			if !o.Exercised() {
				unex = append(unex, name)
				continue
			}
			outs, bounds := o.Untested()
			var parts []string
			for _, s := range outs {
				parts = append(parts, string(s))
			}
			for _, b := range bounds {
				parts = append(parts, string(b))
			}
			if len(parts) > 0 {
				gaps = append(gaps, fmt.Sprintf("%s: %s", name, strings.Join(parts, ", ")))
			}
		}
		if len(unex) == 0 {
			fmt.Fprintln(w, "  every clause is exercised by some scenario")
		} else {
			fmt.Fprintf(w, "  clauses no scenario exercises: %s\n", strings.Join(unex, "; "))
		}
		for _, g := range gaps {
			fmt.Fprintf(w, "  untested: %s\n", g)
		}
	}
	return nil
}

func cell(n int, applicable bool) string {
	switch {
	case !applicable:
		return ""
	case n == 0:
		return "-"
	}
	return fmt.Sprint(n)
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}
