package civil

import (
	"fmt"
	"strings"
	"time"
)

// Date is a day in the proleptic Gregorian calendar. The zero value is not a
// valid date; use IsZero to test for it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// New returns the date for year, month and day, which must be valid.
func New(year int, month time.Month, day int) Date { return Date{year, month, day} }

// Parse reads a date written as YYYY-MM-DD and rejects impossible dates such
// as 2018-02-30.
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD that exists in the calendar", s)
	}
	return Of(t), nil
}

// Of returns the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// In returns the date of instant t in loc.
func In(t time.Time, loc *time.Location) Date { return Of(t.In(loc)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Long formats d for people, as "25 Apr 2018".
func (d Date) Long() string { return fmt.Sprintf("%d %s %d", d.Day, d.Month.String()[:3], d.Year) }

// Start returns the first instant of d in loc: midnight, or the first
// instant after a skipped midnight. For a day loc skipped whole it is the
// first instant of the next day that exists, so that the day before still
// ends where it really did (see End). An impossible date such as 29 Feb
// 2019 normalises as time.Date does (to 1 Mar).
func (d Date) Start(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if Of(t) == d {
		return t
	}
	if n := d.AddDays(0); n != d {
		return n.Start(loc)
	}
	// Midnight fell in a gap (clocks went forward at 00:00, as in São
	// Paulo or Havana, or past a whole day, as in Apia) and time.Date
	// chose an instant on another day. The day starts at the first instant
	// whose date in loc is d or later: a clock change, found by bisecting
	// the instants around t (zone offsets are within a day of UTC, and
	// the local date never goes backwards except at a fold).
	lo, hi := t.Add(-48*time.Hour), t.Add(48*time.Hour)
	for hi.Sub(lo) > time.Nanosecond {
		mid := lo.Add(hi.Sub(lo) / 2)
		if In(mid, loc).Before(d) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi.In(loc)
}

// ExistsIn reports whether d is a day in loc's calendar: false for a day
// the clocks skipped whole, as Samoa (Pacific/Apia) skipped 30 December
// 2011 when it crossed the date line.
func (d Date) ExistsIn(loc *time.Location) bool {
	return In(d.Start(loc), loc) == d
}

// CheckIn returns an error naming d and loc when d did not exist in loc
// (see ExistsIn), for reading dates a person wrote.
func (d Date) CheckIn(loc *time.Location) error {
	if d.ExistsIn(loc) {
		return nil
	}
	return fmt.Errorf("%s did not exist in %s: the clocks went from %s to %s, skipping the whole day",
		d, loc, d.AddDays(-1).End(loc).Format("2 Jan 2006 15:04:05 -07:00"), d.Start(loc).Format("2 Jan 2006 15:04:05 -07:00"))
}

// End returns the last representable instant of d in loc: one nanosecond
// before the next day starts. A deadline on d is met by anything at or
// before End. It is correct on the days British Summer Time starts and ends,
// which have 23 and 25 hours.
func (d Date) End(loc *time.Location) time.Time {
	return d.AddDays(1).Start(loc).Add(-time.Nanosecond)
}

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date {
	return Of(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// AddMonths returns d moved by n calendar months, clamped to the last day of
// the target month: 31 Jan + 1 month is 28 Feb (29 Feb in a leap year).
func (d Date) AddMonths(n int) Date {
	total := d.Year*12 + int(d.Month) - 1 + n
	y, m := floorDiv(total, 12), time.Month(floorMod(total, 12)+1)
	day := d.Day
	if last := DaysIn(y, m); day > last {
		day = last
	}
	return Date{y, m, day}
}

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date { return Date{d.Year, d.Month, DaysIn(d.Year, d.Month)} }

// DaysIn returns the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// DaysUntil returns the number of calendar days from d to e: positive when e
// is after d.
func (d Date) DaysUntil(e Date) int {
	// Counted in whole UTC days since 1970, not with time.Sub, whose
	// Duration saturates at about 292 years.
	return int(e.unixDay() - d.unixDay())
}

func (d Date) unixDay() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// Range is a day known only to lie between First and Last inclusive: a
// month ("2018-06") or an explicit range ("2018-06-01..2018-06-30"). A
// day known exactly is a Range whose First and Last are equal.
type Range struct {
	First, Last Date
}

// ParseRange reads a date (YYYY-MM-DD), a month (YYYY-MM, any day of that
// month) or a range of days (YYYY-MM-DD..YYYY-MM-DD, both ends included,
// the first not after the last). It is the one parser of uncertain dates:
// direction dates and event dates both go through it.
func ParseRange(s string) (Range, error) {
	if a, b, ok := strings.Cut(s, ".."); ok {
		first, err1 := Parse(a)
		last, err2 := Parse(b)
		if err1 != nil || err2 != nil {
			return Range{}, fmt.Errorf("%q is not a range of days of the form 2018-06-01..2018-06-30", s)
		}
		if last.Before(first) {
			return Range{}, fmt.Errorf("the range %q ends before it begins; write the earlier day first", s)
		}
		return Range{first, last}, nil
	}
	if len(s) == 7 && s[4] == '-' {
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return Range{}, fmt.Errorf("%q is not a month of the form YYYY-MM (2018-06)", s)
		}
		first := Of(t)
		return Range{first, first.EndOfMonth()}, nil
	}
	d, err := Parse(s)
	if err != nil && len(s) != len("2018-06-25") {
		err = fmt.Errorf("%q is not a date (2018-06-25), a month (2018-06) or a range of days (2018-06-01..2018-06-30)", s)
	}
	return Range{d, d}, err
}

// Exact reports whether the range is a single day.
func (r Range) Exact() bool { return r.First == r.Last }

// Days returns the number of days in the range.
func (r Range) Days() int { return r.First.DaysUntil(r.Last) + 1 }

// String formats r as it is written: a date, a month, or a range.
func (r Range) String() string {
	switch {
	case r.Exact():
		return r.First.String()
	case r.isMonth():
		return r.First.String()[:7]
	}
	return r.First.String() + ".." + r.Last.String()
}

// Long formats r for people: "25 Apr 2018", "April 2018", "1–25 Apr 2018",
// "28 Apr–3 May 2018" or "28 Dec 2018–3 Jan 2019".
func (r Range) Long() string {
	f, l := r.First, r.Last
	switch {
	case r.Exact():
		return f.Long()
	case r.isMonth():
		return fmt.Sprintf("%s %d", f.Month, f.Year)
	case f.Year == l.Year && f.Month == l.Month:
		return fmt.Sprintf("%d–%s", f.Day, l.Long())
	case f.Year == l.Year:
		return fmt.Sprintf("%d %s–%s", f.Day, f.Month.String()[:3], l.Long())
	}
	return f.Long() + "–" + l.Long()
}

func (r Range) isMonth() bool {
	return r.First.Day == 1 && r.Last == r.First.EndOfMonth()
}
