package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/dfe-tools/directions/internal/workspace"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// stdinSpool is standard input as check, schedule and explain read it.
// They stream it, as they stream a file, but may have to read it again:
// to load it after all (events out of time order, a date known only to a
// range, an error loading words with every position) or to tell apart two
// ids sharing a fingerprint. Standard input cannot be read twice, and
// holding it in memory would undo the streaming, so every byte read from
// it is also written to a temporary file, and a reader rewound to the
// start (rewindStdin) reads the bytes already spooled from that file,
// then goes on reading standard input where it stopped. The digest of
// "-" is of the bytes read, whichever pass read them: the same bytes.
//
// The file holds at most the history limit plus one byte (the readers
// refuse a history over --max-history-bytes as they read it; the spool
// stops there too). It is removed as soon as it is created, where the
// system allows (Unix: it lives on, unnamed, while open), so that nothing
// is left behind however the program ends, Ctrl-C included; elsewhere it
// is removed when the command returns.
type stdinSpool struct {
	src io.Reader
	max int64
	f   *workspace.TempFile // created at the first byte read
	n   int64               // bytes spooled
	pos int64               // where the reader is
	err error               // src's error, once it gave one
}

// useStdinSpool makes workspace.StdinReader a spool of standard input for
// a command given "-" among paths, and returns what undoes it (closing and
// removing the spool). Reading standard input stops when ctx is done.
func useStdinSpool(ctx context.Context, env *cliEnv, paths []string) func() {
	if !slices.Contains(paths, workspace.Stdin) {
		return func() {}
	}
	lim := yamlx.LimitsOf(env.opts.Limits).ForHistory()
	prev := workspace.StdinReader
	s := &stdinSpool{src: interruptible(ctx, prev), max: int64(lim.MaxBytes)}
	workspace.StdinReader = s
	return func() {
		workspace.StdinReader = prev
		s.close()
	}
}

// stdinSpooled reports whether standard input is spooled, so that it can
// be read again.
func stdinSpooled() bool {
	_, ok := workspace.StdinReader.(*stdinSpool)
	return ok
}

// rewindStdin makes the next read of standard input start again at its
// first byte, when it is spooled.
func rewindStdin() {
	if s, ok := workspace.StdinReader.(*stdinSpool); ok {
		s.pos = 0
	}
}

// stdinReaderAt reads the bytes of standard input spooled so far at any
// offset (nil when it is not spooled), for reading its events in another
// order (batch_order.go) once it has been read to its end.
func stdinReaderAt() io.ReaderAt {
	s, ok := workspace.StdinReader.(*stdinSpool)
	if !ok {
		return nil
	}
	return io.NewSectionReader(spoolAt{s}, 0, math.MaxInt64)
}

// spoolAt reads the spool file, which exists once a byte is read.
type spoolAt struct{ s *stdinSpool }

func (a spoolAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= a.s.n {
		return 0, io.EOF
	}
	n, err := a.s.f.ReadAt(p[:min(int64(len(p)), a.s.n-off)], off)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

func (s *stdinSpool) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if s.pos < s.n {
		n, err := s.f.ReadAt(p[:min(int64(len(p)), s.n-s.pos)], s.pos)
		s.pos += int64(n)
		if err == io.EOF && n > 0 {
			err = nil
		}
		return n, err
	}
	if s.err != nil {
		return 0, s.err
	}
	if s.n > s.max {
		return 0, fmt.Errorf("standard input is over the limit of %d bytes (split it into smaller files, or raise --max-history-bytes)", s.max)
	}
	// Read no more than one byte past the limit: the reader words that.
	n, err := s.src.Read(p[:min(int64(len(p)), s.max+1-s.n)])
	if n > 0 {
		if werr := s.spool(p[:n]); werr != nil {
			return 0, werr
		}
		s.n += int64(n)
		s.pos = s.n
	}
	if err != nil {
		s.err = err
	}
	return n, err
}

// spool appends b to the file, creating it first.
func (s *stdinSpool) spool(b []byte) error {
	if s.f == nil {
		f, err := workspace.NewTempFile("directions-stdin-*.jsonl")
		if err != nil {
			return fmt.Errorf("standard input: cannot keep a copy to read it again: %v", err)
		}
		s.f = f
	}
	if _, err := s.f.WriteAt(b, s.n); err != nil {
		return fmt.Errorf("standard input: cannot keep a copy to read it again: %v", err)
	}
	return nil
}

func (s *stdinSpool) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}
