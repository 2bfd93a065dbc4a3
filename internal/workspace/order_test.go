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
		require.True(t, x.Add(at, file, off, i+1, i%7+1))
		want = append(want, OrderEntry{At: at.UnixNano(), Where: uint64(file)<<orderOffsetBits | uint64(off), Line: uint32(i + 1), Col: uint32(i%7 + 1)})
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
	assert.False(t, x.Add(time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0, 1, 1))
	assert.False(t, x.Add(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0, 1, 1))
	assert.False(t, x.Add(time.Now(), MaxOrderFiles, 0, 1, 1))
	assert.False(t, x.Add(time.Now(), 0, MaxOrderOffset+1, 1, 1))
	assert.False(t, x.Add(time.Now(), 0, 0, 1<<32, 1))
	assert.False(t, x.Add(time.Now(), 0, 0, 1, 1<<32))
	assert.True(t, x.Add(time.Now(), MaxOrderFiles-1, MaxOrderOffset, 1<<32-1, 1<<32-1))
}

// LineStarts finds where each line starts whatever the read sizes, and
// OrderedFiles reads the lines back in the index's order: a byte order
// mark dropped, a carriage return kept (the reader drops it), a last
// line without a line feed given one, lines longer than a window.
func TestLineStartsAndOrderedFiles(t *testing.T) {
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
			require.True(t, x.Add(at.Add(-time.Duration(i)*time.Hour), 0, off, line, 1))
		}
		require.NoError(t, x.Sort())
		got, entries := readLines(t, &x, NewOrderedFiles([]io.ReaderAt{strings.NewReader(file)}, []int64{int64(len(file))}, 1<<20))
		assert.Equal(t, lines[5]+lines[4]+lines[3]+lines[1], got, "chunks of %d", chunk)
		for i, line := range []int{5, 4, 3, 1} {
			assert.Equal(t, uint32(line), entries[i].Line)
		}
		x.Close()
	}
}

// readLines reads the lines of x's entries in its order.
func readLines(t *testing.T, x *OrderIndex, of *OrderedFiles) (string, []OrderEntry) {
	t.Helper()
	var b strings.Builder
	var entries []OrderEntry
	for {
		e, ok := x.Next()
		if !ok {
			break
		}
		line, err := of.Line(e)
		require.NoError(t, err)
		b.Write(line)
		entries = append(entries, e)
	}
	require.NoError(t, x.Err())
	return b.String(), entries
}

// A file shorter than when it was indexed gives ErrOrderedLine, for a
// line and for a JSON document's event.
func TestOrderedFilesFileShrunk(t *testing.T) {
	e := OrderEntry{Where: 100, Line: 2, Col: 1}
	of := NewOrderedFiles([]io.ReaderAt{bytes.NewReader(make([]byte, 50))}, []int64{200}, 1<<20)
	_, err := of.Line(e)
	assert.ErrorIs(t, err, ErrOrderedLine)
	from, err := of.From(e)
	require.NoError(t, err)
	_, err = io.ReadAll(from)
	assert.ErrorIs(t, err, ErrOrderedLine)
	_, err = of.From(OrderEntry{Where: 200})
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
func TestOrderedFilesShuffledLinesReadLittle(t *testing.T) {
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
		require.True(t, x.Add(base.Add(time.Duration(rank)*time.Second), 0, offs[i], i+1, 1))
	}
	require.NoError(t, x.Sort())
	rc := &readCounter{r: strings.NewReader(file.String())}
	const maxLine = 150 << 10
	got, _ := readLines(t, &x, NewOrderedFiles([]io.ReaderAt{rc}, []int64{int64(file.Len())}, maxLine))
	var want strings.Builder
	for _, i := range perm {
		want.WriteString(lines[i])
	}
	assert.Equal(t, want.String(), got)
	// Each line a probe at most, plus the two long lines' growth and the
	// first line's window.
	bound := int64(len(lines))*orderProbe + 2*(maxLine+2) + maxLine + 2
	assert.LessOrEqual(t, rc.bytes, bound, "read %d bytes for a %d-byte file", rc.bytes, file.Len())
}

// fromDecoder reads from r as a JSON decoder does: in small reads, up to
// and with the first '}' (events in these tests have no nested objects),
// then a little past it, as a decoder's read-ahead does.
func fromDecoder(t *testing.T, r io.Reader) string {
	t.Helper()
	var b []byte
	p := make([]byte, 512)
	for !bytes.Contains(b, []byte("}")) {
		n, err := r.Read(p)
		b = append(b, p[:n]...)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	return string(b[:bytes.IndexByte(b, '}')+1])
}

// A JSON document's events read with From: in no order (shuffled), each
// costs a probe (events longer than a probe or a window grow the read
// as they are read); in order, runs are read a window at a time, not a
// probe an event.
func TestOrderedFilesFromReadsLittle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var file strings.Builder
	file.WriteString("[\n")
	var offs []int64
	var events []string
	for i := range 20000 {
		pad := 40 + r.IntN(60)
		switch i {
		case 700:
			pad = orderProbe + 100
		case 1500:
			pad = orderWindow + 100
		}
		if i > 0 {
			file.WriteString(",\n")
		}
		ev := fmt.Sprintf(`{"id":"e%d","pad":"%s"}`, i, strings.Repeat("x", pad))
		offs = append(offs, int64(file.Len()))
		events = append(events, ev)
		file.WriteString(ev)
	}
	file.WriteString("\n]\n")
	for _, shuffled := range []bool{true, false} {
		order := r.Perm(len(events))
		if !shuffled {
			for i := range order {
				order[i] = i
			}
		}
		rc := &readCounter{r: strings.NewReader(file.String())}
		of := NewOrderedFiles([]io.ReaderAt{rc}, []int64{int64(file.Len())}, 1<<20)
		reads := 0
		for _, i := range order {
			from, err := of.From(OrderEntry{Where: uint64(offs[i]), Line: 2, Col: 1})
			require.NoError(t, err)
			require.Equal(t, events[i], fromDecoder(t, from), "event %d", i)
		}
		reads = int(rc.bytes)
		if shuffled {
			// A probe an event, and the two long events' growth.
			bound := len(events)*orderProbe + 2*(orderWindow+orderProbe)
			assert.LessOrEqual(t, reads, bound, "shuffled: read %d bytes for a %d-byte file", reads, file.Len())
		} else {
			// About the file once: a probe, then windows.
			assert.LessOrEqual(t, reads, file.Len()+2*orderWindow, "in order: read %d bytes for a %d-byte file", reads, file.Len())
		}
	}
}
