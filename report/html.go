package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/obligation"
)

// htmlPage is what the template renders.
type htmlPage struct {
	Title    string
	AsOf     string
	Engine   string
	Councils []htmlCouncil
	Total    htmlCounts
}

// htmlCounts counts findings by status, and apart: Breaches (the council's
// duties late, missed or breached) and ExpectationsUnmet (other parties'
// expectations not met, never breaches).
type htmlCounts struct {
	Findings, Met, Late, Missed, Open, Breached, Waived int
	Breaches, ExpectationsUnmet                         int
	// Indeterminate and Possible count findings that depend on a date
	// known only to a range.
	Indeterminate, Possible int
}

// htmlCouncil is one council's section.
type htmlCouncil struct {
	// Name heads the section: Council.Name, or the directed council's
	// party id when that is empty. ID is the section's id, unique on
	// the page.
	Name, ID   string
	FullName   string // the directed council's name, from its direction
	Directions []htmlDirection
	Findings   []htmlRow
	Inputs     []Input
	Counts     htmlCounts
	// Assumed lists, once per obligation, the due dates that rest on a
	// modelling assumption, as footnotes to the starred dates.
	Assumed []string
}

// htmlDirection is one direction's timeline.
type htmlDirection struct {
	ID, Title, File, InForce string
	// Notes say what the direction revokes and which of its obligations
	// a later direction varied; RevokesOnly marks a revoking instrument,
	// drawn without a timeline.
	Notes       []string
	RevokesOnly bool
	Chart       htmlChart
	Rows        []htmlRow
}

// htmlChart is the SVG geometry of a timeline, in user units.
type htmlChart struct {
	Width, Height    float64
	Left, Right, Top float64
	AxisY            float64
	Ticks            []htmlTick
	Lines            []htmlLine
	Lanes            []htmlLane
	Markers          []htmlMarker
	Desc             string
}

// htmlTick is a month mark on the axis.
type htmlTick struct {
	X     float64
	Label string
}

// htmlLine is a vertical line across the lanes: the start, the end or the
// as-of date.
type htmlLine struct {
	X           float64
	Class       string
	Label       string
	LabelAnchor string
}

// htmlLane is one obligation's row.
type htmlLane struct {
	Y      float64
	Label  string
	Detail string
}

// htmlMarker is one instance.
type htmlMarker struct {
	X, Y    float64
	Status  string
	Title   string
	Path    string // the shape, drawn around (0,0)
	LateX   float64
	HasLate bool
	// OrigX is the original due date of an extended instance: dots run
	// from there to the extended deadline at X.
	OrigX  float64
	HasExt bool
	ID     string
	// Expectation marks another party's expectation (drawn paler).
	Expectation bool
}

// htmlRow is one finding in a table.
type htmlRow struct {
	Direction, Clause, Obligation string
	Instance                      int
	Status                        string
	Due                           string
	Event                         string
	DaysLate                      int
	Reason                        string
	MarkerID                      string
	Version                       string
	// Whose is "duty" or "expectation of HOLDER"; Assumed the assumption
	// the due date rests on, if any.
	Whose, Assumed string
	Expectation    bool
	// Grant says what an extension or waiver granted, or "".
	Grant string
}

//go:embed report.html.tmpl
var pageTemplate string

// tmpl is parsed on first use rather than at start-up, which every command
// paid (about a twentieth of `directions --version`) and only report uses.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"f":   func(x float64) string { return fmt.Sprintf("%.1f", x) },
		"add": func(a, b float64) float64 { return a + b },
		"sub": func(a, b float64) float64 { return a - b },
		"odd": func(i int) bool { return i%2 == 1 },
		// vlabelOffset staggers the labels of the vertical lines so that
		// lines close together do not print over each other.
		"vlabelOffset": func(i int) float64 { return float64(4 + 12*(i%3)) },
		"nudge": func(x float64, anchor string) float64 {
			if anchor == "end" {
				return x - 4
			}
			return x + 4
		},
	}).Parse(pageTemplate))
})

// WriteHTML writes councils, evaluated as of the same time, as one
// self-contained HTML page, as `directions report` does: per direction a
// timeline (one row per obligation, one marker per instance at its due
// date, coloured and shaped by status, with the direction's start and end
// and the as-of date as lines), a list of the instances beside it, and the
// findings table. The page needs nothing from the network: its CSS is
// inline and the timelines are inline SVG; each marker's SVG <title> gives
// the clause, the due date, the discharging event and the days late, which
// browsers show on hover; print styles lay it out on A4. It returns the
// first council's Err, if any, and writes nothing then.
func WriteHTML(w io.Writer, councils []Council) error {
	for _, c := range councils {
		if err := c.failed(); err != nil {
			return err
		}
	}
	return render(w, buildPage(councils))
}

// render writes the page.
func render(w io.Writer, p *htmlPage) error { return tmpl().Execute(w, p) }

const (
	chartWidth = 960.0
	labelWidth = 190.0
	rightPad   = 24.0
	laneHeight = 30.0
	topPad     = 46.0
	axisHeight = 30.0
)

// buildPage lays out the page for councils evaluated as of the same time.
func buildPage(councils []Council) *htmlPage {
	p := &htmlPage{Title: "Statutory directions: timeline report", Engine: evaluator.Version}
	ids := map[string]bool{}
	for _, c := range councils {
		loc := words.Zone(c.Set)
		if p.AsOf == "" {
			p.AsOf = c.Result.AsOf.In(loc).Format("15:04 MST, 2 January 2006")
		}
		cv := htmlCouncil{Name: c.Name, Inputs: c.Inputs}
		if ds := directionsOf(c.Set); cv.Name == "" && len(ds) > 0 {
			cv.Name = ds[0].Council
		}
		cv.ID = uniqueID(ids, "council-"+cmp.Or(cv.Name, "unnamed"))
		for _, d := range directionsOf(c.Set) {
			if p := d.Party(d.Council); p != nil && p.Name != "" {
				cv.FullName = p.Name
			}
		}
		for _, d := range c.Result.Directions {
			cv.Directions = append(cv.Directions, buildDirection(d, c.Result, loc))
		}
		noted := map[string]bool{}
		for _, f := range c.Result.Findings {
			if k := f.Direction + "/" + f.Obligation; f.Assumed != "" && !noted[k] {
				noted[k] = true
				cv.Assumed = append(cv.Assumed, fmt.Sprintf("%s %s (%s): %s", f.Clause, f.Obligation, f.Direction, f.Assumed))
			}
			cv.Findings = append(cv.Findings, row(f, loc))
			count(&cv.Counts, f)
			count(&p.Total, f)
		}
		p.Councils = append(p.Councils, cv)
	}
	if len(p.Councils) == 1 && p.Councils[0].FullName != "" {
		p.Title = "Statutory directions to " + p.Councils[0].FullName + ": timeline report"
	}
	return p
}

func count(c *htmlCounts, f evaluator.Finding) {
	c.Findings++
	switch {
	case f.IsBreach():
		c.Breaches++
	case f.IsUnmetExpectation():
		c.ExpectationsUnmet++
	}
	switch f.Status {
	case evaluator.Met:
		c.Met++
	case evaluator.Late:
		c.Late++
	case evaluator.Missed:
		c.Missed++
	case evaluator.Open:
		c.Open++
	case evaluator.Breached:
		c.Breached++
	case evaluator.Waived:
		c.Waived++
	case evaluator.Indeterminate:
		c.Indeterminate++
	case evaluator.Possible:
		c.Possible++
	}
}

func markerID(f evaluator.Finding) string {
	return fmt.Sprintf("m-%s-%s-%d", f.Direction, f.Obligation, f.Instance)
}

func row(f evaluator.Finding, loc *time.Location) htmlRow {
	r := htmlRow{Direction: f.Direction, Clause: f.Clause, Obligation: f.Obligation, Instance: f.Instance, Status: string(f.Status),
		Reason: f.Reason, DaysLate: f.DaysLate, MarkerID: markerID(f), Version: f.Version, Whose: "duty", Assumed: f.Assumed,
		Expectation: f.Role == obligation.Expectation}
	if r.Expectation {
		r.Whose = "expectation of " + f.Holder
	}
	if f.Due != "" {
		due := civil.Range{First: civil.In(f.DueAt, loc), Last: civil.In(f.DueAt, loc)}
		if last, err := civil.Parse(f.DueLatest); err == nil {
			due.Last = last
		}
		r.Due = due.Long()
	}
	switch {
	case f.DischargedBy != nil:
		r.Event = f.DischargedBy.ID + " (" + civil.In(f.DischargedBy.At, loc).Long() + ")"
	case f.Trigger != nil && f.Status == evaluator.Breached:
		r.Event = f.Trigger.ID + " (" + civil.In(f.Trigger.At, loc).Long() + ")"
	}
	r.Grant = grantText(f, loc)
	return r
}

// grantText says in a line what was granted for f: "extended from 25 Apr
// 2018 by ext-q1 (20 Apr 2018)", "waived by waive-q2 (10 Aug 2018)".
func grantText(f evaluator.Finding, loc *time.Location) string {
	var parts []string
	if f.Extension != nil {
		orig, _ := civil.Parse(f.OriginalDue)
		parts = append(parts, fmt.Sprintf("extended from %s by %s (%s)", orig.Long(), f.Extension.ID, civil.In(f.Extension.At, loc).Long()))
	}
	if f.Waiver != nil {
		parts = append(parts, fmt.Sprintf("waived by %s (%s)", f.Waiver.ID, civil.In(f.Waiver.At, loc).Long()))
	}
	return strings.Join(parts, "; ")
}

// markerTime is where an instance sits on the timeline: its due date, or
// for a breach the breaching event.
func markerTime(f evaluator.Finding) time.Time {
	if f.Status == evaluator.Breached && f.Trigger != nil {
		return f.Trigger.At
	}
	return f.DueAt
}

func buildDirection(d evaluator.DirectionStatus, res *evaluator.Result, loc *time.Location) htmlDirection {
	dv := htmlDirection{ID: d.ID, Title: d.Title, File: d.File}
	dv.InForce = d.Period(loc) + " (" + d.Reason + ")"
	for _, r := range d.Revokes {
		dv.Notes = append(dv.Notes, "Revokes "+r+".")
	}
	for _, v := range d.Varied {
		dv.Notes = append(dv.Notes, "Varied: "+v+".")
	}
	if dv.RevokesOnly = d.RevokesOnly; dv.RevokesOnly {
		dv.Notes = append(dv.Notes, "A revoking instrument: it imposes no obligations of its own.")
		return dv
	}

	var findings []evaluator.Finding
	for _, f := range res.Findings {
		if f.Direction == d.ID {
			findings = append(findings, f)
		}
	}
	// The span: from the start of the direction to the latest of the as-of
	// date, its end and its last marker, whole months.
	from, to := civil.In(d.From, loc), civil.In(res.AsOf, loc)
	if to.Before(from) { // as of a day before the direction
		from, to = to, from
	}
	if !d.Until.IsZero() && civil.In(d.Until, loc).After(to) {
		to = civil.In(d.Until, loc)
	}
	for _, f := range findings {
		if t := civil.In(markerTime(f), loc); t.After(to) {
			to = t
		}
		if f.DischargedBy != nil {
			if t := civil.In(f.DischargedBy.At, loc); t.After(to) {
				to = t
			}
		}
	}
	start := civil.New(from.Year, from.Month, 1)
	end := civil.New(to.Year, to.Month, 1).AddMonths(1)
	days := float64(start.DaysUntil(end))
	ch := htmlChart{Width: chartWidth, Left: labelWidth, Right: chartWidth - rightPad, Top: topPad}
	x := func(t time.Time) float64 {
		return ch.Left + (ch.Right-ch.Left)*float64(start.DaysUntil(civil.In(t, loc)))/days
	}

	// Lanes in the direction's order of obligations, one per obligation
	// that has instances, keyed by id.
	lane := map[string]int{}
	for _, f := range findings {
		if _, ok := lane[f.Obligation]; !ok {
			lane[f.Obligation] = len(ch.Lanes)
			detail := f.Obligation
			if f.Role == obligation.Expectation {
				detail += " (expectation of " + f.Holder + ")"
			}
			ch.Lanes = append(ch.Lanes, htmlLane{Y: ch.Top + laneHeight*(float64(len(ch.Lanes))+0.5), Label: f.Clause, Detail: detail})
		}
	}
	lanesBottom := ch.Top + laneHeight*float64(max(len(ch.Lanes), 1))
	ch.AxisY = lanesBottom + 6
	ch.Height = ch.AxisY + axisHeight

	months := start.DaysUntil(end) / 30
	step := 1
	switch {
	case months > 36:
		step = 6
	case months > 18:
		step = 3
	case months > 12:
		step = 2
	}
	for m := start; m.Before(end) || m == end; m = m.AddMonths(step) {
		label := m.Start(loc).Format("Jan")
		if m.Month == time.January || m == start {
			label = m.Start(loc).Format("Jan 2006")
		}
		ch.Ticks = append(ch.Ticks, htmlTick{X: x(m.Start(loc)), Label: label})
	}
	ch.Lines = append(ch.Lines, htmlLine{X: x(d.From), Class: "start", Label: "start " + civil.In(d.From, loc).Long(), LabelAnchor: "start"})
	if !d.Until.IsZero() {
		ch.Lines = append(ch.Lines, htmlLine{X: x(d.Until), Class: "end", Label: "ended " + civil.In(d.Until, loc).AddDays(-1).Long(), LabelAnchor: "end"})
	}
	ch.Lines = append(ch.Lines, htmlLine{X: x(res.AsOf), Class: "asof", Label: "as of " + civil.In(res.AsOf, loc).Long(), LabelAnchor: "end"})

	for _, f := range findings {
		m := htmlMarker{X: x(markerTime(f)), Y: ch.Lanes[lane[f.Obligation]].Y, Status: string(f.Status), Path: shapes[f.Status], ID: markerID(f),
			Expectation: f.Role == obligation.Expectation}
		if f.Status == evaluator.Late && f.DischargedBy != nil {
			m.HasLate, m.LateX = true, x(f.DischargedBy.At)
		}
		if f.OriginalDue != "" {
			if orig, err := civil.Parse(f.OriginalDue); err == nil {
				m.HasExt, m.OrigX = true, x(orig.End(loc))
			}
		}
		m.Title = tooltip(f, loc)
		ch.Markers = append(ch.Markers, m)
		dv.Rows = append(dv.Rows, row(f, loc))
	}
	ch.Desc = fmt.Sprintf("Timeline of %s from %s to %s: %d obligations, %d instances.", d.ID, start.Long(), end.Long(), len(ch.Lanes), len(findings))
	dv.Chart = ch
	return dv
}

// shapes tell statuses apart without colour: a disc for met, a triangle
// for late, a cross for missed, a ring for open, a diamond for a breach,
// a square for a waived instance, a question mark's hollow square for
// indeterminate and a dashed ring for possible (the dashes are in the
// style sheet).
var shapes = map[evaluator.Status]string{
	evaluator.Met:      "M -6 0 A 6 6 0 1 0 6 0 A 6 6 0 1 0 -6 0 Z",
	evaluator.Late:     "M 0 -7 L 7 6 L -7 6 Z",
	evaluator.Missed:   "M -6 -4 L -4 -6 L 0 -2 L 4 -6 L 6 -4 L 2 0 L 6 4 L 4 6 L 0 2 L -4 6 L -6 4 L -2 0 Z",
	evaluator.Open:     "M -6 0 A 6 6 0 1 0 6 0 A 6 6 0 1 0 -6 0 Z",
	evaluator.Breached: "M 0 -7 L 7 0 L 0 7 L -7 0 Z",
	evaluator.Waived:   "M -5 -5 L 5 -5 L 5 5 L -5 5 Z",
	// A square with a question mark cut in it.
	evaluator.Indeterminate: "M -6 -6 L 6 -6 L 6 6 L -6 6 Z M -2.5 -2 C -2.5 -5 2.5 -5 2.5 -2 C 2.5 0 0 0 0 1.5 M 0 3.5 L 0 4.5",
	evaluator.Possible:      "M -6 0 A 6 6 0 1 0 6 0 A 6 6 0 1 0 -6 0 Z",
}

func tooltip(f evaluator.Finding, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Clause %s, %s #%d: %s", f.Clause, f.Obligation, f.Instance, strings.ToUpper(string(f.Status)))
	if f.Role == obligation.Expectation {
		fmt.Fprintf(&b, "\nExpectation of %s, not a duty of the council: never a breach of the direction", f.Holder)
	}
	if f.Due != "" {
		due := civil.Range{First: civil.In(f.DueAt, loc), Last: civil.In(f.DueAt, loc)}
		if last, err := civil.Parse(f.DueLatest); err == nil {
			due.Last = last
		}
		fmt.Fprintf(&b, "\nDue %s", due.Long())
		if f.Assumed != "" {
			fmt.Fprintf(&b, " (assumed, not in the text: %s)", f.Assumed)
		}
	}
	if f.DischargedBy != nil {
		fmt.Fprintf(&b, "\nDischarged by %s on %s", f.DischargedBy.ID, civil.In(f.DischargedBy.At, loc).Long())
	}
	if f.Status == evaluator.Late {
		fmt.Fprintf(&b, "\n%d day%s late", f.DaysLate, map[bool]string{true: "", false: "s"}[f.DaysLate == 1])
	}
	if g := grantText(f, loc); g != "" {
		fmt.Fprintf(&b, "\n%s", strings.ToUpper(g[:1])+g[1:])
	}
	if f.Kind == obligation.Prohibition && f.Trigger != nil {
		fmt.Fprintf(&b, "\nBreached by %s on %s", f.Trigger.ID, civil.In(f.Trigger.At, loc).Long())
	}
	fmt.Fprintf(&b, "\n%s", f.Reason)
	if f.Version != "" {
		fmt.Fprintf(&b, "\nUnder the text of %s", f.Version)
	}
	return b.String()
}

// directionsOf is set's directions, none for a nil set.
// uniqueID returns id, or id-2, id-3, ... if it is taken, and takes it.
func uniqueID(taken map[string]bool, id string) string {
	for n, try := 2, id; ; n++ {
		if !taken[try] {
			taken[try] = true
			return try
		}
		try = id + "-" + strconv.Itoa(n)
	}
}

func directionsOf(set *direction.Set) []*direction.Direction {
	if set == nil {
		return nil
	}
	return set.Directions
}
