package evaluator

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSeenIDsForgetsOnlyOldGenerations(t *testing.T) {
	defer func(c int) { seenCap = c }(seenCap)
	seenCap = 3
	var s seenIDs
	require.False(t, s.has("a"))
	for i := range 6 {
		s.add(fmt.Sprint(i))
	}
	// Generations {0 1 2} and {3 4 5}: all remembered.
	for i := range 6 {
		require.True(t, s.has(fmt.Sprint(i)), "id %d", i)
	}
	s.add("6") // starts {6}; {0 1 2} is forgotten
	for i := range 3 {
		require.False(t, s.has(fmt.Sprint(i)), "id %d should be forgotten", i)
	}
	for i := 3; i <= 6; i++ {
		require.True(t, s.has(fmt.Sprint(i)), "id %d", i)
	}
}

// TestForgettingSeenIDsChangesNoFinding runs the differential test with a
// seen-id set that forgets after two ids, so that nearly every response
// to an earlier request is kept for a trigger that cannot come: the
// findings and counts must still be the reference's, in batch and in the
// stream form that copies what it keeps.
func TestForgettingSeenIDsChangesNoFinding(t *testing.T) {
	defer func(c int) { seenCap = c }(seenCap)
	seenCap = 2
	set := barnetAndStress(t)
	histories := 500 / raceScale
	if testing.Short() {
		histories = 100
	}
	for seed := range uint64(histories) {
		r := rand.New(rand.NewPCG(seed, 7))
		evs := chaosHistory(r, 1+r.IntN(80))
		asOf := randomAsOf(r)
		want, wantCounts, _ := refEvaluate(t, set, evs, asOf)
		res, err := Evaluate(set, evs, Options{AsOf: asOf})
		require.NoError(t, err)
		if !equalStrings(essences(want), essences(res.Findings)) || wantCounts != res.Events {
			t.Fatalf("seed %d: the engine disagrees with the reference when seen ids are forgotten\nreference:\n%s\nengine:\n%s\nhistory:\n%s",
				seed, join(essences(want)), join(essences(res.Findings)), dump(evs))
		}
	}
}

// has remembers its last answer; add must make it ask again, also for
// the id it just answered about.
func TestSeenIDsHasIsNotStaleAfterAdd(t *testing.T) {
	var s seenIDs
	require.False(t, s.has("r1"))
	require.False(t, s.has("r1"))
	s.add("r1")
	require.True(t, s.has("r1"))
	require.False(t, s.has("r2"))
	s.add("r2")
	require.True(t, s.has("r2"))
	s.release(new([]*idSet))
	require.False(t, s.has("r2"), "a released set remembers nothing")
}
