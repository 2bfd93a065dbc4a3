package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/celenv"
)

// Adversarial working-day cases around substitute days, Easter and the
// one-off 2022 state funeral. Weekdays are worked out by hand from
// 25 Dec 2021 being a Saturday (so 24 Dec is a Friday and 1 Jan 2022 a
// Saturday), 19 Sep 2022 a Monday and Easter Sunday 2024 on 31 March.

func d(y int, m time.Month, day int) civil.Date { return civil.New(y, m, day) }

func TestAdversarialSubstituteDays(t *testing.T) {
	ew := calendar.Default()
	for _, c := range []struct {
		day     civil.Date
		working bool
		why     string
	}{
		{d(2021, 12, 24), true, "Fri 24 Dec 2021: Christmas Eve is not a bank holiday"},
		{d(2021, 12, 25), false, "Sat"},
		{d(2021, 12, 27), false, "Mon: Christmas Day substitute"},
		{d(2021, 12, 28), false, "Tue: Boxing Day substitute"},
		{d(2021, 12, 29), true, "Wed"},
		{d(2021, 12, 31), true, "Fri 31 Dec"},
		{d(2022, 1, 3), false, "Mon: New Year's Day (Sat 1 Jan) substitute"},
		{d(2022, 1, 4), true, "Tue 4 Jan: only Scotland has 2 January"},
		{d(2022, 9, 19), false, "Mon: state funeral of Queen Elizabeth II"},
		{d(2022, 9, 20), true, "Tue"},
		{d(2022, 12, 26), false, "Mon: Boxing Day"},
		{d(2022, 12, 27), false, "Tue: Christmas Day (Sun) substitute"},
		{d(2023, 1, 2), false, "Mon: New Year's Day (Sun) substitute"},
		{d(2024, 3, 29), false, "Good Friday 2024"},
		{d(2024, 4, 1), false, "Easter Monday 2024"},
		{d(2024, 3, 28), true, "Maundy Thursday is a working day"},
	} {
		assert.Equal(t, c.working, ew.IsWorkingDay(c.day), "%s: %s", c.day, c.why)
	}
	name, closed := ew.Closed(d(2021, 12, 27))
	assert.True(t, closed)
	assert.Contains(t, name, "substitute", "27 Dec 2021 is a substitute day and should say so")
	name, closed = ew.Closed(d(2022, 12, 26))
	assert.True(t, closed)
	assert.NotContains(t, name, "substitute", "Boxing Day 2022 falls on Monday 26 Dec itself")

	// gov.uk's names (2016 and 2022, Christmas on a Sunday): Mon 26 Dec is
	// Boxing Day itself, Tue 27 Dec is Christmas Day (substitute day). In
	// 2021 (Christmas on a Saturday) both are substitutes: 27 Christmas
	// Day, 28 Boxing Day.
	for day, want := range map[civil.Date]string{
		d(2016, 12, 26): "Boxing Day", d(2016, 12, 27): "Christmas Day (substitute day)",
		d(2022, 12, 26): "Boxing Day", d(2022, 12, 27): "Christmas Day (substitute day)",
		d(2021, 12, 27): "Christmas Day (substitute day)", d(2021, 12, 28): "Boxing Day (substitute day)",
		d(2022, 1, 3): "New Year's Day (substitute day)",
	} {
		got, _ := ew.Closed(day)
		assert.Equal(t, want, got, "name of %s", day)
	}

	sc, err := calendar.New(calendar.Scotland)
	require.NoError(t, err)
	// Scotland 2022: 1 Jan Sat -> Mon 3 Jan; 2 Jan Sun -> Tue 4 Jan.
	assert.False(t, sc.IsWorkingDay(d(2022, 1, 3)))
	assert.False(t, sc.IsWorkingDay(d(2022, 1, 4)))
	assert.True(t, sc.IsWorkingDay(d(2022, 1, 5)))
	// Scotland 2023: 1 Jan Sun -> Mon 2 Jan; 2 Jan (a Monday, taken) -> Tue 3 Jan.
	assert.False(t, sc.IsWorkingDay(d(2023, 1, 2)))
	assert.False(t, sc.IsWorkingDay(d(2023, 1, 3)))
	// Names as gov.uk gives them for Scotland 2017 (1 Jan Sunday): Mon 2
	// Jan is 2nd January itself, Tue 3 Jan New Year's Day (substitute day).
	got, _ := sc.Closed(d(2017, 1, 2))
	assert.Equal(t, "2nd January", got)
	got, _ = sc.Closed(d(2017, 1, 3))
	assert.Equal(t, "New Year's Day (substitute day)", got)
	// Scotland has no Easter Monday; Good Friday is a holiday.
	assert.True(t, sc.IsWorkingDay(d(2024, 4, 1)))
	assert.False(t, sc.IsWorkingDay(d(2024, 3, 29)))
	// St Andrew's Day 2025 is a Sunday: substitute Mon 1 Dec.
	assert.False(t, sc.IsWorkingDay(d(2025, 12, 1)))
}

func TestAdversarialAddWorkingDays(t *testing.T) {
	ew := calendar.Default()
	for _, c := range []struct {
		from civil.Date
		n    int
		want civil.Date
		why  string
	}{
		{d(2021, 12, 24), 1, d(2021, 12, 29), "Fri 24 Dec +1: skip Sat 25, Sun 26, Mon 27 (sub), Tue 28 (sub) -> Wed 29"},
		{d(2021, 12, 24), 3, d(2021, 12, 31), "29 (1), 30 (2), 31 (3)"},
		{d(2021, 12, 24), 4, d(2022, 1, 4), "31 (3), skip Sat 1, Sun 2, Mon 3 (sub) -> Tue 4 Jan (4)"},
		{d(2021, 12, 23), 1, d(2021, 12, 24), "Thu 23 +1 = Fri 24"},
		{d(2022, 1, 4), -1, d(2021, 12, 31), "Tue 4 Jan -1: skip 3 (sub), 2, 1 -> Fri 31 Dec"},
		{d(2022, 1, 4), -4, d(2021, 12, 24), "31 (1), 30 (2), 29 (3), skip 28, 27, 26, 25 -> 24 (4)"},
		{d(2021, 12, 27), 0, d(2021, 12, 27), "n = 0 on a holiday is the day itself"},
		{d(2021, 12, 25), 0, d(2021, 12, 25), "n = 0 on a Saturday is the day itself"},
		{d(2024, 3, 28), 1, d(2024, 4, 2), "Thu 28 Mar +1: skip Good Friday 29, Sat 30, Sun 31, Easter Monday 1 Apr -> Tue 2"},
		{d(2024, 4, 2), -1, d(2024, 3, 28), "and back again"},
		{d(2022, 9, 16), 1, d(2022, 9, 20), "Fri 16 Sep 2022 +1: skip Sat, Sun, Mon 19 (state funeral) -> Tue 20"},
		{d(2022, 9, 17), 1, d(2022, 9, 20), "from a Saturday: Sun, Mon 19 skipped -> Tue 20"},
		{d(2022, 9, 19), -1, d(2022, 9, 16), "from the funeral Monday back: Sun, Sat skipped -> Fri 16"},
		{d(2022, 9, 19), 1, d(2022, 9, 20), "from the funeral Monday on: Tue 20"},
		{d(2020, 2, 28), 1, d(2020, 3, 2), "Fri 28 Feb 2020 +1: Sat 29 Feb (leap), Sun 1 Mar -> Mon 2 Mar"},
	} {
		assert.Equal(t, c.want, celenv.AddWorkingDays(ew, c.from, c.n), "%s %+d: %s", c.from, c.n, c.why)
	}
}

func TestAdversarialWorkingDaysBetween(t *testing.T) {
	ew := calendar.Default()
	for _, c := range []struct {
		a, b civil.Date
		want int
		why  string
	}{
		{d(2021, 12, 24), d(2022, 1, 4), 4, "after Fri 24 Dec up to Tue 4 Jan: 29, 30, 31 Dec and 4 Jan"},
		{d(2022, 1, 4), d(2021, 12, 24), -4, "reversed: negative"},
		{d(2021, 12, 27), d(2021, 12, 27), 0, "same day (a holiday)"},
		{d(2021, 12, 24), d(2021, 12, 28), 0, "25-28 Dec 2021 are all closed"},
		{d(2022, 9, 16), d(2022, 9, 23), 4, "17, 18, 19 closed; 20-23 open"},
		{d(2024, 3, 28), d(2024, 4, 2), 1, "29 Mar-1 Apr closed; 2 Apr"},
		{d(2022, 9, 18), d(2022, 9, 19), 0, "Sun to the funeral Monday: 19 is not a working day"},
	} {
		assert.Equal(t, c.want, celenv.WorkingDaysBetween(ew, c.a, c.b), "%s to %s: %s", c.a, c.b, c.why)
	}
	// The two agree: from a working day, n working days on and back.
	for _, from := range []civil.Date{d(2021, 12, 20), d(2022, 9, 14), d(2024, 3, 25)} {
		for n := -12; n <= 12; n++ {
			to := celenv.AddWorkingDays(ew, from, n)
			assert.Equal(t, n, celenv.WorkingDaysBetween(ew, from, to), "%s %+d = %s", from, n, to)
		}
	}
}

func TestAdversarialClosures(t *testing.T) {
	// Closures on 29-31 Dec 2021 (Wed-Fri) leave no working day between
	// Christmas Eve and Tue 4 Jan: Fri 24 Dec + 1 = Tue 4 Jan 2022.
	c, err := calendar.New(calendar.EnglandAndWales, d(2021, 12, 29), d(2021, 12, 30), d(2021, 12, 31))
	require.NoError(t, err)
	assert.Equal(t, d(2022, 1, 4), celenv.AddWorkingDays(c, d(2021, 12, 24), 1))
	// A closure on a bank holiday is listed once, under the holiday's name.
	c2, err := calendar.New(calendar.EnglandAndWales, d(2022, 9, 19))
	require.NoError(t, err)
	n := 0
	for _, h := range c2.Holidays(2022) {
		if h.Date == d(2022, 9, 19) {
			n++
			assert.Contains(t, h.Name, "Funeral")
		}
	}
	assert.Equal(t, 1, n)
	// A closure from another year does not appear in this year's list.
	for _, h := range c.Holidays(2022) {
		assert.NotEqual(t, 2021, h.Date.Year)
	}
}
