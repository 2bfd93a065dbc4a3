package evaluator

import "hash/maphash"

// idSet is a set of event ids that costs the garbage collector nothing to
// scan: the ids are copied into large byte chunks and found by an
// open-addressing table of hashes and offsets, none of which holds a
// pointer. A stream of millions of events adds to it the id of every event
// that could trigger a keyed obligation (see dirState.seen), so a
// map[string]struct{} of individually allocated strings made the
// collector's work grow with the history. Membership is exact: a hash
// match is confirmed by comparing the bytes.
type idSet struct {
	hashOf func(string) uint64 // tests force collisions with it
	// slots holds each id's hash (0 marks an empty slot) beside where its
	// bytes are, so that a probe reads one cache line, not one in a
	// table of hashes and another in a table of places: the tables of
	// a long history are megabytes, and nearly every probe missed twice.
	slots  []idSlot
	n      int
	chunks [][]byte
}

type idSlot struct {
	hash uint64
	ref  idRef
}

type idRef struct{ chunk, off, len uint32 }

const idChunk = 1 << 16

func newIDSet() *idSet {
	seed := maphash.MakeSeed()
	return &idSet{hashOf: func(id string) uint64 { return maphash.String(seed, id) }, slots: make([]idSlot, 64)}
}

func (s *idSet) hash(id string) uint64 {
	h := s.hashOf(id)
	if h == 0 {
		h = 1
	}
	return h
}

func (s *idSet) bytes(r idRef) []byte { return s.chunks[r.chunk][r.off : r.off+r.len] }

// has reports whether id is in the set.
func (s *idSet) has(id string) bool { return s.find(s.hash(id), id) }

// find reports whether id, whose hash is h, is in the set.
func (s *idSet) find(h uint64, id string) bool {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch sl := &s.slots[i]; sl.hash {
		case 0:
			return false
		case h:
			if string(s.bytes(sl.ref)) == id {
				return true
			}
		}
	}
}

// add puts id in the set. The id is hashed once, for the look-up and the
// insertion.
func (s *idSet) add(id string) {
	h := s.hash(id)
	if s.find(h, id) {
		return
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	s.insert(h, s.store(id))
	s.n++
}

// reset empties the set, keeping its table's size and its first chunk.
func (s *idSet) reset() {
	clear(s.slots)
	s.n = 0
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

func (s *idSet) insert(h uint64, r idRef) {
	mask := uint64(len(s.slots) - 1)
	i := h & mask
	for s.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = idSlot{h, r}
}

func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]idSlot, 2*len(old))
	for _, sl := range old {
		if sl.hash != 0 {
			s.insert(sl.hash, sl.ref)
		}
	}
}

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
	if s.cur.n >= seenCap {
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
