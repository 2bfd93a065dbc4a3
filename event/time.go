package event

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dfe-tools/directions/civil"
)

// ParseTime reads an event's at, or any other time the tool is given: a
// date (the first instant of that day in loc) or an RFC 3339 time. The
// boolean reports a date. Every reader and command calls it, so that a
// form of at is added in one place.
//
// The forms real exports write (2018-04-25, 2018-04-25T23:30:00+01:00,
// ...Z, with up to nine fractional digits) are read by fastTime without
// regular expressions or the time package's layout machinery; anything
// else (lower-case t or z, a space for the T, a missing offset) goes
// through slowTime, which words the errors. TestParseTimeFastAgreesWithSlow
// holds the two to the same answers.
func ParseTime(s string, loc *time.Location) (time.Time, bool, error) {
	t, dateOnly, ok := fastTime(s, loc)
	if !ok {
		var err error
		if t, dateOnly, err = slowTime(s, loc); err != nil {
			return time.Time{}, false, err
		}
	}
	if err := checkInstant(s, t); err != nil {
		return time.Time{}, false, err
	}
	return t, dateOnly, nil
}

// checkInstant refuses two times every form can write: the year 0000,
// outside the years 1 to 9999 that dates may have, and the instant
// 0001-01-01T00:00:00Z, Go's zero time, which exporters write for a
// missing date and which events and findings use to mean "no time".
// Every reader comes here, so every command refuses them alike, at the
// at's position.
func checkInstant(s string, t time.Time) error {
	if r := strings.TrimSpace(s); len(r) >= 4 && r[:4] == "0000" {
		return fmt.Errorf("%q is in the year 0, outside the years 1 to 9999 that dates may have", s)
	}
	if t.IsZero() {
		return fmt.Errorf("%q is 1 January of the year 1, 00:00 UTC: the zero time that exporters write when a date is missing; give the event's real date or time", s)
	}
	return nil
}

// ParseAt reads an event's at as every history reader does: what ParseTime
// reads, or a day known only to a month (2018-04) or a range
// (2018-04-01..2018-04-30). For the last two, t is the first instant of the
// first day, dateOnly is true, and through is the last day it may be;
// otherwise through is zero. A range of one day is that day.
func ParseAt(s string, loc *time.Location) (t time.Time, dateOnly bool, through civil.Date, err error) {
	if r := strings.TrimSpace(s); len(r) == 7 || strings.Contains(r, "..") {
		rng, err := civil.ParseRange(r)
		if err == nil {
			err = rng.First.CheckIn(loc)
		}
		if err == nil {
			err = rng.Last.CheckIn(loc)
		}
		if err != nil {
			return time.Time{}, false, civil.Date{}, err
		}
		if !rng.Exact() {
			through = rng.Last
		}
		t = rng.First.Start(loc)
		if err := checkInstant(s, t); err != nil {
			return time.Time{}, false, civil.Date{}, err
		}
		return t, true, through, nil
	}
	t, dateOnly, err = ParseTime(s, loc)
	return t, dateOnly, civil.Date{}, err
}

// fastTime reads YYYY-MM-DD and YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
// when every field is in range; ok false sends the caller to slowTime.
func fastTime(s string, loc *time.Location) (t time.Time, dateOnly, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > civil.DaysIn(y, time.Month(mo)) {
		return time.Time{}, false, false
	}
	if len(s) == 10 {
		day := civil.New(y, time.Month(mo), d)
		t := day.Start(loc)
		if civil.In(t, loc) != day {
			return time.Time{}, false, false // the zone skipped the day: slowTime words it
		}
		return t, true, true
	}
	// 2018-04-25T23:30:00 is 19 bytes; Z or an offset follows.
	if len(s) < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false, false
	}
	h, ok1 := digits(s[11:13])
	mi, ok2 := digits(s[14:16])
	sec, ok3 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false, false
	}
	rest := s[19:]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 { // one to nine digits
			return time.Time{}, false, false
		}
		frac, _ := digits(rest[1:n])
		for range 10 - n {
			frac *= 10
		}
		nsec, rest = frac, rest[n:]
	}
	switch {
	case rest == "Z":
		return time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC), false, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false, false
		}
		off := (oh*60 + om) * 60
		if rest[0] == '-' {
			off = -off
		}
		return time.Date(y, time.Month(mo), d, h, mi, sec, nsec, fixedZone(off)), false, true
	}
	return time.Time{}, false, false
}

// digits reads a run of ASCII digits; ok is false for anything else.
func digits(s string) (n int, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// zones shares one fixed zone per UTC offset: a history's times carry a
// handful of offsets (+00:00 and +01:00 in the UK), and time.FixedZone
// allocates a zone each call.
var zones sync.Map // int (seconds east of UTC) -> *time.Location

// fixedZone returns the zone time.Parse gives an RFC 3339 offset that is
// not the local zone's; +00:00 is UTC, which time.Parse also prints as Z.
func fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if z, ok := zones.Load(off); ok {
		return z.(*time.Location)
	}
	z, _ := zones.LoadOrStore(off, time.FixedZone("", off))
	return z.(*time.Location)
}

// slowTime is the general path: the same forms, also with a lower-case t
// or z or a space between date and time, and the error messages.
func slowTime(s string, loc *time.Location) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	switch {
	case isDate(s):
		d, err := civil.Parse(s)
		if err != nil {
			return time.Time{}, false, err
		}
		t := d.Start(loc)
		if civil.In(t, loc) != d { // the zone skipped the day (Apia, 30 Dec 2011)
			return time.Time{}, false, fmt.Errorf("%w; give a date that exists there or an RFC 3339 time", d.CheckIn(loc))
		}
		return t, true, nil
	case isDateTime(s):
		// RFC 3339 allows a lower-case t and z and, as ISO 8601 profiles
		// often do, a space between date and time.
		norm := strings.ToUpper(strings.Replace(s, " ", "T", 1))
		if err := strictRFC3339(s, norm); err != nil {
			return time.Time{}, false, err
		}
		t, err := time.Parse(time.RFC3339Nano, norm)
		if err != nil {
			if _, e2 := time.Parse("2006-01-02T15:04:05", norm); e2 == nil {
				return time.Time{}, false, fmt.Errorf("time %q has no UTC offset: add one (2018-04-25T23:30:00+01:00) or Z, or give a plain date", s)
			}
			return time.Time{}, false, fmt.Errorf("%q is not a valid RFC 3339 time such as 2018-04-25T23:30:00+01:00", s)
		}
		return t, false, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is neither a date (2018-04-25) nor an RFC 3339 time (2018-04-25T23:30:00+01:00)", s)
}

// strictRFC3339 refuses what time.Parse accepts but RFC 3339 does not: an
// offset hour of 24 or minute of 60 (+24:00 would move the time a whole
// day, and time.Time cannot then be written as JSON), and a comma before
// the fraction of a second. s is the text as written, for the message.
func strictRFC3339(s, norm string) error {
	if len(norm) > 19 && norm[19] == ',' {
		return fmt.Errorf("%q is not a valid RFC 3339 time: a fraction of a second follows a full stop (12:00:00.5), not a comma", s)
	}
	if n := len(norm); n >= 25 && (norm[n-6] == '+' || norm[n-6] == '-') && norm[n-3] == ':' {
		oh, ok1 := digits(norm[n-5 : n-3])
		om, ok2 := digits(norm[n-2:])
		if ok1 && ok2 && (oh > 23 || om > 59) {
			return fmt.Errorf("%q is not a valid RFC 3339 time: its UTC offset %s is out of range (hours 00-23, minutes 00-59)", s, norm[n-6:])
		}
	}
	return nil
}

// isDate reports the shape NNNN-NN-NN.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	_, a := digits(s[0:4])
	_, b := digits(s[5:7])
	_, c := digits(s[8:10])
	return a && b && c
}

// isDateTime reports the shape NNNN-NN-NN[Tt ]NN:NN at the start of s.
func isDateTime(s string) bool {
	if len(s) < 16 || !isDate(s[:10]) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' {
		return false
	}
	_, a := digits(s[11:13])
	_, b := digits(s[14:16])
	return a && b
}
