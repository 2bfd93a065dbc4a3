package event

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/dfe-tools/directions/diag"
)

// useFlatLine turns the flat-line scanner on; tests turn it off to compare.
var useFlatLine = true

// maxFlatMembers is the most members a line may have for flatLine.
const maxFlatMembers = 32

// flatSpan is one member of a flat line: where its name and value are,
// and which reserved key it is (-1 for an attribute).
type flatSpan struct {
	name, val [2]int
	kind      jsontext.Kind
	reserved  int
}

// flatSpans is where flatLine notes a line's members: kept in the Reader
// and written before it is read, so it is not cleared for every line.
type flatSpans [maxFlatMembers]flatSpan

// flatLine is a speed path for the lines exports nearly always write: one
// object whose members are ASCII strings without escapes, numbers, true,
// false or null, with no repeated name. It checks the whole line against
// that shape (valid JSON, by the grammar) before taking anything, and
// declines any other line, which the jsontext decoder then reads, words
// the errors of, and so defines the behaviour of: flatLine never accepts
// a line jsontext would refuse, nor reads one differently
// (TestFlatLineAgreesWithDecoder). Scanning the bytes once, instead of
// through the decoder's token machinery, roughly halves the reading time.
func (r *Reader) flatLine(line []byte, base diag.Position) bool {
	if !useFlatLine {
		return false
	}
	spans := &r.spans
	var slots [3]int // 1 + the index in spans of id, type and at; 0 if absent
	n := 0
	numbers := false // an attribute is a number
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return false
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		i++
	} else {
		for {
			if n == maxFlatMembers {
				return false
			}
			sp := &spans[n]
			end, ok := flatString(line, i)
			if !ok {
				return false
			}
			sp.name = [2]int{i, end}
			// Repeated names: the decoder words the error. A reserved
			// name is found by its place in slots; an attribute's is
			// compared with the other attributes' only.
			if sp.reserved = reservedOf(line[i:end]); sp.reserved >= 0 {
				if slots[sp.reserved] != 0 {
					return false
				}
				slots[sp.reserved] = n + 1
			} else {
				for k := range n {
					if spans[k].reserved < 0 && string(line[spans[k].name[0]:spans[k].name[1]]) == string(line[i:end]) {
						return false
					}
				}
			}
			i = skipSpace(line, end)
			if i >= len(line) || line[i] != ':' {
				return false
			}
			i = skipSpace(line, i+1)
			if i >= len(line) {
				return false
			}
			var kind jsontext.Kind
			switch c := line[i]; {
			case c == '"':
				// wordAtATime: a value string is scanned eight bytes at
				// a time (notPlain), then a byte at a time at the line's
				// end: flatString's loop, a byte a turn, is left 15 to
				// 25 turns into an id or a time, on a branch the
				// processor mispredicts; a word a turn leaves it after
				// two or three (BenchmarkReadSkipping 4% faster). Here,
				// not in flatString, which would no longer be inlined;
				// names are short and keep its loop.
				// TestFlatLineWordScanAgreesWithDecoder holds it to the
				// decoder, byte by byte.
				j := i + 1
				for ; j+8 <= len(line); j += 8 {
					if m := notPlain(binary.LittleEndian.Uint64(line[j:])); m != 0 {
						j += bits.TrailingZeros64(m) >> 3
						break
					}
				}
				for j < len(line) && plainByte[line[j]] {
					j++
				}
				end, ok = j+1, j < len(line) && line[j] == '"'
				kind = '"'
			case c == '-' || (c >= '0' && c <= '9'):
				end, ok = flatNumber(line, i)
				kind = '0'
			case c == 't':
				end, ok = flatLiteral(line, i, "true")
				kind = 't'
			case c == 'f':
				end, ok = flatLiteral(line, i, "false")
				kind = 'f'
			case c == 'n':
				end, ok = flatLiteral(line, i, "null")
				kind = 'n'
			default:
				return false // arrays, objects, anything else
			}
			if !ok {
				return false
			}
			sp.val, sp.kind = [2]int{i, end}, kind
			numbers = numbers || (kind == '0' && sp.reserved < 0)
			n++
			i = skipSpace(line, end)
			if i < len(line) && line[i] == ',' {
				i = skipSpace(line, i+1)
				continue
			}
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if skipSpace(line, i) != len(line) {
		return false // more after the object: the decoder words it
	}
	r.startEvent(base)
	if !numbers && r.plainSkipped(line, &slots) {
		return true
	}
	var seen [3]bool
	skip := false
	if k := slots[1] - 1; k >= 0 && spans[k].kind == '"' {
		// The type first: it says whether the attributes are wanted.
		sp := &spans[k]
		if raw := line[sp.val[0]+1 : sp.val[1]-1]; !blank(raw) {
			t := r.typeOf(raw)
			r.ev.Type, seen[1], skip = t.name, true, !t.reads
		}
	}
	for k := range n {
		sp := &spans[k]
		val := line[sp.val[0]:sp.val[1]]
		switch {
		case sp.reserved == 1 && seen[1]:
			continue // taken above
		case sp.reserved >= 0 && sp.kind == '"' && !blank(val[1:len(val)-1]):
			// A plain id or at (flat strings hold no escapes).
			seen[sp.reserved] = true
			raw := val[1 : len(val)-1]
			if sp.reserved == 2 {
				// atBytes: the line lives until the event is checked.
				r.at = atValue{b: raw, off: int64(sp.name[1]), set: true}
			} else if skip {
				r.ev.ID = r.skippedID(raw)
			} else {
				r.ev.ID = string(raw)
			}
		case sp.reserved >= 0:
			r.member(reserved[sp.reserved], sp.kind, val, int64(sp.name[1]), "", &seen)
		case skip:
			// Not read by the caller: checked against the rules only
			// (strings and literals already are, by the scan above).
			if sp.kind == '0' {
				if _, err := number(string(val)); err != nil {
					nameVal := line[sp.name[0]:sp.name[1]]
					r.problem(r.errAt(r.valueAt(int64(sp.name[1])), r.memberName(k, nameVal), "%v", err))
				}
			}
		default:
			r.member(r.memberName(k, line[sp.name[0]:sp.name[1]]), sp.kind, val, int64(sp.name[1]), "", &seen)
		}
	}
	r.endEvent(base, "", &seen)
	return true
}

// plainSkipped takes the event of a flat line in one step when the
// caller skips its type's attributes, its id, type and at are non-blank
// strings and no attribute is a number (plainNoise: nearly every noise
// event): nothing is left to check but the time, so its three members
// are taken from their slots, without the walk over every member that
// the line needs otherwise. It declines (false, having taken nothing
// the walk would not take again) any other line. The line's members
// were noted by flatLine; TestFlatLineAgreesWithDecoder reads lines both
// ways.
func (r *Reader) plainSkipped(line []byte, slots *[3]int) bool {
	if slots[0] == 0 || slots[1] == 0 || slots[2] == 0 {
		return false
	}
	id, typ, at := &r.spans[slots[0]-1], &r.spans[slots[1]-1], &r.spans[slots[2]-1]
	if id.kind != '"' || typ.kind != '"' || at.kind != '"' {
		return false
	}
	idRaw, typeRaw, atRaw := line[id.val[0]+1:id.val[1]-1], line[typ.val[0]+1:typ.val[1]-1], line[at.val[0]+1:at.val[1]-1]
	if blank(idRaw) || blank(typeRaw) || blank(atRaw) {
		return false
	}
	t := r.typeOf(typeRaw)
	if t.reads {
		return false
	}
	r.ev.Type, r.ev.ID = t.name, r.skippedID(idRaw)
	r.at.b, r.at.off, r.at.set = atRaw, int64(at.name[1]), true // atBytes, as flatLine
	return true
}

// reservedOf returns which of Reserved a quoted member name is, or -1;
// by length and bytes, without making a string.
func reservedOf(q []byte) int {
	switch {
	case len(q) == 4 && q[1] == 'i' && q[2] == 'd':
		return 0
	case len(q) == 6 && q[1] == 't' && q[2] == 'y' && q[3] == 'p' && q[4] == 'e':
		return 1
	case len(q) == 4 && q[1] == 'a' && q[2] == 't':
		return 2
	}
	return -1
}

// blank reports whether a flat string's text is empty or all spaces (the
// only white space a flat string can hold), as strings.TrimSpace would.
func blank(raw []byte) bool {
	for _, c := range raw {
		if c != ' ' {
			return false
		}
	}
	return true
}

// skipSpace steps over JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// flatString returns the end of the string at i (just past its closing
// quote) when it holds only printable ASCII and no escapes.
func flatString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	j := i + 1
	for j < len(b) && plainByte[b[j]] {
		j++
	}
	if j < len(b) && b[j] == '"' {
		return j + 1, true
	}
	return 0, false
}

// notPlain marks with its top bit each byte of the eight in v (the first
// in the lowest) that may not be a plainByte: below 0x20, 0x80 or above,
// a quote or a backslash. (x - 0x01…) has the top bit of a byte that was
// 0 (or 0x81 and above, marked anyway by x's own top bit), and a borrow
// from such a byte can mark the byte above it falsely but never one
// below; so the lowest marked byte is always a true one, which is all
// the scan reads.
func notPlain(v uint64) uint64 {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	quote, backslash := v^(ones*'"'), v^(ones*'\\')
	return ((v - ones*0x20) | v | (quote - ones) | (backslash - ones)) & tops
}

// plainByte marks the bytes a flat string holds: printable ASCII but the
// quote and the backslash. One look-up a byte instead of four compares.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// flatNumber returns the end of the JSON number at i:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func flatNumber(b []byte, i int) (int, bool) {
	digitsFrom := func(j int) int {
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digitsFrom(i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digitsFrom(i + 1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitsFrom(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

// flatLiteral returns the end of lit at i.
func flatLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// typeEntry is an event type the reader has seen: its string, shared by
// every event of the type, and whether the caller reads its attributes.
type typeEntry struct {
	name  string
	reads bool
}

// typeOf returns the entry of a flat type string. typeCache: a history
// has a handful of types, so the last few are kept in a small array that
// is searched by comparing bytes, which costs less than hashing the type
// for a map on every event; a type not there is looked up in full (once)
// and replaces the oldest.
func (r *Reader) typeOf(raw []byte) typeEntry {
	for i := range r.types {
		if e := r.types[i]; e.name == string(raw) && e.name != "" {
			return e
		}
	}
	name := r.internRaw(raw)
	e := typeEntry{name: name, reads: r.reads == nil || r.voc != nil || r.reads(name)}
	r.types[r.nextType%len(r.types)] = e
	r.nextType++
	return e
}

// arenaString makes a string of b in a block shared with the strings made
// before it (idArena): the ids of events whose attributes the caller
// skips, 99.8% of the events of a typical history, which no evaluation
// keeps past the next event, so that reading one allocates nothing. A
// block is a strings.Builder: the bytes it has written are never changed
// (what makes String safe to share), and Grow gets its block without
// zeroing it first, which make would do (noZeroArena: about 1% of reading
// skipped events, every byte of the block being written over anyway). A
// block is freed when no string in it is kept, so a caller that keeps
// such an id keeps up to idBlock bytes with it.
func (r *Reader) arenaString(b []byte) string {
	if len(b) == 0 || len(b) > idBlock/16 {
		return string(b)
	}
	if r.arena.Cap()-r.arena.Len() < len(b) {
		r.arena = strings.Builder{} // the old block stays with its strings
		r.arena.Grow(idBlock)
	}
	start := r.arena.Len()
	r.arena.Write(b)
	return r.arena.String()[start:]
}

// idBlock is the size of arenaString's blocks.
const idBlock = 16 << 10

// skippedID is the id of an event whose attributes the caller skips:
// arenaString's, or with lineIDs set a view of the line itself.
//
// lineIDs: a caller inside the module that only hashes such an id, or
// copies it, before its next call of Next (cmd/directions' check, which
// fingerprints every id and streams the events through evaluator.Stream,
// which copies the last id's bytes: lastID) opts in through
// hooks.LineIDs. The id is then the bytes of the line read, which the
// next call of Next overwrites: nothing is copied and no block is filled,
// which at 10^6 events spared 1 in 5 of check's page faults (the blocks
// took about 17 bytes an event) and 6-15% of its CPU time in alternating
// runs (docs/benchmarks.md). The public Reader never does this: its ids
// are strings a caller may keep. TestLineIDsReadAsArenaIDs reads a
// history both ways; evaluator's TestEvaluateStreamSameWithLineIDs
// evaluates one both ways.
func (r *Reader) skippedID(raw []byte) string {
	if r.lineIDs && len(raw) > 0 {
		return unsafe.String(&raw[0], len(raw))
	}
	return r.arenaString(raw)
}
