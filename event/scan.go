package event

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"time"
	"unsafe"
)

// shape is what scan learns of a history in one pass.
type shape struct {
	// valid: the events certainly pass Validate (see scan).
	valid bool
	// sorted: in time order; uncertain: some event's day is known only
	// to a range (Through). Both are known only when valid is set.
	sorted, uncertain bool
}

// scan reports whether events certainly pass Validate and, when they do,
// whether they are in time order and whether any date is uncertain. The
// evaluator reads all three (hooks.ScanEvents) before it evaluates: a
// history of millions of events does not fit the caches, and one pass
// that learns all three cost a third of the three passes it replaced.
//
// For ids it keeps only each one's 64-bit hash (see distinctHashes); any
// repeated hash, collision or real duplicate, sends the caller to
// validate, which settles it exactly and words the errors.
func scan(events []Event) shape {
	n := len(events)
	b := takeScanBuf(n)
	defer putScanBuf(b)
	keys := newIDKeys()
	forced := scanHash // tests' colliding hash, or nil
	// The hashes' top bits say which part distinctHashes checks them in;
	// counting the parts' sizes here saves it a pass.
	bits := partBits(n)
	shift := 64 - bits // h>>64 is 0: one part
	counts := b.counts(1<<bits + 1)
	hashes := b.hashes[:n]
	s := shape{sorted: true}
	spread := true
	for i := range events {
		if i%touchAhead == 0 {
			if spread {
				b.touched ^= touchIDs(events[i:min(i+touchAhead, n)])
			}
			spread = idsSpread(events, i)
		}
		e := &events[i]
		if e.ID == "" || e.Type == "" || e.At.IsZero() {
			return shape{}
		}
		if i > 0 && e.At.Before(events[i-1].At) {
			s.sorted = false
		}
		if !e.Through.IsZero() {
			s.uncertain = true
		}
		h := keys.hash(e.ID)
		if forced != nil {
			h = forced(e.ID)
		}
		hashes[i] = h
		counts[h>>shift+1]++
	}
	if !distinctHashes(b, bits) {
		return shape{}
	}
	s.valid = true
	return s
}

// scanHash, when set by a test, replaces scan's hash of an id.
var scanHash func(id string) uint64

// touchAhead is how many events' ids scan asks memory for at once.
const touchAhead = 32

// touchIDs reads the first byte of each id and returns them combined, so
// that the compiler keeps the reads. In a history whose ids lie scattered
// in memory (made before the events were sorted by time) nearly every id
// is a cache miss; read one by one, between hashes, each miss waits for
// the one before, while these reads, independent of each other, are all
// in flight at once, and the hashing that follows finds the ids in the
// cache.
func touchIDs(events []Event) byte {
	var x byte
	for i := range events {
		if id := events[i].ID; id != "" {
			x ^= id[0]
		}
	}
	return x
}

// idsSpread reports whether the ids of the touchAhead events from i lie
// far apart in memory, as a sorted synthetic history's do, rather than
// close together in the order they were read, as a loaded history's do,
// where a jump from one block of the heap to another comes every hundred
// events or so. It samples every eighth id and calls the block spread
// when two of the three steps between them are long. Only for spread ids
// does touchIDs pay: where they are close, the processor fetches them
// ahead by itself, and touching them first made the scan of a loaded
// history slower (docs/benchmarks.md). The addresses are only a hint; a
// wrong guess costs time, never an answer.
func idsSpread(events []Event, i int) bool {
	far := 0
	for k := i + 8; k < min(i+touchAhead, len(events)); k += 8 {
		from := uintptr(unsafe.Pointer(unsafe.StringData(events[k-8].ID)))
		to := uintptr(unsafe.Pointer(unsafe.StringData(events[k].ID)))
		if to-from > 8*256 { // also when to is before from
			far++
		}
	}
	return far >= 2
}

// idKeys key scan's hash of ids, afresh for each scan.
type idKeys struct{ seed, k1 uint64 }

func newIDKeys() idKeys {
	s := maphash.MakeSeed()
	return idKeys{seed: maphash.String(s, "seed"), k1: maphash.String(s, "k1")}
}

// hash is Go's own string hash for processors without AES instructions
// (runtime.memhashFallback, after wyhash), written out so that the
// compiler inlines it: on ids of up to 16 bytes, hash/maphash's call into
// the runtime cost scan more than the hashing. Ids longer than 16 bytes
// take 16 at a time.
func (k idKeys) hash(s string) uint64 {
	n := len(s)
	seed := k.seed
	var a, b uint64
	switch {
	case n == 0:
		return seed
	case n < 4:
		a = uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16
	case n < 8:
		a, b = le32(s), le32(s[n-4:])
	case n <= 16:
		a, b = le64(s), le64(s[n-8:])
	default:
		i := 0
		for ; n-i > 16; i += 16 {
			seed = mix(le64(s[i:])^k.k1, le64(s[i+8:])^seed)
		}
		a, b = le64(s[n-16:]), le64(s[n-8:])
	}
	return mix(0x1d8e4e27c47d124f^uint64(n), mix(a^k.k1, b^seed))
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func le32(s string) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// partSize is about how many hashes distinctHashes checks at a time.
const partSize = 512

// partBits is how many top bits of a hash pick its part among n: parts
// of partSize/2 to partSize hashes on average.
func partBits(n int) int {
	bits := 0
	for (partSize << bits) < n {
		bits++
	}
	return bits
}

// distinctHashes reports whether b.hashes holds no value twice, given
// b.partCounts, how many hashes fall in each part, as scan counts them
// (part p's count at p+1). It is a partitioned check: one table of
// every hash, over millions of ids, missed the cache on nearly every
// probe, so the hashes are first put into parts by their top bits (one
// write each, in order) and each part is checked apart, in the fastest
// cache. Equal hashes share their top bits, so any repeat lies within
// one part. TestDistinctHashesAgreesWithAMap holds it to a map.
func distinctHashes(b *scanBuf, bits int) bool {
	shift := 64 - bits
	counts := b.partCounts
	parts := len(counts) - 1
	for i := 1; i <= parts; i++ {
		counts[i] += counts[i-1]
	}
	// counts[p] is where part p starts; it moves on as part p fills, to
	// where part p+1 starts.
	byPart := b.parts[:len(b.hashes)]
	for _, h := range b.hashes {
		p := h >> shift
		byPart[counts[p]] = h
		counts[p]++
	}
	start := 0
	for p := range parts {
		if !distinctInPart(b, byPart[start:counts[p]]) {
			return false
		}
		start = counts[p]
	}
	return true
}

// distinctInPart checks one part with a bitmap of at least 128 bits a
// hash, indexed by a hash's low bits: a hash whose bit is already set
// (about one in 256 of them) is compared with every hash before it in
// the part. The bitmap is a sixteenth of the open-addressing table it
// replaced, and a bit test mispredicts less than probing did: the check
// took a third of the time (docs/benchmarks.md).
func distinctInPart(b *scanBuf, part []uint64) bool {
	size := 64
	for size < 128*len(part) {
		size <<= 1
	}
	words := size / 64
	if cap(b.bitmap) < words {
		b.bitmap = make([]uint64, words)
	}
	bitmap := b.bitmap[:words]
	clear(bitmap)
	mask := uint64(size - 1)
	for i, h := range part {
		k := h & mask
		w, bit := k/64, uint64(1)<<(k%64)
		if bitmap[w]&bit != 0 {
			for _, g := range part[:i] {
				if g == h {
					return false
				}
			}
		}
		bitmap[w] |= bit
	}
	return true
}

// scanBuf holds scan's buffers: 16 bytes an event, megabytes for a
// national history.
type scanBuf struct {
	touched       byte // touchIDs' result, kept so the reads are made
	hashes, parts []uint64
	partCounts    []int
	bitmap        []uint64
}

// counts returns b.partCounts for n parts, zeroed.
func (b *scanBuf) counts(n int) []int {
	if cap(b.partCounts) < n {
		b.partCounts = make([]int, n)
	}
	b.partCounts = b.partCounts[:n]
	clear(b.partCounts)
	return b.partCounts
}

// spareScanBuf keeps one scanBuf between scans. A sync.Pool, which it
// replaced, is emptied by every second collection, and an evaluation of a
// national history makes several: most scans made their 16 MB afresh,
// and memory the process has not touched before costs a page fault
// every 4 KB (about 3 ms a megabyte where this was measured). The spare
// is the buffer of the largest history scanned since it was last
// released, 16 bytes an event: about 3% of the memory that history
// itself holds (some 500 bytes an event). It is released once no scan
// has taken it for between spareIdle and twice that. Scans at once each
// take their own; one is kept afterwards.
var spareScanBuf struct {
	sync.Mutex
	buf   *scanBuf
	used  bool // since the timer was last set
	timer *time.Timer
}

// spareIdle is how long a spare scan buffer is kept unused.
var spareIdle = 10 * time.Second

func takeScanBuf(n int) *scanBuf {
	s := &spareScanBuf
	s.Lock()
	b := s.buf
	s.buf, s.used = nil, true
	s.Unlock()
	if b == nil {
		b = &scanBuf{}
	}
	if cap(b.hashes) < n {
		b.hashes, b.parts = make([]uint64, n), make([]uint64, n)
	}
	b.hashes = b.hashes[:n]
	return b
}

func putScanBuf(b *scanBuf) {
	s := &spareScanBuf
	s.Lock()
	defer s.Unlock()
	if s.buf == nil || cap(s.buf.hashes) < cap(b.hashes) {
		s.buf = b
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(spareIdle, releaseSpare)
	}
}

// releaseSpare drops the spare scan buffer if no scan took it since the
// timer was set, and otherwise sets the timer again.
func releaseSpare() {
	s := &spareScanBuf
	s.Lock()
	defer s.Unlock()
	if s.used {
		s.used = false
		s.timer.Reset(spareIdle)
		return
	}
	s.buf, s.timer = nil, nil
}
