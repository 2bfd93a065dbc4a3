package civil_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
)

// Adversarial cases for the date arithmetic deadlines rest on. Every
// expectation is worked out by hand in the comment next to it.

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return loc
}

func TestAdversarialAddMonthsFromMonthEnds(t *testing.T) {
	for _, c := range []struct {
		from civil.Date
		n    int
		want civil.Date
		why  string
	}{
		{civil.New(2020, 2, 29), 12, civil.New(2021, 2, 28), "2021 is not a leap year (2021 % 4 = 1): February has 28 days"},
		{civil.New(2020, 2, 29), 48, civil.New(2024, 2, 29), "2024 is a leap year: 29 Feb exists"},
		{civil.New(2020, 2, 29), 1, civil.New(2020, 3, 29), "March has 31 days, no clamping"},
		{civil.New(2019, 1, 31), 1, civil.New(2019, 2, 28), "2019 not leap: 28 Feb"},
		{civil.New(2020, 1, 31), 1, civil.New(2020, 2, 29), "2020 leap: 29 Feb"},
		{civil.New(2019, 1, 31), 3, civil.New(2019, 4, 30), "April has 30 days"},
		{civil.New(2019, 1, 31), 11, civil.New(2019, 12, 31), "December has 31"},
		{civil.New(2019, 1, 31), 12, civil.New(2020, 1, 31), "a whole year: same day"},
		{civil.New(2018, 11, 30), 3, civil.New(2019, 2, 28), "30 Nov + 3 = 30 Feb, clamped to 28 (2019 not leap)"},
		{civil.New(2019, 11, 30), 3, civil.New(2020, 2, 29), "30 Nov 2019 + 3 = 30 Feb 2020, clamped to 29 (leap)"},
		{civil.New(2018, 8, 31), 6, civil.New(2019, 2, 28), "31 Aug + 6 = 31 Feb, clamped to 28"},
		{civil.New(2018, 8, 31), 9, civil.New(2019, 5, 31), "computed from the anchor, not from 28 Feb: 31 May"},
		{civil.New(2019, 3, 31), -1, civil.New(2019, 2, 28), "backwards across February clamps too"},
		{civil.New(2019, 1, 15), -13, civil.New(2017, 12, 15), "negative across two year ends: Jan 2019 - 13 = Dec 2017"},
		{civil.New(2019, 12, 31), 2, civil.New(2020, 2, 29), "across the year end into a leap February"},
		{civil.New(2100, 1, 29), 1, civil.New(2100, 2, 28), "2100 is not leap (divisible by 100, not 400)"},
		{civil.New(2000, 1, 30), 1, civil.New(2000, 2, 29), "2000 is leap (divisible by 400)"},
	} {
		assert.Equal(t, c.want, c.from.AddMonths(c.n), "%s %+d months: %s", c.from, c.n, c.why)
	}
}

func TestAdversarialDaysUntil(t *testing.T) {
	for _, c := range []struct {
		a, b civil.Date
		want int
		why  string
	}{
		{civil.New(2018, 1, 31), civil.New(2018, 2, 1), 1, "month end"},
		{civil.New(2018, 12, 31), civil.New(2019, 1, 1), 1, "year end"},
		{civil.New(2020, 2, 28), civil.New(2020, 3, 1), 2, "28 Feb, 29 Feb, 1 Mar: two steps in a leap year"},
		{civil.New(2019, 2, 28), civil.New(2019, 3, 1), 1, "non-leap: one step"},
		{civil.New(2018, 3, 24), civil.New(2018, 3, 26), 2, "across the 23-hour day of 25 Mar 2018"},
		{civil.New(2018, 10, 27), civil.New(2018, 10, 29), 2, "across the 25-hour day of 28 Oct 2018"},
		{civil.New(2019, 1, 1), civil.New(2020, 1, 1), 365, "2019 has 365 days"},
		{civil.New(2020, 1, 1), civil.New(2021, 1, 1), 366, "2020 has 366 days"},
		{civil.New(2020, 3, 1), civil.New(2020, 2, 28), -2, "negative when e is before d"},
	} {
		assert.Equal(t, c.want, c.a.DaysUntil(c.b), "%s to %s: %s", c.a, c.b, c.why)
	}
}

func TestAdversarialAddDaysAcrossLeapAndBST(t *testing.T) {
	// 28 Feb 2020 + 1 = 29 Feb (leap); + 2 = 1 Mar.
	assert.Equal(t, civil.New(2020, 2, 29), civil.New(2020, 2, 28).AddDays(1))
	assert.Equal(t, civil.New(2020, 3, 1), civil.New(2020, 2, 28).AddDays(2))
	// 1 Mar 2019 - 1 = 28 Feb (not leap).
	assert.Equal(t, civil.New(2019, 2, 28), civil.New(2019, 3, 1).AddDays(-1))
	// Civil days ignore clock changes: 24 Mar 2018 + 2 = 26 Mar.
	assert.Equal(t, civil.New(2018, 3, 26), civil.New(2018, 3, 24).AddDays(2))
}

// The 23- and 25-hour days in London: BST began at 01:00 GMT on Sunday 25
// March 2018 and ended at 02:00 BST (01:00 GMT) on Sunday 28 October 2018.
func TestAdversarialStartEndOnBSTChangeDays(t *testing.T) {
	loc := london(t)
	spring, autumn := civil.New(2018, 3, 25), civil.New(2018, 10, 28)

	// 25 Mar starts at 00:00 GMT = 00:00Z and ends one ns before 26 Mar
	// 00:00 BST = 25 Mar 23:00Z: 23 hours.
	assert.Equal(t, time.Date(2018, 3, 25, 0, 0, 0, 0, time.UTC), spring.Start(loc).UTC())
	assert.Equal(t, time.Date(2018, 3, 25, 22, 59, 59, 999999999, time.UTC), spring.End(loc).UTC())
	assert.Equal(t, 23*time.Hour, spring.End(loc).Add(time.Nanosecond).Sub(spring.Start(loc)))

	// 28 Oct starts at 00:00 BST = 27 Oct 23:00Z and ends one ns before
	// 29 Oct 00:00 GMT = 29 Oct 00:00Z: 25 hours.
	assert.Equal(t, time.Date(2018, 10, 27, 23, 0, 0, 0, time.UTC), autumn.Start(loc).UTC())
	assert.Equal(t, time.Date(2018, 10, 28, 23, 59, 59, 999999999, time.UTC), autumn.End(loc).UTC())
	assert.Equal(t, 25*time.Hour, autumn.End(loc).Add(time.Nanosecond).Sub(autumn.Start(loc)))

	// The local date of the deadline instant is the day itself.
	assert.Equal(t, spring, civil.In(spring.End(loc), loc))
	assert.Equal(t, autumn, civil.In(autumn.End(loc), loc))
	// 23:30Z on 28 Oct is 23:30 GMT, still 28 Oct; 23:30Z on 25 Mar is
	// 00:30 BST on 26 Mar.
	assert.Equal(t, autumn, civil.In(time.Date(2018, 10, 28, 23, 30, 0, 0, time.UTC), loc))
	assert.Equal(t, civil.New(2018, 3, 26), civil.In(time.Date(2018, 3, 25, 23, 30, 0, 0, time.UTC), loc))
}

// In zones whose clocks go forward at midnight the local midnight does not
// exist: the day starts at 01:00 new time, the instant of the change. São
// Paulo moved from -03 to -02 at 00:00 on Sunday 4 November 2018, so 4 Nov
// began at 03:00Z (00:00 -03 = 01:00 -02), and 3 Nov ended one ns before.
// (Havana did the same at 00:00 on 12 March 2023, -05 to -04: 12 Mar began
// at 05:00Z.)
func TestAdversarialStartWhenMidnightIsSkipped(t *testing.T) {
	for _, c := range []struct {
		zone  string
		day   civil.Date
		start time.Time
	}{
		{"America/Sao_Paulo", civil.New(2018, 11, 4), time.Date(2018, 11, 4, 3, 0, 0, 0, time.UTC)},
		{"America/Havana", civil.New(2023, 3, 12), time.Date(2023, 3, 12, 5, 0, 0, 0, time.UTC)},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Skipf("no zone data for %s: %v", c.zone, err)
		}
		got := c.day.Start(loc)
		assert.Equal(t, c.start, got.UTC(), "%s: first instant of %s", c.zone, c.day)
		assert.Equal(t, c.day, civil.In(got, loc), "%s: Start(%s) must lie on that day", c.zone, c.day)
		prev := c.day.AddDays(-1)
		assert.Equal(t, c.start.Add(-time.Nanosecond), prev.End(loc).UTC(), "%s: %s ends just before %s starts", c.zone, prev, c.day)
		assert.Equal(t, prev, civil.In(prev.End(loc), loc))
	}
}

func TestAdversarialParseRejectsImpossibleDates(t *testing.T) {
	for _, s := range []string{"2019-02-29", "2100-02-29", "2018-04-31", "2018-13-01", "2018-00-10", "2018-1-5"} {
		_, err := civil.Parse(s)
		assert.Error(t, err, s)
	}
	d, err := civil.Parse("2000-02-29") // 2000 divisible by 400: leap
	require.NoError(t, err)
	assert.Equal(t, civil.New(2000, 2, 29), d)
}

// A date that does not exist (New does not check) still normalises as
// time.Date does: 29 Feb 2019 starts at 1 Mar 2019 00:00, not at some
// later clock change.
func TestAdversarialStartOfImpossibleDateNormalises(t *testing.T) {
	loc := london(t)
	assert.Equal(t, time.Date(2019, 3, 1, 0, 0, 0, 0, loc), civil.New(2019, 2, 29).Start(loc))
	assert.Equal(t, time.Date(2018, 5, 1, 0, 0, 0, 0, loc), civil.New(2018, 4, 31).Start(loc))
}

// time.Duration saturates at about 292 years, so a day count must not go
// through one.
func TestAdversarialDaysUntilLongSpans(t *testing.T) {
	// 1900-01-01 to 2200-01-01: 300 × 365 + 73 leap days (1904..2196 is 74
	// multiples of 4, less 2100; 1900 is outside, 2000 counts) = 109573.
	assert.Equal(t, 109573, civil.New(1900, 1, 1).DaysUntil(civil.New(2200, 1, 1)))
	assert.Equal(t, -109573, civil.New(2200, 1, 1).DaysUntil(civil.New(1900, 1, 1)))
	// 0001-01-01 to 9999-12-31: 24 cycles of 146097 days (9600 years) plus
	// 399 years of 365 days and 96 leap days, less one: 3652058.
	assert.Equal(t, 3652058, civil.New(1, 1, 1).DaysUntil(civil.New(9999, 12, 31)))
}

// Samoa (Pacific/Apia) crossed the date line at the end of Thursday 29
// December 2011: 29 Dec 23:59:59 -10:00 was followed by 31 Dec 00:00:00
// +14:00, the instant 2011-12-30T10:00:00Z. Friday 30 Dec never happened
// there. So 29 Dec ends one ns before 10:00Z (not on 28 Dec), 31 Dec
// starts at 10:00Z, 30 Dec does not exist, and a deadline on 30 Dec
// (a period computed to end on it) passes when the 30th would have ended:
// at the same instant as the 29th's.
func TestAdversarialSkippedDay(t *testing.T) {
	loc, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skipf("no zone data for Pacific/Apia: %v", err)
	}
	jump := time.Date(2011, 12, 30, 10, 0, 0, 0, time.UTC)
	d29, d30, d31 := civil.New(2011, 12, 29), civil.New(2011, 12, 30), civil.New(2011, 12, 31)
	assert.Equal(t, jump.Add(-time.Nanosecond), d29.End(loc).UTC(), "29 Dec ends just before the jump")
	assert.Equal(t, d29, civil.In(d29.End(loc), loc))
	assert.Equal(t, time.Date(2011, 12, 29, 10, 0, 0, 0, time.UTC), d29.Start(loc).UTC(), "29 Dec 00:00 -10:00")
	assert.Equal(t, jump, d31.Start(loc).UTC())
	assert.Equal(t, d31, civil.In(d31.Start(loc), loc))
	assert.Equal(t, jump, d30.Start(loc).UTC(), "a skipped day 'starts' where the next day does")
	assert.Equal(t, jump.Add(-time.Nanosecond), d30.End(loc).UTC())
	assert.False(t, d30.ExistsIn(loc))
	for _, d := range []civil.Date{d29, d31, civil.New(2011, 12, 28), civil.New(2012, 1, 1)} {
		assert.True(t, d.ExistsIn(loc), "%s", d)
	}
	assert.ErrorContains(t, d30.CheckIn(loc), "2011-12-30 did not exist in Pacific/Apia")
	assert.NoError(t, d29.CheckIn(loc))
	// Days that exist everywhere else still exist, BST changes included.
	for _, d := range []civil.Date{civil.New(2018, 3, 25), civil.New(2018, 10, 28), civil.New(2011, 12, 30)} {
		assert.True(t, d.ExistsIn(london(t)), "%s", d)
	}
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	assert.True(t, civil.New(2018, 11, 4).ExistsIn(sp), "midnight skipped, the day not")
}
