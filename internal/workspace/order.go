package workspace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// A JSON Lines history whose events are out of time order is evaluated
// without holding its events: one pass records, for each event, only its
// time, its file and where its line starts (an OrderEntry, 24 bytes); the
// entries are sorted into the order loading gives (evaluator.Evaluate
// sorts the loaded events by time, stably: events at the same instant
// keep the order they were read in, file after file, line after line);
// and OrderedLines hands the lines on in that order, read again from the
// files at their offsets, to the same event reader as every other pass.

// OrderEntry is one event of an OrderIndex: At its time in Unix
// nanoseconds, Where its file (the top 16 bits, in the order the files
// were read) and the offset of its line (the other 48), Line its line
// number for positions.
type OrderEntry struct {
	At    int64
	Where uint64
	Line  uint32
}

const (
	orderOffsetBits = 48
	// MaxOrderFiles and MaxOrderOffset bound what an OrderEntry can
	// point at; a history beyond them is loaded instead.
	MaxOrderFiles  = 1 << (64 - orderOffsetBits)
	MaxOrderOffset = 1<<orderOffsetBits - 1
)

// File is the index of the entry's file, Offset where its line starts.
func (e OrderEntry) File() int     { return int(e.Where >> orderOffsetBits) }
func (e OrderEntry) Offset() int64 { return int64(e.Where & MaxOrderOffset) }

// OrderIndex is the events of a council's histories by time and place.
type OrderIndex struct {
	Entries []OrderEntry
}

// minNano and maxNano are the times a Unix nanosecond count can hold
// (years 1678 to 2262); an event outside them is loaded instead.
var (
	minNano = time.Unix(0, -1<<63)
	maxNano = time.Unix(0, 1<<63-1)
)

// Add records an event at time at in file file, its line starting at
// offset off with number line; false when the entry cannot hold it.
func (x *OrderIndex) Add(at time.Time, file int, off int64, line int) bool {
	if at.Before(minNano) || at.After(maxNano) || file < 0 || file >= MaxOrderFiles ||
		off < 0 || off > MaxOrderOffset || line < 1 || int64(line) > 1<<32-1 {
		return false
	}
	x.Entries = append(x.Entries, OrderEntry{At: at.UnixNano(), Where: uint64(file)<<orderOffsetBits | uint64(off), Line: uint32(line)})
	return true
}

// Sort puts the entries in loading's order: by time, then file, then
// place in the file (what a stable sort by time of the events as read
// gives; file and offset are unique, so no stable sort is needed).
func (x *OrderIndex) Sort() {
	slices.SortFunc(x.Entries, func(a, b OrderEntry) int {
		if a.At != b.At {
			if a.At < b.At {
				return -1
			}
			return 1
		}
		switch {
		case a.Where < b.Where:
			return -1
		case a.Where > b.Where:
			return 1
		}
		return 0
	})
}

// LineStarts passes on the bytes of r and notes where each line starts,
// so that the line an event reader reports for an event can be turned
// into a byte offset (Start). It keeps only the starts of lines read but
// not yet asked for: the reader's read-ahead, not the file.
type LineStarts struct {
	r     io.Reader
	n     int64 // bytes passed on
	line  int   // lines begun
	queue []lineStart
}

type lineStart struct {
	line int
	off  int64
}

// NewLineStarts wraps r, which starts at line 1, offset 0.
func NewLineStarts(r io.Reader) *LineStarts {
	return &LineStarts{r: r, line: 1, queue: []lineStart{{1, 0}}}
}

func (l *LineStarts) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	b := p[:n]
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		l.line++
		l.n += int64(i + 1)
		b = b[i+1:]
		// Drained from the front (Start), the queue's array is
		// reallocated by append with only the lines still waiting.
		l.queue = append(l.queue, lineStart{l.line, l.n})
	}
	l.n += int64(len(b))
	return n, err
}

// Size is how many bytes have been passed on.
func (l *LineStarts) Size() int64 { return l.n }

// Start is the offset of line, which must not be before the line last
// asked for; false if it was not read.
func (l *LineStarts) Start(line int) (int64, bool) {
	for len(l.queue) > 0 && l.queue[0].line < line {
		l.queue = l.queue[1:]
	}
	if len(l.queue) == 0 || l.queue[0].line != line {
		return 0, false
	}
	return l.queue[0].off, true
}

// OrderedLines reads the lines of an index's events from their files in
// the index's order, each ended by a line feed, as one JSON Lines stream.
// The n-th event read from it is the index's n-th entry.
type OrderedLines struct {
	files   []io.ReaderAt
	sizes   []int64
	entries []OrderEntry
	next    int
	buf     []byte
	pending []byte
	maxLine int
}

// NewOrderedLines reads the lines x points at in files (of the given
// sizes), of at most maxLine bytes each.
func NewOrderedLines(x *OrderIndex, files []io.ReaderAt, sizes []int64, maxLine int) *OrderedLines {
	return &OrderedLines{files: files, sizes: sizes, entries: x.Entries, maxLine: maxLine}
}

// ErrOrderedLine is a line that is not where the index says: the file
// changed after it was indexed.
var ErrOrderedLine = errors.New("a line is no longer where it was read")

func (o *OrderedLines) Read(p []byte) (int, error) {
	for len(o.pending) == 0 {
		if o.next == len(o.entries) {
			return 0, io.EOF
		}
		line, err := o.line(o.entries[o.next])
		if err != nil {
			return 0, err
		}
		o.next++
		o.pending = line
	}
	n := copy(p, o.pending)
	o.pending = o.pending[n:]
	return n, nil
}

// line reads the line at e, with its line feed (added after a last line
// that has none), and without a byte order mark at the file's start.
func (o *OrderedLines) line(e OrderEntry) ([]byte, error) {
	f, off := e.File(), e.Offset()
	size := o.sizes[f]
	want := 4096
	for {
		n := int(min(int64(want), size-off))
		if n < 0 {
			return nil, ErrOrderedLine
		}
		if cap(o.buf) < n+1 {
			o.buf = make([]byte, n+1)
		}
		b := o.buf[:n]
		if _, err := o.files[f].ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
			if errors.Is(err, io.EOF) {
				return nil, ErrOrderedLine
			}
			return nil, err
		}
		if off == 0 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i+1], nil
		}
		if off+int64(n) == size { // the last line, with no line end
			return append(b, '\n'), nil
		}
		if want > o.maxLine+1 {
			return nil, ErrOrderedLine
		}
		want *= 4
	}
}

// Digest is the SHA-256 (hex) of what r holds and its length.
func Digest(r io.Reader) (string, int64, error) {
	d := sha256.New()
	n, err := io.Copy(d, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(d.Sum(nil)), n, nil
}

// ChangedError is a history that changed between the pass that indexed
// its events and the pass that read them in order.
type ChangedError struct {
	Path       string
	Was, Now   string // SHA-256
	Size, Then int64
}

func (e *ChangedError) Error() string {
	what := fmt.Sprintf("its SHA-256 was %s when first read and is now %s", e.Was, e.Now)
	if e.Size != e.Then {
		what = fmt.Sprintf("it was %d bytes when first read and is now %d", e.Then, e.Size)
	}
	return fmt.Sprintf("%s: the file changed while it was being read (%s): its events are out of time order, so they are read twice, and both readings must see the same bytes; run the command again once nothing is writing to it", e.Path, what)
}
