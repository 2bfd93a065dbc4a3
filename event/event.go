package event

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"time"
	_ "time/tzdata" // London and every direction's time_zone without a host zone database

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
)

// Event is one dated fact in a history.
type Event struct {
	ID   string
	Type string
	// At is when the event happened. For an event given as a date, it is
	// the first instant of that day and DateOnly is true.
	At       time.Time
	DateOnly bool
	// Through is zero for an event whose day is known. For one known only
	// to a month or a range of days ("at: 2018-04" or
	// "2018-04-01..2018-04-30"), At is the first instant of the first day
	// it may be and Through the last day; evaluator.Evaluate then weighs
	// every day in between (docs/uncertain-dates.md).
	Through civil.Date
	// Attrs holds the event's other keys. Values are string, int64,
	// float64, bool, nil, []any or map[string]any. A float64 with no
	// fractional part (3.0, as encoding/json gives every number) counts
	// as a whole number wherever one is expected; see WholeNumber.
	Attrs map[string]any
	// Pos is where the event was read; zero for events made in code.
	Pos diag.Position
}

// Uncertain reports whether the event's day is known only to a range.
func (e *Event) Uncertain() bool { return !e.Through.IsZero() }

// Days returns the range of days the event may have happened on, in loc.
func (e *Event) Days(loc *time.Location) civil.Range {
	first := civil.In(e.At, loc)
	if e.Through.IsZero() {
		return civil.Range{First: first, Last: first}
	}
	return civil.Range{First: first, Last: e.Through}
}

// WholeNumber reports whether an attribute value is a whole number, and
// which: an int64, or a float64 with no fractional part within int64's
// range (3.0 is 3; 2.5 and 1e300 are not). Expressions see such a float
// as an int, so that addWorkingDays(trigger.at, trigger.days) works
// whether the history gave days as 3 or as 3.0, and a vocabulary's int
// accepts it.
func WholeNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		// -2^63 <= x < 2^63, and no fraction.
		if x >= -9223372036854775808 && x < 9223372036854775808 && x == math.Trunc(x) {
			return int64(x), true
		}
	}
	return 0, false
}

// Reserved returns the keys that are not attributes: id, type and at.
func Reserved() []string { return slices.Clone(reserved[:]) }

// reserved is Reserved for the readers, without a copy per event.
var reserved = [...]string{"id", "type", "at"}

// Attr returns a string attribute, or "".
func (e *Event) Attr(name string) string {
	s, _ := e.Attrs[name].(string)
	return s
}

// London returns the Europe/London time zone, the default for bare dates.
// It never fails to load and needs no zone database on the host: the
// package embeds one (time/tzdata), so a program built with it runs in
// distroless images and on Windows. It is a function, not a variable, so
// that no program can change the zone every other package reads.
func London() *time.Location { return londonZone }

var londonZone = london()

// london loads Europe/London from the host's or the embedded zone database.
// If even that failed (a broken build), it falls back to the rule the UK has
// kept since 1996 — GMT, and BST from 01:00 UTC on the last Sunday of March
// to 01:00 UTC on the last Sunday of October — rather than panic at start-up
// or silently use UTC.
func london() *time.Location {
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		return loc
	}
	return ukRules()
}

// ukRules builds Europe/London from a POSIX TZ rule in a minimal TZif
// (RFC 8536) version 2 file: no transitions, one type, and the footer rule,
// which Go applies to every instant.
func ukRules() *time.Location {
	const rule = "GMT0BST,M3.5.0/1,M10.5.0"
	header := func(v byte, typecnt, charcnt uint32) []byte {
		h := append([]byte("TZif"), v)
		h = append(h, make([]byte, 15)...)
		for _, n := range []uint32{0, 0, 0, 0, typecnt, charcnt} { // isut, isstd, leap, time, type, char
			h = binary.BigEndian.AppendUint32(h, n)
		}
		return h
	}
	body := []byte{0, 0, 0, 0, 0, 0, 'G', 'M', 'T', 0} // one type: utoff 0, not DST, abbreviation "GMT"
	var b []byte
	b = append(b, header('2', 1, 4)...)
	b = append(b, body...)
	b = append(b, header('2', 1, 4)...)
	b = append(b, body...)
	b = append(b, "\n"+rule+"\n"...)
	loc, err := time.LoadLocationFromTZData("Europe/London", b)
	if err != nil {
		return time.FixedZone("Europe/London (zone data unavailable)", 0)
	}
	return loc
}

// Validate checks events made in code or gathered from several files: every
// event needs an id, a type and a time, and ids must be unique.
func Validate(events []Event) error {
	if s := scan(events); s.valid {
		return nil
	}
	return validate(events)
}

func validate(events []Event) error {
	var errs diag.List
	// Ids are found by a 64-bit hash (smaller and faster to look up than
	// the strings over millions of events); a hash shared by two different
	// ids is settled exactly in collided, keyed by the id itself.
	seed := maphash.MakeSeed()
	seen := make(map[uint64]int, len(events))
	var collided map[string]int
	for i := range events {
		e := &events[i]
		// The path is formatted only for an event in error: this loop runs
		// over millions of events in a national check.
		path := func() string { return fmt.Sprintf("events[%d]", i) }
		if e.ID == "" {
			errs.Add(e.Pos, path(), "event has no id")
		} else if h := idHash(seed, e.ID); !hasKey(seen, h) {
			seen[h] = i
		} else if j := seen[h]; events[j].ID == e.ID {
			errs.Add(e.Pos, path(), "duplicate event id %q (also at %s)", e.ID, events[j].Pos)
		} else if k, dup := collided[e.ID]; dup {
			errs.Add(e.Pos, path(), "duplicate event id %q (also at %s)", e.ID, events[k].Pos)
		} else {
			if collided == nil {
				collided = map[string]int{}
			}
			collided[e.ID] = i
		}
		if e.Type == "" {
			errs.Add(e.Pos, path(), "event %q has no type", e.ID)
		}
		if e.At.IsZero() {
			errs.Add(e.Pos, path(), "event %q has no time (at)", e.ID)
		}
	}
	return errs.Err()
}

func hasKey(m map[uint64]int, k uint64) bool {
	_, ok := m[k]
	return ok
}

// idHash hashes ids for Validate; tests replace it to force collisions.
var idHash = maphash.String

// Sort orders events by time, keeping input order for equal times. It sorts
// a copy and leaves events as it was.
func Sort(events []Event) []Event {
	out := append([]Event(nil), events...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
