package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
)

// Config configures a Server.
type Config struct {
	// Dir is the directions tree: one folder per council holding its
	// direction files (as `directions check` reads a tree).
	Dir string
	// Store keeps events and tokens; the server does not close it.
	Store Store
	// Import, when set, ingests the history files found in the council
	// folders at start, as if POSTed (idempotent by event id).
	Import bool
	// MaxBody bounds an ingest request's body; default 16 MiB.
	MaxBody int64
	// Load bounds reading the directions and, with Import, the history
	// files (Limits, Cost); the zero value takes the defaults.
	Load direction.Options
	// Now is the clock; default time.Now. Tests move it.
	Now func() time.Time
	// Log receives errors and notices; default standard error.
	Log *log.Logger
	// WebhookPoll is how often the webhook outbox is looked at; default
	// one second. WebhookBackoff is the wait after a first failed
	// delivery, doubling after each failure up to an hour; default 10 s.
	WebhookPoll, WebhookBackoff time.Duration
}

// Server is the compliance service: an http.Handler plus the monitors
// that watch each council's deadlines.
type Server struct {
	cfg    Config
	store  Store
	tokens tokenCache
	hooks  hooks

	mu       sync.RWMutex
	councils map[string]*council
	names    []string
	// loadErrors are the councils whose directions failed to load at the
	// last load or reload, with why.
	loadErrors map[string]string
	reloadMu   sync.Mutex

	mux *http.ServeMux
	// evalSlots bounds the evaluations running at once (evalcache.go).
	evalSlots chan struct{}
}

// New loads the directions under cfg.Dir, rebuilds every council's state
// from the store and returns the server. A council whose directions fail
// to load at start is an error: the service does not start half-blind.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 16 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = log.New(os.Stderr, "directions serve: ", log.LstdFlags)
	}
	if cfg.WebhookPoll <= 0 {
		cfg.WebhookPoll = time.Second
	}
	if cfg.WebhookBackoff <= 0 {
		cfg.WebhookBackoff = 10 * time.Second
	}
	s := &Server{cfg: cfg, store: cfg.Store, councils: map[string]*council{}, loadErrors: map[string]string{}, evalSlots: make(chan struct{}, evalSlotCount())}
	s.tokens.m = map[string]cachedToken{}
	if err := s.loadWebhooks(ctx); err != nil {
		return nil, err
	}
	tree, err := loadTree(cfg.Dir, cfg.Load)
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, l := range tree {
		if l.err != nil {
			bad = append(bad, fmt.Sprintf("council %s (%s):\n%v", l.name, l.dir, l.err))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("directions that do not load:\n%s", strings.Join(bad, "\n"))
	}
	for _, l := range tree {
		c := &council{name: l.name, dir: l.dir, srv: s}
		s.councils[l.name] = c
		s.names = append(s.names, l.name)
		c.setDirections(l.dirs)
		if cfg.Import {
			if err := s.importHistories(ctx, c, l.histories); err != nil {
				s.Close()
				return nil, err
			}
		}
	}
	sort.Strings(s.names)
	s.startWebhooks()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	return s, nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }

func (s *Server) logf(format string, args ...any) { s.cfg.Log.Printf(format, args...) }

// importHistories ingests the history files of a council's folder.
func (s *Server) importHistories(ctx context.Context, c *council, paths []string) error {
	for _, p := range paths {
		d := c.dirs
		evs, err := event.Load(p, event.Options{Location: d.loc, Vocabulary: d.vocab, Limits: s.cfg.Load.Limits})
		if err == nil {
			err = knownDays(evs, d.loc)
		}
		if err != nil {
			return fmt.Errorf("importing %s: %w", p, err)
		}
		batch := make([]Stored, len(evs))
		for i := range evs {
			batch[i] = Stored{ID: evs[i].ID, Body: canonical(&evs[i], d.loc), Batch: "import:" + p, Line: evs[i].Pos.Line, Column: evs[i].Pos.Column}
		}
		added, _, err := s.store.Append(ctx, c.name, batch)
		if err != nil {
			return fmt.Errorf("importing %s: %w", p, err)
		}
		if added > 0 {
			s.logf("imported %d new events for %s from %s", added, c.name, p)
		}
	}
	return c.sync(ctx)
}

// council returns the named council, or nil.
func (s *Server) council(name string) *council {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.councils[name]
}

func (s *Server) councilNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.names)
}

// Reload loads the directions again. A council whose directions load
// gets them; one whose directions fail keeps the ones it had (the errors
// are returned, by council). Councils new in the tree are added; a
// council that has left the tree keeps its directions and its events.
func (s *Server) Reload() (map[string]string, error) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	tree, err := loadTree(s.cfg.Dir, s.cfg.Load)
	if err != nil {
		return nil, err
	}
	errs := map[string]string{}
	for _, l := range tree {
		if l.err != nil {
			errs[l.name] = l.err.Error()
			continue
		}
		if c := s.council(l.name); c != nil {
			c.setDirections(l.dirs)
			continue
		}
		c := &council{name: l.name, dir: l.dir, srv: s}
		c.setDirections(l.dirs)
		s.mu.Lock()
		s.councils[l.name] = c
		s.names = append(s.names, l.name)
		sort.Strings(s.names)
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.loadErrors = errs
	s.mu.Unlock()
	return errs, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close stops the monitors' timers and the webhook sender, after moving
// reported findings to the outbox. It does not close the store.
func (s *Server) Close() {
	s.mu.RLock()
	for _, c := range s.councils {
		c.stop()
	}
	s.mu.RUnlock()
	s.stopWebhooks()
}

// The timeouts bound every connection, so a slow or stalled client cannot
// hold a connection (or a goroutine) for ever; ShutdownTimeout bounds how
// long Serve waits for requests in flight when it stops.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 60 * time.Second
	WriteTimeout      = 120 * time.Second
	IdleTimeout       = 120 * time.Second
	ShutdownTimeout   = 30 * time.Second
)

// Serve serves on ln until ctx is done, then shuts down gracefully:
// it stops accepting, lets requests in flight finish (up to
// ShutdownTimeout) and stops the monitors. ready, if not nil, is told
// the address once listening.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          s.cfg.Log,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	s.Close()
	if err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var _ = io.EOF
