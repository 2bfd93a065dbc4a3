package event

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
)

// scan against the plain way on random histories, short and long (past
// touchAhead and several parts), with every kind of defect planted at
// random places: its shape is valid exactly when validate (the exact
// check Validate falls back on, with a map of every id) passes, and
// then sorted and uncertain say what a plain look at the events says.
// Ids are made in a shuffled order half the time, so that both of
// scan's ways of reading them (idsSpread) are taken.
func TestScanAgreesWithValidate(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	for trial := range 300 {
		n := []int{0, 1, 2, 31, 32, 33, 100, 513, 3000}[trial%9]
		evs := make([]Event, n)
		order := r.Perm(n)
		if trial%2 == 0 {
			slices.Sort(order)
		}
		for _, i := range order {
			evs[i] = Event{ID: fmt.Sprintf("id-%d", i), Type: "visit", At: at.Add(time.Duration(i) * time.Minute)}
		}
		if n > 0 {
			for range r.IntN(3) {
				i := r.IntN(n)
				switch r.IntN(6) {
				case 0:
					evs[i].ID = evs[r.IntN(n)].ID
				case 1:
					evs[i].ID = ""
				case 2:
					evs[i].Type = ""
				case 3:
					evs[i].At = time.Time{}
				case 4:
					evs[i].At = evs[r.IntN(n)].At.Add(-time.Second)
				case 5:
					evs[i].Through = civil.New(2018, time.January, 31)
				}
			}
		}
		got := scan(evs)
		valid := validate(evs) == nil
		require.Equal(t, valid, got.valid, "trial %d: valid", trial)
		if valid {
			assert.Equal(t, slices.IsSortedFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) }), got.sorted, "trial %d: sorted", trial)
			assert.Equal(t, slices.ContainsFunc(evs, func(e Event) bool { return e.Uncertain() }), got.uncertain, "trial %d: uncertain", trial)
		}
	}
}

// A hash shared by two different ids sends scan to validate, which finds
// the ids distinct: a collision costs time, never a wrong error.
func TestScanCollisionIsNotAnError(t *testing.T) {
	defer func() { scanHash = nil }()
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []Event
	for i := range 2000 {
		evs = append(evs, Event{ID: fmt.Sprint("e", i), Type: "visit", At: at})
	}
	k := newIDKeys()
	for _, hash := range []func(string) uint64{
		func(string) uint64 { return 7 },                        // all in one part
		func(id string) uint64 { return uint64(len(id)) << 60 }, // a few parts
		func(id string) uint64 { // e1999 and e0 share a hash
			if id == "e1999" {
				id = "e0"
			}
			return k.hash(id)
		},
	} {
		scanHash = hash
		assert.False(t, scan(evs).valid)
		assert.NoError(t, Validate(evs))
	}
	scanHash = nil
	assert.True(t, scan(evs).valid)

	// Hashes all in the first of several regions overflow it: the ids
	// are still found distinct.
	evs = historyOf(3 * regionSize)
	scanHash = func(id string) uint64 { return k.hash(id) >> 8 }
	assert.False(t, scan(evs).valid)
	assert.NoError(t, Validate(evs))
}

// The hash reads every byte of an id: changing any one byte of ids of
// every length to 70 changes it. Ids of many shapes, up to 3*10^5 of
// them, have no hash in common.
func TestIDHashSeesEveryByte(t *testing.T) {
	k := newIDKeys()
	for n := 1; n <= 70; n++ {
		id := []byte(fmt.Sprintf("%070d", n))[:n]
		h := k.hash(string(id))
		for i := range n {
			for _, d := range []byte{1, 0x80} {
				c := slices.Clone(id)
				c[i] ^= d
				assert.NotEqual(t, h, k.hash(string(c)), "length %d, byte %d ^ %#x", n, i, d)
			}
		}
	}
	seen := map[uint64]string{}
	for _, f := range []string{"e-%d", "bench-%d", "%d", "%032x", "c%05d-2018-04-01", "%x"} {
		for i := range 50_000 {
			id := fmt.Sprintf(f, i)
			if _, dup := seen[k.hash(id)]; dup && seen[k.hash(id)] != id {
				t.Fatalf("%q and %q share a hash", id, seen[k.hash(id)])
			}
			seen[k.hash(id)] = id
		}
	}
}

// resetSpare forgets the spare scan buffer and its timer.
func resetSpare() {
	s := &spareScanBuf
	s.Lock()
	defer s.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
	s.buf, s.used, s.timer = nil, false, nil
}

func spare() *scanBuf {
	s := &spareScanBuf
	s.Lock()
	defer s.Unlock()
	return s.buf
}

func historyOf(n int) []Event {
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{ID: fmt.Sprint("e", i), Type: "visit", At: at}
	}
	return evs
}

// scan's buffers outlive collections (a sync.Pool's did not: a scan
// after two collections made them afresh), and the spare is the largest
// one used.
func TestScanKeepsItsBufferAcrossCollections(t *testing.T) {
	resetSpare()
	defer resetSpare()
	big, small := historyOf(5000), historyOf(10)
	require.True(t, scan(big).valid)
	allocs := testing.AllocsPerRun(5, func() {
		runtime.GC()
		runtime.GC()
		scan(small)
		scan(big)
	})
	assert.Zero(t, allocs)
	require.NotNil(t, spare())
	assert.GreaterOrEqual(t, cap(spare().slots), len(big))
}

// A spare buffer no scan takes is released.
func TestScanReleasesAnIdleBuffer(t *testing.T) {
	resetSpare()
	setIdle := func(d time.Duration) {
		spareScanBuf.Lock() // a timer of an earlier test may be reading it
		spareIdle = d
		spareScanBuf.Unlock()
	}
	defer func(d time.Duration) { setIdle(d); resetSpare() }(spareIdle)
	setIdle(20 * time.Millisecond)
	scan(historyOf(100))
	require.NotNil(t, spare())
	for deadline := time.Now().Add(5 * time.Second); spare() != nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the spare scan buffer is still held")
		}
	}
}

// A scan needing far less than the spare drops it: a large history's
// buffer is not held for a process that goes on to scan small ones.
func TestScanDropsASpareFarTooLarge(t *testing.T) {
	resetSpare()
	defer resetSpare()
	require.True(t, scan(historyOf(300_000)).valid)
	require.NotNil(t, spare())
	require.Greater(t, cap(spare().slots), 1<<16)
	require.True(t, scan(historyOf(10)).valid)
	require.NotNil(t, spare())
	assert.LessOrEqual(t, cap(spare().slots), 1<<16)
}

// Scans at once, of histories of different sizes, some with a repeated
// id, each get their own answer (run with -race: they share the spare
// buffer).
func TestScansAtOnce(t *testing.T) {
	done := make(chan error)
	for g := range 8 {
		go func() {
			evs := historyOf(100 + 3000*g)
			want := g%2 == 0
			if !want {
				evs[len(evs)-1].ID = evs[g].ID
			}
			for range 20 {
				if got := scan(evs).valid; got != want {
					done <- fmt.Errorf("goroutine %d: valid %v, want %v", g, got, want)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		assert.NoError(t, <-done)
	}
}
