package event

import (
	"hash/maphash"
	"runtime"
	"unsafe"
)

// IDPrints finds repeated ids among more events than fit in memory: it
// keeps an 8-byte fingerprint (a seeded 64-bit hash) of each id, 80 MB for
// ten million events, instead of the ids. Repeated lists the fingerprints
// seen more than once: each is a repeated id or, very rarely (about one
// history in 10^5 at 10^7 events), two ids sharing a fingerprint. The
// caller settles each candidate exactly, by reading the ids again, so
// that a shared fingerprint never becomes a wrong error.
//
// Fingerprints are split as they come by their top byte into 256 buckets
// (printBuckets), each a list of blocks, so memory grows a block at a time
// (never by copying the whole set). Repeated then takes one bucket at a
// time, about 1/256 of the fingerprints, and finds its repeats with a
// hash table small enough for the processor's cache: each fingerprint is
// written once and read once, where sorting them took nine passes.
// TestIDPrintsAgreesWithCounting holds it to a plain count.
type IDPrints struct {
	seed    maphash.Seed
	buckets [256]printBucket
	n       int          // fingerprints in buckets
	mem     *printMemory // where the blocks are (printHugePages)
	// printBatches: fingerprints wait here, in the order added, until
	// printBatch of them are spread over the buckets at once.
	batch  [printBatch]uint64
	queued int
}

// printBatch is how many fingerprints are spread over the buckets at
// once (printBatches). Spread one at a time, as each id was read, every
// fingerprint went to a bucket whose block end the reading of the next
// line had pushed out of the processor's cache: check spent about 20 ns
// an id in add, against 5 ns on its own. A batch is spread in one go,
// the buckets' ends staying in cache from one fingerprint to the next,
// and waiting in the batch costs a write and a read in a row. 1,024
// fingerprints are 8 KB.
const printBatch = 1024

// printBucket holds the fingerprints with one top byte: full blocks and
// the one being filled.
type printBucket struct {
	full [][]uint64
	cur  []uint64
}

// maxPrintBlock is the most fingerprints a block holds (16 KB); blocks
// start small and double up to it, so a short history takes little memory
// and a long one wastes at most a block a bucket (4 MB in all).
const maxPrintBlock = 2048

// NewIDPrints returns an empty set.
func NewIDPrints() *IDPrints { return &IDPrints{seed: maphash.MakeSeed()} }

// Print is the fingerprint of id.
func (s *IDPrints) Print(id string) uint64 { return maphash.String(s.seed, id) }

// Add records id.
func (s *IDPrints) Add(id string) { s.add(s.Print(id)) }

// add queues p in the batch, spreading the batch when it is full.
func (s *IDPrints) add(p uint64) {
	s.batch[s.queued] = p
	if s.queued++; s.queued == printBatch {
		s.spread()
	}
}

// spread puts the queued fingerprints in their buckets.
func (s *IDPrints) spread() {
	for _, p := range s.batch[:s.queued] {
		s.place(p)
	}
	s.queued = 0
}

// place puts p in its bucket.
func (s *IDPrints) place(p uint64) {
	b := &s.buckets[p>>56]
	if len(b.cur) == cap(b.cur) {
		if b.cur != nil {
			b.full = append(b.full, b.cur)
		}
		b.cur = s.block(min(max(2*cap(b.cur), 16), maxPrintBlock))
	}
	b.cur = append(b.cur, p)
	s.n++
	runtime.KeepAlive(s) // its cleanup unmaps the blocks: see printMemory
}

// block returns an empty block for n fingerprints: on the Go heap while
// the set is small (printMapFrom), then from printMemory.
func (s *IDPrints) block(n int) []uint64 {
	if s.n < printMapFrom {
		return make([]uint64, 0, n)
	}
	if s.mem == nil {
		s.mem = &printMemory{}
		runtime.AddCleanup(s, (*printMemory).release, s.mem)
	}
	return s.mem.block(n)
}

// Len is the number of ids added.
func (s *IDPrints) Len() int { return s.n + s.queued }

// Repeated returns the fingerprints added more than once.
func (s *IDPrints) Repeated() map[uint64]bool {
	s.spread()
	var out map[uint64]bool
	var table []uint64
	for i := range s.buckets {
		b := &s.buckets[i]
		n := len(b.cur)
		for _, blk := range b.full {
			n += len(blk)
		}
		if n < 2 {
			continue
		}
		// An open-addressing table at most half full; 0 marks an empty
		// slot, so a fingerprint 0 is counted apart.
		size := 4
		for size < 2*n {
			size *= 2
		}
		if cap(table) < size {
			table = make([]uint64, size)
		}
		table = table[:size]
		clear(table)
		shift := 64 - uint(bitsOf(size))
		zeros := 0
		note := func(p uint64) {
			if out == nil {
				out = map[uint64]bool{}
			}
			out[p] = true
		}
		insert := func(blk []uint64) {
			for _, p := range blk {
				if p == 0 {
					if zeros++; zeros == 2 {
						note(0)
					}
					continue
				}
				// Fibonacci hashing spreads the slots even where the
				// fingerprints' low bits are alike.
				for j := (p * 0x9e3779b97f4a7c15) >> shift; ; j = (j + 1) & uint64(size-1) {
					if table[j] == 0 {
						table[j] = p
						break
					}
					if table[j] == p {
						note(p)
						break
					}
				}
			}
		}
		for _, blk := range b.full {
			insert(blk)
		}
		insert(b.cur)
	}
	runtime.KeepAlive(s) // the blocks were read until here
	return out
}

// bitsOf returns log2 of a power of two.
func bitsOf(size int) int {
	n := 0
	for size > 1 {
		size >>= 1
		n++
	}
	return n
}

// printHugePages: the fingerprints are written once each, scattered over
// 256 buckets, 8 bytes an event: at 10^6 events, 7.5 MB of memory
// touched for the first time, which the kernel hands over 4 KiB at a
// time, a page fault each (about 6 microseconds apiece on the machine
// where check was measured, a virtual one). printMemory takes the
// blocks from regions of 2 MiB mapped outside the Go heap and marked for
// transparent huge pages, which the kernel hands over whole: check
// measured 10% less CPU time at 10^6 events, with 30% fewer page faults
// (docs/benchmarks.md). A region is a huge page only where the system
// allows (Linux with transparent huge pages on "madvise" or "always");
// elsewhere it is ordinary memory, or, where mapping is not available,
// the blocks are made on the Go heap as before. The regions hold no Go
// pointers, are reached only through their IDPrints, and are unmapped by
// a cleanup once it is unreachable (runtime.AddCleanup; the methods that
// read blocks keep it alive to their end).
type printMemory struct {
	regions [][]byte // mapped, to unmap
	free    []uint64 // the part of the last region not handed out
}

// printMapFrom is how many fingerprints a set holds before its blocks
// come from mapped regions. A small set stays on the Go heap, so that
// many small histories (a tree of councils) do not each hold a 2 MiB
// region until a collection runs their cleanups: the collector does not
// see the regions, so it is not urged to run by them.
const printMapFrom = 1 << 16

// printRegion is the size of a region: one huge page on amd64 and arm64.
const printRegion = 2 << 20

func (m *printMemory) block(n int) []uint64 {
	if len(m.free) < n {
		r := mapPrintRegion(printRegion)
		if r == nil {
			return make([]uint64, 0, n)
		}
		m.regions = append(m.regions, r)
		m.free = unsafe.Slice((*uint64)(unsafe.Pointer(&r[0])), len(r)/8)
	}
	b := m.free[:0:n]
	m.free = m.free[n:]
	return b
}

// release unmaps the regions.
func (m *printMemory) release() {
	for _, r := range m.regions {
		unmapPrintRegion(r)
	}
	m.regions, m.free = nil, nil
}
