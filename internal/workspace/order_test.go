package workspace

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The index gives its entries in the order of a stable sort by time of
// the entries as added (loading's order), across sorted blocks in memory
// and runs in the temporary file, with many ties.
func TestOrderIndexIsAStableSortByTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2018, 1, 25, 0, 0, 0, 0, time.UTC)
	var x OrderIndex
	defer x.Close()
	var want []OrderEntry
	n := 3*orderBlock + 1234 // the first block in memory, the rest spilt
	for i := range n {
		at := base.Add(time.Duration(r.IntN(5000)) * time.Second) // ties
		file, off := i*3/n, int64(i*100)
		require.True(t, x.Add(at, file, off, i+1))
		want = append(want, OrderEntry{At: at.UnixNano(), Where: uint64(file)<<orderOffsetBits | uint64(off), Line: uint32(i + 1)})
	}
	slices.SortStableFunc(want, func(a, b OrderEntry) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	require.NoError(t, x.Sort())
	require.NotNil(t, x.spill, "runs were written to the file")
	var got []OrderEntry
	for {
		e, ok := x.Next()
		if !ok {
			break
		}
		got = append(got, e)
	}
	require.NoError(t, x.Err())
	assert.Equal(t, want, got)
}

// Times beyond a nanosecond count, and offsets and files beyond an
// entry, are not indexed (the history is loaded instead).
func TestOrderIndexRefusesWhatItCannotHold(t *testing.T) {
	var x OrderIndex
	defer x.Close()
	assert.False(t, x.Add(time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0, 1))
	assert.False(t, x.Add(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0, 1))
	assert.False(t, x.Add(time.Now(), MaxOrderFiles, 0, 1))
	assert.False(t, x.Add(time.Now(), 0, MaxOrderOffset+1, 1))
	assert.True(t, x.Add(time.Now(), MaxOrderFiles-1, MaxOrderOffset, 1))
}

// LineStarts finds where each line starts whatever the read sizes, and
// OrderedLines reads the lines back in the index's order: a byte order
// mark dropped, a carriage return kept (the reader drops it), a last
// line without a line feed given one, lines longer than a window.
func TestLineStartsAndOrderedLines(t *testing.T) {
	long := `{"id":"l","pad":"` + strings.Repeat("x", orderWindow+10) + `"}`
	file := "\xef\xbb\xbf{\"id\":\"a\"}\r\n\n{\"id\":\"b\"}\n" + long + "\n{\"id\":\"c\"}"
	lines := map[int]string{1: "{\"id\":\"a\"}\r\n", 3: "{\"id\":\"b\"}\n", 4: long + "\n", 5: "{\"id\":\"c\"}\n"}
	for _, chunk := range []int{1, 3, 7, 4096} {
		ls := NewLineStarts(&chunked{r: strings.NewReader(file), n: chunk})
		_, err := io.ReadAll(ls)
		require.NoError(t, err)
		assert.Equal(t, int64(len(file)), ls.Size())
		var x OrderIndex
		at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		// Index lines 5, 4, 3, 1 at decreasing times: read back 5, 4, 3, 1.
		order := []int{1, 3, 4, 5}
		for i, line := range order {
			off, ok := ls.Start(line)
			require.True(t, ok, "line %d", line)
			require.True(t, x.Add(at.Add(-time.Duration(i)*time.Hour), 0, off, line))
		}
		require.NoError(t, x.Sort())
		ol := NewOrderedLines(&x, []io.ReaderAt{strings.NewReader(file)}, []int64{int64(len(file))}, 1<<20)
		got, err := io.ReadAll(ol)
		require.NoError(t, err)
		assert.Equal(t, lines[5]+lines[4]+lines[3]+lines[1], string(got), "chunks of %d", chunk)
		for _, line := range []int{5, 4, 3, 1} {
			assert.Equal(t, uint32(line), ol.Take().Line)
		}
		x.Close()
	}
}

// A file shorter than when it was indexed gives ErrOrderedLine.
func TestOrderedLinesFileShrunk(t *testing.T) {
	var x OrderIndex
	defer x.Close()
	require.True(t, x.Add(time.Now(), 0, 100, 2))
	require.NoError(t, x.Sort())
	ol := NewOrderedLines(&x, []io.ReaderAt{bytes.NewReader(make([]byte, 50))}, []int64{200}, 1<<20)
	_, err := io.ReadAll(ol)
	assert.ErrorIs(t, err, ErrOrderedLine)
}

type chunked struct {
	r io.Reader
	n int
}

func (c *chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// readCounter counts the bytes asked of a ReaderAt.
type readCounter struct {
	r     io.ReaderAt
	bytes int64
}

func (c *readCounter) ReadAt(p []byte, off int64) (int, error) {
	c.bytes += int64(len(p))
	return c.r.ReadAt(p, off)
}

// A history whose lines are in no order (shuffled) is read back with a
// probe a line, not a window: every line found, and at most a probe's
// bytes read for each (a window a line read 128 KiB an event, 28-100
// times the in-order time). Lines longer than a probe, and longer than
// a window, grow the read until they end, wherever they fall.
func TestOrderedLinesShuffledReadsLittle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var file strings.Builder
	var offs []int64
	var lines []string
	for i := range 20000 { // 1.9 MB, beyond what the eight windows hold
		pad := 40 + r.IntN(60)
		switch i {
		case 700:
			pad = orderProbe + 100 // longer than a probe
		case 1500:
			pad = orderWindow + 100 // longer than a window
		}
		line := fmt.Sprintf(`{"id":"e%d","pad":"%s"}`+"\n", i, strings.Repeat("x", pad))
		offs = append(offs, int64(file.Len()))
		lines = append(lines, line)
		file.WriteString(line)
	}
	perm := r.Perm(len(lines))
	var x OrderIndex
	defer x.Close()
	base := time.Date(2018, 1, 25, 0, 0, 0, 0, time.UTC)
	for rank, i := range perm { // line i is the rank-th in time
		require.True(t, x.Add(base.Add(time.Duration(rank)*time.Second), 0, offs[i], i+1))
	}
	require.NoError(t, x.Sort())
	rc := &readCounter{r: strings.NewReader(file.String())}
	const maxLine = 150 << 10
	ol := NewOrderedLines(&x, []io.ReaderAt{rc}, []int64{int64(file.Len())}, maxLine)
	got, err := io.ReadAll(ol)
	require.NoError(t, err)
	var want strings.Builder
	for _, i := range perm {
		want.WriteString(lines[i])
	}
	assert.Equal(t, want.String(), string(got))
	// Each line a probe at most, plus the two long lines' growth and the
	// first line's window.
	bound := int64(len(lines))*orderProbe + 2*(maxLine+2) + maxLine + 2
	assert.LessOrEqual(t, rc.bytes, bound, "read %d bytes for a %d-byte file", rc.bytes, file.Len())
}
