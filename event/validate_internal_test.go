package event

import (
	"hash/maphash"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/diag"
)

// Validate finds duplicates exactly even when every id hashes alike.
func TestValidateWithCollidingHashes(t *testing.T) {
	defer func(h func(maphash.Seed, string) uint64) { idHash = h }(idHash)
	idHash = func(maphash.Seed, string) uint64 { return 7 }
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
