package event

import (
	"encoding/binary"
	"hash/maphash"
	"math"
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
// For ids it keeps only each one's 64-bit hash (see regionSize); any
// repeated hash, collision or real duplicate, sends the caller to
// validate, which settles it exactly and words the errors, as does a
// region of hashes overflowing (regionCap).
func scan(events []Event) shape {
	n := len(events)
	b := takeScanBuf(n)
	defer putScanBuf(b)
	keys := newIDKeys()
	forced := scanHash // tests' colliding hash, or nil
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
		var h uint64
		switch id := e.ID; {
		case forced != nil:
			h = forced(id)
		case len(id) >= 8 && len(id) <= 16:
			h = keys.hash8to16(id) // inlined, where hash is too long to be
		default:
			h = keys.hash(id)
		}
		if !b.add(h) {
			return shape{}
		}
	}
	if !b.distinct() {
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
// (runtime.memhashFallback, after wyhash), written out here: on ids of
// up to 16 bytes, hash/maphash's calls into the runtime cost scan more
// than the hashing, and the case of 8 to 16 bytes, most ids, is small
// enough for the compiler to inline into scan (hash8to16). Ids longer
// than 16 bytes take 16 at a time. TestIDHashSeesEveryByte checks that
// no byte is left out.
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
		return k.hash8to16(s)
	default:
		i := 0
		for ; n-i > 16; i += 16 {
			seed = mix(le64(s[i:])^k.k1, le64(s[i+8:])^seed)
		}
		a, b = le64(s[n-16:]), le64(s[n-8:])
	}
	return mix(hashLen^uint64(n), mix(a^k.k1, b^seed))
}

// hash8to16 is hash of an id of 8 to 16 bytes.
func (k idKeys) hash8to16(s string) uint64 {
	n := len(s)
	return mix(hashLen^uint64(n), mix(le64(s)^k.k1, le64(s[n-8:])^k.seed))
}

// hashLen mixes an id's length into its hash (the runtime's m5).
const hashLen = 0x1d8e4e27c47d124f

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func le32(s string) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// le64 reads the first 8 bytes of s (the bytes are only read: a string's
// bytes never change).
func le64(s string) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// The hashes are checked for repeats in two steps, so that no step
// misses the cache much. scan writes each hash to one of a few regions
// by its top bits (splitBits of them), about regionSize hashes a
// region: a few dozen places written in turn, which the cache holds
// while the events stream past. distinct then splits each region, which
// fits the cache, into parts of about partSize by the next bits, and
// checks each part with a bitmap in the fastest cache (distinctInPart).
// Equal hashes share all those bits, so any repeat lies within one part.
// One table of every hash, over millions of ids, missed the cache on
// nearly every probe; one split into parts of partSize, as scan did
// before, wrote to thousands of places, and read and wrote every hash
// once more through memory (docs/benchmarks.md).
// TestDistinctHashesAgreesWithAMap holds the steps to a map.
const (
	regionSize = 16 << 10
	partSize   = 512
)

// splitBits is how many bits split n hashes into pieces of about size:
// size/2 to size on average.
func splitBits(n, size int) int {
	bits := 0
	for (size << bits) < n {
		bits++
	}
	return bits
}

// regionCap is how many hashes a region has room for, of n in 1<<bits
// regions: the average and 8 standard deviations more. Ids that are all
// different overflow a region of 8,192 or more hashes on average less
// than once in 10^13 (Chernoff's bound); a repeated id, many times over,
// may. An overflow sends the caller to validate, as a repeat does: it
// costs time, never an answer.
func regionCap(n, bits int) int {
	if bits == 0 {
		return n
	}
	mean := float64(n) / float64(int(1)<<bits)
	return int(mean+8*math.Sqrt(mean)) + 64
}

// add writes h to its region, or reports that the region is full.
func (b *scanBuf) add(h uint64) bool {
	r := int(h >> b.regionShift)
	k := b.fill[r]
	if k == (r+1)*b.regionCap {
		return false
	}
	b.slots[k] = h
	b.fill[r] = k + 1
	return true
}

// distinct reports whether the hashes added hold no value twice.
func (b *scanBuf) distinct() bool {
	for r, end := range b.fill {
		if !b.distinctInRegion(b.slots[r*b.regionCap : end]) {
			return false
		}
	}
	return true
}

// distinctInRegion splits a region into parts by the bits after the
// region's and checks each part.
func (b *scanBuf) distinctInRegion(region []uint64) bool {
	bits := splitBits(len(region), partSize)
	rbits, shift := 64-b.regionShift, 64-bits // x>>64 is 0: one part
	if cap(b.partCounts) < 1<<bits+1 {
		b.partCounts = make([]int, 1<<bits+1)
	}
	counts := b.partCounts[:1<<bits+1]
	clear(counts)
	for _, h := range region {
		counts[h<<rbits>>shift+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	// counts[p] is where part p starts; it moves on as part p fills, to
	// where part p+1 starts.
	if cap(b.parts) < len(region) {
		b.parts = make([]uint64, len(region))
	}
	parts := b.parts[:len(region)]
	for _, h := range region {
		p := h << rbits >> shift
		parts[counts[p]] = h
		counts[p]++
	}
	start := 0
	for _, end := range counts[:len(counts)-1] {
		if !distinctInPart(b, parts[start:end]) {
			return false
		}
		start = end
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

// scanBuf holds scan's buffers: about 8.5 bytes an event, megabytes for
// a national history.
type scanBuf struct {
	touched byte // touchIDs' result, kept so the reads are made
	// slots holds the regions, regionCap hashes each, region r from
	// r*regionCap; fill[r] is where its next hash goes. regionShift is
	// 64 less the regions' bits.
	slots                  []uint64
	fill                   []int
	regionCap, regionShift int
	// distinct's: a region split into parts, where each part starts,
	// and a part's bitmap.
	parts, bitmap []uint64
	partCounts    []int
}

// spareScanBuf keeps one scanBuf between scans. A sync.Pool, which it
// replaced, is emptied by every second collection, and an evaluation of a
// national history makes several: most scans made their buffers afresh,
// and memory the process has not touched before costs a page fault
// every 4 KB (about 3 ms a megabyte where this was measured). The spare
// is about 8.5 bytes an event of the history last scanned, some 2% of the
// memory that history itself holds (about 500 bytes an event). It is
// released once no scan has taken it for between spareIdle and twice
// that, and dropped at once by a scan needing under a quarter of it
// (keepSpare): a service that checked one national history and then only
// councils does not hold the national one's. Scans at once each take
// their own and one is kept afterwards, so concurrent scans pay the fresh
// pages as they did with the pool.
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
	bits := splitBits(n, regionSize)
	regions, c := 1<<bits, regionCap(n, bits)
	if b == nil || !keepSpare(cap(b.slots), regions*c) {
		b = &scanBuf{}
	}
	if cap(b.slots) < regions*c {
		b.slots = make([]uint64, regions*c)
	}
	if cap(b.fill) < regions {
		b.fill = make([]int, regions)
	}
	b.slots, b.fill = b.slots[:regions*c], b.fill[:regions]
	for r := range b.fill {
		b.fill[r] = r * c
	}
	b.regionCap, b.regionShift = c, 64-bits
	return b
}

// keepSpare reports whether a spare buffer of have slots is kept for a
// scan needing need: not when it is over four times that and over 512 KB.
func keepSpare(have, need int) bool { return have <= 4*need || have <= 1<<16 }

func putScanBuf(b *scanBuf) {
	s := &spareScanBuf
	s.Lock()
	defer s.Unlock()
	if s.buf == nil || cap(s.buf.slots) < cap(b.slots) {
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
