package event

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestIDPrintsFindsRepeatsWithinAndAcrossRuns(t *testing.T) {
	s := NewIDPrints()
	n := 3*idRun + 17
	for i := range n {
		s.Add(fmt.Sprint("e", i))
	}
	if got := s.Repeated(); len(got) != 0 {
		t.Fatalf("distinct ids: %d repeated prints", len(got))
	}
	s.Add("e5")                   // across runs
	s.Add(fmt.Sprint("e", n-1))   // within the last run
	s.Add(fmt.Sprint("e", idRun)) // the first of a run
	got := s.Repeated()
	for _, id := range []string{"e5", fmt.Sprint("e", n-1), fmt.Sprint("e", idRun)} {
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
	s.cur = append(s.cur, 42, 42) // two ids with one print
	if got := s.Repeated(); !got[42] {
		t.Fatal("a shared fingerprint is a candidate")
	}
}

func TestRadixSortSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 255, 256, 1000, 70_000} {
		for _, shape := range []string{"uniform", "few", "top", "low"} {
			a := make([]uint64, n)
			for i := range a {
				v := rng.Uint64()
				switch shape {
				case "few": // many equal values
					v %= 7
				case "top": // one top byte, as in mergeByTopByte
					v = 0xab<<56 | v>>8
				case "low": // only the low bytes differ
					v = 0x0102030405060000 | v&0xffff
				}
				a[i] = v
			}
			want := slices.Clone(a)
			slices.Sort(want)
			radixSort(a, make([]uint64, n))
			if !slices.Equal(a, want) {
				t.Fatalf("n=%d %s: not sorted like slices.Sort", n, shape)
			}
		}
	}
}

// Repeated against the plain way: count every fingerprint in a map.
// Fingerprints are added directly, drawn from small ranges so that
// repeats fall within runs, across runs, at run edges and in one
// top-byte bucket.
func TestIDPrintsAgreesWithCounting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 14 {
		n := []int{0, 1, 5, idRun - 1, idRun, idRun + 1, 3*idRun + 17}[trial%7]
		// span about n: some values repeat, within and across runs.
		span := uint64(max(2, n))
		s := &IDPrints{}
		count := map[uint64]int{}
		for range n {
			v := rng.Uint64N(span)
			if trial >= 7 {
				v <<= 40 // spread over the top bytes
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
