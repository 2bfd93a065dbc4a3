package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/report"
)

// Route is one endpoint. The OpenAPI document lists exactly these (a test
// keeps the two in step).
type Route struct {
	Method, Pattern string
	// Public routes need no token.
	Public bool
	// QueryToken routes also take the token as ?token=, for calendar
	// clients that cannot send an Authorization header.
	QueryToken bool
	// Page routes are HTML for a browser, which sends no Authorization
	// header: they also take the token from the cookie /login sets, and
	// without a token show the login form.
	Page    bool
	handler func(s *Server, w http.ResponseWriter, r *http.Request, tok *Token)
}

func (s *Server) routes() []Route { return Routes() }

// Routes lists the endpoints.
func Routes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/healthz", Public: true, handler: (*Server).health},
		{Method: "GET", Pattern: "/openapi.json", Public: true, handler: (*Server).openapi},
		{Method: "GET", Pattern: "/v1/councils", handler: (*Server).listCouncils},
		{Method: "POST", Pattern: "/v1/councils/{council}/events", handler: (*Server).postEvents},
		{Method: "GET", Pattern: "/v1/councils/{council}/events", handler: (*Server).getEvents},
		{Method: "GET", Pattern: "/v1/councils/{council}/findings", handler: (*Server).findings},
		{Method: "GET", Pattern: "/v1/councils/{council}/live", handler: (*Server).live},
		{Method: "GET", Pattern: "/v1/councils/{council}/explain", handler: (*Server).explainObligation},
		{Method: "GET", Pattern: "/v1/councils/{council}/report", Page: true, handler: (*Server).reportHTML},
		{Method: "GET", Pattern: "/v1/councils/{council}/calendar.ics", QueryToken: true, handler: (*Server).calendar},
		{Method: "GET", Pattern: "/v1/summary", handler: (*Server).summary},
		{Method: "GET", Pattern: "/dashboard", Page: true, handler: (*Server).dashboard},
		{Method: "POST", Pattern: "/login", Public: true, handler: (*Server).login},
		{Method: "POST", Pattern: "/v1/admin/reload", handler: (*Server).reload},
		{Method: "GET", Pattern: "/v1/admin/tokens", handler: (*Server).listTokens},
		{Method: "POST", Pattern: "/v1/admin/tokens", handler: (*Server).createToken},
		{Method: "DELETE", Pattern: "/v1/admin/tokens/{id}", handler: (*Server).revokeToken},
		{Method: "GET", Pattern: "/v1/admin/webhooks", handler: (*Server).listWebhooks},
		{Method: "POST", Pattern: "/v1/admin/webhooks", handler: (*Server).createWebhook},
		{Method: "DELETE", Pattern: "/v1/admin/webhooks/{id}", handler: (*Server).deleteWebhook},
	}
}

// Problem is one positioned problem in a request body.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// ErrorBody is every error response.
type ErrorBody struct {
	Error    string    `json:"error"`
	Problems []Problem `json:"problems,omitempty"`
	// Stored is, on a 409, the event already stored under the id.
	Stored *Stored `json:"stored,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	// Not indented: a council's report can hold thousands of findings,
	// and indenting them was a fifth of a read's time under load.
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, ErrorBody{Error: fmt.Sprintf(format, args...)})
}

func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var tok *Token
		if !rt.Public {
			var err error
			tok, err = s.authenticate(r, rt.QueryToken, rt.Page)
			if err != nil {
				s.logf("authenticating: %v", err)
				fail(w, http.StatusServiceUnavailable, "the token store is unavailable; try again")
				return
			}
			if tok == nil && rt.Page {
				loginPage(w, r.URL.RequestURI())
				return
			}
			if tok == nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="directions"`)
				fail(w, http.StatusUnauthorized, "a bearer token is required (Authorization: Bearer <token>); tokens are made with `directions serve token create`")
				return
			}
		}
		rt.handler(s, w, r, tok)
	})
}

// readable returns the council named in the URL when tok may read it. A
// council the token may not see is answered 404, as one that does not
// exist is, so that a token learns nothing of other councils.
func (s *Server) readable(w http.ResponseWriter, r *http.Request, tok *Token) *council {
	name := r.PathValue("council")
	c := s.council(name)
	if c == nil || !canRead(tok, name) {
		fail(w, http.StatusNotFound, "no council %q", name)
		return nil
	}
	return c
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request, _ *Token) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "engine": evaluator.Version})
}

// CouncilInfo is one entry of GET /v1/councils.
type CouncilInfo struct {
	Council    string    `json:"council"`
	Folder     string    `json:"folder"`
	Directions []string  `json:"directions"`
	Loaded     time.Time `json:"directions_loaded"`
	Events     int       `json:"events"`
	// NextWake is when the monitor next has something to do (a deadline
	// passes), if anything is pending.
	NextWake  time.Time `json:"next_wake,omitzero"`
	LoadError string    `json:"load_error,omitempty"`
}

func (s *Server) listCouncils(w http.ResponseWriter, r *http.Request, tok *Token) {
	out := []CouncilInfo{}
	s.mu.RLock()
	loadErrs := s.loadErrors
	s.mu.RUnlock()
	for _, name := range s.councilNames() {
		if !canRead(tok, name) {
			continue
		}
		c := s.council(name)
		c.mu.Lock()
		info := CouncilInfo{Council: name, Folder: c.dir, Loaded: c.dirs.loaded, Events: len(c.events), LoadError: loadErrs[name]}
		for _, d := range c.dirs.set.Directions {
			info.Directions = append(info.Directions, d.ID)
		}
		if c.mon != nil {
			info.NextWake, _ = c.mon.Wake()
		}
		c.mu.Unlock()
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, map[string]any{"councils": out})
}

// IngestResult is the answer to a batch of events.
type IngestResult struct {
	Batch    string `json:"batch"`
	Received int    `json:"received"`
	// Added counts events stored now; Duplicates those already stored
	// with the same content (a retry), which are not stored again.
	Added      int `json:"added"`
	Duplicates int `json:"duplicates"`
}

// bodyFormat picks the reader from the Content-Type.
func bodyFormat(r *http.Request) (string, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return "", false
	}
	switch mt {
	case "application/json":
		return "request-body.json", true
	case "application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines":
		return "request-body.jsonl", true
	}
	return "", false
}

func (s *Server) postEvents(w http.ResponseWriter, r *http.Request, tok *Token) {
	name := r.PathValue("council")
	c := s.council(name)
	if c == nil || !canRead(tok, name) {
		fail(w, http.StatusNotFound, "no council %q", name)
		return
	}
	if tok.Role != RoleCouncil {
		fail(w, http.StatusForbidden, "%s token cannot send events: only the council's own token can", tok.Role.a())
		return
	}
	file, ok := bodyFormat(r)
	if !ok {
		fail(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json (an array of events, or {\"events\": [...]}) or application/x-ndjson (JSON Lines, one event per line), not %q", r.Header.Get("Content-Type"))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "the request body is over the limit of %d bytes: send the events in smaller batches", s.cfg.MaxBody)
			return
		}
		fail(w, http.StatusBadRequest, "reading the request body: %v", err)
		return
	}
	c.mu.Lock()
	d := c.dirs
	c.mu.Unlock()
	lim := s.cfg.Load.Limits // the operator's limits (serve's --max-depth), with the body's size
	lim.MaxHistoryBytes = int(s.cfg.MaxBody)
	evs, err := event.Parse(file, data, event.Options{Location: d.loc, Vocabulary: d.vocab, Limits: lim})
	if err == nil {
		err = knownDays(evs, d.loc)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, problems(err))
		return
	}
	batch := newBatchID()
	rows := make([]Stored, len(evs))
	for i := range evs {
		rows[i] = Stored{ID: evs[i].ID, Body: canonical(&evs[i], d.loc), Batch: batch, Line: evs[i].Pos.Line, Column: evs[i].Pos.Column}
	}
	added, dup, err := s.store.Append(r.Context(), name, rows)
	var conflict *ConflictError
	switch {
	case errors.As(err, &conflict):
		writeJSON(w, http.StatusConflict, ErrorBody{Error: conflict.Error(), Problems: []Problem{{Line: conflict.Line, Column: conflict.Column, Path: "id", Message: conflict.Error()}}, Stored: &conflict.Stored})
		return
	case err != nil:
		s.logf("council %s: storing batch %s: %v", name, batch, err)
		fail(w, http.StatusServiceUnavailable, "the events could not be stored (nothing of this batch was kept); send it again")
		return
	}
	// Committed: the answer is 200 whatever happens next. The monitor
	// catches up now, or at the next read if this fails.
	if err := c.sync(context.WithoutCancel(r.Context())); err != nil {
		s.logf("council %s: %v", name, err)
	}
	writeJSON(w, http.StatusOK, IngestResult{Batch: batch, Received: len(evs), Added: added, Duplicates: dup})
}

// problems turns a reader's error into positioned problems.
func problems(err error) ErrorBody {
	body := ErrorBody{Error: "the events were not accepted (none were stored): " + err.Error()}
	var list diag.List
	var one *diag.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = diag.List{one}
	}
	for _, e := range list {
		body.Problems = append(body.Problems, Problem{Line: e.Pos.Line, Column: e.Pos.Column, Path: e.Path, Message: e.Msg})
	}
	return body
}

func newBatchID() string {
	var b [4]byte
	_, _ = randRead(b[:])
	return fmt.Sprintf("b%d-%x", time.Now().UTC().UnixMilli(), b)
}

// getEvents writes the council's stored events as JSON Lines in arrival
// order, from after the sequence number given by ?after= (default 0).
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request, tok *Token) {
	c := s.readable(w, r, tok)
	if c == nil {
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	rows, err := s.store.Events(r.Context(), c.name, after)
	if err != nil {
		s.logf("council %s: %v", c.name, err)
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	var buf bytes.Buffer
	for _, row := range rows {
		buf.WriteString(row.Body)
		buf.WriteByte('\n')
	}
	_, _ = w.Write(buf.Bytes())
}

// asOf reads ?as_of=: a date (the end of that day in the directions'
// zone) or an RFC 3339 time; default now, to the whole second (cut, not
// rounded, so that nothing is reported missed before its deadline), so
// that reads in the same second share an evaluation.
func (s *Server) asOf(r *http.Request, loc *time.Location) (time.Time, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return s.now().Truncate(time.Second), nil
	}
	t, err := evaluator.ParseAsOf(v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("as_of: %v", err)
	}
	return t, nil
}

// evaluate is the evaluation of the council's events as of ?as_of=, and
// on failure the status to answer.
func (s *Server) evaluate(ctx context.Context, c *council, r *http.Request) (*directions, *evaluator.Result, int, error) {
	d, e, code, err := s.evaluation(ctx, c, r)
	if err != nil {
		return nil, nil, code, err
	}
	return d, e.res, 0, nil
}

// evaluation is evaluate's shared evaluation (see council.evaluate).
func (s *Server) evaluation(ctx context.Context, c *council, r *http.Request) (*directions, *evaluation, int, error) {
	var badAsOf error
	d, e, err := c.evaluate(ctx, func(d *directions) (time.Time, error) {
		at, err := s.asOf(r, d.loc)
		badAsOf = err
		return at, err
	})
	var store storeError
	switch {
	case err == nil:
		return d, e, 0, nil
	case badAsOf != nil:
		return nil, nil, http.StatusBadRequest, err
	case errors.As(err, &store):
		s.logf("council %s: %v", c.name, err)
		return nil, nil, http.StatusServiceUnavailable, errors.New("the store is unavailable; try again")
	case ctx.Err() != nil:
		return nil, nil, http.StatusServiceUnavailable, err
	}
	return nil, nil, http.StatusInternalServerError, err
}

func (s *Server) findings(w http.ResponseWriter, r *http.Request, tok *Token) {
	c := s.readable(w, r, tok)
	if c == nil {
		return
	}
	d, e, code, err := s.evaluation(r.Context(), c, r)
	if err != nil {
		fail(w, code, "%v", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(e.findingsJSON(s, d))
}

func (s *Server) live(w http.ResponseWriter, r *http.Request, tok *Token) {
	c := s.readable(w, r, tok)
	if c == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"council": c.name, "findings": c.liveFindings()})
}

// everyReadable evaluates, as of the request's time, each council the token may
// read (every council, for the DfE), in name order: the national summary
// and the dashboard show the same councils, evaluated alike. A council that
// cannot be evaluated has Err set. It is false, with the 400 written, when
// the request's as-of time is bad.
func (s *Server) everyReadable(w http.ResponseWriter, r *http.Request, tok *Token) ([]report.Council, bool) {
	var councils []report.Council
	for _, name := range s.councilNames() {
		if !canRead(tok, name) {
			continue
		}
		c := s.council(name)
		d, res, code, err := s.evaluate(r.Context(), c, r)
		if code == http.StatusBadRequest {
			fail(w, code, "%v", err)
			return nil, false
		}
		rc := report.Council{Err: err}
		if err == nil {
			rc = d.council(res)
		}
		rc.Name, rc.Folder = name, c.dir
		councils = append(councils, rc)
	}
	return councils, true
}

// summary is the national summary: one row per council the token may
// read (every council, for the DfE), then each council's report; as CSV
// with ?format=csv (the findings) or csv-summary (a row per council).
func (s *Server) summary(w http.ResponseWriter, r *http.Request, tok *Token) {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" && format != "csv-summary" {
		fail(w, http.StatusBadRequest, "format must be json, csv (the findings table) or csv-summary (a row per council), not %q", format)
		return
	}
	councils, ok := s.everyReadable(w, r, tok)
	if !ok {
		return
	}
	if format == "csv" || format == "csv-summary" {
		// The tables `check --format csv|csv-summary` write.
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="directions-`+format+`.csv"`)
		if format == "csv" {
			_ = report.WriteCSV(w, councils)
		} else {
			_ = report.WriteCSVSummary(w, councils)
		}
		return
	}
	writeJSON(w, http.StatusOK, report.NewBatch(councils))
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can reload directions")
		return
	}
	errs, err := s.Reload()
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, "reloading: %v (nothing was replaced)", err)
		return
	}
	code := http.StatusOK
	if len(errs) > 0 {
		code = http.StatusUnprocessableEntity
	}
	writeJSON(w, code, map[string]any{"councils": s.councilNames(), "kept_previous": errs})
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can manage tokens")
		return
	}
	ts, err := s.store.Tokens(r.Context())
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	if ts == nil {
		ts = []Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

// TokenRequest asks for a new token.
type TokenRequest struct {
	Role    Role   `json:"role"`
	Council string `json:"council,omitempty"`
	Label   string `json:"label,omitempty"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can manage tokens")
		return
	}
	var req TokenRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "the body must be {\"role\": \"council|dfe|admin\", \"council\": \"...\", \"label\": \"...\"}: %v", err)
		return
	}
	if req.Role == RoleCouncil && s.council(req.Council) == nil {
		fail(w, http.StatusBadRequest, "no council %q: the councils are %s", req.Council, strings.Join(s.councilNames(), ", "))
		return
	}
	secret, t, err := NewToken(r.Context(), s.store, req.Role, req.Council, req.Label)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "role": t.Role, "council": t.Council, "note": "the token is shown once; only its SHA-256 is kept"})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can manage tokens")
		return
	}
	ok, err := s.store.RevokeToken(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	if !ok {
		fail(w, http.StatusNotFound, "no live token %q", r.PathValue("id"))
		return
	}
	s.forgetTokens()
	writeJSON(w, http.StatusOK, map[string]any{"revoked": r.PathValue("id")})
}
