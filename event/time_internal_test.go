package event

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// fastTime is a speed path: for every string it accepts, it must give what
// the general path (time.Parse) gives, instant and printed offset alike;
// it may decline anything, never answer differently.
func TestParseTimeFastAgreesWithSlow(t *testing.T) {
	inputs := []string{
		"2018-04-25", "2016-02-29", "2017-02-29", "2018-02-30", "2018-13-01", "2018-00-10", "0000-01-01", "9999-12-31",
		"2018-04-25T23:30:00+01:00", "2018-04-25T23:30:00Z", "2018-04-25T23:30:00-05:30", "2018-04-25T23:30:00+00:00",
		"2018-04-25T23:30:00.5Z", "2018-04-25T23:30:00.123456789+01:00", "2018-04-25T23:30:00.1234567891Z",
		"2018-04-25T24:00:00Z", "2018-04-25T23:60:00Z", "2018-04-25T23:30:60Z", "2018-04-25T23:30:00+24:00",
		"2018-04-25T23:30:00+01:60", "2018-04-25t23:30:00z", "2018-04-25 23:30:00Z", "2018-04-25T23:30:00",
		"2018-04-25T23:30Z", "2018-04-25T23:30:00.Z", "2018-04-25T23:30:00+0100", "2018-4-25", " 2018-04-25",
		"2018-04-25T23:30:00+01:00 ", "2018-10-28T01:30:00+01:00", "2018-03-25T01:30:00+00:00", "+018-04-25",
		"2018-04-2a", "２０１８-04-25",
	}
	for _, s := range inputs {
		ft, fd, ok := fastTime(s, London())
		st, sd, err := slowTime(s, London())
		if !ok {
			continue
		}
		if err != nil {
			t.Errorf("%q: fast path accepts, general path refuses: %v", s, err)
			continue
		}
		if !ft.Equal(st) || fd != sd || ft.Format(time.RFC3339Nano) != st.Format(time.RFC3339Nano) {
			t.Errorf("%q: fast %v (%s, date %v), general %v (%s, date %v)", s, ft, ft.Format(time.RFC3339Nano), fd, st, st.Format(time.RFC3339Nano), sd)
		}
	}
	// The forms exports write take the fast path.
	for _, s := range []string{"2018-04-25", "2018-04-25T23:30:00+01:00", "2018-04-25T22:30:00Z", "2018-04-25T23:30:00.250+01:00"} {
		if _, _, ok := fastTime(s, London()); !ok {
			t.Errorf("%q: not read by the fast path", s)
		}
	}
	// Every instant of a year, in both UK offsets, agrees.
	for tm := time.Date(2018, 1, 1, 0, 0, 0, 0, London()); tm.Year() == 2018; tm = tm.Add(97 * time.Minute) {
		s := tm.Format(time.RFC3339)
		ft, _, ok := fastTime(s, London())
		st, _, _ := slowTime(s, London())
		if !ok || !ft.Equal(st) || ft.Format(time.RFC3339) != s {
			t.Fatalf("%s: fast %v ok %v, general %v", s, ft, ok, st)
		}
	}
}

// The reader's same-day shortcut gives what ParseTime gives, whatever came
// before: other days, other offsets, fractions, dates, bad times.
func TestReaderTimeShortcutAgreesWithParseTime(t *testing.T) {
	r := &Reader{loc: London()}
	seq := []string{
		"2018-04-25T09:00:00+01:00", "2018-04-25T09:00:07+01:00", "2018-04-25T23:59:59+01:00", "2018-04-25T00:00:00+01:00",
		"2018-04-25T09:00:07Z", "2018-04-25T09:00:08Z", "2018-04-26T09:00:08Z", "2018-04-26T09:00:08.5Z", "2018-04-26T09:00:09Z",
		"2018-04-26", "2018-04-26T09:00:09-05:30", "2018-04-26T08:00:09-05:30", "2018-04-26T08:61:09-05:30", "2018-04-26T08:01:09-05:30",
		"2018-10-28T00:30:00+01:00", "2018-10-28T01:30:00+01:00", "2018-10-28T01:30:00+00:00", "2018-10-28T03:30:00+00:00",
		"2018-04-26t08:01:10-05:30", "2018-04-26T08:01:11-05:30",
		// A good offset, then the same clock day with an offset out of range.
		"2018-09-02T12:00:00+23:00", "2018-09-02T12:00:01+24:00", "2018-09-02T12:00:01+23:60", "2018-09-02T12:00:02+23:00",
	}
	for _, s := range seq {
		got, gd, _, gerr := r.time([]byte(s))
		want, wd, werr := ParseTime(s, London())
		if (gerr == nil) != (werr == nil) || !got.Equal(want) || gd != wd || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
			t.Errorf("%q: reader %v %v %v, ParseTime %v %v %v", s, got, gd, gerr, want, wd, werr)
		}
		sameAsFast(t, s, got)
	}
}

// sameAsFast fails unless the reader's time for s is, field for field
// (==, which compares the location too), the one fastTime makes, when
// fastTime reads s: the shortcut builds times another way.
func sameAsFast(t *testing.T, s string, got time.Time) {
	t.Helper()
	if ft, _, ok := fastTime(s, London()); ok && got != ft {
		t.Fatalf("%q: reader %#v, fastTime %#v", s, got, ft)
	}
}

// A day the zone skipped is not read by the fast path; ParseTime refuses it.
func TestParseTimeSkippedDay(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skip(err)
	}
	if _, _, ok := fastTime("2011-12-30", apia); ok {
		t.Error("fast path read a day Apia skipped")
	}
	if _, _, err := ParseTime("2011-12-30", apia); err == nil {
		t.Error("ParseTime read a day Apia skipped")
	}
	if _, _, err := ParseTime("2011-12-31", apia); err != nil {
		t.Error(err)
	}
}

// The reader's shortcuts against ParseTime over random sequences of times
// close together: the same at again, the same day at other clock times,
// other offsets, fractions, bare dates, clocks out of range, the day of a
// clock change.
func TestReaderTimeShortcutRandomSequences(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	days := []string{"2018-04-25", "2018-04-26", "2018-10-28", "2018-03-25"}
	// The first two are the common ones; +24:00 and -00:60 are out of
	// range and must be refused even right after a good time of the day.
	offsets := []string{"Z", "+01:00", "+00:00", "-05:30", "+24:00", "-00:60", "+23:59"}
	for range 20 {
		r := &Reader{loc: London(), lastClock: -1}
		for range 500 {
			s := days[rng.IntN(len(days))]
			switch rng.IntN(10) {
			case 0: // a bare date
			case 1:
				s += fmt.Sprintf("T%02d:%02d:%02d.5%s", rng.IntN(24), rng.IntN(60), rng.IntN(60), offsets[rng.IntN(len(offsets))])
			case 2:
				s += fmt.Sprintf("T%02d:%02d:%02d%s", rng.IntN(26), rng.IntN(62), rng.IntN(62), offsets[rng.IntN(len(offsets))])
			default:
				s += fmt.Sprintf("T%02d:%02d:%02d%s", rng.IntN(24), rng.IntN(60), rng.IntN(60), offsets[rng.IntN(2)])
			}
			got, gd, _, gerr := r.time([]byte(s))
			want, wd, werr := ParseTime(s, London())
			if (gerr == nil) != (werr == nil) || !got.Equal(want) || gd != wd || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
				t.Fatalf("%q: reader %v %v %v, ParseTime %v %v %v", s, got, gd, gerr, want, wd, werr)
			}
			sameAsFast(t, s, got)
		}
	}
}

// RFC 3339 allows offset hours 00-23 and minutes 00-59 and a full stop
// before a fraction of a second; time.Parse also takes 24, 60 and a comma.
// +24:00 moved a report written for 2 Sep to 1 Sep and then could not be
// written as JSON.
func TestParseTimeRefusesWhatRFC3339Does(t *testing.T) {
	for _, s := range []string{
		"2018-09-02T12:00:00+24:00", "2018-09-02T12:00:00-24:00", "2018-09-02T12:00:00+01:60", "2018-09-02T12:00:00+99:99",
		"2018-09-02T12:00:00,5Z", "2018-09-02 12:00:00,5+01:00", "2018-09-02t12:00:00.5+24:00",
	} {
		if _, _, err := ParseTime(s, London()); err == nil {
			t.Errorf("%q accepted", s)
		}
		if _, _, _, err := ParseAt(s, London()); err == nil {
			t.Errorf("%q accepted by ParseAt", s)
		}
	}
	for _, s := range []string{"2018-09-02T12:00:00+23:59", "2018-09-02T12:00:00-23:59", "2018-09-02T12:00:00-00:00", "2018-09-02 12:00:00.5z"} {
		if _, _, err := ParseTime(s, London()); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}
