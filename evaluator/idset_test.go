package evaluator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIDSet(t *testing.T) {
	s := newIDSet()
	want := map[string]bool{}
	for i := range 100_000 {
		id := fmt.Sprintf("council-%d-%d", i%7, i*31)
		if i%3 == 0 {
			s.add(id)
			want[id] = true
		}
	}
	s.add("")
	want[""] = true
	for i := range 100_000 {
		id := fmt.Sprintf("council-%d-%d", i%7, i*31)
		require.Equal(t, want[id], s.has(id), id)
	}
	require.True(t, s.has(""))
	require.False(t, s.has("council-0-1"))
	require.Equal(t, len(want), s.size())
}

// A hash shared by different ids does not make them equal.
func TestIDSetCollisions(t *testing.T) {
	s := newIDSet()
	s.hashOf = func(string) uint64 { return 42 }
	for i := range 100 {
		s.add(fmt.Sprint("id", i))
	}
	require.Equal(t, 100, s.size())
	for i := range 100 {
		require.True(t, s.has(fmt.Sprint("id", i)))
	}
	require.False(t, s.has("id100"))
	require.False(t, s.has("i"))
}

// The compact table (a tag and a place a slot), filed a batch at a time,
// agrees with a map over ids of every length, many added twice, in the
// batch and after it, through growth and after a reset that keeps the
// table's size, also when every hash shares its tag (the top 32 bits) or
// its place (the low bits).
func TestIDSetAgreesWithAMapAcrossResets(t *testing.T) {
	hashes := map[string]func(string) uint64{
		"maphash":  nil,
		"same tag": func(id string) uint64 { return uint64(len(id))*0x9e3779b97f4a7c15&(1<<32-1) | 7<<32 },
		"same low": func(id string) uint64 { return uint64(len(id)) << 40 },
	}
	for name, h := range hashes {
		s := newIDSet()
		if h != nil {
			s.hashOf = h
		}
		r := rand.New(rand.NewPCG(3, 4))
		for round := range 3 {
			want := map[string]bool{}
			n := 5000
			if h != nil {
				n = 300 // every probe walks the others
			}
			for range n {
				id := strings.Repeat("x", r.IntN(40)) + fmt.Sprint(r.IntN(n))
				s.add(id)
				want[id] = true
				require.True(t, s.has(id), "%s round %d: %q just added", name, round, id)
				probe := strings.Repeat("x", r.IntN(40)) + fmt.Sprint(r.IntN(n))
				require.Equal(t, want[probe], s.has(probe), "%s round %d: %q", name, round, probe)
			}
			s.fileBatch()
			require.Equal(t, len(want), s.size(), name)
			for id := range want {
				require.True(t, s.has(id), "%s round %d: %q", name, round, id)
			}
			size := len(s.slots)
			s.reset()
			require.Equal(t, size, len(s.slots), "reset keeps the table")
			for id := range want {
				require.False(t, s.has(id), "%s: %q after reset", name, id)
			}
		}
	}
}
