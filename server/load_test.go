package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLoad is the load benchmark: writers send batches of events to three
// councils while readers ask for findings, all over loopback
// (httptest listens on 127.0.0.1 only), against a real SQLite file. It is
// bounded in events (DIRECTIONS_SERVE_LOAD_EVENTS, default 100,000) and
// in time (60 s), runs only when DIRECTIONS_SERVE_LOAD is set, and with
// DIRECTIONS_SERVE_LOAD=strict fails below 5,000 events a second.
//
//	DIRECTIONS_SERVE_LOAD=1 go test ./server -run TestLoad -v
func TestLoad(t *testing.T) {
	mode := os.Getenv("DIRECTIONS_SERVE_LOAD")
	if mode == "" {
		t.Skip("the load benchmark runs only with DIRECTIONS_SERVE_LOAD=1 (or strict, to fail under 5,000 events/s): it takes the machine's cores for up to a minute")
	}
	total := 100_000
	if v := os.Getenv("DIRECTIONS_SERVE_LOAD_EVENTS"); v != "" {
		fmt.Sscan(v, &total)
	}
	const batchSize = 500
	writers, readers := 4, 4
	if v := os.Getenv("DIRECTIONS_SERVE_LOAD_READERS"); v != "" {
		fmt.Sscan(v, &readers)
	}
	h := start(t, copyTree(t, "examples/national"), nil, Config{})
	councils := []string{"ambridge", "borsetshire", "casterbridge"}
	tokens := map[string]string{}
	for _, c := range councils {
		tokens[c] = h.token(RoleCouncil, c)
	}
	dfe := h.token(RoleDfE, "")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: writers + readers}}

	// Batches are made before the clock starts.
	type batch struct {
		council string
		body    []byte
	}
	var batches []batch
	r := rand.New(rand.NewPCG(1, 2))
	// Events mostly arrive in time order, as councils record them, a
	// day's worth to a batch; one in fifty is a late return dated up to
	// sixty days back.
	nBatches := (total + batchSize - 1) / batchSize
	for n := 0; n < nBatches; n++ {
		var buf bytes.Buffer
		c := councils[n%len(councils)]
		day := time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 600*n/nBatches)
		for i := range batchSize {
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

	deadline := time.Now().Add(60 * time.Second)
	var next, stored atomic.Int64
	var failures atomic.Int64
	done := make(chan struct{})
	var wg, rg sync.WaitGroup
	begin := time.Now()
	for range writers {
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
				stored.Add(batchSize)
			}
		}()
	}
	var mu sync.Mutex
	var lat []time.Duration
	for w := range readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				c := councils[(w+i)%len(councils)]
				req, _ := http.NewRequest("GET", h.http.URL+"/v1/councils/"+c+"/findings?as_of=2019-06-30", nil)
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
	elapsed := time.Since(begin)
	close(done)
	rg.Wait()
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	rate := float64(stored.Load()) / elapsed.Seconds()
	t.Logf("ingest: %d events in %d batches of %d by %d writers in %.2fs = %.0f events/s", stored.Load(), stored.Load()/batchSize, batchSize, writers, elapsed.Seconds(), rate)
	t.Logf("reads: %d findings requests by %d readers meanwhile (%.0f/s); latency p50 %v, p90 %v, p99 %v, max %v", len(lat), readers, float64(len(lat))/elapsed.Seconds(), pct(0.5), pct(0.9), pct(0.99), pct(1))
	require.Zero(t, failures.Load(), "failed requests")
	if mode == "strict" {
		require.GreaterOrEqual(t, rate, 5000.0, "ingest rate")
	}
}
