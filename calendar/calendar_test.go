package calendar

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/rickar/cal/v2/gb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/internal/celenv"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// officialEnglandAndWales is the gov.uk list of England and Wales bank
// holidays for 2017 to 2026, typed by hand (substitute days included).
var officialEnglandAndWales = map[int][]string{
	2017: {"2017-01-02", "2017-04-14", "2017-04-17", "2017-05-01", "2017-05-29", "2017-08-28", "2017-12-25", "2017-12-26"},
	2018: {"2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26"},
	2019: {"2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"},
	2020: {"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"},
	2021: {"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"},
	2022: {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"},
	2023: {"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"},
	2024: {"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"},
	2025: {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"},
	2026: {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"},
}

// A few years of the Scottish and Northern Irish lists, chosen for their
// substitute days and one-off holidays.
var officialScotland = map[int][]string{
	2017: {"2017-01-02", "2017-01-03", "2017-04-14", "2017-05-01", "2017-05-29", "2017-08-07", "2017-11-30", "2017-12-25", "2017-12-26"},
	2019: {"2019-01-01", "2019-01-02", "2019-04-19", "2019-05-06", "2019-05-27", "2019-08-05", "2019-12-02", "2019-12-25", "2019-12-26"},
	2020: {"2020-01-01", "2020-01-02", "2020-04-10", "2020-05-08", "2020-05-25", "2020-08-03", "2020-11-30", "2020-12-25", "2020-12-28"},
	2022: {"2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-01", "2022-09-19", "2022-11-30", "2022-12-26", "2022-12-27"},
	2023: {"2023-01-02", "2023-01-03", "2023-04-07", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-07", "2023-11-30", "2023-12-25", "2023-12-26"},
}

var officialNorthernIreland = map[int][]string{
	2018: {"2018-01-01", "2018-03-19", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-07-12", "2018-08-27", "2018-12-25", "2018-12-26"},
	2020: {"2020-01-01", "2020-03-17", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-07-13", "2020-08-31", "2020-12-25", "2020-12-28"},
	2022: {"2022-01-03", "2022-03-17", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-07-12", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"},
	2023: {"2023-01-02", "2023-03-17", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-07-12", "2023-08-28", "2023-12-25", "2023-12-26"},
}

func dates(hs []Holiday) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Date.String()
	}
	return out
}

func TestOfficialLists(t *testing.T) {
	for region, table := range map[string]map[int][]string{
		EnglandAndWales: officialEnglandAndWales, Scotland: officialScotland, NorthernIreland: officialNorthernIreland,
	} {
		c, err := New(region)
		require.NoError(t, err)
		for year, want := range table {
			assert.Equal(t, want, dates(c.Holidays(year)), "%s %d", region, year)
			for _, s := range want {
				assert.False(t, c.IsWorkingDay(day(s)), "IsWorkingDay(%s) in %s", s, region)
			}
		}
	}
}

// TestLibraryDiscrepancies records where github.com/rickar/cal/v2/gb on its
// own differs from the official England and Wales list, which is why
// additions.go exists. If the library is fixed, this test says so.
func TestLibraryDiscrepancies(t *testing.T) {
	lib := map[string]bool{}
	for y := 2011; y <= 2026; y++ {
		for _, h := range gb.Holidays {
			if _, obs := h.Calc(y); !obs.IsZero() {
				lib[civil.Of(obs).String()] = true
			}
		}
	}
	official := map[string]bool{}
	for _, list := range officialEnglandAndWales {
		for _, s := range list {
			official[s] = true
		}
	}
	// The one-offs before 2017, from the proclamations.
	for _, s := range []string{"2011-04-29", "2012-06-04", "2012-06-05"} {
		official[s] = true
	}
	var missing, extra []string
	for s := range official {
		if !lib[s] {
			missing = append(missing, s)
		}
	}
	for s := range lib {
		if !official[s] && s >= "2017" {
			extra = append(extra, s)
		}
	}
	sort.Strings(missing)
	assert.Equal(t, []string{"2011-04-29", "2012-06-04", "2012-06-05", "2022-09-19"}, missing, "official days gb lacks")
	assert.Empty(t, extra, "days from 2017 on that gb has and the official list does not")
	assert.True(t, lib["2012-05-28"], "gb keeps the 2012 Spring bank holiday on 28 May, though it was moved to 4 June")
}

func TestOneOffsBefore2017(t *testing.T) {
	c := Default()
	for _, s := range []string{"1995-05-08", "1999-12-31", "2002-06-03", "2002-06-04", "2011-04-29", "2012-06-04", "2012-06-05"} {
		assert.False(t, c.IsWorkingDay(day(s)), "%s should be a bank holiday", s)
	}
	// The regular days those replaced were working days.
	for _, s := range []string{"1995-05-01", "2002-05-27", "2012-05-28"} {
		assert.True(t, c.IsWorkingDay(day(s)), "%s should be a working day", s)
	}
}

func TestNames(t *testing.T) {
	c := Default()
	for s, want := range map[string]string{
		"2022-09-19": "Bank Holiday for the State Funeral of Queen Elizabeth II",
		"2023-05-08": "Bank holiday for the coronation of King Charles III",
		"2020-12-28": "Boxing Day (substitute day)",
		"2017-01-02": "New Year's Day (substitute day)",
		"2018-05-28": "Spring bank holiday",
		"2020-05-08": "Early May bank holiday (VE Day)",
	} {
		got, ok := c.Closed(day(s))
		assert.True(t, ok, "Closed(%s)", s)
		assert.Equal(t, want, got, "Closed(%s)", s)
	}
	_, ok := c.Closed(day("2018-05-29"))
	assert.False(t, ok, "an ordinary Tuesday is not closed")
	assert.Equal(t, "England and Wales", c.Name())
	s, err := New(Scotland, day("2018-12-27"), day("2018-12-28"))
	require.NoError(t, err)
	assert.Equal(t, "Scotland plus 2 local closure days", s.Name())
}

func TestClosures(t *testing.T) {
	c, err := New(EnglandAndWales, day("2018-12-27"), day("2018-12-25"))
	require.NoError(t, err)
	assert.False(t, c.IsWorkingDay(day("2018-12-27")), "a closure day is not a working day")
	assert.True(t, c.IsWorkingDay(day("2018-12-28")))
	assert.True(t, Default().IsWorkingDay(day("2018-12-27")), "closures belong to one calendar only")
	name, _ := c.Closed(day("2018-12-25"))
	assert.Equal(t, "Christmas Day", name, "a closure on a bank holiday keeps the holiday's name")
	assert.Equal(t, []string{"2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26", "2018-12-27"},
		dates(c.Holidays(2018)), "each day listed once")
}

func TestUnknownRegion(t *testing.T) {
	_, err := New("wales")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"wales"`)
	assert.Contains(t, err.Error(), "england-and-wales, northern-ireland, scotland")
}

// Working-day arithmetic as the CEL functions do it, over this calendar.
func TestWorkingDays(t *testing.T) {
	c := Default()
	cases := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2018-03-02", 1, "2018-03-05", "a Friday request with 1 working day is due on Monday"},
		{"2018-03-02", 5, "2018-03-09", "5 working days from a Friday is the next Friday"},
		{"2018-03-03", 1, "2018-03-05", "counting from a Saturday, the first working day is Monday"},
		{"2018-03-29", 1, "2018-04-03", "Thursday before Easter: Good Friday and Easter Monday are skipped"},
		{"2018-03-29", 2, "2018-04-04", "Easter 2018"},
		{"2018-12-21", 3, "2018-12-28", "Christmas 2018: 24th, 27th, 28th (25th and 26th skipped)"},
		{"2020-12-24", 1, "2020-12-29", "Boxing Day 2020 fell on a Saturday; the substitute is Monday 28th"},
		{"2021-12-24", 1, "2021-12-29", "Christmas and Boxing Day 2021 at the weekend; substitutes 27th and 28th"},
		{"2022-12-23", 1, "2022-12-28", "Christmas 2022 on a Sunday: Boxing Day 26th and substitute 27th"},
		{"2022-09-16", 1, "2022-09-20", "the State Funeral on Monday 19 Sep 2022 is not a working day"},
		{"2022-09-12", 10, "2022-09-27", "10 working days across the funeral"},
		{"2023-05-05", 1, "2023-05-09", "the coronation on Monday 8 May 2023"},
		{"2022-06-01", 1, "2022-06-06", "the Platinum Jubilee: 2 and 3 June 2022"},
		{"2018-03-23", 4, "2018-03-29", "BST starts Sunday 25 Mar 2018; a weekend of 47 hours is still two days"},
		{"2018-03-23", 5, "2018-04-03", "the fifth working day jumps Good Friday, the weekend and Easter Monday"},
		{"2018-10-26", 1, "2018-10-29", "BST ends Sunday 28 Oct 2018; a weekend of 25 hours is still two days"},
		{"2018-03-05", 0, "2018-03-05", "0 working days is the day itself"},
		{"2018-03-05", -1, "2018-03-02", "one working day before a Monday is the Friday"},
		{"2018-04-03", -1, "2018-03-29", "backwards across Easter"},
	}
	for _, tc := range cases {
		got := celenv.AddWorkingDays(c, day(tc.from), tc.n)
		assert.Equal(t, tc.want, got.String(), "AddWorkingDays(%s, %d): %s", tc.from, tc.n, tc.why)
		if tc.n > 0 {
			assert.Equal(t, tc.n, celenv.WorkingDaysBetween(c, day(tc.from), got), "WorkingDaysBetween(%s, %s): %s", tc.from, got, tc.why)
		}
	}
	// Between counts days after the first up to and including the second.
	assert.Equal(t, 0, celenv.WorkingDaysBetween(c, day("2018-03-02"), day("2018-03-04")), "Friday to Sunday")
	assert.Equal(t, 1, celenv.WorkingDaysBetween(c, day("2018-03-02"), day("2018-03-05")), "Friday to Monday")
	assert.Equal(t, -1, celenv.WorkingDaysBetween(c, day("2018-03-05"), day("2018-03-02")), "Monday back to Friday")
	assert.Equal(t, 253, celenv.WorkingDaysBetween(c, day("2017-12-31"), day("2018-12-31")), "working days in 2018: 261 weekdays less 8 bank holidays")
	assert.Equal(t, 250, celenv.WorkingDaysBetween(c, day("2021-12-31"), day("2022-12-31")), "working days in 2022: 260 weekdays less 10 bank holidays")
}

func TestWeekends(t *testing.T) {
	c := Default()
	start := day("2018-01-01") // a Monday
	for i := 0; i < 14; i++ {
		d := start.AddDays(i)
		wd := d.Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		if weekend {
			assert.False(t, c.IsWorkingDay(d), "%s (%s)", d, wd)
		} else if d != start {
			assert.True(t, c.IsWorkingDay(d), "%s (%s)", d, wd)
		}
	}
}

// TestConcurrent backs the doc's promise; run with -race.
func TestConcurrent(t *testing.T) {
	c, err := New(NorthernIreland, day("2019-01-02"))
	require.NoError(t, err)
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for g := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 2015; y <= 2030; y++ {
				counts[g] += len(c.Holidays(y))
			}
		}()
	}
	wg.Wait()
	for g := range counts {
		assert.Equal(t, counts[0], counts[g], "goroutine %d", g)
	}
}

func ExampleCalendar_Holidays() {
	c := Default()
	for _, h := range c.Holidays(2022)[5:8] {
		fmt.Println(h.Date, h.Name)
	}
	// Output:
	// 2022-06-03 Platinum Jubilee Bank Holiday
	// 2022-08-29 Summer bank holiday
	// 2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II
}

// BenchmarkAddWorkingDays45 measures the assessment-style deadline "within
// 45 working days", the longest common in the sources, across Christmas.
func BenchmarkAddWorkingDays45(b *testing.B) {
	c := Default()
	d := day("2018-12-03")
	for b.Loop() {
		celenv.AddWorkingDays(c, d, 45)
	}
}
