package evaluator

import "sync"

// scratch is the memory an Evaluate uses only while it runs: the blocks
// its findings wait in until they are copied out in order (findingStore),
// the blocks of its instances, of which no finding keeps a pointer, and
// the tables of the ids it has seen (seenIDs), and its buckets' lists.
// At a million events that is tens of megabytes an evaluation; allocated
// afresh each time, it made the collector, which marks the whole history
// each cycle, run about twice as often, and each block was new memory
// for the kernel to map. Evaluate takes it from scratchPool and puts it
// back cleared, so that a pooled block keeps nothing alive. Like any
// sync.Pool, it holds them only until two collections pass without an
// evaluation taking them.
type scratch struct {
	findings [][]Finding
	insts    [][]instance
	ids      []*idSet // see seenIDs
	// places are the buckets' lists of places (bucket.at), emptied.
	places [][]int32
}

var scratchPool sync.Pool // *scratch

func getScratch() *scratch {
	if s, _ := scratchPool.Get().(*scratch); s != nil {
		return s
	}
	return &scratch{}
}

// release clears the blocks an evaluation used and pools them with the
// ones it did not need. Blocks of instances are pooled only when nothing
// outside the evaluation can point into them: a Trace is handed each
// instance (Step.Instance) and may keep it.
func (s *scratch) release(store *findingStore, e *engine, buckets [][]bucket) {
	s.findings = store.spare
	for _, b := range store.blocks {
		clear(b[:cap(b)])
		s.findings = append(s.findings, b[:0])
	}
	s.insts = e.spareInsts
	if !e.traced {
		for _, b := range e.instBlocks {
			clear(b[:cap(b)])
			s.insts = append(s.insts, b[:0])
		}
	}
	for _, ds := range e.states {
		ds.seen.release(&s.ids)
	}
	for _, d := range buckets {
		for j := range d {
			if b := d[j].at; cap(b) > 0 {
				s.places = append(s.places, b[:0])
			}
		}
	}
	*store, e.instBlocks, e.spareInsts = findingStore{}, nil, nil
	scratchPool.Put(s)
}

// takeBlock returns a spare block, emptied, or a new one of size n.
func takeBlock[T any](spare *[][]T, n int) []T {
	if k := len(*spare); k > 0 {
		b := (*spare)[k-1]
		(*spare)[k-1] = nil
		*spare = (*spare)[:k-1]
		return b
	}
	return make([]T, 0, n)
}
