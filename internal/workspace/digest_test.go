package workspace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/event"
)

// noHashers waits for the goroutines to come back to want: a hasher left
// running fails the test.
func noHashers(t *testing.T, want int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > want; {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The digest is sha256 of the bytes read, whatever the sizes of the
// reads, around the chunk's edges and over many chunks (more than are
// ever in flight).
func TestHashingReaderSums(t *testing.T) {
	before := runtime.NumGoroutine()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, digestChunk - 1, digestChunk, digestChunk + 1, 3*digestChunk + 17, 5 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		readers := map[string]func(io.Reader) io.Reader{
			"whole":     func(r io.Reader) io.Reader { return r },
			"one byte":  iotest.OneByteReader,
			"half":      iotest.HalfReader,
			"data, EOF": iotest.DataErrReader,
		}
		for name, wrap := range readers {
			if name == "one byte" && size > 4*digestChunk {
				continue // slow and says nothing more
			}
			t.Run(fmt.Sprintf("%d/%s", size, name), func(t *testing.T) {
				h := NewHashingReader(wrap(bytes.NewReader(data)))
				got, err := io.ReadAll(h)
				require.NoError(t, err)
				assert.Equal(t, data, got, "the bytes pass through unchanged")
				assert.Equal(t, hexSum(data), h.Sum())
				assert.Equal(t, hexSum(data), h.Sum(), "Sum again gives the same")
			})
		}
	}
	noHashers(t, before)
}

// Through the loading path, the digest is the file's.
func TestReadHistoryDigest(t *testing.T) {
	var b strings.Builder
	for i := range 40_000 {
		fmt.Fprintf(&b, `{"id":"e%d","type":"visit","at":"2018-04-25T09:00:07+01:00"}`+"\n", i)
	}
	path := filepath.Join(t.TempDir(), "h.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	require.Greater(t, b.Len(), 2<<20)
	evs, sum, err := readHistory(path, event.Options{})
	require.NoError(t, err)
	assert.Len(t, evs, 40_000)
	assert.Equal(t, hexSum([]byte(b.String())), sum)
}

var errBroken = errors.New("broken")

// brokenReader gives n bytes, then an error.
type brokenReader struct{ n int }

func (r *brokenReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errBroken
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

// A read that fails, or a reader given up half way, stops the hasher:
// no goroutine is left behind, and reading after the digest is an error.
func TestHashingReaderStops(t *testing.T) {
	before := runtime.NumGoroutine()
	h := NewHashingReader(&brokenReader{n: 10 * digestChunk})
	_, err := io.ReadAll(h)
	require.ErrorIs(t, err, errBroken)
	h.Sum()
	_, err = h.Read(make([]byte, 1))
	assert.Error(t, err)

	// Given up half way through a chunk: the digest is of the bytes
	// handed on, not of the chunk read ahead.
	data := []byte(strings.Repeat("abcdefghij", digestChunk))
	h = NewHashingReader(bytes.NewReader(data))
	_, err = io.ReadFull(h, make([]byte, 7*digestChunk/2))
	require.NoError(t, err)
	require.NoError(t, h.Close())
	require.NoError(t, h.Close(), "twice")
	assert.Equal(t, hexSum(data[:7*digestChunk/2]), h.Sum())

	// Given up after any number of whole chunks, with chunks still
	// queued for the hasher (HashingReader.queue) or none: every byte
	// handed on is hashed.
	for k := range 2*digestChunks + 1 { // data is ten chunks
		h = NewHashingReader(bytes.NewReader(data))
		_, err = io.ReadFull(h, make([]byte, k*digestChunk))
		require.NoError(t, err)
		assert.Equal(t, hexSum(data[:k*digestChunk]), h.Sum(), "%d chunks", k)
	}

	// A history over the size limit, read through the loading path.
	path := filepath.Join(t.TempDir(), "big.jsonl")
	line := `{"id":"e","type":"visit","at":"2018-04-25"}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat(line, 100)), 0o644))
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	h = NewHashingReader(file)
	_, err = event.Read(path, event.JSONL, h, event.Options{Limits: event.Limits{MaxHistoryBytes: 1000}})
	require.Error(t, err)
	h.Sum()
	noHashers(t, before)
}
