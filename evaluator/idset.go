package evaluator

import (
	"hash/maphash"
	"unsafe"
)

// idSet is a set of event ids that costs the garbage collector nothing to
// scan: the ids are copied into large byte chunks and found by an
// open-addressing table, none of which holds a pointer. A stream of
// millions of events adds to it the id of every event that could trigger
// a keyed obligation (see dirState.seen), so a map[string]struct{} of
// individually allocated strings made the collector's work grow with the
// history. Membership is exact: a match of hashes is confirmed by
// comparing the bytes.
type idSet struct {
	hashOf func(string) uint64 // tests force collisions with it
	// slots is the table: each slot holds an id's tag (the top 32 bits
	// of its hash) beside its place in refs, plus one (see slotOf); 0
	// marks an empty slot. At 8 bytes a slot, a third of the 24 of a
	// whole hash and place, the table of a generation of ids (seenCap)
	// is a megabyte. Nearly every probe of a long history's table was a
	// miss of every cache, since an evaluation streams hundreds of
	// megabytes of events between two visits of one line; a table a
	// third the size gets three times the visits a line, and more of
	// them find it still cached (docs/benchmarks.md, evalhot).
	slots []uint64
	// refs says where each id's bytes are, in the order added; only a
	// tag match reads it. An id added twice leaves its second copy
	// unfiled there.
	refs   []idRef
	chunks [][]byte
	// inTable counts the ids in the table.
	inTable int
	// batch holds the ids added since the table was last filed to (see
	// add), nb of them.
	batch [addBatch]batchedID
	nb    int
	sink  uint64 // fileBatch's reads ahead, kept so that they are made
}

type idRef struct{ chunk, off, len uint32 }

// batchedID is an id waiting to be filed: its hash and place in refs.
type batchedID struct {
	hash uint64
	ref  int
}

const idChunk = 1 << 16

// addBatch is how many ids add collects before filing them in the table.
const addBatch = 16

func newIDSet() *idSet {
	seed := maphash.MakeSeed()
	return &idSet{hashOf: func(id string) uint64 { return maphash.String(seed, id) }, slots: make([]uint64, 64)}
}

// slotOf packs the tag of hash h and refs index i into a slot.
func slotOf(h uint64, i int) uint64 { return h>>32<<32 | uint64(i+1) }

// sameTag reports whether slot sl holds an id whose hash has h's tag.
func sameTag(sl, h uint64) bool { return sl>>32 == h>>32 }

func (s *idSet) bytes(r idRef) []byte { return s.chunks[r.chunk][r.off : r.off+r.len] }

// idAt returns the id whose refs index slot sl holds.
func (s *idSet) idAt(sl uint64) []byte { return s.bytes(s.refs[uint32(sl)-1]) }

// has reports whether id is in the set: in the batch or in the table.
func (s *idSet) has(id string) bool {
	h := s.hashOf(id)
	for _, b := range s.batch[:s.nb] {
		if b.hash == h && string(s.bytes(s.refs[b.ref])) == id {
			return true
		}
	}
	return s.find(h, id)
}

// find reports whether id, whose hash is h, is in the table.
func (s *idSet) find(h uint64, id string) bool {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			return false
		}
		if sameTag(sl, h) && string(s.idAt(sl)) == id {
			return true
		}
	}
}

// add puts id in the set. Its bytes are stored at once, but it is filed
// in the table with the ids added after it, addBatch at a time
// (fileBatch), and has looks through the batch meanwhile. Filing one id
// is a probe of a table too large for the caches to keep: a miss of
// each, which the processor waited for on every trigger of a long
// history. The probes of a batch are independent of each other, so
// their misses are waited for together.
func (s *idSet) add(id string) {
	s.refs = append(s.refs, s.store(id))
	s.batch[s.nb] = batchedID{s.hashOf(id), len(s.refs) - 1}
	s.nb++
	if s.nb == addBatch {
		s.fileBatch()
	}
}

// fileBatch files the batch's ids in the table, each unless it is there
// already. It first reads each one's first slot, so that the misses are
// all in flight before the first probe waits for one.
func (s *idSet) fileBatch() {
	batch := s.batch[:s.nb]
	s.nb = 0
	mask := uint64(len(s.slots) - 1)
	for _, b := range batch {
		s.sink ^= s.slots[b.hash&mask]
	}
	for _, b := range batch {
		if s.find(b.hash, unsafeString(s.bytes(s.refs[b.ref]))) {
			continue
		}
		if 2*(s.inTable+1) > len(s.slots) {
			s.grow()
		}
		s.insert(b.hash, b.ref)
		s.inTable++
	}
}

// size is how many ids are in the set, counting one added twice in a
// batch not yet filed twice.
func (s *idSet) size() int { return s.inTable + s.nb }

// reset empties the set, keeping its table's size and its first chunk.
func (s *idSet) reset() {
	clear(s.slots)
	s.refs, s.inTable, s.nb = s.refs[:0], 0, 0
	if len(s.chunks) > 0 {
		s.chunks = append(s.chunks[:0], s.chunks[0][:0])
	}
}

func (s *idSet) store(id string) idRef {
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last])+len(id) > cap(s.chunks[last]) {
		s.chunks = append(s.chunks, make([]byte, 0, max(idChunk, len(id))))
		last++
	}
	c := s.chunks[last]
	off := len(c)
	s.chunks[last] = append(c, id...)
	return idRef{uint32(last), uint32(off), uint32(len(id))}
}

// insert files refs[i], whose hash is h, in the table.
func (s *idSet) insert(h uint64, i int) {
	mask := uint64(len(s.slots) - 1)
	k := h & mask
	for s.slots[k] != 0 {
		k = (k + 1) & mask
	}
	s.slots[k] = slotOf(h, i)
}

// grow doubles the table. A slot keeps only its hash's tag, so each id
// is hashed again for its place in the larger table; tables are kept
// between evaluations (seenIDs.spare), so a long history's grows in its
// first evaluation only.
func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	for _, sl := range old {
		if sl != 0 {
			s.insert(s.hashOf(unsafeString(s.idAt(sl))), int(uint32(sl)-1))
		}
	}
}

// unsafeString is b as a string without a copy, for hashing bytes that
// are never written again (a chunk's bytes, once stored).
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// seenIDs remembers the ids of the most recent events that could trigger
// a keyed obligation: between seenCap and 2·seenCap of them, in two
// generations, so that its memory does not grow with the history (at ten
// million events the ids of every request made the live heap twice as
// large, and the collector ran twice as often under stream's memory
// limit). Forgetting is safe: an event naming a forgotten id is retained
// for a trigger that can no longer come (ids are unique), so it costs
// memory until the end and changes no finding. Responses name requests
// made days or weeks before, so in practice none is kept that way.
type seenIDs struct {
	cur, old *idSet
	// spare, when set, holds emptied sets to take before making one
	// (Evaluate's scratch): the tables of a long history's ids are
	// megabytes, grown by doubling.
	spare *[]*idSet
	// last is has's answer for lastID, kept until add changes the set
	// (lastOK): each keyed obligation that may retain a response asks
	// about the same request id.
	lastID       string
	last, lastOK bool
}

// seenCap keeps each generation's table (a power of two, at most half
// full) from doubling just past the cap: about 4 MB a generation. Tests
// lower it to make forgetting happen.
var seenCap = 1<<16 - 1

func (s *seenIDs) add(id string) {
	s.lastOK = false
	if s.cur == nil {
		s.cur = s.fresh()
	}
	if s.cur.size() >= seenCap {
		// The generation forgotten is emptied and reused.
		if s.old != nil {
			s.old.reset()
			s.old, s.cur = s.cur, s.old
		} else {
			s.old, s.cur = s.cur, s.fresh()
		}
	}
	s.cur.add(id)
}

// fresh returns an empty set, a spare one if there is one.
func (s *seenIDs) fresh() *idSet {
	if s.spare != nil && len(*s.spare) > 0 {
		k := len(*s.spare) - 1
		set := (*s.spare)[k]
		*s.spare = (*s.spare)[:k]
		return set
	}
	return newIDSet()
}

// release empties both generations onto spare.
func (s *seenIDs) release(spare *[]*idSet) {
	for _, set := range []*idSet{s.cur, s.old} {
		if set != nil {
			set.reset()
			*spare = append(*spare, set)
		}
	}
	s.cur, s.old, s.lastOK = nil, nil, false
}

func (s *seenIDs) has(id string) bool {
	if !s.lastOK || s.lastID != id {
		s.lastID, s.lastOK = id, true
		s.last = (s.cur != nil && s.cur.has(id)) || (s.old != nil && s.old.has(id))
	}
	return s.last
}
