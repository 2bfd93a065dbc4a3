package words

import (
	"fmt"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
)

// Nouns says n with the noun that agrees: Nouns(1, "breach", "breaches")
// is "1 breach".
func Nouns(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Plural is "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Zone is the time zone of set's directions, in which dates are read and
// written (directions loaded together share one); Europe/London when the
// set is nil or empty.
func Zone(set *direction.Set) *time.Location {
	if set != nil {
		for _, d := range set.Directions {
			if d.Location != nil {
				return d.Location
			}
		}
	}
	return event.London()
}

// DueText is a finding's due date for people: "25 Apr 2018", or the range
// it may be when it depends on a date known only to a range, or "-".
func DueText(f evaluator.Finding, loc *time.Location) string {
	if f.Due == "" {
		return "-"
	}
	first := civil.In(f.DueAt, loc)
	if last, err := civil.Parse(f.DueLatest); err == nil {
		return civil.Range{First: first, Last: last}.Long()
	}
	return first.Long()
}
