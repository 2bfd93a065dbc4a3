package event

import (
	"hash/maphash"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
)

// Validate finds duplicates exactly even when every id hashes alike, in
// scan and in validate.
func TestValidateWithCollidingHashes(t *testing.T) {
	defer func(h func(maphash.Seed, string) uint64) { idHash = h }(idHash)
	idHash = func(maphash.Seed, string) uint64 { return 7 }
	defer func() { scanHash = nil }()
	scanHash = func(string) uint64 { return 7 }
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []Event
	for i, id := range []string{"a", "b", "c", "b", "a", "d", "c"} {
		evs = append(evs, Event{ID: id, Type: "visit", At: at, Pos: diag.Position{File: "h", Line: i + 1, Column: 1}})
	}
	err := Validate(evs)
	require.Error(t, err)
	var got []string
	for _, e := range err.(diag.List) {
		got = append(got, e.Error())
	}
	require.Equal(t, []string{
		`h:4:1: events[3]: duplicate event id "b" (also at h:2:1)`,
		`h:5:1: events[4]: duplicate event id "a" (also at h:1:1)`,
		`h:7:1: events[6]: duplicate event id "c" (also at h:3:1)`,
	}, got)
	require.NoError(t, Validate(evs[:3]))
}

// scan's shape: valid only when Validate would pass, and then whether the
// events are in time order and whether any date is a range.
func TestScanShape(t *testing.T) {
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(id string, hours int) Event {
		return Event{ID: id, Type: "visit", At: at.Add(time.Duration(hours) * time.Hour)}
	}
	uncertain := ev("u", 5)
	uncertain.Through = civil.New(2018, time.January, 31)
	for _, c := range []struct {
		name string
		evs  []Event
		want shape
	}{
		{"empty", nil, shape{valid: true, sorted: true}},
		{"in order", []Event{ev("a", 1), ev("b", 1), ev("c", 2)}, shape{valid: true, sorted: true}},
		{"out of order", []Event{ev("a", 2), ev("b", 1)}, shape{valid: true}},
		{"a range", []Event{ev("a", 1), uncertain}, shape{valid: true, sorted: true, uncertain: true}},
		{"duplicate", []Event{ev("a", 1), ev("a", 2)}, shape{}},
		{"no id", []Event{ev("", 1)}, shape{}},
		{"no type", []Event{{ID: "a", At: at}}, shape{}},
		{"no time", []Event{{ID: "a", Type: "visit"}}, shape{}},
	} {
		require.Equal(t, c.want, scan(c.evs), c.name)
		require.Equal(t, c.want.valid, Validate(c.evs) == nil, c.name)
	}
}

// scanBuf's add and distinct, which check the hashes region by region
// and part by part, agree with a map on sizes around the part and region
// sizes and their multiples, with repeats planted
// in the same part, at the ends, of 0, and with hashes that share their
// part and their bit in the part's bitmap without being equal.
func TestDistinctHashesAgreesWithAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, partSize - 1, partSize, partSize + 1, 3 * partSize, 20000, regionSize - 1, regionSize + 1, 3*regionSize + 5} {
		for trial := range 30 {
			hs := make([]uint64, n)
			for i := range hs {
				hs[i] = r.Uint64()
			}
			if n > 1 {
				switch trial % 6 {
				case 1:
					hs[r.IntN(n)] = hs[r.IntN(n)]
				case 2:
					hs[n-1] = hs[0]
				case 3:
					hs[r.IntN(n)], hs[r.IntN(n)] = 0, 0
				case 4:
					hs[r.IntN(n)] = hs[r.IntN(n)] ^ 1 // same part, not equal
				case 5:
					// Same part and bitmap bit, not equal; and half
					// the time also a real repeat.
					for range 50 {
						hs[r.IntN(n)] = hs[r.IntN(n)] ^ 1<<40
					}
					if trial%12 == 5 {
						hs[r.IntN(n)] = hs[r.IntN(n)]
					}
				}
			}
			want := true
			seen := map[uint64]bool{}
			for _, h := range hs {
				if seen[h] {
					want = false
				}
				seen[h] = true
			}
			require.Equal(t, want, distinctAsScanChecks(hs), "n=%d trial=%d", n, trial)
		}
	}
}

// distinctAsScanChecks checks hs as scan checks its hashes.
func distinctAsScanChecks(hs []uint64) bool {
	b := takeScanBuf(len(hs))
	defer putScanBuf(b)
	for _, h := range hs {
		if !b.add(h) {
			return false // a region overflowed
		}
	}
	return b.distinct()
}
