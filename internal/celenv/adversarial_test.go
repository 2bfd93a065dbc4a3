package celenv

import (
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/calendar"
	"github.com/dfe-tools/directions/event"
)

// Adversarial cases for the date functions, in Europe/London. Instants are
// written in UTC; BST (+01:00) ran from 25 Mar 2018 01:00Z to 28 Oct 2018
// 01:00Z, and from 26 Mar 2017, 31 Mar 2019, 29 Mar 2020 etc.

func evalExpr(t *testing.T, e *Env, expr string) any {
	t.Helper()
	checked, iss := e.env.Compile(expr)
	require.NoError(t, iss.Err(), expr)
	prg, err := e.env.Program(checked)
	require.NoError(t, err, expr)
	out, _, err := prg.Eval(map[string]any{})
	require.NoError(t, err, expr)
	switch v := out.(type) {
	case types.Timestamp:
		return v.Time.UTC()
	case types.Int:
		return int(v)
	}
	return out.Value()
}

func utc(y int, m time.Month, d, h, min, s, ns int) time.Time {
	return time.Date(y, m, d, h, min, s, ns, time.UTC)
}

func TestAdversarialDateFunctions(t *testing.T) {
	e, err := New(event.London(), calendar.Default())
	require.NoError(t, err)
	const last = 999999999
	for expr, want := range map[string]any{
		// 23:30Z on 30 Jun is 00:30 BST on 1 Jul: the London date is 1 Jul,
		// which starts at 00:00 BST = 30 Jun 23:00Z.
		`date("2018-06-30T23:30:00Z")`: utc(2018, 6, 30, 23, 0, 0, 0),
		// In winter UTC is London time: 31 Dec stays 31 Dec (00:00Z).
		`date("2018-12-31T23:30:00Z")`: utc(2018, 12, 31, 0, 0, 0, 0),
		// 03:00+05:30 on 1 Jul = 30 Jun 21:30Z = 22:30 BST on 30 Jun.
		`date("2018-07-01T03:00:00+05:30")`: utc(2018, 6, 29, 23, 0, 0, 0),
		// 25 Mar 2018 23:30Z = 26 Mar 00:30 BST; 26 Mar starts 25 Mar 23:00Z.
		`date("2018-03-25T23:30:00Z")`: utc(2018, 3, 25, 23, 0, 0, 0),
		// 27 Oct 2018 23:30Z = 28 Oct 00:30 BST; 28 Oct starts 27 Oct 23:00Z.
		`date("2018-10-27T23:30:00Z")`: utc(2018, 10, 27, 23, 0, 0, 0),
		// The 23-hour day ends at 26 Mar 00:00 BST - 1ns = 25 Mar 22:59:59.999999999Z.
		`endOfDay(date("2018-03-25"))`: utc(2018, 3, 25, 22, 59, 59, last),
		// The 25-hour day ends at 29 Oct 00:00 GMT - 1ns.
		`endOfDay(date("2018-10-28"))`: utc(2018, 10, 28, 23, 59, 59, last),
		// endOfDay of an instant late on 30 Jun UTC is the end of 1 Jul London.
		`endOfDay(timestamp("2018-06-30T23:30:00Z"))`: utc(2018, 7, 1, 22, 59, 59, last),
		// 2020 is leap: end of Feb is 29 Feb 23:59:59.999999999 GMT.
		`endOfMonth(date("2020-02-10"))`: utc(2020, 2, 29, 23, 59, 59, last),
		`endOfMonth(date("2019-02-10"))`: utc(2019, 2, 28, 23, 59, 59, last),
		// October 2018 ends in GMT (clocks went back on 28 Oct).
		`endOfMonth(date("2018-10-05"))`: utc(2018, 10, 31, 23, 59, 59, last),
		// March 2018 ends in BST: 31 Mar 23:59:59.999999999 BST = 22:59:59.999999999Z.
		`endOfMonth(date("2018-03-01"))`: utc(2018, 3, 31, 22, 59, 59, last),
		// 29 Feb 2020 + 12 months = 28 Feb 2021 (clamped), 00:00 GMT.
		`addMonths(date("2020-02-29"), 12)`: utc(2021, 2, 28, 0, 0, 0, 0),
		// 31 Jan 2019 end of day + 1 month = 28 Feb 2019 end of day (GMT).
		`addMonths(endOfDay(date("2019-01-31")), 1)`: utc(2019, 2, 28, 23, 59, 59, last),
		// 28 Feb 2018 end of day + 1 month = 28 Mar 2018 end of day, which is in BST.
		`addMonths(endOfDay(date("2018-02-28")), 1)`: utc(2018, 3, 28, 22, 59, 59, last),
		// 30 Nov 2019 + 3 months = 29 Feb 2020 (leap).
		`addMonths(date("2019-11-30"), 3)`: utc(2020, 2, 29, 0, 0, 0, 0),
		// Adding keeps the clock time across the change: 24 Mar 23:59:59 GMT
		// + 1 day = 25 Mar 23:59:59 BST = 22:59:59Z.
		`addDays(timestamp("2018-03-24T23:59:59Z"), 1)`: utc(2018, 3, 25, 22, 59, 59, 0),
		// 28 Feb 2020 + 1 day = 29 Feb (leap).
		`addDays(date("2020-02-28"), 1)`: utc(2020, 2, 29, 0, 0, 0, 0),
		// The London day of 23:30Z on 30 Jun is 1 Jul, so 0 days to 1 Jul.
		`daysBetween(timestamp("2018-06-30T23:30:00Z"), date("2018-07-01"))`: 0,
		// 24 to 26 Mar across the 23-hour day: 2 days.
		`daysBetween(date("2018-03-24"), date("2018-03-26"))`: 2,
		// Across a leap day: 28 Feb to 1 Mar 2020 is 2 days.
		`daysBetween(date("2020-02-28"), date("2020-03-01"))`: 2,
		`daysBetween(date("2020-03-01"), date("2020-02-28"))`: -2,
		// Fri 24 Dec 2021 + 1 working day: 25, 26 weekend, 27, 28 substitutes -> Wed 29.
		`addWorkingDays(date("2021-12-24"), 1)`: utc(2021, 12, 29, 0, 0, 0, 0),
		// Tue 4 Jan 2022 - 1: 3 Jan substitute, 2, 1 weekend -> Fri 31 Dec.
		`addWorkingDays(date("2022-01-04"), -1)`: utc(2021, 12, 31, 0, 0, 0, 0),
		// n = 0 on the funeral bank holiday is the same instant.
		`addWorkingDays(date("2022-09-19"), 0)`: utc(2022, 9, 18, 23, 0, 0, 0),
		// 16:00 BST Fri 16 Sep 2022 + 1 -> Tue 20 Sep at 16:00 BST = 15:00Z.
		`addWorkingDays(timestamp("2022-09-16T15:00:00Z"), 1)`: utc(2022, 9, 20, 15, 0, 0, 0),
		// 23:30Z on Thu 28 Mar 2024 is 28 Mar in London (GMT until 31 Mar):
		// + 1 skips Good Friday, the weekend and Easter Monday -> Tue 2 Apr,
		// 23:30 BST = 22:30Z.
		`addWorkingDays(timestamp("2024-03-28T23:30:00Z"), 1)`:       utc(2024, 4, 2, 22, 30, 0, 0),
		`workingDaysBetween(date("2021-12-24"), date("2022-01-04"))`: 4,
		`workingDaysBetween(date("2022-01-04"), date("2021-12-24"))`: -4,
		// An evening instant on Fri 16 Sep 2022 UTC is still 16 Sep in London
		// (22:30 BST), so the count after it up to Tue 20 is 1.
		`workingDaysBetween(timestamp("2022-09-16T21:30:00Z"), date("2022-09-20"))`: 1,
		// But 23:30Z on Mon 19 Sep is 00:30 BST on Tue 20 Sep: 0 working days after it up to 20.
		`workingDaysBetween(timestamp("2022-09-19T23:30:00Z"), date("2022-09-20"))`: 0,
	} {
		assert.Equal(t, want, evalExpr(t, e, expr), expr)
	}
}

func TestAdversarialDateRejectsImpossible(t *testing.T) {
	e, err := New(event.London(), nil)
	require.NoError(t, err)
	for _, expr := range []string{`date("2019-02-29")`, `date("2018-04-31")`, `date("2018-04-25T23:30:00")`} {
		checked, iss := e.env.Compile(expr)
		require.NoError(t, iss.Err(), expr)
		prg, err := e.env.Program(checked)
		require.NoError(t, err)
		_, _, err = prg.Eval(map[string]any{})
		assert.Error(t, err, expr)
	}
}

// São Paulo moved its clocks from 00:00 -03 to 01:00 -02 on 4 Nov 2018, so
// 4 Nov starts at 03:00Z and its clock times 00:00-00:59 do not exist.
// Moving a time onto that day must land on that day, not an hour earlier
// on 3 Nov (which would make a deadline a day early).
func TestAdversarialDateFunctionsWhereMidnightIsSkipped(t *testing.T) {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	e, err := New(loc, calendar.Default())
	require.NoError(t, err)
	for expr, want := range map[string]any{
		// The first instant of 4 Nov: 01:00 -02 = 03:00Z.
		`date("2018-11-04")`: utc(2018, 11, 4, 3, 0, 0, 0),
		// 3 Nov 00:00 -03 + 1 day: 4 Nov 00:00 does not exist; the day
		// starts at 01:00 -02 = 03:00Z.
		`addDays(date("2018-11-03"), 1)`: utc(2018, 11, 4, 3, 0, 0, 0),
		// 00:30 -03 on 3 Nov + 1 day: 00:30 on 4 Nov is skipped; the same
		// instant read with the old offset is 03:30Z = 01:30 -02, on 4 Nov.
		`addDays(timestamp("2018-11-03T00:30:00-03:00"), 1)`: utc(2018, 11, 4, 3, 30, 0, 0),
		// 4 Oct + 1 month = 4 Nov, its first instant.
		`addMonths(date("2018-10-04"), 1)`: utc(2018, 11, 4, 3, 0, 0, 0),
		// Whatever the instant, its day in São Paulo is 4 Nov: 0 days apart.
		`daysBetween(addDays(date("2018-11-03"), 1), date("2018-11-04"))`: 0,
		// Fri 2 Nov 00:00 -03 + 1 working day = Mon 5 Nov 00:00 -02 = 02:00Z
		// (the clock time exists on the Monday).
		`addWorkingDays(date("2018-11-02"), 1)`: utc(2018, 11, 5, 2, 0, 0, 0),
		// 3 Nov 2018 ends at 02:59:59.999999999Z (23:59:59.999999999 -03).
		`endOfDay(date("2018-11-03"))`: utc(2018, 11, 4, 2, 59, 59, 999999999),
	} {
		assert.Equal(t, want, evalExpr(t, e, expr), expr)
	}
}

// Steps that leave the years 1 to 9999 (CEL's timestamp range), or that
// would overflow the arithmetic, are errors rather than wrapped dates.
func TestAdversarialDateFunctionsOutOfRange(t *testing.T) {
	e, err := New(event.London(), nil)
	require.NoError(t, err)
	for _, expr := range []string{
		`addMonths(date("2018-01-01"), 9223372036854775807)`, // wrapped to 30 Nov 2017 before
		`addDays(date("2018-01-01"), 4611686018427387904)`,   // gave 1 Jan 2018 back before
		`addMonths(date("2018-01-01"), 100000)`,              // year 10351
		`addMonths(date("2018-01-01"), -24220)`,              // 2018 × 12 - 24220 = -4 months: the year -1
		`addDays(date("9999-12-31"), 1)`,                     // year 10000
	} {
		checked, iss := e.env.Compile(expr)
		require.NoError(t, iss.Err(), expr)
		prg, err := e.env.Program(checked)
		require.NoError(t, err)
		_, _, err = prg.Eval(map[string]any{})
		assert.Error(t, err, expr)
	}
	// The edges themselves are fine: 31 Dec 9999 is 31 Dec 2018 + 7981 years.
	assert.Equal(t, utc(9999, 12, 31, 0, 0, 0, 0), evalExpr(t, e, `addMonths(date("2018-12-31"), 95772)`))
	assert.Equal(t, 3652058, evalExpr(t, e, `daysBetween(date("0001-01-01"), date("9999-12-31"))`))
}

// Samoa skipped 30 Dec 2011 (29 Dec 23:59:59 -10:00, then 31 Dec 00:00
// +14:00 = 2011-12-30T10:00Z). A date string naming the 30th is an error;
// a step that lands on the 30th gives the instant the 30th would have
// ended, the last instant of the 29th (09:59:59.999999999Z), so a period
// ending on the 30th ends when it would have, and never a day late; a step
// past it is unaffected.
func TestAdversarialDateFunctionsWhereADayIsSkipped(t *testing.T) {
	loc, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	e, err := New(loc, calendar.Default())
	require.NoError(t, err)
	end29 := utc(2011, 12, 30, 9, 59, 59, 999999999)
	for expr, want := range map[string]any{
		`endOfDay(date("2011-12-29"))`:                        end29,
		`addDays(date("2011-12-29"), 1)`:                      end29,
		`addDays(timestamp("2011-12-29T15:00:00-10:00"), 1)`:  end29,
		`addMonths(date("2011-11-30"), 1)`:                    end29,
		`addDays(date("2011-12-29"), 2)`:                      utc(2011, 12, 30, 10, 0, 0, 0),
		`date("2011-12-31")`:                                  utc(2011, 12, 30, 10, 0, 0, 0),
		`daysBetween(date("2011-12-29"), date("2011-12-31"))`: 2,
	} {
		assert.Equal(t, want, evalExpr(t, e, expr), expr)
	}
	checked, iss := e.env.Compile(`date("2011-12-30")`)
	require.NoError(t, iss.Err())
	prg, err := e.env.Program(checked)
	require.NoError(t, err)
	_, _, err = prg.Eval(map[string]any{})
	assert.ErrorContains(t, err, "2011-12-30 did not exist in Pacific/Apia")
}

// addWorkingDays stays within the years 1 to 9999 as addDays does.
func TestAdversarialAddWorkingDaysOutOfRange(t *testing.T) {
	e, err := New(event.London(), calendar.Default())
	require.NoError(t, err)
	for _, expr := range []string{`addWorkingDays(date("9999-12-30"), 5)`, `addWorkingDays(date("0001-01-02"), -5)`} {
		checked, iss := e.env.Compile(expr)
		require.NoError(t, iss.Err(), expr)
		prg, err := e.env.Program(checked)
		require.NoError(t, err)
		_, _, err = prg.Eval(map[string]any{})
		assert.ErrorContains(t, err, "outside the years 1 to 9999", expr)
	}
}
