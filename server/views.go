package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/explain"
	"github.com/dfe-tools/directions/report"
	"github.com/dfe-tools/directions/schedule"
)

// pageCSP lets the self-contained pages use their inline styles and
// images and nothing else: no scripts, no requests elsewhere.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'"

// reportHTML is the council's timeline report, the page `directions
// report` writes.
func (s *Server) reportHTML(w http.ResponseWriter, r *http.Request, tok *Token) {
	c := s.readable(w, r, tok)
	if c == nil {
		return
	}
	d, res, code, err := s.evaluate(r.Context(), c, r)
	if err != nil {
		fail(w, code, "%v", err)
		return
	}
	var buf bytes.Buffer
	rc := d.council(res)
	rc.Name = c.name
	if err := report.WriteHTML(&buf, []report.Council{rc}); err != nil {
		fail(w, http.StatusInternalServerError, "rendering the report: %v", err)
		return
	}
	writePage(w, buf.Bytes())
}

// calendar is the council's iCalendar subscription feed: the deadlines
// from ?from= (default a year ago) to ?until= (default a year ahead),
// each an all-day event whose UID stays the same as it is met, missed or
// extended, so that a subscribed calendar updates its entries.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request, tok *Token) {
	c := s.readable(w, r, tok)
	if c == nil {
		return
	}
	d, evs, err := c.snapshot(r.Context())
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	now := s.now()
	today := civil.In(now, d.loc)
	rg := schedule.Listing{Council: c.name, Location: d.loc, From: today.AddMonths(-12).Start(d.loc), Until: today.AddMonths(12).End(d.loc), AsOf: now}
	opts := schedule.ICSOptions{ExportedAt: now}
	q := r.URL.Query()
	for _, p := range []struct {
		name string
		to   *time.Time
		end  bool
	}{{"from", &rg.From, false}, {"until", &rg.Until, true}} {
		if v := q.Get(p.name); v != "" {
			day, err := civil.Parse(v)
			if err != nil {
				fail(w, http.StatusBadRequest, "%s: want a date such as 2018-09-30, not %q", p.name, v)
				return
			}
			if p.end {
				*p.to = day.End(d.loc)
			} else {
				*p.to = day.Start(d.loc)
			}
		}
	}
	remind, ok := remindParam.read(w, q)
	if !ok {
		return
	}
	opts.Remind = remind
	if rg.Until.Before(rg.From) {
		fail(w, http.StatusBadRequest, "until is before from")
		return
	}
	rg.Deadlines, err = evaluator.Schedule(d.set, evs, evaluator.ScheduleOptions{From: rg.From, Until: rg.Until, Now: now})
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	var buf bytes.Buffer
	if err := schedule.WriteICS(&buf, rg, opts); err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-deadlines.ics"`, c.name))
	_, _ = w.Write(buf.Bytes())
}

// explainObligation is `directions explain` for one obligation of the
// council: ?obligation=ID (or DIRECTION/ID), ?as_of=, ?format=json|text,
// ?max_tested=N.
func (s *Server) explainObligation(w http.ResponseWriter, r *http.Request, tok *Token) {
	c := s.readable(w, r, tok)
	if c == nil {
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "text" {
		fail(w, http.StatusBadRequest, "format must be json or text, not %q", format)
		return
	}
	d, evs, err := c.snapshot(r.Context())
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	id := q.Get("obligation")
	targets := explain.Find(d.set, id)
	if len(targets) == 0 {
		fail(w, http.StatusBadRequest, "no obligation %q; the obligations are: %s", id, strings.Join(explain.ObligationIDs(d.set), ", "))
		return
	}
	at, err := s.asOf(r, d.loc)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	maxTested, ok := maxTestedParam.read(w, q)
	if !ok {
		return
	}
	ex, err := explain.Explain(d.set, evs, targets, explain.Options{AsOf: at, Inputs: d.inputs, MaxNotSatisfying: maxTested})
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	if format == "text" {
		var buf bytes.Buffer
		if err := explain.WriteText(&buf, ex); err != nil {
			fail(w, http.StatusInternalServerError, "%v", err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(buf.Bytes())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // CEL's && stays readable, as the CLI writes it
	_ = enc.Encode(ex)
}

// wholeParam is a query parameter holding a whole number from 0 to max.
type wholeParam struct {
	name     string
	def, max int // def when the parameter is absent
	// bad is the message for a value that is not a number from 0 to
	// max, a format given the value; outOfRange, when set, is the one
	// for a number too large for an int, given the value and max.
	bad, outOfRange string
}

var (
	// remindParam is the calendar feed's reminder, in days before a
	// deadline.
	remindParam = wholeParam{name: "remind", def: 7, max: 366,
		bad: "remind: want a number of days from 0 to 366, not %q"}
	// maxTestedParam is explain's, as `directions explain --max-tested
	// N`: the same default, 0 lists all.
	maxTestedParam = wholeParam{name: "max_tested", def: explain.DefaultMaxNotSatisfying, max: math.MaxInt,
		bad:        "max_tested must be a whole number, 0 (list all) or more, not %q",
		outOfRange: "max_tested %s is out of range: give 0 (list all) or a number up to %d"}
)

// read returns the parameter's value in q, or its default when it is
// absent; a bad value is a 400 naming the parameter and the valid range,
// and false.
func (p wholeParam) read(w http.ResponseWriter, q url.Values) (int, bool) {
	v := q.Get(p.name)
	if v == "" {
		return p.def, true
	}
	n, err := strconv.Atoi(v)
	switch {
	case errors.Is(err, strconv.ErrRange) && p.outOfRange != "":
		fail(w, http.StatusBadRequest, p.outOfRange, v, p.max)
	case err != nil || n < 0 || n > p.max:
		fail(w, http.StatusBadRequest, p.bad, v)
	default:
		return n, true
	}
	return 0, false
}
