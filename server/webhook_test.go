package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWebhooks: final findings reach a receiver signed, a failed delivery
// is retried until answered, and a rebuilt monitor does not send a
// delivered finding again.
func TestWebhooks(t *testing.T) {
	h := start(t, copyTree(t, "examples/national"), nil, Config{WebhookPoll: 20 * time.Millisecond, WebhookBackoff: 20 * time.Millisecond})
	var mu sync.Mutex
	got := map[string]int{} // delivery -> times received
	var bodies []WebhookEvent
	failFirst := true
	var secret string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, _ := strconv.ParseInt(r.Header.Get("X-Directions-Timestamp"), 10, 64)
		mu.Lock()
		defer mu.Unlock()
		if Sign(secret, ts, body) != r.Header.Get("X-Directions-Signature") {
			t.Errorf("bad signature on %s", body)
			w.WriteHeader(400)
			return
		}
		if failFirst {
			failFirst = false
			w.WriteHeader(503)
			return
		}
		var ev WebhookEvent
		require.NoError(t, json.Unmarshal(body, &ev))
		assert.Equal(t, r.Header.Get("X-Directions-Delivery"), ev.Delivery)
		got[ev.Delivery]++
		bodies = append(bodies, ev)
	}))
	defer recv.Close()

	code, body := h.do("POST", "/v1/admin/webhooks", h.admin, "application/json", `{"council": "ambridge", "url": "`+recv.URL+`/hook"}`)
	require.Equal(t, http.StatusCreated, code, string(body))
	var created struct{ ID, Secret string }
	require.NoError(t, json.Unmarshal(body, &created))
	mu.Lock()
	secret = created.Secret
	mu.Unlock()

	tok := h.token(RoleCouncil, "ambridge")
	code, body = h.do("POST", "/v1/councils/ambridge/events", tok, jsonl, `{"id": "chair-q1", "type": "report", "at": "2018-05-30", "from": "board-chair", "to": "secretary-of-state", "kind": "progress"}`)
	require.Equal(t, 200, code, string(body))
	// chair-q1 meets 8(f) instance 1 (due 1 June 2018, sent 30 May).
	met := func() (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range bodies {
			if ev.Finding.Obligation == "chair-quarterly-report" && ev.Finding.Instance == 1 && ev.Status == "met" {
				return ev.Delivery, true
			}
		}
		return "", false
	}
	require.Eventually(t, func() bool { _, ok := met(); return ok }, 10*time.Second, 20*time.Millisecond)
	key, _ := met()

	// Another late return rebuilds the monitor, which reports every
	// finding again; none already delivered is sent twice.
	code, _ = h.do("POST", "/v1/councils/ambridge/events", tok, jsonl, `{"id": "review-1", "type": "review", "at": "2018-08-24", "by": "felpersham"}`)
	require.Equal(t, 200, code)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range bodies {
			if ev.Finding.Obligation == "adviser-six-monthly-review" && ev.Finding.Instance == 1 && ev.Status == "met" {
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, got[key])
	for k, n := range got {
		assert.Equal(t, 1, n, "delivery %s received %d times", k, n)
	}
}

func TestBackoff(t *testing.T) {
	assert.Equal(t, 10*time.Second, backoff(10*time.Second, 1))
	assert.Equal(t, 20*time.Second, backoff(10*time.Second, 2))
	assert.Equal(t, 80*time.Second, backoff(10*time.Second, 4))
	assert.Equal(t, time.Hour, backoff(10*time.Second, 20))
}
