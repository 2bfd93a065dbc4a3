package event

import (
	"hash/maphash"
)

// IDPrints finds repeated ids among more events than fit in memory: it
// keeps an 8-byte fingerprint (a seeded 64-bit hash) of each id, 80 MB for
// ten million events, instead of the ids. Repeated lists the fingerprints
// seen more than once: each is a repeated id or, very rarely (about one
// history in 10^5 at 10^7 events), two ids sharing a fingerprint. The
// caller settles each candidate exactly, by reading the ids again, so
// that a shared fingerprint never becomes a wrong error.
//
// Fingerprints are kept in sorted runs of a fixed length, so memory grows
// by one run at a time (never by copying the whole set). Two speed tricks,
// both held to a plain count of the fingerprints by
// TestIDPrintsAgreesWithCounting:
//
//   - Runs are sorted by radixSort, not by comparisons: fingerprints are
//     uniform 64-bit numbers, the case a radix sort is made for.
//   - Repeated compares runs by their top byte (mergeByTopByte): every
//     run's fingerprints starting with one byte are gathered and sorted
//     together, 256 small sorts, instead of a heap merge of all the runs.
type IDPrints struct {
	seed maphash.Seed
	runs [][]uint64
	cur  []uint64
	tmp  []uint64 // radixSort's second buffer, one run long
	n    int
}

// idRun is how many fingerprints a run holds (512 KB).
const idRun = 1 << 16

// NewIDPrints returns an empty set.
func NewIDPrints() *IDPrints { return &IDPrints{seed: maphash.MakeSeed()} }

// Print is the fingerprint of id.
func (s *IDPrints) Print(id string) uint64 { return maphash.String(s.seed, id) }

// Add records id.
func (s *IDPrints) Add(id string) { s.add(s.Print(id)) }

func (s *IDPrints) add(p uint64) {
	if s.cur == nil {
		s.cur = make([]uint64, 0, idRun)
	}
	s.cur = append(s.cur, p)
	s.n++
	if len(s.cur) == idRun {
		s.sort(s.cur)
		s.runs = append(s.runs, s.cur)
		s.cur = nil
	}
}

func (s *IDPrints) sort(a []uint64) {
	if len(s.tmp) < len(a) {
		s.tmp = make([]uint64, len(a))
	}
	radixSort(a, s.tmp)
}

// Len is the number of ids added.
func (s *IDPrints) Len() int { return s.n }

// Repeated returns the fingerprints added more than once.
func (s *IDPrints) Repeated() map[uint64]bool {
	runs := s.runs
	if len(s.cur) > 0 {
		s.sort(s.cur)
		runs = append(runs[:len(runs):len(runs)], s.cur)
	}
	var out map[uint64]bool
	note := func(p uint64) {
		if out == nil {
			out = map[uint64]bool{}
		}
		out[p] = true
	}
	// Within a run, a repeat sits next to itself.
	for _, r := range runs {
		for i := 1; i < len(r); i++ {
			if r[i] == r[i-1] {
				note(r[i])
			}
		}
	}
	if len(runs) > 1 {
		s.mergeByTopByte(runs, note)
	}
	return out
}

// mergeByTopByte notes the fingerprints found in more than one run. Runs
// are sorted, so those starting with a given byte lie together in each;
// for each byte in turn, it gathers them from every run, each value once
// a run (repeats within a run are noted already), sorts them, and notes
// neighbours that are equal, which came from two runs. A byte's share is
// about 1/256 of the fingerprints, so the gathering buffer stays small.
func (s *IDPrints) mergeByTopByte(runs [][]uint64, note func(uint64)) {
	pos := make([]int, len(runs))
	var bucket, tmp []uint64
	for top := range 256 {
		bucket = bucket[:0]
		for k, r := range runs {
			i := pos[k]
			for i < len(r) && int(r[i]>>56) == top {
				if i == pos[k] || r[i] != r[i-1] {
					bucket = append(bucket, r[i])
				}
				i++
			}
			pos[k] = i
		}
		if len(tmp) < len(bucket) {
			tmp = make([]uint64, cap(bucket))
		}
		radixSort(bucket, tmp)
		for i := 1; i < len(bucket); i++ {
			if bucket[i] == bucket[i-1] {
				note(bucket[i])
			}
		}
	}
}

// radixSort sorts a in place by its bytes, least significant first (an
// LSD radix sort: eight passes of 256 buckets, the counts for all eight
// taken in one first pass); tmp, at least as long as a, is scratch. A
// pass where every value has the same byte would move nothing and is
// skipped (the top byte within mergeByTopByte). TestRadixSortSorts holds
// it to slices.Sort.
func radixSort(a, tmp []uint64) {
	if len(a) < 2 {
		return
	}
	var count [8][256]int
	for _, v := range a {
		for d := range 8 {
			count[d][byte(v>>(8*d))]++
		}
	}
	src, dst := a, tmp[:len(a)]
	for d := range 8 {
		c := &count[d]
		shift := 8 * d
		if c[byte(src[0]>>shift)] == len(a) {
			continue
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		for _, v := range src {
			k := byte(v >> shift)
			dst[c[k]] = v
			c[k]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}
