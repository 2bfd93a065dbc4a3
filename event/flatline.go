package event

import (
	"github.com/go-json-experiment/json/jsontext"

	"github.com/dfe-tools/directions/diag"
)

// useFlatLine turns the flat-line scanner on; tests turn it off to compare.
var useFlatLine = true

// maxFlatMembers is the most members a line may have for flatLine.
const maxFlatMembers = 32

// flatSpan is one member of a flat line: where its name and value are.
type flatSpan struct {
	name, val [2]int
	kind      jsontext.Kind
}

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
	var spans [maxFlatMembers]flatSpan
	n := 0
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
			for k := range n { // repeated names: the decoder words the error
				if string(line[spans[k].name[0]:spans[k].name[1]]) == string(line[i:end]) {
					return false
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
				end, ok = flatString(line, i)
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
	skip := r.skipsAttributes(line, spans[:n])
	r.startEvent(base)
	var seen [3]bool
	for k := range n {
		sp := &spans[k]
		nameVal, val := line[sp.name[0]:sp.name[1]], line[sp.val[0]:sp.val[1]]
		if skip && !isReserved(nameVal) {
			// Not read by the caller: checked against the rules only
			// (strings and literals already are, by the scan above).
			if sp.kind == '0' {
				if _, err := number(string(val)); err != nil {
					r.problem(r.errAt(r.valueAt(int64(sp.name[1])), r.memberName(k, nameVal), "%v", err))
				}
			}
			continue
		}
		name := r.memberName(k, nameVal)
		r.member(name, sp.kind, val, int64(sp.name[1]), "", &seen)
	}
	r.endEvent(base, "", &seen)
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
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return 0, false
		}
	}
	return 0, false
}

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

// skipsAttributes reports whether the caller has said it will not read the
// attributes of this line's event type (Options.ReadsAttributes); never
// with a vocabulary, which checks them.
func (r *Reader) skipsAttributes(line []byte, spans []flatSpan) bool {
	if r.reads == nil || r.voc != nil {
		return false
	}
	for _, sp := range spans {
		if sp.kind != '"' || string(line[sp.name[0]:sp.name[1]]) != `"type"` {
			continue
		}
		t := line[sp.val[0]+1 : sp.val[1]-1]
		reads, known := r.readsType[string(t)]
		if !known {
			if r.readsType == nil {
				r.readsType = map[string]bool{}
			}
			reads = r.reads(string(t))
			if len(r.readsType) < 10_000 {
				r.readsType[string(t)] = reads
			}
		}
		return !reads
	}
	return false
}

// isReserved reports whether a quoted member name is id, type or at.
func isReserved(quoted []byte) bool {
	// Compared without a string conversion, which would allocate.
	return string(quoted) == `"id"` || string(quoted) == `"type"` || string(quoted) == `"at"`
}
