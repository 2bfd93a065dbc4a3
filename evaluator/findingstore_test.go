package evaluator

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// Evaluate copies its findings out of the store's blocks by bucket, a run
// of consecutive places at a time (findingStore.copyOut). EvaluateStream
// builds each finding on its own and sorts them, so it is the plain path:
// on a council whose thousands of findings fill many blocks and arrive
// interleaved across obligations, both give the same findings.
func TestFindingCopyOutMatchesStream(t *testing.T) {
	c := newBenchCouncil(t, 40_000, 0.5, 4)
	want, err := EvaluateStream(context.Background(), c.set, reusing(c.events), Options{AsOf: c.asOf})
	require.NoError(t, err)
	got, err := Evaluate(c.set, c.events, Options{AsOf: c.asOf})
	require.NoError(t, err)
	require.Greater(t, len(got.Findings), 8*findingBlock)
	require.Len(t, got.Findings, len(want.Findings))
	for i := range want.Findings {
		// One finding at a time: a diff of the whole result is slow.
		require.Equal(t, want.Findings[i], got.Findings[i], "finding %d", i)
	}
}

// A store of 600 findings (three blocks), instance n at place p(n); the
// buckets list them by number, the copy gives them by number: runs of
// consecutive places crossing a block's end, places out of order, a
// number never reported, a number far beyond the others (appended, the
// bucket then sorted).
func TestBucketCopyOut(t *testing.T) {
	var s findingStore
	for range 600 {
		s.next()
	}
	set := func(at int32, n int) { s.get(at).Instance = n }
	var b bucket
	// Instances 1..300 at places 100..399: a run across the first
	// block's end (place 256 is the first block's last, 257 the next's first).
	for n := 1; n <= 300; n++ {
		set(int32(99+n), n)
		b.put(n, int32(99+n))
	}
	// 302 reported before 301... and 303 never.
	set(500, 302)
	b.put(302, 500)
	set(450, 301)
	b.put(301, 450)
	// 304 at place 1, 2000 far beyond (appended), 305 after it.
	set(1, 304)
	b.put(304, 1)
	set(2, 2000)
	b.put(2000, 2)
	set(600, 305)
	b.put(305, 600)
	require.True(t, b.unsorted)
	dst := make([]Finding, 400)
	n := s.copyOut(dst, b.inOrder(&s))
	require.Equal(t, 305, n)
	var got []int
	for _, f := range dst[:n] {
		got = append(got, f.Instance)
	}
	var want []int
	for i := 1; i <= 302; i++ {
		want = append(want, i)
	}
	want = append(want, 304, 305, 2000)
	require.Equal(t, want, got)
}
