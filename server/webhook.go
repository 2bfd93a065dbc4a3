package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/dfe-tools/directions/evaluator"
)

// Webhooks: each final finding the monitor reports (met, late, missed,
// breached; a missed one is sent again if it later turns late) is written
// to an outbox in the store, one row per webhook, finding and status, and
// sent from there until the receiver answers 2xx. Delivery is at least
// once: a row stays until answered, survives restarts, and a rebuilt
// monitor's repeats are dropped by the outbox's key.

// WebhookEvent is the JSON body sent.
type WebhookEvent struct {
	// Delivery is the same for every attempt and every resend of one
	// finding in one status: the receiver's de-duplication key.
	Delivery string `json:"delivery"`
	Council  string `json:"council"`
	// FindingID names the instance across statuses (see FindingID).
	FindingID string            `json:"finding_id"`
	Status    evaluator.Status  `json:"status"`
	Reported  time.Time         `json:"reported"`
	Finding   evaluator.Finding `json:"finding"`
}

// Sign is the X-Directions-Signature of body sent at timestamp ts (Unix
// seconds, in X-Directions-Timestamp): "sha256=" and the hex HMAC-SHA256,
// under the webhook's secret, of ts, ".", and the body. Signing the time
// lets a receiver refuse old replays.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// maxAttempts is when a delivery is given up: with the backoff doubling
// from WebhookBackoff to an hour, about a day of trying.
const maxAttempts = 30

type pendingFinding struct {
	reported time.Time
	f        evaluator.Finding
}

type hooks struct {
	mu        sync.RWMutex
	byCouncil map[string][]Webhook
	notify    chan struct{}
	stop      chan struct{}
	done      chan struct{}
	client    *http.Client
}

func (s *Server) hooksFor(council string) []Webhook {
	s.hooks.mu.RLock()
	defer s.hooks.mu.RUnlock()
	return s.hooks.byCouncil[council]
}

func (s *Server) loadWebhooks(ctx context.Context) error {
	hs, err := s.store.Webhooks(ctx)
	if err != nil {
		return err
	}
	m := map[string][]Webhook{}
	for _, h := range hs {
		m[h.Council] = append(m[h.Council], h)
	}
	s.hooks.mu.Lock()
	s.hooks.byCouncil = m
	s.hooks.mu.Unlock()
	return nil
}

// startWebhooks runs the outbox: it moves reported findings into the
// store and sends what is due, on a signal or every WebhookPoll.
func (s *Server) startWebhooks() {
	s.hooks.notify = make(chan struct{}, 1)
	s.hooks.stop = make(chan struct{})
	s.hooks.done = make(chan struct{})
	s.hooks.client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	go func() {
		defer close(s.hooks.done)
		tick := time.NewTicker(s.cfg.WebhookPoll)
		defer tick.Stop()
		for {
			select {
			case <-s.hooks.stop:
				s.flushPending()
				return
			case <-s.hooks.notify:
			case <-tick.C:
			}
			s.flushPending()
			s.deliverDue()
		}
	}()
}

func (s *Server) stopWebhooks() {
	if s.hooks.stop == nil {
		return
	}
	select {
	case <-s.hooks.stop:
	default:
		close(s.hooks.stop)
	}
	<-s.hooks.done
}

func (s *Server) poke() {
	select {
	case s.hooks.notify <- struct{}{}:
	default:
	}
}

// flushPending writes the findings reported since the last flush to the
// outbox.
func (s *Server) flushPending() {
	for _, name := range s.councilNames() {
		c := s.council(name)
		c.mu.Lock()
		pending := c.pending
		c.pending = nil
		c.mu.Unlock()
		if len(pending) == 0 {
			continue
		}
		var ds []Delivery
		for _, h := range s.hooksFor(name) {
			for _, p := range pending {
				id := FindingID(name, p.f)
				ev := WebhookEvent{Delivery: id + ":" + string(p.f.Status), Council: name, FindingID: id, Status: p.f.Status, Reported: p.reported, Finding: p.f}
				body, _ := json.Marshal(ev)
				ds = append(ds, Delivery{Webhook: h.ID, Finding: id, Status: string(p.f.Status), Body: string(body), Next: time.Now()})
			}
		}
		if err := s.store.Enqueue(context.Background(), ds); err != nil {
			// Not lost: put them back for the next flush.
			s.logf("council %s: queueing webhook deliveries: %v", name, err)
			c.mu.Lock()
			c.pending = append(pending, c.pending...)
			c.mu.Unlock()
		}
	}
}

func (s *Server) deliverDue() {
	ctx := context.Background()
	ds, err := s.store.Due(ctx, time.Now(), 100)
	if err != nil {
		s.logf("webhooks: %v", err)
		return
	}
	if len(ds) == 0 {
		return
	}
	secrets := map[string]Webhook{}
	s.hooks.mu.RLock()
	for _, hs := range s.hooks.byCouncil {
		for _, h := range hs {
			secrets[h.ID] = h
		}
	}
	s.hooks.mu.RUnlock()
	for _, d := range ds {
		h, ok := secrets[d.Webhook]
		if !ok {
			continue // deleted meanwhile
		}
		err := s.send(ctx, h, d)
		d.Attempts++
		switch {
		case err == nil:
			d.Done, d.Error = true, ""
		case d.Attempts >= maxAttempts:
			d.Done, d.Error = true, "gave up after "+strconv.Itoa(d.Attempts)+" attempts: "+err.Error()
			s.logf("webhook %s: %s", h.ID, d.Error)
		default:
			d.Error = err.Error()
			d.Next = time.Now().Add(backoff(s.cfg.WebhookBackoff, d.Attempts))
		}
		if err := s.store.UpdateDelivery(ctx, d); err != nil {
			s.logf("webhook %s: %v", h.ID, err)
		}
	}
}

// backoff doubles from base after each failed attempt, up to an hour.
func backoff(base time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (s *Server) send(ctx context.Context, h Webhook, d Delivery) error {
	ts := time.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, "POST", h.URL, bytes.NewReader([]byte(d.Body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "directions-serve/"+evaluator.Version)
	req.Header.Set("X-Directions-Delivery", d.Finding+":"+d.Status)
	req.Header.Set("X-Directions-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Directions-Signature", Sign(h.Secret, ts, []byte(d.Body)))
	resp, err := s.hooks.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}

// WebhookRequest asks for a webhook.
type WebhookRequest struct {
	Council string `json:"council"`
	URL     string `json:"url"`
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can manage webhooks")
		return
	}
	var req WebhookRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "the body must be {\"council\": \"...\", \"url\": \"https://...\"}: %v", err)
		return
	}
	if s.council(req.Council) == nil {
		fail(w, http.StatusBadRequest, "no council %q", req.Council)
		return
	}
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		fail(w, http.StatusBadRequest, "url must be an absolute http or https URL, not %q", req.URL)
		return
	}
	var raw [32]byte
	var id [6]byte
	_, _ = randRead(raw[:])
	_, _ = randRead(id[:])
	h := Webhook{ID: "wh_" + hex.EncodeToString(id[:]), Council: req.Council, URL: req.URL, Secret: hex.EncodeToString(raw[:]), Created: time.Now().UTC()}
	if err := s.store.AddWebhook(r.Context(), h); err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	if err := s.loadWebhooks(r.Context()); err != nil {
		s.logf("webhooks: %v", err)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": h.ID, "council": h.Council, "url": h.URL, "secret": h.Secret,
		"note": "sign-check each body with this secret (X-Directions-Signature); findings reported from now on are sent"})
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can manage webhooks")
		return
	}
	hs, err := s.store.Webhooks(r.Context())
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	if hs == nil {
		hs = []Webhook{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": hs})
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, tok *Token) {
	if tok.Role != RoleAdmin {
		fail(w, http.StatusForbidden, "only an admin token can manage webhooks")
		return
	}
	ok, err := s.store.DeleteWebhook(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "the store is unavailable; try again")
		return
	}
	if !ok {
		fail(w, http.StatusNotFound, "no webhook %q", r.PathValue("id"))
		return
	}
	if err := s.loadWebhooks(r.Context()); err != nil {
		s.logf("webhooks: %v", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("id")})
}
