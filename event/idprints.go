package event

import (
	"container/heap"
	"hash/maphash"
	"slices"
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
// by one run at a time (never by copying the whole set) and Repeated
// merges the runs without a second copy.
type IDPrints struct {
	seed maphash.Seed
	runs [][]uint64
	cur  []uint64
	n    int
}

// idRun is how many fingerprints a run holds (512 KB).
const idRun = 1 << 16

// NewIDPrints returns an empty set.
func NewIDPrints() *IDPrints { return &IDPrints{seed: maphash.MakeSeed()} }

// Print is the fingerprint of id.
func (s *IDPrints) Print(id string) uint64 { return maphash.String(s.seed, id) }

// Add records id.
func (s *IDPrints) Add(id string) {
	if s.cur == nil {
		s.cur = make([]uint64, 0, idRun)
	}
	s.cur = append(s.cur, s.Print(id))
	s.n++
	if len(s.cur) == idRun {
		slices.Sort(s.cur)
		s.runs = append(s.runs, s.cur)
		s.cur = nil
	}
}

// Len is the number of ids added.
func (s *IDPrints) Len() int { return s.n }

// Repeated returns the fingerprints added more than once.
func (s *IDPrints) Repeated() map[uint64]bool {
	runs := s.runs
	if len(s.cur) > 0 {
		slices.Sort(s.cur)
		runs = append(runs[:len(runs):len(runs)], s.cur)
	}
	var out map[uint64]bool
	note := func(p uint64) {
		if out == nil {
			out = map[uint64]bool{}
		}
		out[p] = true
	}
	// Within a run, a repeat sits next to itself; across runs, the merge
	// below meets equal fingerprints one after the other.
	h := make(runHeap, 0, len(runs))
	for _, r := range runs {
		for i := 1; i < len(r); i++ {
			if r[i] == r[i-1] {
				note(r[i])
			}
		}
		if len(r) > 0 {
			h = append(h, r)
		}
	}
	if len(h) < 2 {
		return out
	}
	heap.Init(&h)
	var last uint64
	first := true
	for len(h) > 0 {
		r := h[0]
		p := r[0]
		if !first && p == last {
			note(p)
		}
		last, first = p, false
		// Step over this run's copies of p (already noted above).
		i := 1
		for i < len(r) && r[i] == p {
			i++
		}
		if i == len(r) {
			heap.Pop(&h)
		} else {
			h[0] = r[i:]
			heap.Fix(&h, 0)
		}
	}
	return out
}

// runHeap orders sorted runs by their first fingerprint.
type runHeap [][]uint64

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i][0] < h[j][0] }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.([]uint64)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
