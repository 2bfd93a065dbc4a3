package server

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/report"
)

//go:embed dashboard.html.tmpl
var dashboardSrc string

// dashboardTmpl is parsed on first use: every command of the CLI links the
// server, and only serve renders the dashboard.
var dashboardTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("dashboard").Parse(dashboardSrc))
})

// dashboardPage is what the dashboard template renders.
type dashboardPage struct {
	AsOf, AsOfParam, Engine string
	Rows                    []dashboardRow
	Total                   report.CouncilRow
	InBreach                int
}

type dashboardRow struct {
	report.CouncilRow
	Report   string // the council's report URL
	Next     string // the next deadline in words
	InBreach bool
}

// dashboard is the national picture in a browser: a row per council the
// token may read (every council, for the DfE), worst first, each linking
// to the council's timeline report.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, tok *Token) {
	page := dashboardPage{Engine: evaluator.Version, AsOfParam: r.URL.Query().Get("as_of")}
	councils, ok := s.everyReadable(w, r, tok)
	if !ok {
		return
	}
	for _, rc := range councils {
		name := rc.Name
		row := dashboardRow{CouncilRow: report.CouncilRow{Council: name}}
		if rc.Err != nil {
			row.Error = rc.Err.Error()
		} else {
			row.CouncilRow = rc.Row()
			if page.AsOf == "" {
				page.AsOf = rc.Result.AsOf.In(words.Zone(rc.Set)).Format("15:04 MST, 2 January 2006")
			}
			if row.CouncilRow.Next != "" {
				day, _ := civil.Parse(row.CouncilRow.Next)
				row.Next = day.Long() + " (" + row.NextClause + ")"
			}
		}
		q := url.Values{}
		if page.AsOfParam != "" {
			q.Set("as_of", page.AsOfParam)
		}
		row.Report = "/v1/councils/" + url.PathEscape(name) + "/report"
		if len(q) > 0 {
			row.Report += "?" + q.Encode()
		}
		row.InBreach = row.Breaches > 0
		if row.InBreach {
			page.InBreach++
		}
		page.Total.Add(row.CouncilRow)
		page.Rows = append(page.Rows, row)
	}
	// Worst first: most breaches, then by name.
	for i := 1; i < len(page.Rows); i++ {
		for j := i; j > 0 && worse(page.Rows[j], page.Rows[j-1]); j-- {
			page.Rows[j], page.Rows[j-1] = page.Rows[j-1], page.Rows[j]
		}
	}
	if page.AsOf == "" {
		page.AsOf = s.now().Format(time.RFC3339)
	}
	var buf bytes.Buffer
	if err := dashboardTmpl().Execute(&buf, page); err != nil {
		fail(w, http.StatusInternalServerError, "rendering the dashboard: %v", err)
		return
	}
	writePage(w, buf.Bytes())
}

func worse(a, b dashboardRow) bool {
	if a.Breaches != b.Breaches {
		return a.Breaches > b.Breaches
	}
	return strings.Compare(a.Council, b.Council) < 0
}

func writePage(w http.ResponseWriter, page []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}
