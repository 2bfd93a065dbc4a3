package calendar

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dfe-tools/directions/civil"
)

// The region names, as gov.uk spells them.
const (
	EnglandAndWales = "england-and-wales"
	Scotland        = "scotland"
	NorthernIreland = "northern-ireland"
)

var regionNames = map[string]string{
	EnglandAndWales: "England and Wales",
	Scotland:        "Scotland",
	NorthernIreland: "Northern Ireland",
}

// Regions returns the region names New accepts, in alphabetical order.
func Regions() []string {
	return []string{EnglandAndWales, NorthernIreland, Scotland}
}

// Holiday is a day that is not a working day for a reason other than the
// weekend.
type Holiday struct {
	Date civil.Date
	// Name is the holiday's name ("Christmas Day (substitute day)") or
	// "local closure day".
	Name string
}

// ClosureName names a local closure day in Holidays and Closed.
const ClosureName = "local closure day"

// Calendar is one region's bank holidays plus local closure days.
type Calendar struct {
	region   string
	closures map[civil.Date]bool
	// years caches each year's bank holidays: int -> map[civil.Date]string.
	years sync.Map
}

// New returns the calendar of region (one of Regions) with extra closure
// days that are not working days.
func New(region string, closures ...civil.Date) (*Calendar, error) {
	if _, ok := holidays[region]; !ok {
		return nil, fmt.Errorf("unknown calendar region %q: use %s", region, strings.Join(Regions(), ", "))
	}
	c := &Calendar{region: region}
	if len(closures) > 0 {
		c.closures = make(map[civil.Date]bool, len(closures))
		for _, d := range closures {
			c.closures[d] = true
		}
	}
	return c, nil
}

var defaultCal, _ = New(EnglandAndWales)

// Default returns the England and Wales calendar without closures, the one a
// direction uses when it names none.
func Default() *Calendar { return defaultCal }

// Region returns the region name, such as england-and-wales.
func (c *Calendar) Region() string { return c.region }

// Name names the calendar in explanations: the region ("England and
// Wales"), followed by the number of closure days when there are any ("plus
// 2 local closure days").
func (c *Calendar) Name() string {
	s := regionNames[c.region]
	switch n := len(c.closures); n {
	case 0:
	case 1:
		s += " plus 1 local closure day"
	default:
		s += fmt.Sprintf(" plus %d local closure days", n)
	}
	return s
}

// IsWorkingDay reports whether d is a Monday to Friday that is neither a
// bank holiday (substitute days included) nor a closure day.
func (c *Calendar) IsWorkingDay(d civil.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, closed := c.Closed(d)
	return !closed
}

// Closed reports whether d is a bank holiday or a closure day, and its
// name. Weekends are not reported; test them with IsWorkingDay.
func (c *Calendar) Closed(d civil.Date) (name string, closed bool) {
	if name, ok := c.year(d.Year)[d]; ok {
		return name, true
	}
	if c.closures[d] {
		return ClosureName, true
	}
	return "", false
}

// Holidays returns the bank holidays and closure days in year, in date
// order. A holiday that falls at a weekend is listed on its substitute day.
func (c *Calendar) Holidays(year int) []Holiday {
	var out []Holiday
	for d, name := range c.year(year) {
		out = append(out, Holiday{Date: d, Name: name})
	}
	for d := range c.closures {
		if _, dup := c.year(year)[d]; d.Year == year && !dup {
			out = append(out, Holiday{Date: d, Name: ClosureName})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// year returns the bank holidays observed in year, computed once.
func (c *Calendar) year(y int) map[civil.Date]string {
	if m, ok := c.years.Load(y); ok {
		return m.(map[civil.Date]string)
	}
	type observed struct {
		name     string
		act, obs civil.Date
	}
	var list []observed
	// A holiday near the turn of the year could be observed in the next or
	// previous one, so look one year either side.
	for _, yy := range []int{y - 1, y, y + 1} {
		for _, h := range holidays[c.region] {
			act, obs := h.Calc(yy)
			if obs.IsZero() {
				continue
			}
			if d := civil.Of(obs); d.Year == y {
				list = append(list, observed{h.Name, civil.Of(act), d})
			}
		}
	}
	// gov.uk names a day after the holiday whose own date it is, and the
	// displaced holiday's substitute day is the next one: with Christmas on
	// a Sunday, Monday 26 December is Boxing Day and Tuesday 27 is Christmas
	// Day (substitute day), though the library moves Christmas to the Monday
	// and Boxing Day to the Tuesday.
	m := map[civil.Date]string{}
	ownDay := map[civil.Date]int{}
	for i, h := range list {
		if _, dup := ownDay[h.act]; !dup {
			ownDay[h.act] = i
		}
	}
	named := make([]bool, len(list))
	for _, h := range list {
		if i, ok := ownDay[h.obs]; ok && !named[i] {
			if _, taken := m[h.obs]; !taken {
				m[h.obs], named[i] = list[i].name, true
			}
		}
	}
	for i, h := range list {
		if named[i] {
			continue
		}
		d := h.obs
		if _, taken := m[d]; taken {
			// Displaced by the holiday whose own date d is: take its day.
			if j, ok := ownDay[d]; ok && named[j] {
				d = list[j].obs
			}
		}
		name := h.name
		if h.act != d {
			name += " (substitute day)"
		}
		if _, taken := m[d]; !taken {
			m[d] = name
		}
	}
	got, _ := c.years.LoadOrStore(y, m)
	return got.(map[civil.Date]string)
}
