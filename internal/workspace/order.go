package workspace

import (
	"bytes"
	"container/heap"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// A JSON Lines or JSON history whose events are out of time order is
// evaluated without holding its events: one pass records, for each
// event, only its time, its file and where it starts (an OrderEntry, 24
// bytes); the entries are sorted into the order loading gives
// (evaluator.Evaluate sorts the loaded events by time, stably: events at
// the same instant keep the order they were read in, file after file,
// event after event); and OrderedFiles reads each event again from its
// file at its offset, in that order, for the same event reader as every
// other pass.

// OrderEntry is one event of an OrderIndex: At its time in Unix
// nanoseconds, Where its file (the top 16 bits, in the order the files
// were read) and the offset where it starts (the other 48: its line in
// JSON Lines, its '{' in a JSON document), Line and Col its line and
// column for positions (Col 1 in JSON Lines).
type OrderEntry struct {
	At    int64
	Where uint64
	Line  uint32
	Col   uint32
}

const (
	orderOffsetBits = 48
	// MaxOrderFiles and MaxOrderOffset bound what an OrderEntry can
	// point at; a history beyond them is loaded instead.
	MaxOrderFiles  = 1 << (64 - orderOffsetBits)
	MaxOrderOffset = 1<<orderOffsetBits - 1
)

// File is the index of the entry's file, Offset where its event starts.
func (e OrderEntry) File() int     { return int(e.Where >> orderOffsetBits) }
func (e OrderEntry) Offset() int64 { return int64(e.Where & MaxOrderOffset) }

// OrderIndex is the events of a council's histories by time and place.
// Entries are gathered in blocks, each sorted when full; the blocks are
// merged as they are read (Next). Past orderInMemory entries, full blocks
// are written to a temporary file, removed at once where the system
// allows, instead of held: 24 bytes an event in memory would be 240 MB
// at 10^7 events. Close it when done.
type OrderIndex struct {
	blocks [][]OrderEntry // sorted, in memory
	cur    []OrderEntry   // being filled
	n      int
	spill  *TempFile // sorted runs of orderBlock entries (the last shorter)
	runs   []int64   // entries in each run
	spilt  int64
	merge  entryHeap
	err    error
}

// orderBlock is how many entries are sorted together (1.5 MiB), and
// orderInMemory how many are held before blocks go to the file.
const orderBlock = 1 << 16

var orderInMemory = 1 << 16

// minNano and maxNano are the times a Unix nanosecond count can hold
// (years 1678 to 2262); an event outside them is loaded instead.
var (
	minNano = time.Unix(0, -1<<63)
	maxNano = time.Unix(0, 1<<63-1)
)

// Add records an event at time at in file file, starting at offset off,
// at line and col; false when the entry cannot hold it or the temporary
// file cannot be written (Err).
func (x *OrderIndex) Add(at time.Time, file int, off int64, line, col int) bool {
	if at.Before(minNano) || at.After(maxNano) || file < 0 || file >= MaxOrderFiles ||
		off < 0 || off > MaxOrderOffset || line < 1 || int64(line) > 1<<32-1 || col < 1 || int64(col) > 1<<32-1 || x.err != nil {
		return false
	}
	if x.cur == nil {
		x.cur = make([]OrderEntry, 0, orderBlock)
	}
	x.cur = append(x.cur, OrderEntry{At: at.UnixNano(), Where: uint64(file)<<orderOffsetBits | uint64(off), Line: uint32(line), Col: uint32(col)})
	x.n++
	if len(x.cur) == orderBlock {
		x.seal()
	}
	return x.err == nil
}

// Err is the error writing the temporary file, if any.
func (x *OrderIndex) Err() error { return x.err }

// seal sorts the block being filled and keeps it, or writes it out.
func (x *OrderIndex) seal() {
	if len(x.cur) == 0 {
		return
	}
	slices.SortFunc(x.cur, compareEntries)
	if x.n <= orderInMemory {
		x.blocks = append(x.blocks, x.cur)
		x.cur = nil
		return
	}
	if x.spill == nil {
		f, err := NewTempFile("directions-order-*")
		if err != nil {
			x.err = fmt.Errorf("cannot keep the index of events out of order in a temporary file: %v", err)
			return
		}
		x.spill = f
	}
	buf := make([]byte, 0, len(x.cur)*entrySize)
	for _, e := range x.cur {
		buf = appendEntry(buf, e)
	}
	if _, err := x.spill.WriteAt(buf, x.spilt*entrySize); err != nil {
		x.err = fmt.Errorf("cannot keep the index of events out of order in a temporary file: %v", err)
		return
	}
	x.spilt += int64(len(x.cur))
	x.runs = append(x.runs, int64(len(x.cur)))
	x.cur = x.cur[:0]
}

// Sort seals the last block and starts the merge: Next then gives the
// entries in loading's order.
func (x *OrderIndex) Sort() error {
	x.seal()
	if x.err != nil {
		return x.err
	}
	for _, b := range x.blocks {
		x.merge = append(x.merge, &runCursor{mem: b})
	}
	var at int64
	for _, n := range x.runs {
		x.merge = append(x.merge, &runCursor{file: x.spill.File, off: at * entrySize, left: n})
		at += n
	}
	live := x.merge[:0]
	for _, c := range x.merge {
		if c.advance() {
			live = append(live, c)
		}
	}
	x.merge = live
	heap.Init(&x.merge)
	return nil
}

// Next is the next entry in loading's order: by time, then file, then
// place in the file (what a stable sort by time of the events as read
// gives; file and offset are unique, so no stable sort is needed).
func (x *OrderIndex) Next() (OrderEntry, bool) {
	if len(x.merge) == 0 {
		return OrderEntry{}, false
	}
	c := x.merge[0]
	e := c.head
	if c.advance() {
		heap.Fix(&x.merge, 0)
	} else {
		heap.Pop(&x.merge)
	}
	if c.err != nil && x.err == nil {
		x.err = c.err
	}
	return e, true
}

// Close removes the temporary file.
func (x *OrderIndex) Close() {
	if x.spill != nil {
		x.spill.Close()
		x.spill = nil
	}
	x.blocks, x.cur, x.merge = nil, nil, nil
}

func compareEntries(a, b OrderEntry) int {
	switch {
	case a.At < b.At:
		return -1
	case a.At > b.At:
		return 1
	case a.Where < b.Where:
		return -1
	case a.Where > b.Where:
		return 1
	}
	return 0
}

const entrySize = 24

// runEntries is how many entries a run's cursor reads from the temporary
// file at a time: about 4 KiB.
const runEntries = 170

func appendEntry(b []byte, e OrderEntry) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(e.At))
	b = binary.LittleEndian.AppendUint64(b, e.Where)
	b = binary.LittleEndian.AppendUint32(b, e.Line)
	return binary.LittleEndian.AppendUint32(b, e.Col)
}

// runCursor reads one sorted block: in memory, or a run of the file
// read 4 KiB or so at a time.
type runCursor struct {
	head OrderEntry
	mem  []OrderEntry
	file *os.File
	off  int64
	left int64
	buf  []byte
	err  error
}

func (c *runCursor) advance() bool {
	if c.file == nil {
		if len(c.mem) == 0 {
			return false
		}
		c.head, c.mem = c.mem[0], c.mem[1:]
		return true
	}
	if len(c.buf) == 0 {
		if c.left == 0 {
			return false
		}
		n := min(c.left, runEntries)
		if cap(c.buf) < int(n)*entrySize {
			c.buf = make([]byte, runEntries*entrySize)
		}
		c.buf = c.buf[:n*entrySize]
		if _, err := c.file.ReadAt(c.buf, c.off); err != nil {
			c.err, c.left, c.buf = err, 0, nil
			return false
		}
		c.off += n * entrySize
		c.left -= n
	}
	b := c.buf
	c.head = OrderEntry{At: int64(binary.LittleEndian.Uint64(b)), Where: binary.LittleEndian.Uint64(b[8:]), Line: binary.LittleEndian.Uint32(b[16:]), Col: binary.LittleEndian.Uint32(b[20:])}
	c.buf = b[entrySize:]
	return true
}

// entryHeap orders run cursors by their heads.
type entryHeap []*runCursor

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return compareEntries(h[i].head, h[j].head) < 0 }
func (h entryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *entryHeap) Push(x any)        { *h = append(*h, x.(*runCursor)) }
func (h *entryHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
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

// OrderedFiles reads the events of an index again from their files, at
// their offsets, in whatever order they are asked for (the index's):
// Line gives a JSON Lines event's line, From the bytes from a JSON
// document's event on, for the same readers as every other pass.
type OrderedFiles struct {
	files   []io.ReaderAt
	sizes   []int64
	buf     []byte
	maxLine int
	windows [orderWindows]window
	clock   uint64
	// lastFile and lastEnd are the file and the end of the line read
	// last: a line starting there continues a run in file order.
	lastFile int
	lastEnd  int64
	from     fromReader
}

// NewOrderedFiles reads events from files (of the given sizes), JSON
// Lines lines of at most maxLine bytes.
func NewOrderedFiles(files []io.ReaderAt, sizes []int64, maxLine int) *OrderedFiles {
	return &OrderedFiles{files: files, sizes: sizes, maxLine: maxLine}
}

// ErrOrderedLine is an event that is not where the index says: the file
// changed after it was indexed.
var ErrOrderedLine = errors.New("an event is no longer where it was read")

// orderWindow is how much of a file OrderedFiles reads at a time, and
// orderWindows how many such windows it keeps: events in loading's order
// mostly come in runs that lie in order in a file (a file that is sorted
// but for a few events, exports concatenated in one file, several files
// each in order), so a window read for one event usually holds the next
// events of its run. Reading a line at a time instead cost a system call
// and a 4 KiB copy an event, twice the CPU of the whole evaluation.
// An event that does not continue the run read last (a file not in runs
// at all, shuffled) gets a read of orderProbe bytes, grown while the
// event does not end in it: a window for every such line read 128 KiB an
// event of a shuffled history, 28-100 times the time of the same history
// in order.
const (
	orderWindow  = 128 << 10
	orderWindows = 8
	orderProbe   = 4 << 10
)

type window struct {
	file int
	off  int64
	b    []byte
	used uint64
}

// lru is the window used least recently, to be read into.
func (o *OrderedFiles) lru() *window {
	w := &o.windows[0]
	for i := range o.windows {
		if o.windows[i].used < w.used {
			w = &o.windows[i]
		}
	}
	return w
}

// fill reads n bytes of file f from off into w; n is within the file.
func (o *OrderedFiles) fill(w *window, f int, off int64, n int) error {
	if cap(w.b) < n {
		w.b = make([]byte, n)
	}
	w.file, w.off, w.b, w.used = f, off, w.b[:n], o.clock
	if _, err := o.files[f].ReadAt(w.b, off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		w.b = nil
		if errors.Is(err, io.EOF) {
			return ErrOrderedLine // shorter than when indexed
		}
		return err
	}
	return nil
}

// Line reads the JSON Lines line at e, with its line feed (added after a
// last line that has none), and without a byte order mark at the file's
// start. The bytes are valid until the next call.
func (o *OrderedFiles) Line(e OrderEntry) ([]byte, error) {
	f, off := e.File(), e.Offset()
	if off > o.sizes[f] {
		return nil, ErrOrderedLine
	}
	o.clock++
	for i := range o.windows {
		w := &o.windows[i]
		if w.file == f && w.b != nil && off >= w.off && off <= w.off+int64(len(w.b)) {
			if line, raw, ok := o.cut(w.b[off-w.off:], off, o.sizes[f]-w.off-int64(len(w.b)) == 0); ok {
				w.used = o.clock
				o.lastFile, o.lastEnd = f, off+raw
				return line, nil
			}
		}
	}
	// Not in a window: read one starting at the line, into the window
	// used least recently: a whole window when the line continues the
	// run read last, else a probe, grown until it holds the line.
	w := o.lru()
	longest := int64(max(orderWindow, o.maxLine+2))
	size := int64(orderProbe)
	if f == o.lastFile && off == o.lastEnd {
		size = longest
	}
	left := o.sizes[f] - off
	for {
		n := int(min(size, left))
		if err := o.fill(w, f, off, n); err != nil {
			return nil, err
		}
		if line, raw, ok := o.cut(w.b, off, int64(n) == left); ok {
			o.lastFile, o.lastEnd = f, off+raw
			return line, nil
		}
		if int64(n) == left || size >= longest {
			return nil, ErrOrderedLine
		}
		size = min(size*8, longest)
	}
}

// cut is the line at the start of b (read from offset off): up to and
// with its line feed, or all of b when b reaches the end of the file
// (last, a last line without a line feed, which is given one). raw is
// how many bytes of the file the line takes.
func (o *OrderedFiles) cut(b []byte, off int64, last bool) (line []byte, raw int64, ok bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
		raw = int64(i + 1)
	} else if last {
		raw = int64(len(b))
		o.buf = append(append(o.buf[:0], b...), '\n')
		b = o.buf
	} else {
		return nil, 0, false
	}
	if off == 0 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	return b, raw, true
}

// From is a reader of e's file from e's offset to the file's end, for a
// JSON document's event, which ends where the decoder finds its '}' (a
// decoder reads a little past it). A read not in a window is of a probe
// at the event's start; bytes needed just past a window's end continue a
// run in file order (events in order, or one longer than the probe) and
// get eight times that window, up to a whole window. A probe of 512
// bytes or 1 KiB instead of 4 KiB made no difference that could be seen
// on a shuffled document of 10^6 events (the system call, not the copy,
// is the cost). The reader is valid until the next call of From.
func (o *OrderedFiles) From(e OrderEntry) (io.Reader, error) {
	f, off := e.File(), e.Offset()
	if off >= o.sizes[f] {
		return nil, ErrOrderedLine
	}
	o.from = fromReader{o: o, file: f, off: off}
	return &o.from, nil
}

type fromReader struct {
	o    *OrderedFiles
	file int
	off  int64
}

func (r *fromReader) Read(p []byte) (int, error) {
	o, f := r.o, r.file
	if r.off >= o.sizes[f] {
		return 0, io.EOF
	}
	o.clock++
	var in, ends *window
	for i := range o.windows {
		w := &o.windows[i]
		if w.file != f || w.b == nil {
			continue
		}
		if r.off >= w.off && r.off < w.off+int64(len(w.b)) {
			in = w
			break
		}
		if r.off == w.off+int64(len(w.b)) {
			ends = w
		}
	}
	if in == nil {
		size := int64(orderProbe)
		if ends != nil {
			size = min(8*int64(len(ends.b)), orderWindow)
		}
		in = o.lru()
		if err := o.fill(in, f, r.off, int(min(size, o.sizes[f]-r.off))); err != nil {
			return 0, err
		}
	}
	in.used = o.clock
	n := copy(p, in.b[r.off-in.off:])
	r.off += int64(n)
	return n, nil
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
