package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goldenfile "github.com/dfe-tools/directions/internal/golden"
	"github.com/dfe-tools/directions/internal/headless"
)

// probe is appended to a copy of the page under test: it measures, in the
// laid-out page, what a reader would see, and writes it into the DOM for
// --dump-dom to carry out.
const probe = `<script>
(function () {
  function shown(el) {
    var r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none" && parseFloat(cs.opacity) > 0;
  }
  // A vertical line has no width: it shows when it has height and a stroke.
  function lineShown(el) {
    var r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none" && cs.stroke !== "none" && parseFloat(cs.strokeWidth) > 0;
  }
  var out = {charts: 0, markers: [], asof: 0, starts: 0, ends: 0, titles: 0, resources: []};
  document.querySelectorAll("svg.chart").forEach(function (svg) {
    if (!shown(svg)) return;
    out.charts++;
    var box = svg.getBoundingClientRect();
    svg.querySelectorAll(".marker").forEach(function (m) {
      var r = m.querySelector("path").getBoundingClientRect();
      var inside = r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      out.markers.push({id: m.id, status: m.dataset.status, shown: shown(m.querySelector("path")) && inside,
        fill: getComputedStyle(m.querySelector("path")).fill, stroke: getComputedStyle(m.querySelector("path")).stroke});
      if (m.querySelector("title") && m.querySelector("title").textContent.length > 0) out.titles++;
    });
    svg.querySelectorAll(".vline.asof").forEach(function (l) { if (lineShown(l)) out.asof++; });
    svg.querySelectorAll(".vline.start").forEach(function (l) { if (lineShown(l)) out.starts++; });
    svg.querySelectorAll(".vline.end").forEach(function (l) { if (lineShown(l)) out.ends++; });
  });
  out.findingsRows = document.querySelectorAll("table.findings tbody tr").length;
  // Instance lists must show every instance, not clip them in a scroll box.
  out.clippedLists = 0;
  document.querySelectorAll(".instances").forEach(function (ul) { if (ul.scrollHeight > ul.clientHeight + 1) out.clippedLists++; });
  // The page must not run off a narrow screen (wide tables scroll inside
  // their own box), nor the summary tables.
  out.pageOverflow = document.documentElement.scrollWidth - window.innerWidth;
  out.summaryOverflow = 0;
  document.querySelectorAll("table.summary").forEach(function (t) { out.summaryOverflow = Math.max(out.summaryOverflow, t.getBoundingClientRect().right - window.innerWidth); });
  // WCAG 2.1 contrast of the as-of line against the page.
  function lum(rgb) {
    return rgb.match(/\d+/g).slice(0, 3).map(Number).map(function (c) { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); })
      .reduce(function (s, c, i) { return s + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  var asof = document.querySelector(".vline.asof");
  if (asof) out.asofContrast = (1.05) / (lum(getComputedStyle(asof).stroke) + 0.05);
  performance.getEntriesByType("resource").forEach(function (e) { out.resources.push(e.name); });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`

type probeResult struct {
	Charts  int `json:"charts"`
	Markers []struct {
		ID, Status, Fill, Stroke string
		Shown                    bool
	} `json:"markers"`
	AsOf            int      `json:"asof"`
	Starts          int      `json:"starts"`
	Ends            int      `json:"ends"`
	Titles          int      `json:"titles"`
	FindingsRows    int      `json:"findingsRows"`
	Resources       []string `json:"resources"`
	ClippedLists    int      `json:"clippedLists"`
	PageOverflow    float64  `json:"pageOverflow"`
	SummaryOverflow float64  `json:"summaryOverflow"`
	AsOfContrast    float64  `json:"asofContrast"`
}

// runProbe lays the page out at a window width and returns what the probe
// measured.
func runProbe(t *testing.T, bin, dir, page string, width int) probeResult {
	t.Helper()
	probed := filepath.Join(dir, fmt.Sprintf("probed-%d.html", width))
	require.NoError(t, os.WriteFile(probed, []byte(strings.Replace(page, "</body>", probe+"</body>", 1)), 0o644))
	dom, _ := headless.Run(t, bin, "file://"+probed, fmt.Sprintf("--window-size=%d,1500", width), "--dump-dom")
	m := regexp.MustCompile(`<pre id="probe">([^<]*)</pre>`).FindStringSubmatch(dom)
	require.NotNil(t, m, "the probe ran")
	var p probeResult
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(m[1], "&quot;", `"`)), &p))
	return p
}

func TestReportInBrowser(t *testing.T) {
	bin := headless.Browser(t, "the HTML report")
	// The first two Barnet directions (barnetJan): their dates are known to
	// the day, so the mechanics checked here are unchanged by the third.
	out, errs, code := runCLI(append([]string{"report", "--format", "html", "--as-of", "2018-09-30"}, barnetJan...)...)
	require.Equal(t, exitOK, code, errs)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(page, []byte(out), 0o644))

	t.Run("self-contained", func(t *testing.T) {
		// Nothing that could make a browser fetch: no src, href, url() or
		// @import anywhere in the page.
		assert.NotRegexp(t, regexp.MustCompile(`(?i)\s(src|href)\s*=|url\(|@import`), out)
	})

	t.Run("no console errors", func(t *testing.T) {
		_, stderr := headless.Run(t, bin, "file://"+page, "--dump-dom")
		assert.Empty(t, headless.ConsoleLines(stderr), "the page logged to the console")
	})

	t.Run("the console check can fail", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.html")
		require.NoError(t, os.WriteFile(bad, []byte(`<p>x</p><script>console.error("broken")</script>`), 0o644))
		_, stderr := headless.Run(t, bin, "file://"+bad, "--dump-dom")
		assert.Len(t, headless.ConsoleLines(stderr), 1)
	})

	t.Run("timeline and markers visible", func(t *testing.T) {
		probed := filepath.Join(dir, "probed.html")
		require.NoError(t, os.WriteFile(probed, []byte(strings.Replace(out, "</body>", probe+"</body>", 1)), 0o644))
		dom, _ := headless.Run(t, bin, "file://"+probed, "--window-size=1400,1500", "--dump-dom")
		m := regexp.MustCompile(`<pre id="probe">([^<]*)</pre>`).FindStringSubmatch(dom)
		require.NotNil(t, m, "the probe ran")
		var p probeResult
		require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(m[1], "&quot;", `"`)), &p))
		// Barnet's first two directions as of 30 Sep 2018: two directions, so two timelines; the
		// first revoked (an end line); 19 instances (1 under the first
		// direction, 18 under the second: 8(b) 1, 8(d) 4, 8(e) 1 + Essex's
		// reviews 2, 8(f) 3, Annex A 2(a) 3, Annex A 3 3, Annex B 3 1),
		// 16 met and 3 open (8(f), Annex A 3 and Essex's review, all due
		// after 30 Sep 2018).
		assert.Equal(t, 2, p.Charts, "one visible timeline per direction")
		assert.Equal(t, 2, p.AsOf, "the as-of line on each timeline")
		assert.Equal(t, 2, p.Starts)
		assert.Equal(t, 1, p.Ends, "only the revoked direction of Sep 2017 has an end")
		assert.Len(t, p.Markers, 19)
		assert.Equal(t, 19, p.Titles, "every marker has a hover title")
		assert.Equal(t, 19, p.FindingsRows)
		byStatus := map[string]int{}
		for _, mk := range p.Markers {
			assert.True(t, mk.Shown, "marker %s is visible inside its chart", mk.ID)
			byStatus[mk.Status]++
			switch mk.Status {
			case "met":
				assert.Equal(t, "rgb(26, 127, 55)", mk.Fill, mk.ID)
			case "open":
				assert.Equal(t, "rgb(255, 255, 255)", mk.Fill, mk.ID)
				assert.Equal(t, "rgb(9, 105, 218)", mk.Stroke, mk.ID)
			}
		}
		assert.Equal(t, map[string]int{"met": 16, "open": 3}, byStatus)
		assert.Empty(t, p.Resources, "the page loaded nothing")
		assert.Zero(t, p.ClippedLists, "every instance list shows all its instances")
		assert.GreaterOrEqual(t, p.AsOfContrast, 3.0, "the as-of line has 3:1 contrast with the page (WCAG 1.4.11)")
	})

	t.Run("phone width", func(t *testing.T) {
		p := runProbe(t, bin, dir, out, 390)
		assert.LessOrEqual(t, p.PageOverflow, 0.0, "the page fits 390 px; wide tables scroll in their own box")
		assert.LessOrEqual(t, p.SummaryOverflow, 0.0, "the summary wraps at 390 px")
		assert.Zero(t, p.ClippedLists)
	})

	t.Run("screenshot", func(t *testing.T) {
		if !goldenfile.Updating() {
			t.Skip("run with -update to rewrite docs/barnet-report.png")
		}
		// From the repository's root, so that the page shows the paths a
		// reader would type.
		t.Chdir("../..")
		out, errs, code := runCLI("report", "--as-of", "2018-09-30", "examples/barnet")
		require.Equal(t, exitOK, code, errs)
		root := filepath.Join(dir, "root.html")
		require.NoError(t, os.WriteFile(root, []byte(out), 0o644))
		shot := filepath.Join(dir, "shot.png")
		headless.Run(t, bin, "file://"+root, "--window-size=1400,1500", "--screenshot="+shot)
		data, err := os.ReadFile(shot)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("docs", 0o755))
		require.NoError(t, os.WriteFile("docs/barnet-report.png", data, 0o644))
	})
}

// The report of a tree shows every council, with late, missed and breached
// markers where the histories say so.
func TestReportTree(t *testing.T) {
	out, errs, code := runCLI("report", "--as-of", "2018-09-30", national)
	require.Equal(t, exitOK, code, errs)
	for _, id := range []string{
		`id="m-borsetshire-2018-02-chair-quarterly-report-1" data-status="late"`,
		`id="m-borsetshire-2018-02-chair-quarterly-report-2" data-status="missed"`,
		`id="m-borsetshire-2018-02-dcs-progress-report-2" data-status="missed"`,
		`id="m-casterbridge-2018-01-adviser-refusal-1" data-status="breached"`,
		`id="m-ambridge-2018-03-chair-quarterly-report-3" data-status="open"`,
	} {
		assert.Contains(t, out, id)
	}
	assert.Contains(t, out, "6 days late")
	assert.Equal(t, 33, strings.Count(out, `<g class="marker `)-7, "33 instances, plus the 7 legend shapes")
	// Felpersham's missed report to the DfE (Annex A 3, due 1 Sep 2018) is
	// its expectation: drawn pale, counted apart, with an assumed date.
	assert.Contains(t, out, `<g class="marker missed expectation" id="m-ambridge-2018-03-adviser-reports-to-dfe-2"`)
	assert.Contains(t, out, "5 breaches of the council's duties; 1 expectations of others not met")
	assert.Contains(t, out, `1 Sep 2018*`)
}

func TestReportErrors(t *testing.T) {
	_, errs, code := runCLI("report", "--format", "pdf", "../../examples/barnet")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errs, "--format must be html")
}
