package event

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// many is enough ids to fill several blocks of every bucket.
const many = 3*256*maxPrintBlock + 17

func TestIDPrintsFindsRepeatsWithinAndAcrossBlocks(t *testing.T) {
	s := NewIDPrints()
	n := many
	for i := range n {
		s.Add(fmt.Sprint("e", i))
	}
	if got := s.Repeated(); len(got) != 0 {
		t.Fatalf("distinct ids: %d repeated prints", len(got))
	}
	s.Add("e5")                 // in an early block
	s.Add(fmt.Sprint("e", n-1)) // in the block being filled
	s.Add(fmt.Sprint("e", 300)) // the first ids, in blocks of 16
	got := s.Repeated()
	for _, id := range []string{"e5", fmt.Sprint("e", n-1), fmt.Sprint("e", 300)} {
		if !got[s.Print(id)] {
			t.Errorf("%s repeated but not found", id)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d repeated prints, want 3", len(got))
	}
}

// A fingerprint shared by two different ids is a candidate, never more:
// forcing every id to one fingerprint makes all of them candidates.
func TestIDPrintsCollisionIsOnlyACandidate(t *testing.T) {
	s := &IDPrints{}
	s.add(42) // two ids with one print
	s.add(42)
	if got := s.Repeated(); !got[42] {
		t.Fatal("a shared fingerprint is a candidate")
	}
}

// Repeated against the plain way: count every fingerprint in a map.
// Fingerprints are added directly, drawn from small ranges so that
// repeats fall within blocks, across blocks, at block edges, in one
// bucket, with low bits all alike, and on the fingerprint 0.
func TestIDPrintsAgreesWithCounting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{0, 1, 5, printBatch - 1, printBatch, printBatch + 1, maxPrintBlock - 1, maxPrintBlock, maxPrintBlock + 1, 100_000}
	for trial := range 3 * len(sizes) {
		n := sizes[trial%len(sizes)]
		// span about n: some values repeat, within and across runs.
		span := uint64(max(2, n))
		s := &IDPrints{}
		count := map[uint64]int{}
		for range n {
			v := rng.Uint64N(span)
			switch trial / len(sizes) {
			case 1:
				v <<= 40 // spread over the top bytes, low bits all 0
			case 2:
				v |= 0xab << 56 // all in one bucket
			}
			s.add(v)
			count[v]++
		}
		got := s.Repeated()
		want := 0
		for v, c := range count {
			if c > 1 {
				want++
				if !got[v] {
					t.Fatalf("trial %d: %#x added %d times, not reported", trial, v, c)
				}
			}
		}
		if len(got) != want {
			t.Fatalf("trial %d: %d reported, %d repeated", trial, len(got), want)
		}
	}
}

// The regions of fingerprints outside the Go heap (printMemory) are
// unmapped once their IDPrints is unreachable, and an IDPrints in use
// keeps them; a small set maps none.
func TestIDPrintsMemoryIsReleased(t *testing.T) {
	// Sets made by earlier tests are unreachable but may not be released
	// yet: their cleanups would lower the count under this test's feet
	// (CI once saw "mapped -1 regions"). Wait until none is mapped.
	noneMapped := func(what string) {
		for deadline := time.Now().Add(5 * time.Second); printRegions.Load() != 0; {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d regions still mapped, want none", what, printRegions.Load())
			}
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
	}
	noneMapped("before the test")
	small := NewIDPrints()
	for i := range printMapFrom {
		small.Add(fmt.Sprint("e", i))
	}
	if small.mem != nil && len(small.mem.regions) > 0 {
		t.Fatalf("a set of %d fingerprints mapped %d regions, want none", small.Len(), len(small.mem.regions))
	}
	func() {
		s := NewIDPrints()
		for i := range many {
			s.Add(fmt.Sprint("e", i))
		}
		runtime.GC()
		s.Add("e1")
		if got := s.Repeated(); len(got) != 1 || !got[s.Print("e1")] {
			t.Fatalf("repeated %v, want e1 only", got)
		}
	}()
	noneMapped("after the set is unreachable")
	runtime.KeepAlive(small)
}
