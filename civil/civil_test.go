package civil

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func d(s string) Date {
	x, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2018-01-31", 1, "2018-02-28"},
		{"2020-01-31", 1, "2020-02-29"}, // leap year
		{"2018-08-31", 3, "2018-11-30"},
		{"2018-08-31", 6, "2019-02-28"},
		{"2018-08-31", 9, "2019-05-31"},
		{"2018-08-31", 12, "2019-08-31"},
		{"2018-01-25", 3, "2018-04-25"},
		{"2018-12-15", 1, "2019-01-15"},
		{"2018-03-31", -1, "2018-02-28"},
		{"2018-01-15", -13, "2016-12-15"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, d(c.from).AddMonths(c.n).String(), "%s.AddMonths(%d)", c.from, c.n)
	}
}

func TestParseRejectsImpossibleDates(t *testing.T) {
	for _, s := range []string{"2018-02-30", "2019-02-29", "2018-13-01", "2018-4-1", "25/04/2018", ""} {
		_, err := Parse(s)
		assert.Error(t, err, "Parse(%q)", s)
	}
	got, err := Parse("2020-02-29")
	require.NoError(t, err)
	assert.Equal(t, New(2020, time.February, 29), got)
}

func TestEndOfDayAcrossSummerTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	// 25 March 2018 has 23 hours in London, 28 October 2018 has 25.
	for _, c := range []struct {
		day  string
		want string
	}{
		{"2018-03-24", "2018-03-24T23:59:59.999999999Z"},
		{"2018-03-25", "2018-03-25T23:59:59.999999999+01:00"},
		{"2018-04-25", "2018-04-25T23:59:59.999999999+01:00"},
		{"2018-10-28", "2018-10-28T23:59:59.999999999Z"},
	} {
		got := d(c.day).End(london)
		assert.Equal(t, c.want, got.Format(time.RFC3339Nano), "End(%s)", c.day)
		assert.Equal(t, d(c.day), In(got, london), "End(%s) stays on the day", c.day)
		assert.Equal(t, d(c.day).AddDays(1), In(got.Add(time.Nanosecond), london), "one ns after End(%s)", c.day)
	}
	assert.Equal(t, 23*time.Hour, d("2018-03-25").AddDays(1).Start(london).Sub(d("2018-03-25").Start(london)))
	assert.Equal(t, 25*time.Hour, d("2018-10-28").AddDays(1).Start(london).Sub(d("2018-10-28").Start(london)))
}

func TestDaysUntilAndCompare(t *testing.T) {
	assert.Equal(t, 1, d("2018-04-25").DaysUntil(d("2018-04-26")))
	assert.Equal(t, 14, d("2018-07-25").DaysUntil(d("2018-08-08")))
	assert.Equal(t, -366, d("2021-02-28").DaysUntil(d("2020-02-28")))
	assert.Equal(t, 365, d("2018-03-25").DaysUntil(d("2019-03-25")))
	assert.True(t, d("2018-01-31").Before(d("2018-02-01")))
	assert.True(t, d("2019-01-01").After(d("2018-12-31")))
	assert.Equal(t, 0, d("2018-05-31").Compare(d("2018-05-31")))
	assert.Equal(t, "2018-05-31", d("2018-05-10").EndOfMonth().String())
	assert.Equal(t, "2016-02-29", d("2016-02-01").EndOfMonth().String())
	assert.Equal(t, "2018-03-01", d("2018-02-28").AddDays(1).String())
	assert.Equal(t, "25 Apr 2018", d("2018-04-25").Long())
	assert.Equal(t, time.Wednesday, d("2018-04-25").Weekday())
}
