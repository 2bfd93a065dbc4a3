package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
)

// digestChunk is how many bytes HashingReader reads at a time, and
// digestChunks how many chunks a reader has: the one being handed on,
// those waiting for the hasher and those it is hashing (1.25 MiB in
// all). Chunks of 256 KiB measured best: at 64 KiB the hand-overs to the
// hasher cost more than they saved, at 1 MiB a chunk no longer stays in
// the core's cache. digestBatch is how many chunks are handed to the
// hasher at once (see HashingReader.queue).
const (
	digestChunk  = 256 << 10
	digestChunks = 5
	digestBatch  = 4
)

// HashingReader passes on the bytes of r and computes their SHA-256 on
// another goroutine, so that on a machine with a core to spare the hash
// no longer lengthens the read; the reading goroutine pays a copy
// instead. It reads r a chunk at a time, hands the chunk's bytes on as
// asked, and queues the chunk for hashing once every byte of it is
// handed on. The digest is of exactly the bytes the caller was given, in
// order, from one pass over r (a file is never opened twice: one changing
// between two reads would be hashed as other bytes than those evaluated).
// Every history a command hashes while reading it goes through one. Call
// Sum once the reading is done, or Close to give up; either stops the
// hasher, and one of them must be called.
type HashingReader struct {
	r      io.Reader
	cur    []byte        // the chunk being handed on
	off    int           // how much of cur has been
	err    error         // from the read that filled cur
	work   chan []byte   // chunks handed on, to the hasher
	queued [][]byte      // chunks handed on, not yet given to the hasher
	free   chan []byte   // chunks back from the hasher (nil until first used)
	done   chan struct{} // closed when the hasher has returned
	sum    [sha256.Size]byte
	closed bool
}

// NewHashingReader starts hashing what is read from r.
func NewHashingReader(r io.Reader) *HashingReader {
	h := &HashingReader{
		r:    r,
		work: make(chan []byte, digestChunks),
		free: make(chan []byte, digestChunks),
		done: make(chan struct{}),
	}
	for range digestChunks {
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

// Read hands on bytes of the chunk last read from the underlying reader,
// reading the next chunk when it is used up and queueing the used one for
// hashing.
func (h *HashingReader) Read(p []byte) (int, error) {
	if h.closed {
		return 0, errHashingClosed
	}
	for h.off == len(h.cur) {
		if h.err != nil {
			return 0, h.err
		}
		if h.cur != nil {
			h.queue(h.cur) // every byte of it handed on
		}
		b := <-h.free // waits while the other chunks are with the hasher
		if cap(b) < digestChunk {
			b = make([]byte, digestChunk)
		}
		n, err := h.r.Read(b[:cap(b)])
		h.cur, h.off, h.err = b[:n], 0, err
		if n == 0 && err == nil {
			return 0, nil
		}
	}
	n := copy(p, h.cur[h.off:])
	h.off += n
	return n, nil
}

// queue gives a chunk to the hasher, digestBatch at a time
// (hasherBatches). The hasher is several times faster than the reading,
// so it has always finished the chunks it was given, and parked, before
// the next one is ready: each chunk handed over woke it, a system call
// to wake its thread and another to park it again, about 400 times for
// a file of 100 MB. Handed over a few at a time, it is woken once for
// the few (the first send wakes it; the others wait in the channel). The
// reader keeps at most digestBatch-1 queued chunks and the one it is
// handing on, so at least one chunk is with the hasher or free whenever
// it waits for one.
func (h *HashingReader) queue(b []byte) {
	h.queued = append(h.queued, b)
	if len(h.queued) == digestBatch {
		h.flush()
	}
}

// flush gives the queued chunks to the hasher.
func (h *HashingReader) flush() {
	for _, b := range h.queued {
		h.work <- b
	}
	clear(h.queued) // the hasher has them now
	h.queued = h.queued[:0]
}

// Close hands on the last bytes, stops the hasher and waits for it. It
// does not close the underlying reader. Calling it again does nothing.
func (h *HashingReader) Close() error {
	if !h.closed {
		h.closed = true
		if h.cur != nil {
			h.queued = append(h.queued, h.cur[:h.off]) // the bytes handed on
			h.cur = nil
		}
		h.flush()
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
