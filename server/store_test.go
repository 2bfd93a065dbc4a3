package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDSN names the store a test uses: a file in the test's temporary
// folder, or, inside TestPostgres, a schema of its own in the database
// $DIRECTIONS_TEST_POSTGRES names. The same name in one test is the same
// store (for restart tests).
var testDSN = func(t *testing.T, name string) string {
	sqliteMu.Lock()
	defer sqliteMu.Unlock()
	key := fmt.Sprintf("%p/%s", t, name)
	if p, ok := sqliteFiles[key]; ok {
		return p
	}
	p := filepath.Join(t.TempDir(), name+".db")
	sqliteFiles[key] = p
	// A finished test's *testing.T may be reused at the same address.
	t.Cleanup(func() { sqliteMu.Lock(); delete(sqliteFiles, key); sqliteMu.Unlock() })
	return p
}

var (
	sqliteMu    sync.Mutex
	sqliteFiles = map[string]string{}
)

func TestTwoInstancesShareOneDatabase(t *testing.T) { testTwoInstances(t) }

func openTestStore(t *testing.T, name string) Store {
	t.Helper()
	st, err := OpenStore(context.Background(), testDSN(t, name))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// postgresDSN returns $DIRECTIONS_TEST_POSTGRES, or skips saying why.
func postgresDSN(t *testing.T) string {
	dsn := os.Getenv("DIRECTIONS_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("DIRECTIONS_TEST_POSTGRES is not set, so the PostgreSQL tests do not run: set it to a postgres:// URL of a database the tests may create schemas in (.ci/run does so when it runs as root and can install PostgreSQL)")
	}
	return dsn
}

// TestPostgres runs the server's tests against PostgreSQL, each in a
// schema of its own that is dropped afterwards.
func TestPostgres(t *testing.T) {
	usePostgres(t)
	for name, test := range map[string]func(*testing.T){
		"IngestIsIdempotentByID":             TestIngestIsIdempotentByID,
		"BadInputIsPositioned":               TestBadInputIsPositioned,
		"Access":                             TestAccess,
		"FindingsAreChecks":                  TestFindingsAreChecks,
		"ReloadKeepsWorkingDirections":       TestReloadKeepsWorkingDirections,
		"StoreSurvivesRestartAndOutOfOrder":  TestStoreSurvivesRestartAndOutOfOrderEvents,
		"MigrationsRefuseANewerStore":        TestMigrationsRefuseANewerStore,
		"ConcurrentAppendsAreGapFree":        TestConcurrentAppendsAreGapFree,
		"AConflictFailsOnlyItsBatch":         TestAConflictFailsOnlyItsBatch,
		"Webhooks":                           TestWebhooks,
		"TwoInstancesShareOneDatabase":       testTwoInstances,
		"MonitorTimerReportsAMissedDeadline": TestMonitorTimerReportsAMissedDeadline,
		"CrashLosesNothingAcknowledged":      TestCrashLosesNothingAcknowledged,
		"SIGTERMShutsDownGracefully":         TestSIGTERMShutsDownGracefully,
		"ConcurrentIngestAndReads":           TestConcurrentIngestAndReads,
		"RebuildFeedsEventsThatArrive":       TestRebuildFeedsEventsThatArriveMeanwhile,
	} {
		t.Run(name, test)
	}
}

// usePostgres makes testDSN give, until t ends, a schema of its own in
// the database $DIRECTIONS_TEST_POSTGRES names (dropped afterwards); it
// skips t when the variable is not set.
func usePostgres(t *testing.T) {
	base := postgresDSN(t)
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	require.NoError(t, admin.Ping(), "DIRECTIONS_TEST_POSTGRES is set but the server cannot be reached")
	var mu sync.Mutex
	schemas := map[string]string{}
	made := 0
	old := testDSN
	testDSN = func(t *testing.T, name string) string {
		mu.Lock()
		defer mu.Unlock()
		key := fmt.Sprintf("%p/%s", t, name)
		if dsn, ok := schemas[key]; ok {
			return dsn
		}
		made++
		schema := fmt.Sprintf("directions_test_%d", made)
		_, err := admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
		require.NoError(t, err)
		_, err = admin.Exec(`CREATE SCHEMA ` + schema)
		require.NoError(t, err)
		t.Cleanup(func() {
			admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
			mu.Lock()
			delete(schemas, key)
			mu.Unlock()
		})
		u, err := url.Parse(base)
		require.NoError(t, err)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		schemas[key] = u.String()
		return u.String()
	}
	t.Cleanup(func() {
		testDSN = old
		admin.Close()
	})
}

// TestConcurrentAppendsAreGapFree appends from many goroutines at once:
// every event is stored once, with sequence numbers 1..n and no gaps.
func TestConcurrentAppendsAreGapFree(t *testing.T) {
	st := openTestStore(t, "concurrent")
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range 10 {
				var batch []Stored
				for i := range 5 {
					// Every worker also re-sends event "shared", the same.
					id := fmt.Sprintf("w%d-%d-%d", w, b, i)
					if i == 0 {
						id = "shared"
					}
					batch = append(batch, Stored{ID: id, Body: `{"id":"` + id + `"}`, Batch: "b", Line: i + 1, Column: 1})
				}
				_, _, err := st.Append(ctx, "c", batch)
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	rows, err := st.Events(ctx, "c", 0)
	require.NoError(t, err)
	require.Len(t, rows, 8*10*4+1)
	for i, r := range rows {
		require.Equal(t, int64(i+1), r.Seq)
	}
	other, err := st.Events(ctx, "other", 0)
	require.NoError(t, err)
	assert.Empty(t, other, "councils are apart")
}

// testTwoInstances runs two servers on one database (as behind a load
// balancer): what one stores, the other serves.
func testTwoInstances(t *testing.T) {
	dir := copyTree(t, "examples/national")
	a := start(t, dir, openTestStore(t, "shared"), Config{})
	b := start(t, dir, openTestStore(t, "shared"), Config{})
	tok := a.token(RoleCouncil, "ambridge")
	code, body := a.do("POST", "/v1/councils/ambridge/events", tok, jsonl, `{"id": "via-a", "type": "review", "at": "2018-08-24", "by": "felpersham"}`)
	require.Equal(t, 200, code, string(body))
	code, body = b.do("GET", "/v1/councils/ambridge/findings?as_of=2018-09-30", tok, "", "")
	require.Equal(t, 200, code, string(body))
	assert.Contains(t, string(body), `"via-a"`)
	code, body = b.do("POST", "/v1/councils/ambridge/events", tok, jsonl, `{"id": "via-a", "type": "review", "at": "2018-08-25", "by": "felpersham"}`)
	assert.Equal(t, 409, code, string(body))
}

// TestAConflictFailsOnlyItsBatch: batches committed together (SQLite's
// group commit) fail alone: a conflicting batch stores nothing, the
// others all they hold.
func TestAConflictFailsOnlyItsBatch(t *testing.T) {
	st := openTestStore(t, "group")
	ctx := context.Background()
	_, _, err := st.Append(ctx, "c", []Stored{{ID: "shared", Body: "A"}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := "A"
			if w%2 == 1 {
				body = "B"
			}
			_, _, errs[w] = st.Append(ctx, "c", []Stored{{ID: fmt.Sprintf("own-%d", w), Body: "x"}, {ID: "shared", Body: body, Line: 2, Column: 1}})
		}()
	}
	wg.Wait()
	rows, err := st.Events(ctx, "c", 0)
	require.NoError(t, err)
	have := map[string]bool{}
	for _, r := range rows {
		have[r.ID] = true
	}
	for w, err := range errs {
		if w%2 == 1 {
			var c *ConflictError
			require.ErrorAs(t, err, &c, "batch %d", w)
			assert.Equal(t, 2, c.Line)
			assert.False(t, have[fmt.Sprintf("own-%d", w)], "batch %d stored in part", w)
		} else {
			require.NoError(t, err, "batch %d", w)
			assert.True(t, have[fmt.Sprintf("own-%d", w)], "batch %d", w)
		}
	}
	require.Len(t, rows, 1+8)
}

// TestSQLiteSyncsEveryCommit: every connection of the SQLite store runs in
// WAL mode with synchronous=FULL, which docs/serve.md promises (a batch
// is answered only once its commit is synced to the disk, so it survives
// a power cut as well as a crash of the process).
func TestSQLiteSyncsEveryCommit(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "durable.db"))
	require.NoError(t, err)
	defer st.Close()
	db := st.(*sqlStore).db
	ctx := context.Background()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 3 { // held at once, so three different connections
		c, err := db.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
		var mode string
		var sync int
		require.NoError(t, c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
		require.NoError(t, c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
		assert.Equal(t, "wal", mode)
		assert.Equal(t, 2, sync, "synchronous=FULL (2)")
	}
}
