package event

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"sync"
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

// shape is what scan learns of a history in one pass.
type shape struct {
	// valid: the events certainly pass Validate (see scan).
	valid bool
	// sorted: in time order; uncertain: some event's day is known only
	// to a range (Through). Both are known only when valid is set.
	sorted, uncertain bool
}

// scan reports whether events certainly pass Validate and, when they do,
// whether they are in time order and whether any date is uncertain. The
// evaluator reads all three (hooks.ScanEvents) before it evaluates: a
// history of millions of events does not fit the caches, and one pass
// that learns all three cost a third of the three passes it replaced.
//
// For ids it keeps only each one's 64-bit hash (see distinctHashes); any
// repeated hash, collision or real duplicate, sends the caller to
// validate, which settles it exactly and words the errors.
func scan(events []Event) shape {
	b := getHashBufs(len(events))
	defer hashBufs.Put(b)
	seed := maphash.MakeSeed()
	s := shape{sorted: true}
	for i := range events {
		if i%touchAhead == 0 {
			b.touched ^= touchIDs(events[i:min(i+touchAhead, len(events))])
		}
		e := &events[i]
		if e.ID == "" || e.Type == "" || e.At.IsZero() {
			return shape{}
		}
		if i > 0 && e.At.Before(events[i-1].At) {
			s.sorted = false
		}
		if !e.Through.IsZero() {
			s.uncertain = true
		}
		b.hashes[i] = idHash(seed, e.ID)
	}
	if !distinctHashes(b) {
		return shape{}
	}
	s.valid = true
	return s
}

// touchAhead is how many events' ids scan asks memory for at once.
const touchAhead = 32

// touchIDs reads the first byte of each id and returns them combined, so
// that the compiler keeps the reads. In a history whose ids lie scattered
// in memory (made before the events were sorted by time) nearly every id
// is a cache miss; read one by one, between hashes, each miss waits for
// the one before, while these reads, independent of each other, are all
// in flight at once, and the hashing that follows finds the ids in the
// cache.
func touchIDs(events []Event) byte {
	var x byte
	for i := range events {
		if id := events[i].ID; id != "" {
			x ^= id[0]
		}
	}
	return x
}

// hashBufs holds scan's buffers: megabytes for a national history, and
// fresh ones each call made the collector run more often.
var hashBufs sync.Pool // *hashBuf

type hashBuf struct {
	touched       byte // touchIDs' result, kept so the reads are made
	hashes, parts []uint64
	table         []uint64
	counts        []int
}

func getHashBufs(n int) *hashBuf {
	b, _ := hashBufs.Get().(*hashBuf)
	if b == nil {
		b = &hashBuf{}
	}
	if cap(b.hashes) < n {
		b.hashes, b.parts = make([]uint64, n), make([]uint64, n)
	}
	b.hashes, b.parts = b.hashes[:n], b.parts[:n]
	return b
}

// partSize is about how many hashes distinctHashes checks at a time: their
// table (twice as many slots, 8 bytes each) stays in the fastest cache.
const partSize = 512

// distinctHashes reports whether b.hashes holds no value twice. It is a
// partitioned check: one flat table of every hash, over millions of
// ids, missed the cache on nearly every probe, so the hashes are first
// sorted into parts by their top bits (a counting pass, then one write
// each, both in order) and each part, about partSize hashes, is checked
// with a small table. Equal hashes share their top bits, so any repeat
// lies within one part. TestDistinctHashesAgreesWithAMap holds it to a
// map.
func distinctHashes(b *hashBuf) bool {
	n := len(b.hashes)
	bits := 0
	for (partSize << bits) < n {
		bits++
	}
	parts := 1 << bits
	shift := 64 - bits // h>>64 is 0: one part
	if cap(b.counts) < parts+1 {
		b.counts = make([]int, parts+1)
	}
	counts := b.counts[:parts+1]
	clear(counts)
	for _, h := range b.hashes {
		counts[h>>shift+1]++
	}
	for i := 1; i <= parts; i++ {
		counts[i] += counts[i-1]
	}
	// counts[p] is where part p starts; it moves on as part p fills, to
	// where part p+1 starts.
	for _, h := range b.hashes {
		p := h >> shift
		b.parts[counts[p]] = h
		counts[p]++
	}
	start := 0
	for p := range parts {
		if !distinctInPart(b, b.parts[start:counts[p]]) {
			return false
		}
		start = counts[p]
	}
	return true
}

// distinctInPart checks one part with an open-addressing table of at
// least twice its length; 0 marks an empty slot, so a hash of 0 is
// stored as 1 (a false repeat at worst, which validate settles).
func distinctInPart(b *hashBuf, part []uint64) bool {
	size := 16
	for size < 2*len(part) {
		size <<= 1
	}
	if cap(b.table) < size {
		b.table = make([]uint64, size)
	}
	table := b.table[:size]
	clear(table)
	mask := uint64(size - 1)
	for _, h := range part {
		if h == 0 {
			h = 1
		}
		j := h & mask
		for table[j] != 0 {
			if table[j] == h {
				return false
			}
			j = (j + 1) & mask
		}
		table[j] = h
	}
	return true
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
