// Package server is the live compliance service behind `directions serve`:
// councils send their events over HTTP, the server stores them durably,
// watches every council's deadlines with an evaluator.Monitor, and serves
// findings as of any date (the same JSON as `directions check`) and the
// national summary for the DfE. It is built on the library's public API
// (direction, event, evaluator, and report, schedule and explain for its
// documents, which are the CLI's); nothing in the library imports it.
//
// # Storage
//
// A Store keeps each council's events in arrival order as canonical JSON
// lines, and the access tokens as SHA-256 hashes. OpenStore opens an
// embedded SQLite file (modernc.org/sqlite, pure Go, so the build needs no
// C toolchain) or, given a postgres:// URL, PostgreSQL (pgx), so that
// several instances can share one database. Migrations are numbered, run at
// open, and a store newer than the server is refused.
//
// # Ingest
//
// A batch is read by the event package's readers, with the vocabulary and
// size limits the CLI applies; a bad batch is refused whole with every
// problem positioned (line:col in the request body). Ingest is idempotent
// by event id: an event already stored with the same content is skipped;
// different content under a used id refuses the batch (409) and names where
// the stored one came from. The answer is sent only after the transaction
// commits (SQLite: WAL with synchronous=FULL).
//
// # Monitors
//
// Each council has one Monitor, rebuilt from the store at start and when
// an event arrives dated before one it has seen (beside the old one, off
// the council's lock); a timer set to Monitor.Wake (at most an hour ahead)
// advances it when a deadline passes, so nothing polls the history.
//
// # Reads
//
// Findings are evaluated from the stored events. Reads of one council
// with the same as-of time share one evaluation (and one encoding of the
// findings) until an event arrives; at most GOMAXPROCS-1 evaluations (at
// least one) run at once, so that readers leave ingest a core.
//
// # Access
//
// Bearer tokens carry a role: council (its own council, read and write),
// dfe (read every council, write none) or admin (read every council,
// manage tokens, reload directions). A council the token may not read is
// answered 404, like one that does not exist.
//
// See docs/serve.md for the API and how to run it.
package server
