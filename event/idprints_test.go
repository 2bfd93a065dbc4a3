package event

import (
	"fmt"
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
