package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
)

// digestChunk is how many bytes HashingReader gathers before handing
// them to its hasher, and digestInFlight how many such chunks may wait:
// with the one being gathered, at most 320 KiB a reader.
const (
	digestChunk    = 64 << 10
	digestInFlight = 4
)

// HashingReader passes on the bytes of r and computes their SHA-256 on
// another goroutine, so that a history's digest costs the reading
// goroutine a copy, not the hash: on a machine with a second core the
// hash no longer lengthens the read. The digest is of exactly the bytes
// the caller was given, in order (the file is never read twice: a file
// changing between two reads would be hashed as other bytes than those
// evaluated). Every history a command hashes while reading it goes
// through one. Call Sum once the reading is done, or Close to give up;
// either stops the hasher, and one of them must be called.
type HashingReader struct {
	r      io.Reader
	cur    []byte        // gathering, not yet handed on
	work   chan []byte   // full chunks, to the hasher
	free   chan []byte   // chunks back from the hasher (nil until first used)
	done   chan struct{} // closed when the hasher has returned
	sum    [sha256.Size]byte
	closed bool
}

// NewHashingReader starts hashing what is read from r.
func NewHashingReader(r io.Reader) *HashingReader {
	h := &HashingReader{
		r:    r,
		work: make(chan []byte, digestInFlight),
		free: make(chan []byte, digestInFlight+1),
		done: make(chan struct{}),
	}
	for range digestInFlight + 1 {
		h.free <- nil
	}
	go h.hash()
	return h
}

// hash writes every chunk it is given to the hash until the channel is
// closed.
func (h *HashingReader) hash() {
	d := sha256.New()
	for b := range h.work {
		d.Write(b)
		h.free <- b
	}
	d.Sum(h.sum[:0])
	close(h.done)
}

var errHashingClosed = errors.New("workspace: read after the digest was taken")

// Read reads from the underlying reader and queues what it read for
// hashing.
func (h *HashingReader) Read(p []byte) (int, error) {
	if h.closed {
		return 0, errHashingClosed
	}
	n, err := h.r.Read(p)
	for q := p[:n]; len(q) > 0; {
		if h.cur == nil {
			h.cur = (<-h.free)[:0] // waits when digestInFlight chunks are queued
			if cap(h.cur) < digestChunk {
				h.cur = make([]byte, 0, digestChunk)
			}
		}
		k := copy(h.cur[len(h.cur):cap(h.cur)], q)
		h.cur, q = h.cur[:len(h.cur)+k], q[k:]
		if len(h.cur) == cap(h.cur) {
			h.work <- h.cur
			h.cur = nil
		}
	}
	return n, err
}

// Close hands on the last bytes, stops the hasher and waits for it. It
// does not close the underlying reader. Calling it again does nothing.
func (h *HashingReader) Close() error {
	if !h.closed {
		h.closed = true
		if len(h.cur) > 0 {
			h.work <- h.cur
			h.cur = nil
		}
		close(h.work)
	}
	<-h.done
	return nil
}

// Sum closes h and returns the SHA-256 of every byte read through it, in
// hexadecimal.
func (h *HashingReader) Sum() string {
	h.Close()
	return hex.EncodeToString(h.sum[:])
}
