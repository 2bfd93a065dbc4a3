package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
)

// This file holds every rule this package adds to, or changes in,
// github.com/rickar/cal/v2/gb (v2.1.31). Checked against the gov.uk lists;
// the tests in calendar_test.go fail if the library or these rules drift.
//
// Added one-off UK-wide bank holidays the library lacks:
//
//   - 2022-09-19 State Funeral of Queen Elizabeth II (missing from gb).
//   - 2011-04-29 Royal Wedding.
//   - 1999-12-31 Millennium.
//   - 2012-06-05 Diamond Jubilee, with the Spring bank holiday moved from
//     28 May to 4 June 2012 (gb keeps it on 28 May).
//   - 2002-06-03 Golden Jubilee, with the Spring bank holiday moved from
//     27 May to 4 June 2002.
//   - 1995-05-08 VE Day anniversary: the Early May bank holiday moved from
//     1 May (gb keeps it on 1 May).
//
// Regional holidays gb does not define (built here with the library's own
// rule types and its standard weekend substitution):
//
//   - Scotland: 2 January, and St Andrew's Day (30 November, from 2007);
//     Scotland has no Easter Monday and its summer holiday is the first
//     Monday of August (gb.SummerHolidayScotland).
//   - Northern Ireland: St Patrick's Day (17 March) and the Battle of the
//     Boyne (12 July).

// weekendToMonday moves a holiday falling at a weekend to the next Monday.
var weekendToMonday = []cal.AltDay{
	{Day: time.Saturday, Offset: 2},
	{Day: time.Sunday, Offset: 1},
}

func oneOff(name string, year int, month time.Month, day int) *cal.Holiday {
	return &cal.Holiday{
		Name: name, Type: cal.ObservanceBank, Month: month, Day: day,
		Func: cal.CalcDayOfMonth, StartYear: year, EndYear: year,
	}
}

var (
	earlyMay = gb.EarlyMay.Clone(&cal.Holiday{Name: "Early May bank holiday", Except: []int{1995, 2020}})
	spring   = gb.SpringHoliday.Clone(&cal.Holiday{Name: "Spring bank holiday", Except: []int{2002, 2012, 2022}})
	summer   = gb.SummerHoliday.Clone(&cal.Holiday{Name: "Summer bank holiday"})

	// oneOffs are the proclaimed one-off days and moved regular days, shared
	// by all three regions. The library's own 2020, 2022 and 2023 entries
	// are kept; the rest are additions.
	oneOffs = []*cal.Holiday{
		oneOff("Early May bank holiday (VE Day)", 1995, time.May, 8),
		oneOff("Millennium Day", 1999, time.December, 31),
		oneOff("Golden Jubilee bank holiday", 2002, time.June, 3),
		oneOff("Spring bank holiday", 2002, time.June, 4),
		oneOff("Royal Wedding", 2011, time.April, 29),
		oneOff("Spring bank holiday", 2012, time.June, 4),
		oneOff("Diamond Jubilee bank holiday", 2012, time.June, 5),
		gb.VEDay.Clone(&cal.Holiday{Name: "Early May bank holiday (VE Day)"}),
		gb.SpringHoliday2022,
		gb.PlatinumJubilee,
		oneOff("Bank Holiday for the State Funeral of Queen Elizabeth II", 2022, time.September, 19),
		gb.CoronationDay.Clone(&cal.Holiday{Name: "Bank holiday for the coronation of King Charles III"}),
	}

	// secondJanuary follows the Boxing Day pattern: it moves past a
	// substituted New Year's Day.
	secondJanuary = &cal.Holiday{
		Name: "2nd January", Type: cal.ObservanceBank, Month: time.January, Day: 2, Func: cal.CalcDayOfMonth,
		Observed: []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 2}, {Day: time.Monday, Offset: 1}},
	}
	stAndrews = &cal.Holiday{
		Name: "St Andrew's Day", Type: cal.ObservanceBank, Month: time.November, Day: 30, Func: cal.CalcDayOfMonth,
		StartYear: 2007, Observed: weekendToMonday,
	}
	stPatricks = &cal.Holiday{
		Name: "St Patrick's Day", Type: cal.ObservanceBank, Month: time.March, Day: 17, Func: cal.CalcDayOfMonth,
		Observed: weekendToMonday,
	}
	boyne = &cal.Holiday{
		Name: "Battle of the Boyne (Orangemen's Day)", Type: cal.ObservanceBank, Month: time.July, Day: 12, Func: cal.CalcDayOfMonth,
		Observed: weekendToMonday,
	}
)

func join(lists ...[]*cal.Holiday) []*cal.Holiday {
	var out []*cal.Holiday
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// holidays lists each region's rules.
var holidays = map[string][]*cal.Holiday{
	EnglandAndWales: join([]*cal.Holiday{
		gb.NewYear, gb.GoodFriday, gb.EasterMonday, earlyMay, spring, summer, gb.ChristmasDay, gb.BoxingDay,
	}, oneOffs),
	Scotland: join([]*cal.Holiday{
		gb.NewYear, secondJanuary, gb.GoodFriday, earlyMay, spring, gb.SummerHolidayScotland, stAndrews,
		gb.ChristmasDay, gb.BoxingDay,
	}, oneOffs),
	NorthernIreland: join([]*cal.Holiday{
		gb.NewYear, stPatricks, gb.GoodFriday, gb.EasterMonday, earlyMay, spring, boyne, summer,
		gb.ChristmasDay, gb.BoxingDay,
	}, oneOffs),
}
