package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite", pure Go
)

// Store is what the server keeps: each council's events in arrival order,
// and the tokens. Append is all-or-nothing and returns only once the
// events are durably committed.
type Store interface {
	// Append stores the events of one batch for council. An event whose id
	// is already stored with the same content is skipped (counted in
	// skipped); one stored with different content fails the whole batch
	// with a *ConflictError and stores nothing.
	Append(ctx context.Context, council string, batch []Stored) (added, skipped int, err error)
	// Events returns council's events stored after seq, in arrival order.
	Events(ctx context.Context, council string, after int64) ([]Stored, error)
	CreateToken(ctx context.Context, t Token) error
	RevokeToken(ctx context.Context, id string) (bool, error)
	Tokens(ctx context.Context) ([]Token, error)
	TokenByHash(ctx context.Context, hash string) (*Token, error)

	AddWebhook(ctx context.Context, h Webhook) error
	DeleteWebhook(ctx context.Context, id string) (bool, error)
	Webhooks(ctx context.Context) ([]Webhook, error)
	// Enqueue adds deliveries; one already queued for the same webhook,
	// finding and status is left as it is (a rebuilt monitor reports old
	// findings again).
	Enqueue(ctx context.Context, ds []Delivery) error
	// Due returns up to limit undelivered deliveries whose next attempt
	// is at or before now.
	Due(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// UpdateDelivery records an attempt.
	UpdateDelivery(ctx context.Context, d Delivery) error
	Close() error
}

// Webhook is where a council's final findings are sent. The secret signs
// each body (HMAC-SHA256), so it is kept as it is, unlike tokens.
type Webhook struct {
	ID      string    `json:"id"`
	Council string    `json:"council"`
	URL     string    `json:"url"`
	Secret  string    `json:"-"`
	Created time.Time `json:"created"`
}

// Delivery is one finding to send to one webhook.
type Delivery struct {
	Webhook  string
	Finding  string // FindingID
	Status   string
	Body     string
	Attempts int
	Next     time.Time
	// Done is set once delivered, or when given up on (Error says why).
	Done  bool
	Error string
}

// Stored is one event as kept: its canonical JSON line (see canonical) and
// where it was first received.
type Stored struct {
	Seq     int64     `json:"seq"`
	ID      string    `json:"id"`
	Body    string    `json:"event"`
	Batch   string    `json:"batch"`
	Line    int       `json:"line"`
	Column  int       `json:"column"`
	Receive time.Time `json:"received"`
}

// ConflictError is a batch refused because an id in it is already stored
// with different content.
type ConflictError struct {
	ID     string
	Line   int // position of the new event in the request body
	Column int
	Stored Stored
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("line %d:%d: event id %q is already stored with different content (received in batch %s at line %d:%d on %s); an event's id names one event for ever: send a correction under a new id",
		e.Line, e.Column, e.ID, e.Stored.Batch, e.Stored.Line, e.Stored.Column, e.Stored.Receive.UTC().Format(time.RFC3339))
}

// Token is an access token as stored: never the secret, only its SHA-256.
type Token struct {
	ID      string    `json:"id"`
	Hash    string    `json:"-"`
	Role    Role      `json:"role"`
	Council string    `json:"council,omitempty"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// sqlStore is Store over database/sql, for SQLite and PostgreSQL.
type sqlStore struct {
	db       *sql.DB
	postgres bool
	// SQLite batches go through one committer goroutine (groupAppend):
	// besides grouping commits, this keeps this process's writers from
	// meeting in SQLite's busy handler, which sleeps in steps of up to
	// 100 ms.
	queue          chan *appendReq
	quit, stopped  chan struct{}
	startCommitter sync.Once
}

// OpenStore opens (creating if need be) the store named by dsn: a
// postgres:// or postgresql:// URL for PostgreSQL, otherwise the path of
// an SQLite file. Migrations run before it returns.
func OpenStore(ctx context.Context, dsn string) (Store, error) {
	s := &sqlStore{queue: make(chan *appendReq), quit: make(chan struct{}), stopped: make(chan struct{})}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.postgres = true
		s.db, err = sql.Open("pgx", dsn)
	} else {
		// WAL lets readers run beside the writer; synchronous=FULL syncs
		// the WAL on every commit, so an acknowledged batch survives a
		// power cut, not just a crash; BEGIN IMMEDIATE takes the write lock
		// at the start, so two batches never deadlock upgrading a read lock.
		s.db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	}
	if err != nil {
		return nil, err
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("opening the store: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// migrations are applied in order, each once, recorded in
// schema_migrations. Never edit one that has shipped: add another.
var migrations = []string{
	// 1: events and tokens.
	`CREATE TABLE events (
		council TEXT NOT NULL,
		seq BIGINT NOT NULL,
		id TEXT NOT NULL,
		body TEXT NOT NULL,
		batch TEXT NOT NULL,
		line INTEGER NOT NULL,
		col INTEGER NOT NULL,
		received TEXT NOT NULL,
		PRIMARY KEY (council, seq),
		UNIQUE (council, id)
	);
	CREATE TABLE tokens (
		id TEXT PRIMARY KEY,
		hash TEXT NOT NULL UNIQUE,
		role TEXT NOT NULL,
		council TEXT NOT NULL,
		label TEXT NOT NULL,
		created TEXT NOT NULL,
		revoked TEXT NOT NULL
	)`,
	// 2: webhooks and their outbox.
	`CREATE TABLE webhooks (
		id TEXT PRIMARY KEY,
		council TEXT NOT NULL,
		url TEXT NOT NULL,
		secret TEXT NOT NULL,
		created TEXT NOT NULL
	);
	CREATE TABLE deliveries (
		webhook TEXT NOT NULL,
		finding TEXT NOT NULL,
		status TEXT NOT NULL,
		body TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		next_ms BIGINT NOT NULL,
		done INTEGER NOT NULL,
		error TEXT NOT NULL,
		PRIMARY KEY (webhook, finding, status)
	);
	CREATE INDEX deliveries_due ON deliveries (done, next_ms)`,
}

func (s *sqlStore) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrating the store: %w", err)
	}
	for i, m := range migrations {
		v := i + 1
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if s.postgres {
				// Several instances may start at once: one migrates, the
				// others wait here and then find the version recorded.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7262011)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range strings.Split(m, ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), v, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrating the store to version %d: %w", v, err)
		}
	}
	// A store written by a newer server has migrations this one does not
	// know: refuse it rather than write to a schema it does not understand.
	var top sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&top); err != nil {
		return err
	}
	if int(top.Int64) > len(migrations) {
		return fmt.Errorf("the store is at schema version %d, newer than this server's %d: upgrade the server", top.Int64, len(migrations))
	}
	return nil
}

// q rewrites ? placeholders as $1, $2... for PostgreSQL.
func (s *sqlStore) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *sqlStore) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *sqlStore) Append(ctx context.Context, council string, batch []Stored) (added, skipped int, err error) {
	if !s.postgres {
		return s.groupAppend(ctx, council, batch)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		added, skipped, err = s.appendTx(ctx, tx, council, batch)
		return err
	})
	return added, skipped, err
}

// appendTx stores batch inside tx.
func (s *sqlStore) appendTx(ctx context.Context, tx *sql.Tx, council string, batch []Stored) (added, skipped int, err error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	if s.postgres {
		// Sequence numbers are per council and gap-free: serialise the
		// council's writers (other councils go on in parallel).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, council); err != nil {
			return 0, 0, err
		}
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(seq), 0) FROM events WHERE council = ?`), council).Scan(&seq); err != nil {
		return 0, 0, err
	}
	// Two statements a chunk of the batch, not one an event: the ids
	// already stored are looked up together, and the new events inserted
	// in one multi-row INSERT. An event a statement cost a round trip
	// each on PostgreSQL (under 1,000 events a second) and a parse each
	// on SQLite.
	stored := map[string]Stored{}
	for chunk := range slices.Chunk(batch, rowsPerStatement) {
		if err := s.storedIDs(ctx, tx, council, chunk, stored); err != nil {
			return 0, 0, err
		}
	}
	fresh := make([]Stored, 0, len(batch))
	for _, ev := range batch {
		if old, ok := stored[ev.ID]; ok {
			if old.Body != ev.Body {
				if old.Seq == 0 {
					// Twice in this batch (the readers refuse that).
					return 0, 0, fmt.Errorf("line %d:%d: event id %q is used twice in the batch (also at line %d:%d)", ev.Line, ev.Column, ev.ID, old.Line, old.Column)
				}
				return 0, 0, &ConflictError{ID: ev.ID, Line: ev.Line, Column: ev.Column, Stored: old}
			}
			skipped++
			continue
		}
		seq++
		ev.Seq = seq
		fresh = append(fresh, ev)
		stored[ev.ID] = Stored{ID: ev.ID, Body: ev.Body, Line: ev.Line, Column: ev.Column}
	}
	for chunk := range slices.Chunk(fresh, rowsPerStatement) {
		var b strings.Builder
		b.WriteString(`INSERT INTO events (council, seq, id, body, batch, line, col, received) VALUES `)
		args := make([]any, 0, 8*len(chunk))
		for i, ev := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?)`)
			args = append(args, council, ev.Seq, ev.ID, ev.Body, ev.Batch, ev.Line, ev.Column, now)
		}
		if _, err := tx.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return 0, 0, err
		}
	}
	return len(fresh), skipped, nil
}

// rowsPerStatement bounds the rows of one statement: 8 parameters a row
// stays under SQLite's 32,766 and PostgreSQL's 65,535.
const rowsPerStatement = 500

// storedIDs adds to into the events of chunk already stored for council,
// by id.
func (s *sqlStore) storedIDs(ctx context.Context, tx *sql.Tx, council string, chunk []Stored, into map[string]Stored) error {
	var b strings.Builder
	b.WriteString(`SELECT id, seq, body, batch, line, col, received FROM events WHERE council = ? AND id IN (`)
	args := make([]any, 0, 1+len(chunk))
	args = append(args, council)
	for i, ev := range chunk {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('?')
		args = append(args, ev.ID)
	}
	b.WriteByte(')')
	rows, err := tx.QueryContext(ctx, s.q(b.String()), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var old Stored
		var received string
		if err := rows.Scan(&old.ID, &old.Seq, &old.Body, &old.Batch, &old.Line, &old.Column, &received); err != nil {
			return err
		}
		old.Receive, _ = time.Parse(time.RFC3339Nano, received)
		into[old.ID] = old
	}
	return rows.Err()
}

// appendReq is one batch waiting for the SQLite committer.
type appendReq struct {
	ctx            context.Context
	council        string
	batch          []Stored
	added, skipped int
	err            error
	done           chan struct{}
}

// groupAppend hands the batch to the committer and waits for the commit.
//
// SQLite has one writer at a time and each commit waits for an fsync
// (tens of milliseconds on a busy disk), so committing batches one by one
// caps ingest at a few batches a second whatever the cores. The committer
// takes every batch waiting and commits them in one transaction, each
// inside its own savepoint: a batch that fails (a conflicting id) is
// rolled back alone, and every batch is answered only after the commit
// that holds it. With four concurrent writers this took ingest from 1,650
// to over 5,000 events a second on the project's machine.
func (s *sqlStore) groupAppend(ctx context.Context, council string, batch []Stored) (int, int, error) {
	req := &appendReq{ctx: ctx, council: council, batch: batch, done: make(chan struct{})}
	s.startCommitter.Do(func() { go s.committer() })
	select {
	case s.queue <- req:
	case <-s.quit:
		return 0, 0, errors.New("the store is closed")
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
	<-req.done
	return req.added, req.skipped, req.err
}

const maxGroup = 64

func (s *sqlStore) committer() {
	defer close(s.stopped)
	for {
		var reqs []*appendReq
		select {
		case r := <-s.queue:
			reqs = append(reqs, r)
		case <-s.quit:
			return
		}
	more:
		for len(reqs) < maxGroup {
			select {
			case r := <-s.queue:
				reqs = append(reqs, r)
			default:
				break more
			}
		}
		s.commitGroup(reqs)
		for _, r := range reqs {
			close(r.done)
		}
	}
}

func (s *sqlStore) commitGroup(reqs []*appendReq) {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range reqs {
			r.err = err
		}
		return
	}
	var ok []*appendReq
	for _, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			r.err = err // the client has gone: store nothing of it
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT batch`); err != nil {
			r.err = err
			continue
		}
		r.added, r.skipped, r.err = s.appendTx(ctx, tx, r.council, r.batch)
		if r.err != nil {
			r.added, r.skipped = 0, 0
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO batch`); err != nil {
				tx.Rollback()
				for _, r2 := range reqs {
					if r2.err == nil {
						r2.err, r2.added, r2.skipped = err, 0, 0
					}
				}
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE batch`); err != nil && r.err == nil {
			r.err = err
		}
		if r.err == nil {
			ok = append(ok, r)
		}
	}
	if err := tx.Commit(); err != nil {
		for _, r := range ok {
			r.err, r.added, r.skipped = err, 0, 0
		}
	}
}

func (s *sqlStore) Events(ctx context.Context, council string, after int64) ([]Stored, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT seq, id, body, batch, line, col, received FROM events WHERE council = ? AND seq > ? ORDER BY seq`), council, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var e Stored
		var received string
		if err := rows.Scan(&e.Seq, &e.ID, &e.Body, &e.Batch, &e.Line, &e.Column, &received); err != nil {
			return nil, err
		}
		e.Receive, _ = time.Parse(time.RFC3339Nano, received)
		out = append(out, e)
	}
	return out, rows.Err()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func (s *sqlStore) CreateToken(ctx context.Context, t Token) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO tokens (id, hash, role, council, label, created, revoked) VALUES (?, ?, ?, ?, ?, ?, '')`),
		t.ID, t.Hash, string(t.Role), t.Council, t.Label, fmtTime(t.Created))
	return err
}

func (s *sqlStore) RevokeToken(ctx context.Context, id string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE tokens SET revoked = ? WHERE id = ? AND revoked = ''`), fmtTime(time.Now()), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *sqlStore) scanTokens(rows *sql.Rows) ([]Token, error) {
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var role, created, revoked string
		if err := rows.Scan(&t.ID, &t.Hash, &role, &t.Council, &t.Label, &created, &revoked); err != nil {
			return nil, err
		}
		t.Role, t.Created, t.Revoked = Role(role), parseTime(created), parseTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *sqlStore) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, hash, role, council, label, created, revoked FROM tokens ORDER BY created, id`)
	if err != nil {
		return nil, err
	}
	return s.scanTokens(rows)
}

// TokenByHash returns the live token with the hash, or nil.
func (s *sqlStore) TokenByHash(ctx context.Context, hash string) (*Token, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, hash, role, council, label, created, revoked FROM tokens WHERE hash = ? AND revoked = ''`), hash)
	if err != nil {
		return nil, err
	}
	ts, err := s.scanTokens(rows)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	return &ts[0], nil
}

// Close stops the committer (batches it holds are committed first) and
// closes the database.
func (s *sqlStore) Close() error {
	s.startCommitter.Do(func() { close(s.stopped) })
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.stopped
	return s.db.Close()
}

func (s *sqlStore) AddWebhook(ctx context.Context, h Webhook) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO webhooks (id, council, url, secret, created) VALUES (?, ?, ?, ?, ?)`), h.ID, h.Council, h.URL, h.Secret, fmtTime(h.Created))
	return err
}

func (s *sqlStore) DeleteWebhook(ctx context.Context, id string) (bool, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM webhooks WHERE id = ?`), id)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM deliveries WHERE webhook = ?`), id)
		return err
	})
	return n == 1, err
}

func (s *sqlStore) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, council, url, secret, created FROM webhooks ORDER BY council, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var h Webhook
		var created string
		if err := rows.Scan(&h.ID, &h.Council, &h.URL, &h.Secret, &created); err != nil {
			return nil, err
		}
		h.Created = parseTime(created)
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *sqlStore) Enqueue(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		ins := s.q(`INSERT INTO deliveries (webhook, finding, status, body, attempts, next_ms, done, error) VALUES (?, ?, ?, ?, 0, ?, 0, '') ON CONFLICT (webhook, finding, status) DO NOTHING`)
		for _, d := range ds {
			if _, err := tx.ExecContext(ctx, ins, d.Webhook, d.Finding, d.Status, d.Body, d.Next.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqlStore) Due(ctx context.Context, now time.Time, limit int) ([]Delivery, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT webhook, finding, status, body, attempts, next_ms, error FROM deliveries WHERE done = 0 AND next_ms <= ? ORDER BY next_ms LIMIT ?`), now.UnixMilli(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var next int64
		if err := rows.Scan(&d.Webhook, &d.Finding, &d.Status, &d.Body, &d.Attempts, &next, &d.Error); err != nil {
			return nil, err
		}
		d.Next = time.UnixMilli(next)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *sqlStore) UpdateDelivery(ctx context.Context, d Delivery) error {
	done := 0
	if d.Done {
		done = 1
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE deliveries SET attempts = ?, next_ms = ?, done = ?, error = ? WHERE webhook = ? AND finding = ? AND status = ?`),
		d.Attempts, d.Next.UnixMilli(), done, d.Error, d.Webhook, d.Finding, d.Status)
	return err
}

// Redact hides the password in a store URL, for logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
