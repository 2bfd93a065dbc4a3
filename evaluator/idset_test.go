package evaluator

import (
	"fmt"
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
	require.Equal(t, len(want), s.n)
}

// A hash shared by different ids does not make them equal.
func TestIDSetCollisions(t *testing.T) {
	s := newIDSet()
	s.hashOf = func(string) uint64 { return 42 }
	for i := range 100 {
		s.add(fmt.Sprint("id", i))
	}
	require.Equal(t, 100, s.n)
	for i := range 100 {
		require.True(t, s.has(fmt.Sprint("id", i)))
	}
	require.False(t, s.has("id100"))
	require.False(t, s.has("i"))
}
