package evaluator

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/internal/slimzone"
)

// dayOf remembers a day's span; it must give civil.In's day for every
// instant, in time order as events come and out of it as a retained
// event's, in zones whose clocks change at midnight (São Paulo, Havana,
// Santiago, where a fall-back at midnight repeats the day before's last
// hour) or skipped a whole day (Apia, 30 Dec 2011), at the edges of days
// and of clock changes.
func TestDayOfAgreesWithCivilIn(t *testing.T) {
	names := []string{"Europe/London", "America/Sao_Paulo", "America/Havana", "America/Santiago", "Pacific/Apia", "Australia/Lord_Howe", "UTC",
		"America/Ciudad_Juarez", "America/Metlakatla"} // standard offset changed in 2022, 2019
	type zone struct {
		name string
		loc  *time.Location
	}
	var zones []zone
	for _, name := range names {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no zone data for %s: %v", name, err)
		}
		slim, err := slimzone.Load(name)
		require.NoError(t, err, "Go's embedded zone database")
		zones = append(zones, zone{name, loc}, zone{name + " (embedded)", slim})
	}
	for _, z := range zones {
		name, loc := z.name, z.loc
		ds := &dirState{d: &direction.Direction{Location: loc}}
		var times []time.Time
		// Each clock change from 1890 to 2020 (Apia repeated 4 July 1892), and the instants around it
		// and around the midnights of its day and the next.
		for at := time.Date(1890, 1, 1, 0, 0, 0, 0, loc); at.Year() < 2024; {
			_, end := at.ZoneBounds()
			if end.IsZero() {
				break
			}
			if !end.After(at) { // the embedded data's bounds can stand still at a year's end
				end = at.Add(24 * time.Hour)
			}
			for _, d := range []time.Duration{-time.Hour - 1, -time.Hour, -1, 0, 1, time.Hour - 1, time.Hour, time.Hour + 1} {
				times = append(times, end.Add(d))
			}
			day := civil.In(end, loc)
			for _, x := range []civil.Date{day.AddDays(-1), day, day.AddDays(1)} {
				s := x.Start(loc)
				times = append(times, s.Add(-1), s, s.Add(1), x.End(loc), x.End(loc).Add(1))
			}
			at = end
		}
		r := rand.New(rand.NewPCG(5, 6))
		// A walk forward in steps of up to nine hours, through the same
		// years, with now and then a step back of up to a month.
		for at := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2024; {
			times = append(times, at)
			at = at.Add(time.Duration(r.Int64N(int64(9 * time.Hour))))
			if r.IntN(50) == 0 {
				times = append(times, at.Add(-time.Duration(r.Int64N(int64(30*24*time.Hour)))))
			}
		}
		for _, tm := range times {
			if got, want := ds.dayOf(tm), civil.In(tm, loc); got != want {
				t.Fatalf("%s: dayOf(%s) = %s, civil.In gives %s", name, tm.Format(time.RFC3339Nano), got, want)
			}
		}
	}
}

// endOf remembers days' ends; it must give civil.Date.End's instant for
// every day, asked in any order and again and again, in zones whose
// clocks change at midnight or that skipped a day (Apia, 30 Dec 2011),
// for days whose day of the month is the same (1 and 17 March share a
// place in the memo) and days that differ only in month or year.
func TestEndOfAgreesWithEnd(t *testing.T) {
	for _, name := range []string{"Europe/London", "America/Sao_Paulo", "America/Havana", "Pacific/Apia", "UTC"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no zone data for %s: %v", name, err)
		}
		ds := &dirState{d: &direction.Direction{Location: loc}}
		r := rand.New(rand.NewPCG(7, 8))
		day := civil.New(2008, time.January, 1)
		for range 20_000 {
			var d civil.Date
			switch r.IntN(4) {
			case 0: // a walk forward, as triggers come
				day = day.AddDays(r.IntN(3))
				d = day.AddDays(7 + 3*r.IntN(3))
			case 1: // the same day of the month elsewhere
				d = civil.New(2008+r.IntN(8), time.Month(1+r.IntN(12)), day.Day)
			case 2: // the memo's neighbour: 16 days on or back
				d = day.AddDays(16 * (1 - 2*r.IntN(2)))
			default:
				d = civil.New(2011, time.December, 28+r.IntN(4)) // Apia skipped the 30th
			}
			if got, want := ds.endOf(d), d.End(loc); got != want {
				t.Fatalf("%s: endOf(%s) = %s, End gives %s", name, d, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
			}
		}
	}
}

// A zone whose clocks go back two hours at 01:00, from UTC-5 to UTC-7, so
// that for an hour after the change the clock reads 23:xx of the day
// before: the day's first instant (00:00 at UTC-5) and its last lie on
// either side of instants that are on the day before. A memo that took
// the day's span for granted would put them on the wrong day; both of
// dayOf's guards (ZoneBounds, and the offset at both ends) refuse the
// span, and the test fails with neither.
func TestDayOfAClockGoingBackOverMidnight(t *testing.T) {
	change := time.Date(2020, 6, 15, 6, 0, 0, 0, time.UTC) // 01:00 at UTC-5
	loc, err := time.LoadLocationFromTZData("Test/Back", tzif(change.Unix(), -5*3600, -7*3600))
	require.NoError(t, err)
	ds := &dirState{d: &direction.Direction{Location: loc}}
	day := civil.New(2020, 6, 15)
	from := day.Start(loc)
	for _, tm := range []time.Time{from, change.Add(-time.Minute), change, change.Add(30 * time.Minute), change.Add(59 * time.Minute), change.Add(time.Hour), day.AddDays(1).Start(loc).Add(-1)} {
		require.Equal(t, civil.In(tm, loc), ds.dayOf(tm), "%s (%s)", tm.UTC().Format(time.RFC3339), tm.Format(time.RFC3339))
	}
	assert.Equal(t, civil.New(2020, 6, 14), civil.In(change.Add(30*time.Minute), loc), "the clock is back on the 14th")
}

// tzif is the zone file (TZif version 1) of a zone at offset before until
// the Unix time at, and at offset after from then on.
func tzif(at int64, before, after int32) []byte {
	var b []byte
	u32 := func(v uint32) { b = binary.BigEndian.AppendUint32(b, v) }
	b = append(b, "TZif"...)
	b = append(b, make([]byte, 16)...)             // version 1, reserved
	for _, n := range []uint32{0, 0, 0, 1, 2, 8} { // isut, isstd, leap, time, type, char counts
		u32(n)
	}
	u32(uint32(int32(at)))
	b = append(b, 1) // the transition is to type 1
	u32(uint32(before))
	b = append(b, 0, 0) // not daylight saving, abbreviation at 0
	u32(uint32(after))
	b = append(b, 0, 4)
	b = append(b, "AAA\x00BBB\x00"...)
	return b
}
