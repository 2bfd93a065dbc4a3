package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/cputime"
	"github.com/dfe-tools/directions/report"
)

// load is one run of writers sending batches of events to the three
// example councils while readers ask for findings, all over loopback
// (httptest listens on 127.0.0.1 only).
type load struct {
	events, batchSize, writers, readers int
	// asOf is what readers ask for: a date, "now" (no as_of, so the
	// default), "varied" (a different day each read, so that no two
	// reads share an evaluation), or "mixed" (readers take the three in
	// turn, and a fourth reads the national summary).
	asOf string
	// limit bounds the run's time; writers stop when it passes.
	limit time.Duration
}

// loadResult is what a run measured.
type loadResult struct {
	stored, batches int
	elapsed         time.Duration
	lat             []time.Duration // read latencies, sorted
	failures        int64
	cpu             time.Duration // the process's user+system time (server and clients)
}

func (r loadResult) rate() float64 { return float64(r.stored) / r.elapsed.Seconds() }

func (r loadResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

var loadCouncils = []string{"ambridge", "borsetshire", "casterbridge"}

// runLoad runs l against h. Batches are made before the clock starts.
// Events mostly arrive in time order, as councils record them, a day's
// worth to a batch; one in fifty is a late return dated up to sixty days
// back (so monitors are rebuilt and the sorted history merged).
func runLoad(t *testing.T, h *harness, l load) loadResult {
	tokens := map[string]string{}
	for _, c := range loadCouncils {
		tokens[c] = h.token(RoleCouncil, c)
	}
	dfe := h.token(RoleDfE, "")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.writers + l.readers}}
	defer client.CloseIdleConnections()

	type batch struct {
		council string
		body    []byte
	}
	var batches []batch
	r := rand.New(rand.NewPCG(1, 2))
	nBatches := (l.events + l.batchSize - 1) / l.batchSize
	for n := range nBatches {
		var buf bytes.Buffer
		c := loadCouncils[n%len(loadCouncils)]
		day := time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 600*n/nBatches)
		for i := range l.batchSize {
			at := day
			if r.IntN(50) == 0 {
				at = at.AddDate(0, 0, -r.IntN(60))
			}
			line, _ := json.Marshal(eventAt(r, fmt.Sprintf("l%d-%d", n, i), at))
			buf.Write(line)
			buf.WriteByte('\n')
		}
		batches = append(batches, batch{c, buf.Bytes()})
	}

	deadline := time.Now().Add(l.limit)
	var next, stored, sent atomic.Int64
	var failures atomic.Int64
	done := make(chan struct{})
	var wg, rg sync.WaitGroup
	cpu0 := cputime.Process()
	begin := time.Now()
	for range l.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(batches) || time.Now().After(deadline) {
					return
				}
				b := batches[i]
				req, _ := http.NewRequest("POST", h.http.URL+"/v1/councils/"+b.council+"/events", bytes.NewReader(b.body))
				req.Header.Set("Authorization", "Bearer "+tokens[b.council])
				req.Header.Set("Content-Type", jsonl)
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failures.Add(1)
					continue
				}
				sent.Add(1)
				stored.Add(int64(l.batchSize))
			}
		}()
	}
	var mu sync.Mutex
	var lat []time.Duration
	for w := range l.readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			rr := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				c := loadCouncils[(w+i)%len(loadCouncils)]
				path := "/v1/councils/" + c + "/findings"
				asOf := l.asOf
				if asOf == "mixed" {
					asOf = []string{"2019-06-30", "now", "varied", "summary"}[w%4]
				}
				switch asOf {
				case "now":
				case "summary":
					// The national summary, sharing evaluations with the
					// first reader's.
					path = "/v1/summary?as_of=2019-06-30"
				case "varied":
					path += "?as_of=" + time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rr.IntN(800)).Format("2006-01-02")
				default:
					path += "?as_of=" + asOf
				}
				req, _ := http.NewRequest("GET", h.http.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+dfe)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if resp.StatusCode != 200 {
					failures.Add(1)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res := loadResult{stored: int(stored.Load()), batches: int(sent.Load()), elapsed: time.Since(begin)}
	close(done)
	rg.Wait()
	res.cpu = cputime.Process() - cpu0
	slices.Sort(lat)
	res.lat, res.failures = lat, failures.Load()
	return res
}

// loadAverage is the machine's 1-minute load average, as /proc gives it,
// or "?".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(data))[0]
}

// TestLoad is the load benchmark. It runs only when DIRECTIONS_SERVE_LOAD
// is set (it takes the machine's cores for up to a minute), against a
// real SQLite file, or PostgreSQL with DIRECTIONS_SERVE_LOAD_STORE=postgres
// (in a schema of its own in $DIRECTIONS_TEST_POSTGRES). It is bounded in
// events (DIRECTIONS_SERVE_LOAD_EVENTS, default 100,000, in batches of
// 500 from 4 writers) and in time (60 s); DIRECTIONS_SERVE_LOAD_READERS
// readers (default 4) ask for findings as of DIRECTIONS_SERVE_LOAD_ASOF
// (default 2019-06-30; "now", or "varied" for a different day each read).
// With DIRECTIONS_SERVE_LOAD=strict it fails below 5,000 events a second.
//
//	DIRECTIONS_SERVE_LOAD=1 go test ./server -run TestLoad -v
func TestLoad(t *testing.T) {
	mode := os.Getenv("DIRECTIONS_SERVE_LOAD")
	if mode == "" {
		t.Skip("the load benchmark runs only with DIRECTIONS_SERVE_LOAD=1 (or strict, to fail under 5,000 events/s): it takes the machine's cores for up to a minute")
	}
	l := load{events: 100_000, batchSize: 500, writers: 4, readers: 4, asOf: "2019-06-30", limit: 60 * time.Second}
	if v := os.Getenv("DIRECTIONS_SERVE_LOAD_EVENTS"); v != "" {
		fmt.Sscan(v, &l.events)
	}
	if v := os.Getenv("DIRECTIONS_SERVE_LOAD_READERS"); v != "" {
		fmt.Sscan(v, &l.readers)
	}
	if v := os.Getenv("DIRECTIONS_SERVE_LOAD_ASOF"); v != "" {
		l.asOf = v
	}
	var st Store
	store := "SQLite"
	if os.Getenv("DIRECTIONS_SERVE_LOAD_STORE") == "postgres" {
		usePostgres(t)
		st, store = openTestStore(t, "load"), "PostgreSQL"
	}
	h := start(t, copyTree(t, "examples/national"), st, Config{})
	load0 := loadAverage()
	res := runLoad(t, h, l)
	t.Logf("machine: %d cores for Go (GOMAXPROCS), load average %s before, %s after; store %s", runtime.GOMAXPROCS(0), load0, loadAverage(), store)
	t.Logf("ingest: %d events in %d batches of %d by %d writers in %.2fs = %.0f events/s", res.stored, res.batches, l.batchSize, l.writers, res.elapsed.Seconds(), res.rate())
	t.Logf("reads: %d findings requests (as of %s) by %d readers meanwhile (%.0f/s); latency p50 %v, p90 %v, p99 %v, max %v",
		len(res.lat), l.asOf, l.readers, float64(len(res.lat))/res.elapsed.Seconds(), res.pct(0.5).Round(time.Microsecond), res.pct(0.9).Round(time.Microsecond), res.pct(0.99).Round(time.Microsecond), res.pct(1).Round(time.Microsecond))
	if res.cpu >= 0 {
		t.Logf("cpu: %.2fs user+system for the process (server, clients and batch making excluded), %.0f%% of one core over the run; %.1f µs an event stored, reads included",
			res.cpu.Seconds(), 100*res.cpu.Seconds()/res.elapsed.Seconds(), float64(res.cpu.Microseconds())/float64(max(res.stored, 1)))
	}
	require.Zero(t, res.failures, "failed requests")
	if mode == "strict" {
		require.GreaterOrEqual(t, res.rate(), 5000.0, "ingest rate")
	}
}

// TestConcurrentIngestAndReads is a small load run that checks what the
// benchmark does not: that reads made while batches arrive (sharing
// evaluations, rebuilding monitors off the lock) leave findings equal to
// an evaluation of the stored events, and each council's monitor agreeing
// with it.
func TestConcurrentIngestAndReads(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	res := runLoad(t, h, load{events: 3000, batchSize: 100, writers: 3, readers: 4, asOf: "mixed", limit: time.Minute})
	require.Zero(t, res.failures, "failed requests")
	require.Equal(t, 3000, res.stored)
	for _, name := range loadCouncils {
		c := h.srv.council(name)
		code, stored := h.do("GET", "/v1/councils/"+name+"/events", h.admin, "", "")
		require.Equal(t, 200, code)
		evs, err := event.ParseJSONL("stored.jsonl", stored, event.Options{Location: c.dirs.loc})
		require.NoError(t, err)
		require.Len(t, evs, 1000)
		for _, asOf := range []string{"2018-09-30", "2019-06-30"} {
			at, err := evaluator.ParseAsOf(asOf, c.dirs.loc)
			require.NoError(t, err)
			want := evaluated(t, c.dirs, evs, at)
			code, body := h.do("GET", "/v1/councils/"+name+"/findings?as_of="+asOf, h.admin, "", "")
			require.Equal(t, 200, code, string(body))
			var got report.Check
			require.NoError(t, json.Unmarshal(body, &got))
			assert.Equal(t, want.Findings, got.Findings, "%s as of %s", name, asOf)
			assert.Equal(t, want.Summary, got.Summary, "%s as of %s", name, asOf)
			assert.Equal(t, want.Events, got.Events, "%s as of %s", name, asOf)
		}

		// The monitor, once its rebuild (after late returns) is done,
		// has reported what Evaluate gives as of the time it reached.
		require.Eventually(t, func() bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.rebuild == nil
		}, 10*time.Second, 10*time.Millisecond)
		c.mu.Lock()
		reached := c.monLast
		live := map[string]evaluator.Finding{}
		for k, lf := range c.live {
			if lf.Finding.Status != evaluator.Open {
				live[k] = lf.Finding
			}
		}
		c.mu.Unlock()
		res, err := evaluator.Evaluate(c.dirs.set, evs, evaluator.Options{AsOf: reached})
		require.NoError(t, err)
		final := map[string]evaluator.Finding{}
		for _, f := range res.Findings {
			if f.Status != evaluator.Open {
				final[FindingID(name, f)] = f
			}
		}
		assert.Equal(t, len(final), len(live), "%s: final findings, monitor and Evaluate", name)
		for k, f := range final {
			assert.Equal(t, f.Status, live[k].Status, "%s: %s %s #%d", name, f.Direction, f.Obligation, f.Instance)
		}
	}
}

// evaluated is the findings report `check` gives for evs as of at.
func evaluated(t *testing.T, d *directions, evs []event.Event, at time.Time) report.Check {
	t.Helper()
	res, err := evaluator.EvaluateContext(context.Background(), d.set, evs, evaluator.Options{AsOf: at})
	require.NoError(t, err)
	var rep report.Check
	data, err := json.Marshal(report.NewCheck(d.council(res)))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	return rep
}
