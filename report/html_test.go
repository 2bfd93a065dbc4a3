package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/report"
)

// barnet builds the page for Barnet's first two directions, without the
// third of June 2018: the January direction as if not revoked, whose
// dates are all known to the day (barnetAll has the whole example).
func barnet(t *testing.T) *report.Page {
	return barnetFrom(t, "../examples/barnet/direction-2017-09.yaml", "../examples/barnet/direction-2018-01.yaml", "../examples/barnet/history.yaml")
}

func barnetAll(t *testing.T) *report.Page { return barnetFrom(t, "../examples/barnet") }

func barnetFrom(t *testing.T, paths ...string) *report.Page {
	ws, err := workspace.Load(paths, direction.Options{})
	require.NoError(t, err)
	set, err := ws.Set()
	require.NoError(t, err)
	res, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: evaluator.EndOfDay(2018, 9, 30, ws.Location)})
	require.NoError(t, err)
	return report.BuildPage([]report.Council{{Name: "barnet", Set: set, Inputs: ws.Inputs(), Result: res}})
}

// The markers of Barnet's 8(f) (due 25 Apr, 25 Jul, 25 Oct 2018) sit in
// date order on one lane, and the as-of line (30 Sep) falls between the
// second and the third.
func TestLayout(t *testing.T) {
	p := barnet(t)
	require.Len(t, p.Councils, 1)
	assert.Equal(t, "London Borough of Barnet", p.Councils[0].FullName)
	require.Len(t, p.Councils[0].Directions, 2)
	ch := p.Councils[0].Directions[1].Chart
	var xs, ys []float64
	for _, m := range ch.Markers {
		if strings.HasPrefix(m.ID, "m-barnet-2018-01-chair-quarterly-report-") {
			xs, ys = append(xs, m.X), append(ys, m.Y)
		}
	}
	require.Len(t, xs, 3)
	assert.Less(t, xs[0], xs[1])
	assert.Equal(t, ys[0], ys[2], "one lane per obligation")
	var asOf float64
	for _, l := range ch.Lines {
		if l.Class == "asof" {
			asOf = l.X
		}
	}
	assert.Greater(t, asOf, xs[1])
	assert.Less(t, asOf, xs[2])
	for _, m := range ch.Markers {
		assert.GreaterOrEqual(t, m.X, ch.Left, m.ID)
		assert.LessOrEqual(t, m.X, ch.Right, m.ID)
	}
	// 25 Jul to 25 Oct is 92 days, 25 Apr to 25 Jul 91: the gaps differ
	// by the same ratio on the chart.
	assert.InDelta(t, 92.0/91.0, (xs[2]-xs[1])/(xs[1]-xs[0]), 0.001)
}

func TestRenderEscapes(t *testing.T) {
	p := barnet(t)
	p.Councils[0].Name = `<script>alert(1)</script>`
	var b bytes.Buffer
	require.NoError(t, report.Render(&b, p))
	assert.NotContains(t, b.String(), "<script>alert(1)")
	assert.Contains(t, b.String(), "&lt;script&gt;")
}

// As of a day before the first direction, the span still runs forwards and
// the as-of line sits left of the direction's start.
func TestLayoutAsOfBeforeDirection(t *testing.T) {
	ws, err := workspace.Load([]string{"../examples/barnet"}, direction.Options{})
	require.NoError(t, err)
	set, err := ws.Set()
	require.NoError(t, err)
	res, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: evaluator.EndOfDay(2017, 1, 1, ws.Location)})
	require.NoError(t, err)
	p := report.BuildPage([]report.Council{{Name: "barnet", Set: set, Inputs: ws.Inputs(), Result: res}})
	ch := p.Councils[0].Directions[0].Chart
	x := map[string]float64{}
	for _, l := range ch.Lines {
		x[l.Class] = l.X
	}
	assert.GreaterOrEqual(t, x["asof"], ch.Left)
	assert.Less(t, x["asof"], x["start"])
	assert.LessOrEqual(t, x["end"], ch.Right)
}

// A revoking instrument is drawn as a note, without a timeline; a direction
// that records its own revocation names the instrument in words; a varied
// obligation is noted on its direction.
func TestRevokingInstrumentsAndVariations(t *testing.T) {
	const s = "../examples/barnet/scenarios/supposed/"
	ws, err := workspace.Load([]string{"../examples/barnet/direction-2018-01.yaml", "../examples/barnet/history.yaml",
		s + "revokes-8f-2018-05.yaml", s + "replaces-8f-2018-08.yaml"}, direction.Options{})
	require.NoError(t, err)
	set, err := ws.Set()
	require.NoError(t, err)
	res, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: evaluator.EndOfDay(2018, 12, 31, ws.Location)})
	require.NoError(t, err)
	p := report.BuildPage([]report.Council{{Name: "barnet", Set: set, Inputs: ws.Inputs(), Result: res}})
	views := map[string]report.DirectionView{}
	for _, d := range p.Councils[0].Directions {
		views[d.ID] = d
	}
	revoking := views["barnet-supposed-2018-05"]
	assert.True(t, revoking.RevokesOnly)
	assert.Empty(t, revoking.Chart.Markers)
	assert.Contains(t, revoking.Notes, "Revokes clause 8(f) of barnet-2018-01 (chair-quarterly-report).")
	assert.Contains(t, views["barnet-supposed-2018-08"].InForce, "revoked by a supposed direction of 16 November 2018 (not modelled) on 16 Nov 2018")
	// 8(f) is revoked from 14 May 2018 (the earlier of the two variations).
	assert.Contains(t, views["barnet-2018-01"].Notes, "Varied: clause 8(f) (chair-quarterly-report) revoked by barnet-supposed-2018-05, issued 14 May 2018: no instance falls due from 14 May 2018; what fell due before stays due.")

	var b bytes.Buffer
	require.NoError(t, report.Render(&b, p))
	html := b.String()
	start := strings.Index(html, `id="direction-barnet-supposed-2018-05"`)
	require.Positive(t, start)
	end := strings.Index(html[start:], "</section>")
	section := html[start : start+end]
	assert.NotContains(t, section, "<svg", "no timeline for an instrument that only revokes")
	assert.Contains(t, section, "A revoking instrument: it imposes no obligations of its own.")
	assert.Contains(t, html, "[under the text of barnet-2018-01]")
}

// An extended instance is drawn at its extended deadline with dots back to
// the original due date, and says what was granted; a waived one is a
// square. Hand-worked in examples/barnet/scenarios/extensions.yaml: 8(f)
// #1 due 25 Apr 2018 extended on 2 May by 3 weeks to 16 May; #2 waived.
func TestExtendedAndWaived(t *testing.T) {
	dir := "../cmd/directions/testdata/extensions/"
	for _, tc := range []struct{ history, status, grant string }{
		{"after.yaml", "met", "extended from 25 Apr 2018 by ext-q1 (2 May 2018)"},
		{"waiver.yaml", "waived", "waived by waive-q2 (10 Aug 2018)"},
	} {
		ws, err := workspace.Load([]string{"../examples/barnet/direction-2018-01.yaml", dir + tc.history}, direction.Options{})
		require.NoError(t, err)
		set, err := ws.Set()
		require.NoError(t, err)
		res, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: evaluator.EndOfDay(2018, 9, 30, ws.Location)})
		require.NoError(t, err)
		p := report.BuildPage([]report.Council{{Name: "barnet", Set: set, Inputs: ws.Inputs(), Result: res}})
		var html bytes.Buffer
		require.NoError(t, report.Render(&html, p))
		found := false
		for _, r := range p.Councils[0].Directions[0].Rows {
			if r.Grant != "" {
				found = true
				assert.Equal(t, tc.status, r.Status)
				assert.Equal(t, tc.grant, r.Grant)
			}
		}
		assert.True(t, found, tc.history)
		for _, m := range p.Councils[0].Directions[0].Chart.Markers {
			if m.HasExt {
				assert.Less(t, m.OrigX, m.X, "the original due date is left of the extended one")
			}
		}
		assert.Contains(t, html.String(), tc.grant)
	}
}

// With the third direction, issued on a day in June 2018 that is not
// known, the January direction's 8(d) instance for the board meeting of
// 20 Jun 2018 exists only if it was still in force that day (the third
// issued 21-30 June): a possible marker, drawn apart from the others, and
// counted apart.
func TestUncertainMarkers(t *testing.T) {
	p := barnetAll(t)
	require.Len(t, p.Councils[0].Directions, 3)
	var found bool
	for _, m := range p.Councils[0].Directions[1].Chart.Markers {
		if m.ID == "m-barnet-2018-01-dcs-progress-report-3" {
			found = true
			assert.Equal(t, "possible", m.Status)
		}
	}
	assert.True(t, found, "the possible 8(d) marker")
	// Possible: the January 8(d) for 20 Jun; the third direction's 8(d)
	// for 20 Jun, 8(e) for Essex's request of 25 Jun, and the second 8(f),
	// Annex A 2(a) and Annex A 3 instances due on a day in December.
	assert.Equal(t, 6, p.Total.Possible)
	var b bytes.Buffer
	require.NoError(t, report.Render(&b, p))
	assert.Contains(t, b.String(), `class="marker possible"`)
	assert.Contains(t, b.String(), "6 possible")
}

// Council.Name may be empty for a single council: the page then names the
// section after the directed council (the directions' council party), and
// gives each unnamed council a section id of its own.
func TestWriteHTMLUnnamedCouncils(t *testing.T) {
	ws, err := workspace.Load([]string{"../examples/barnet"}, direction.Options{})
	require.NoError(t, err)
	set, err := ws.Set()
	require.NoError(t, err)
	res, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: evaluator.EndOfDay(2018, 9, 30, ws.Location)})
	require.NoError(t, err)
	c := report.Council{Set: set, Inputs: ws.Inputs(), Result: res}

	var one bytes.Buffer
	require.NoError(t, report.WriteHTML(&one, []report.Council{c}))
	page := one.String()
	assert.False(t, strings.Contains(page, `id="council-"`), "an empty section id")
	assert.True(t, strings.Contains(page, `<section class="council" id="council-barnet">`))
	assert.True(t, strings.Contains(page, `<h2>barnet <span class="muted">&middot; London Borough of Barnet</span></h2>`))

	var two bytes.Buffer
	require.NoError(t, report.WriteHTML(&two, []report.Council{c, c}))
	assert.Equal(t, 1, strings.Count(two.String(), `id="council-barnet"`))
	assert.Equal(t, 1, strings.Count(two.String(), `id="council-barnet-2"`))
}
