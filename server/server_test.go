package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/report"
)

// copyTree copies the example folder src (relative to the repository)
// into a temporary folder and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	top := t.TempDir()
	vocab, err := os.ReadFile("../examples/vocabulary.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(top, "vocabulary.yaml"), vocab, 0o644))
	dst := filepath.Join(top, filepath.Base(src))
	root := filepath.Join("..", src)
	require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	}))
	return dst
}

type harness struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	store Store
	admin string
}

// start runs a server over dir with a real SQLite file (or the store
// given) on a loopback httptest server.
func start(t *testing.T, dir string, st Store, cfg Config) *harness {
	t.Helper()
	ctx := context.Background()
	if st == nil {
		st = openTestStore(t, "store")
	}
	cfg.Dir, cfg.Store = dir, st
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	srv, err := New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	admin, _, err := NewToken(ctx, st, RoleAdmin, "", "test")
	require.NoError(t, err)
	return &harness{t: t, srv: srv, http: hs, store: st, admin: admin}
}

func (h *harness) token(role Role, council string) string {
	h.t.Helper()
	s, _, err := NewToken(context.Background(), h.store, role, council, "")
	require.NoError(h.t, err)
	return s
}

func (h *harness) do(method, path, token, ctype, body string) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.http.URL+path, strings.NewReader(body))
	require.NoError(h.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := h.http.Client().Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	return resp.StatusCode, data
}

const jsonl = "application/x-ndjson"

func TestIngestIsIdempotentByID(t *testing.T) {
	dir := copyTree(t, "examples/national")
	// A numeric attribute, score, to tell 1 from 1.0: the examples'
	// vocabulary has none, so this copy of it gives responses one.
	vocabPath := filepath.Join(dir, "..", "vocabulary.yaml")
	vocab, err := os.ReadFile(vocabPath)
	require.NoError(t, err)
	const response = "response: {request: string, outcome: string, to: string}"
	require.Contains(t, string(vocab), response)
	vocab = []byte(strings.Replace(string(vocab), response, "response: {request: string, outcome: string, to: string, score: number}", 1))
	require.NoError(t, os.WriteFile(vocabPath, vocab, 0o644))
	h := start(t, dir, nil, Config{})
	amb := h.token(RoleCouncil, "ambridge")
	batch := `{"id": "r1", "type": "request", "at": "2018-03-20", "from": "felpersham", "to": "ambridge", "kind": "access"}
{"id": "r1-ok", "type": "response", "at": "2018-03-22", "request": "r1", "outcome": "granted", "to": "felpersham", "score": 1.0}
`
	code, body := h.do("POST", "/v1/councils/ambridge/events", amb, jsonl, batch)
	require.Equal(t, 200, code, string(body))
	var res IngestResult
	require.NoError(t, json.Unmarshal(body, &res))
	assert.Equal(t, IngestResult{Batch: res.Batch, Received: 2, Added: 2}, res)

	// The same batch again (a retry after a lost answer): nothing new.
	// The same events sent as a JSON array with keys in another order and
	// 1.0 written as 1.0 again are the same events.
	code, body = h.do("POST", "/v1/councils/ambridge/events", amb, "application/json",
		`[{"type": "response", "id": "r1-ok", "score": 1.0, "at": "2018-03-22", "request": "r1", "outcome": "granted", "to": "felpersham"}]`)
	require.Equal(t, 200, code, string(body))
	require.NoError(t, json.Unmarshal(body, &res))
	assert.Equal(t, 0, res.Added)
	assert.Equal(t, 1, res.Duplicates)

	// score 1 (an integer) is not score 1.0 (a number with a fraction):
	// CEL tells them apart, so the store does too.
	code, body = h.do("POST", "/v1/councils/ambridge/events", amb, "application/json",
		`[{"id": "new-1", "type": "review", "at": "2018-08-24", "by": "felpersham"},
  {"type": "response", "id": "r1-ok", "score": 1, "at": "2018-03-22", "request": "r1", "outcome": "granted", "to": "felpersham"}]`)
	require.Equal(t, http.StatusConflict, code, string(body))
	var eb ErrorBody
	require.NoError(t, json.Unmarshal(body, &eb))
	assert.Contains(t, eb.Error, `line 2:3: event id "r1-ok" is already stored with different content`)
	require.NotNil(t, eb.Stored)
	assert.Equal(t, 2, eb.Stored.Line, "the stored one's position in its own batch")
	assert.Equal(t, 1, eb.Stored.Column)
	// All or nothing: new-1 was not stored either.
	code, body = h.do("GET", "/v1/councils/ambridge/events", amb, "", "")
	require.Equal(t, 200, code)
	assert.NotContains(t, string(body), "new-1")
	assert.Equal(t, 2, strings.Count(string(body), "\n"), "r1 and r1-ok, once each")
}

func TestBadInputIsPositioned(t *testing.T) {
	h := start(t, copyTree(t, "examples/barnet"), nil, Config{MaxBody: 4096})
	tok := h.token(RoleCouncil, "barnet")
	// Line 2 misspells an attribute the vocabulary (examples/vocabulary.yaml)
	// does not list; line 3 is not JSON.
	code, body := h.do("POST", "/v1/councils/barnet/events", tok, jsonl,
		`{"id": "a", "type": "review", "at": "2018-08-24", "by": "essex"}
{"id": "b", "type": "report", "at": "2018-08-25", "form": "dcs"}
{"id": "c", "type": 
`)
	require.Equal(t, http.StatusBadRequest, code, string(body))
	var eb ErrorBody
	require.NoError(t, json.Unmarshal(body, &eb))
	require.Len(t, eb.Problems, 2, string(body))
	assert.Equal(t, 2, eb.Problems[0].Line)
	assert.Contains(t, eb.Problems[0].Message, "form")
	assert.Equal(t, 3, eb.Problems[1].Line)
	assert.Contains(t, eb.Error, "request-body.jsonl:2:")
	code, body = h.do("GET", "/v1/councils/barnet/events", tok, "", "")
	require.Equal(t, 200, code)
	assert.NotContains(t, string(body), `"id":"a"`, "a bad batch stores nothing")

	code, body = h.do("POST", "/v1/councils/barnet/events", tok, "text/plain", `[]`)
	assert.Equal(t, http.StatusUnsupportedMediaType, code, string(body))
	code, body = h.do("POST", "/v1/councils/barnet/events", tok, jsonl, strings.Repeat(" ", 5000))
	assert.Equal(t, http.StatusRequestEntityTooLarge, code, string(body))
	assert.Contains(t, string(body), "4096 bytes")
}

func TestAccess(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	amb, bor, dfe := h.token(RoleCouncil, "ambridge"), h.token(RoleCouncil, "borsetshire"), h.token(RoleDfE, "")
	ev := `{"id": "x", "type": "review", "at": "2018-08-24", "by": "felpersham"}`

	code, _ := h.do("GET", "/v1/councils/ambridge/findings", "", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = h.do("GET", "/v1/councils/ambridge/findings", "dirs_not-a-token", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)

	// Another council's URL looks exactly like a council that does not exist.
	code, other := h.do("GET", "/v1/councils/ambridge/findings", bor, "", "")
	assert.Equal(t, http.StatusNotFound, code)
	code, none := h.do("GET", "/v1/councils/nowhere/findings", bor, "", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, strings.Replace(string(none), "nowhere", "ambridge", 1), string(other))
	code, _ = h.do("POST", "/v1/councils/ambridge/events", bor, jsonl, ev)
	assert.Equal(t, http.StatusNotFound, code)

	code, _ = h.do("GET", "/v1/councils/ambridge/findings", amb, "", "")
	assert.Equal(t, http.StatusOK, code)
	code, _ = h.do("GET", "/v1/councils/ambridge/findings", dfe, "", "")
	assert.Equal(t, http.StatusOK, code)
	code, _ = h.do("POST", "/v1/councils/ambridge/events", dfe, jsonl, ev)
	assert.Equal(t, http.StatusForbidden, code, "the DfE reads and never writes")
	code, _ = h.do("POST", "/v1/councils/ambridge/events", h.admin, jsonl, ev)
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = h.do("POST", "/v1/admin/reload", dfe, "", "")
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = h.do("GET", "/v1/admin/tokens", amb, "", "")
	assert.Equal(t, http.StatusForbidden, code)

	// A council token sees only its own council in the list and summary.
	code, body := h.do("GET", "/v1/councils", amb, "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, string(body), `"ambridge"`)
	assert.NotContains(t, string(body), "borsetshire")
	code, body = h.do("GET", "/v1/summary", amb, "", "")
	require.Equal(t, 200, code)
	assert.NotContains(t, string(body), "borsetshire")

	// Tokens are stored only as hashes; a revoked one stops working.
	ts, err := h.store.Tokens(context.Background())
	require.NoError(t, err)
	for _, tk := range ts {
		assert.NotContains(t, []string{amb, bor, dfe, h.admin}, tk.Hash)
		assert.Len(t, tk.Hash, 64)
	}
	code, body = h.do("POST", "/v1/admin/tokens", h.admin, "application/json", `{"role": "council", "council": "casterbridge", "label": "case system"}`)
	require.Equal(t, http.StatusCreated, code, string(body))
	var created struct{ Token, ID string }
	require.NoError(t, json.Unmarshal(body, &created))
	code, _ = h.do("GET", "/v1/councils/casterbridge/findings", created.Token, "", "")
	assert.Equal(t, http.StatusOK, code)
	code, _ = h.do("DELETE", "/v1/admin/tokens/"+created.ID, h.admin, "", "")
	assert.Equal(t, http.StatusOK, code)
	code, _ = h.do("GET", "/v1/councils/casterbridge/findings", created.Token, "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
}

// TestFindingsAreCheck's: the server's findings for the imported example
// histories are what check gives for the same files.
func TestFindingsAreChecks(t *testing.T) {
	dir := copyTree(t, "examples/national")
	h := start(t, dir, nil, Config{Import: true})
	dfe := h.token(RoleDfE, "")
	for _, name := range []string{"ambridge", "borsetshire", "casterbridge"} {
		code, body := h.do("GET", "/v1/councils/"+name+"/findings?as_of=2018-09-30", dfe, "", "")
		require.Equal(t, 200, code, string(body))
		var got report.Check
		require.NoError(t, json.Unmarshal(body, &got))

		ws, err := workspace.Load([]string{filepath.Join(dir, name)}, direction.Options{})
		require.NoError(t, err)
		set, err := ws.Set()
		require.NoError(t, err)
		res, err := evaluator.Evaluate(set, ws.Events, evaluator.Options{AsOf: evaluator.EndOfDay(2018, 9, 30, ws.Location)})
		require.NoError(t, err)
		var want report.Check
		data, _ := json.Marshal(report.NewCheck(report.Council{Set: set, Inputs: ws.Inputs(), Result: res}))
		require.NoError(t, json.Unmarshal(data, &want))
		assert.Equal(t, want.Findings, got.Findings, name)
		assert.Equal(t, want.Summary, got.Summary, name)
		assert.Equal(t, want.Events, got.Events, name)
		assert.Equal(t, want.Directions, got.Directions, name)
	}
	// As the examples say: Borsetshire and Casterbridge are in breach as of
	// 30 September 2018, Ambridge is not.
	code, body := h.do("GET", "/v1/summary?as_of=2018-09-30&format=csv-summary", dfe, "", "")
	require.Equal(t, 200, code)
	lines := strings.Split(string(body), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "council,folder,directions_in_force,"), "the summary table's header: %s", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "ambridge,"), lines[1])
	assert.Contains(t, lines[1], ",0,2018-12-01,", "ambridge: no breaches")

	code, body = h.do("GET", "/v1/councils/ambridge/findings?as_of=30-09-2018", dfe, "", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, string(body), "as_of")
}

func TestReloadKeepsWorkingDirections(t *testing.T) {
	dir := copyTree(t, "examples/national")
	h := start(t, dir, nil, Config{})
	file := filepath.Join(dir, "ambridge", "direction-2018-03.yaml")
	good, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, bytes.Replace(good, []byte("satisfied_by: event.type"), []byte("satisfied_by: event.typo +"), 1), 0o644))
	code, body := h.do("POST", "/v1/admin/reload", h.admin, "", "")
	assert.Equal(t, http.StatusUnprocessableEntity, code, string(body))
	assert.Contains(t, string(body), "direction-2018-03.yaml")
	code, body = h.do("GET", "/v1/councils/ambridge/findings?as_of=2018-09-30", h.admin, "", "")
	require.Equal(t, 200, code, "the working directions stay")
	assert.Contains(t, string(body), "ambridge-2018-03")
	code, body = h.do("GET", "/v1/councils", h.admin, "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, string(body), "load_error")

	require.NoError(t, os.WriteFile(file, bytes.Replace(good, []byte("access_days: 7"), []byte("access_days: 9"), 1), 0o644))
	code, body = h.do("POST", "/v1/admin/reload", h.admin, "", "")
	assert.Equal(t, http.StatusOK, code, string(body))
	c := h.srv.council("ambridge")
	assert.Equal(t, int64(9), c.dirs.set.Directions[0].Params["access_days"])
}

// TestMonitorTimerReportsAMissedDeadline runs the server's clock a
// moment before the end of a due day and checks that the monitor reports
// the instance missed when the day ends, with no request made.
func TestMonitorTimerReportsAMissedDeadline(t *testing.T) {
	dir := copyTree(t, "examples/national")
	// Ambridge's 8(f) report is due 1 June 2018 (direction of 1 March 2018,
	// first report 3 months on), and the imported history sends it on
	// 30 May. Without the history it is missed at the end of 1 June.
	require.NoError(t, os.Remove(filepath.Join(dir, "ambridge", "history.yaml")))
	start0 := time.Now()
	deadline := time.Date(2018, 6, 2, 0, 0, 0, 0, mustLondon(t))
	fake := deadline.Add(-2 * time.Second)
	now := func() time.Time { return fake.Add(time.Since(start0)) }
	h := start(t, dir, nil, Config{Now: now})
	c := h.srv.council("ambridge")
	missed := func() bool {
		for _, lf := range c.liveFindings() {
			if lf.Finding.Obligation == "chair-quarterly-report" && lf.Finding.Instance == 1 && lf.Finding.Status == evaluator.Missed {
				return true
			}
		}
		return false
	}
	if was := missed(); now().Before(deadline) {
		assert.False(t, was, "not missed before the day ends")
	}
	require.Eventually(t, missed, 5*time.Second, 20*time.Millisecond)
	code, body := h.do("GET", "/v1/councils/ambridge/live", h.admin, "", "")
	require.Equal(t, 200, code)
	assert.Contains(t, string(body), `"missed"`)
}

func mustLondon(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return loc
}

func TestStoreSurvivesRestartAndOutOfOrderEvents(t *testing.T) {
	dir := copyTree(t, "examples/national")
	dsn := testDSN(t, "restart")
	st, err := OpenStore(context.Background(), dsn)
	require.NoError(t, err)
	h := start(t, dir, st, Config{})
	tok := h.token(RoleCouncil, "borsetshire")
	code, body := h.do("POST", "/v1/councils/borsetshire/events", tok, jsonl, `{"id": "late", "type": "report", "at": "2018-09-01", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	require.Equal(t, 200, code, string(body))
	// An event dated before one already observed rebuilds the monitor.
	code, body = h.do("POST", "/v1/councils/borsetshire/events", tok, jsonl, `{"id": "early", "type": "report", "at": "2018-05-14", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	require.Equal(t, 200, code, string(body))
	_, before := h.do("GET", "/v1/councils/borsetshire/findings?as_of=2018-09-30", tok, "", "")
	h.srv.Close()
	require.NoError(t, st.Close())

	st2, err := OpenStore(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { st2.Close() })
	h2 := start(t, dir, st2, Config{})
	code, after := h2.do("GET", "/v1/councils/borsetshire/findings?as_of=2018-09-30", tok, "", "")
	require.Equal(t, 200, code, "the token survives the restart")
	assert.JSONEq(t, string(before), string(after))
	assert.Contains(t, string(after), `"early"`)
}

func TestMigrationsRefuseANewerStore(t *testing.T) {
	dsn := testDSN(t, "newer")
	st, err := OpenStore(context.Background(), dsn)
	require.NoError(t, err)
	_, err = st.(*sqlStore).db.Exec(`INSERT INTO schema_migrations (version, applied) VALUES (99, 'later')`)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	_, err = OpenStore(context.Background(), dsn)
	require.ErrorContains(t, err, "schema version 99, newer than this server's 2")
}

// The national examples name the shared vocabulary, so an event of a
// misspelt type is refused rather than stored for good.
func TestIngestRefusesAMisspeltTypeForTheNationalExamples(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	tok := h.token(RoleCouncil, "borsetshire")
	code, body := h.do("POST", "/v1/councils/borsetshire/events", tok, jsonl,
		`{"id": "q9", "type": "reprot", "at": "2018-08-25", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}
`)
	require.Equal(t, http.StatusBadRequest, code, string(body))
	assert.Contains(t, string(body), "reprot")
	code, body = h.do("GET", "/v1/councils/borsetshire/events", tok, "", "")
	require.Equal(t, 200, code)
	assert.NotContains(t, string(body), "q9")
}

// Messages about a role put the right article before it.
func TestRoleMessagesReadRight(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	event := `{"id": "x", "type": "review", "at": "2018-08-24", "by": "felpersham"}` + "\n"
	code, body := h.do("POST", "/v1/councils/ambridge/events", h.admin, jsonl, event)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, string(body), "an admin token cannot send events")
	code, body = h.do("POST", "/v1/councils/ambridge/events", h.token(RoleDfE, ""), jsonl, event)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, string(body), "a dfe token cannot send events")

	_, _, err := NewToken(context.Background(), h.store, RoleAdmin, "ambridge", "")
	assert.ErrorContains(t, err, "an admin token is not for one council")
	_, _, err = NewToken(context.Background(), h.store, RoleDfE, "ambridge", "")
	assert.ErrorContains(t, err, "a dfe token is not for one council")
}

// An event known only to a month is refused at its position, with nothing
// of the batch stored: the store keeps one day an event, so storing it
// would have turned "some day in June 2018" into 1 June.
func TestIngestRefusesAnEventDatedOnlyToAMonth(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	tok := h.token(RoleCouncil, "borsetshire")
	code, body := h.do("POST", "/v1/councils/borsetshire/events", tok, jsonl,
		`{"id": "ok1", "type": "report", "at": "2018-08-25", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}
{"id": "m1", "type": "report", "at": "2018-06", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}
`)
	require.Equal(t, http.StatusBadRequest, code, string(body))
	var got ErrorBody
	require.NoError(t, json.Unmarshal(body, &got))
	require.Len(t, got.Problems, 1, string(body))
	assert.Equal(t, 2, got.Problems[0].Line)
	assert.Contains(t, got.Problems[0].Message, `event "m1" is dated only to June 2018`)
	code, body = h.do("GET", "/v1/councils/borsetshire/events", tok, "", "")
	require.Equal(t, 200, code)
	assert.Empty(t, strings.TrimSpace(string(body)), "nothing of the batch is stored")
}
