package yamlx

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/dfe-tools/directions/diag"
	"go.yaml.in/yaml/v3"
)

// Positions. The YAML parser counts columns in characters and lines at
// \n, \r\n, a lone \r, U+0085, U+2028 and U+2029; every other reader of
// the project, and a text editor's line numbers, end a line at \n only
// (\r\n being a \n after a \r), and count columns in bytes
// (docs/limits.md). So a parser position is first turned into a byte
// offset in the source, by the parser's own count, and that offset into
// the file's line and byte column.

// Pos returns the position of n in the file.
func (d *Doc) Pos(n *yaml.Node) diag.Position {
	if n == nil {
		return diag.Position{File: d.File}
	}
	if n.Line < 1 || n.Column < 1 || len(d.Src) == 0 {
		return diag.Position{File: d.File, Line: n.Line, Column: n.Column}
	}
	return d.PosAt(d.offset(n.Line, n.Column))
}

// PosAt returns the file position of byte off of the source.
func (d *Doc) PosAt(off int) diag.Position {
	d.index()
	off = max(0, min(off, len(d.Src)))
	l := sort.SearchInts(d.lineStarts, off+1) // lines starting at or before off
	return diag.Position{File: d.File, Line: l, Column: off - d.lineStarts[l-1] + 1}
}

func (d *Doc) index() {
	if d.lineStarts != nil {
		return
	}
	d.lineStarts = []int{0}
	for i, c := range d.Src {
		if c == '\n' {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	if bytes.IndexByte(d.Src, '\r') < 0 && !bytes.Contains(d.Src, []byte("\u0085")) &&
		!bytes.Contains(d.Src, []byte("\u2028")) && !bytes.Contains(d.Src, []byte("\u2029")) {
		d.parserStarts = d.lineStarts
		return
	}
	d.parserStarts = []int{0}
	for i := 0; i < len(d.Src); {
		if n := breakLen(d.Src[i:]); n > 0 {
			i += n
			d.parserStarts = append(d.parserStarts, i)
			continue
		}
		i++
	}
}

// breakLen returns the length of the line break b starts with as the YAML
// parser reads one, or 0.
func breakLen(b []byte) int {
	switch {
	case len(b) == 0:
		return 0
	case b[0] == '\n':
		return 1
	case b[0] == '\r':
		if len(b) > 1 && b[1] == '\n' {
			return 2
		}
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// offset turns the parser's line and character column into a byte offset
// of the source.
func (d *Doc) offset(line, col int) int {
	d.index()
	if line > len(d.parserStarts) {
		return len(d.Src)
	}
	i := d.parserStarts[line-1]
	for range col - 1 {
		if i >= len(d.Src) || breakLen(d.Src[i:]) > 0 {
			break // past the line's end: stop at it
		}
		if d.Src[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRune(d.Src[i:])
		i += size
	}
	return i
}

// ValuePos returns the file position of byte i of scalar n's value (i may
// be len(n.Value), just after it): escapes (\u00e9, \t, ”), quotes,
// block indicators, indentation and folded line breaks are stepped over.
// For an alias (*name) it is a place in the text the alias names, as for
// the node the walkers hand over (Map.Value resolves aliases): the
// error's path still names the alias's element. When the value cannot be lined up with its source exactly, it
// is the start of the scalar's text: never another node's place.
func (d *Doc) ValuePos(n *yaml.Node, i int) diag.Position {
	if n == nil {
		return d.Pos(n)
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Line < 1 || n.Column < 1 || len(d.Src) == 0 {
		return d.Pos(n)
	}
	start := skipProperties(d.Src, d.offset(n.Line, n.Column))
	if n.Kind != yaml.ScalarNode {
		return d.PosAt(start)
	}
	offs := scalarOffsets(d.Src, start, n)
	if offs == nil || i < 0 || i >= len(offs) {
		return d.PosAt(start)
	}
	return d.PosAt(offs[i])
}

// skipProperties steps over a node's anchor (&name) and tag (!!str), where
// the parser places the node, and the blanks and comments after them.
func skipProperties(src []byte, j int) int {
	for j < len(src) && (src[j] == '&' || src[j] == '!') {
		for j < len(src) && !isBlankOrBreak(src[j:]) {
			j++
		}
		for j < len(src) {
			switch {
			case src[j] == ' ' || src[j] == '\t':
				j++
			case src[j] == '#':
				for j < len(src) && breakLen(src[j:]) == 0 {
					j++
				}
			case breakLen(src[j:]) > 0:
				j += breakLen(src[j:])
			default:
				goto next
			}
		}
	next:
	}
	return j
}

func isBlankOrBreak(b []byte) bool { return b[0] == ' ' || b[0] == '\t' || breakLen(b) > 0 }

// scalarOffsets returns, for each byte of n.Value and one past its end,
// the source offset it was read from, decoding the scalar that starts at
// src[j]; nil if what it decodes is not n.Value.
func scalarOffsets(src []byte, j int, n *yaml.Node) []int {
	var dec decoder
	dec.src = src
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0 && j < len(src) && src[j] == '"':
		dec.flow(j+1, '"', len(n.Value))
	case n.Style&yaml.SingleQuotedStyle != 0 && j < len(src) && src[j] == '\'':
		dec.flow(j+1, '\'', len(n.Value))
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && j < len(src) && (src[j] == '|' || src[j] == '>'):
		// An explicit indentation indicator (|2) counts from the parent's
		// indentation, which the node does not give: try each, the
		// check below keeping only the one that gives the value.
		for indent := -1; indent <= 80; indent++ {
			dec = decoder{src: src}
			if dec.block(j, len(n.Value), indent) && string(dec.val) == n.Value {
				break
			}
		}
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0:
		dec.flow(j, 0, len(n.Value))
	default:
		return nil
	}
	if string(dec.val) != n.Value || len(dec.offs) != len(n.Value)+1 {
		return nil
	}
	return dec.offs
}

// decoder builds a scalar's value and the source offset of each byte.
type decoder struct {
	src  []byte
	val  []byte
	offs []int
}

func (d *decoder) add(b []byte, off int, each bool) {
	for k, c := range b {
		d.val = append(d.val, c)
		if each {
			d.offs = append(d.offs, off+k)
		} else {
			d.offs = append(d.offs, off)
		}
	}
}

// flow decodes a quoted (quote '"' or '\”) or plain (quote 0) scalar
// from src[j], stopping at its closing quote or once want bytes are read.
func (d *decoder) flow(j int, quote byte, want int) {
	src := d.src
	trail := 0 // blanks at the end of val, written as such (not escaped)
	for j < len(src) {
		if quote != 0 && src[j] == quote && !(quote == '\'' && j+1 < len(src) && src[j+1] == '\'') {
			d.offs = append(d.offs, j)
			return
		}
		if quote == 0 && len(d.val) == want {
			d.offs = append(d.offs, j)
			return
		}
		if n := breakLen(src[j:]); n > 0 {
			// Line folding: blanks around the break go; the break is a
			// space, or each empty line after it a \n.
			brk := j
			d.val, d.offs = d.val[:len(d.val)-trail], d.offs[:len(d.offs)-trail]
			trail = 0
			j += n
			empty := 0
			for {
				k := j
				for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
					k++
				}
				if m := breakLen(src[k:]); m > 0 {
					empty++
					j = k + m
					continue
				}
				j = k
				break
			}
			if empty == 0 {
				d.add([]byte{' '}, brk, false)
			} else {
				for range empty {
					d.add([]byte{'\n'}, brk, false)
				}
			}
			continue
		}
		c := src[j]
		switch {
		case quote == '\'' && c == '\'': // '' is '
			d.add([]byte{'\''}, j, false)
			j += 2
			trail = 0
		case quote == '"' && c == '\\':
			if !d.escape(&j) {
				return
			}
			trail = 0
		default:
			size := 1
			if c >= utf8.RuneSelf {
				_, size = utf8.DecodeRune(src[j:])
			}
			d.add(src[j:j+size], j, true)
			j += size
			if c == ' ' || c == '\t' {
				trail++
			} else {
				trail = 0
			}
		}
	}
	if quote == 0 && len(d.val) == want {
		d.offs = append(d.offs, j)
	}
}

var simpleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v",
	'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// escape decodes the escape at src[*j], a backslash, every byte of what
// it stands for placed at the backslash.
func (d *decoder) escape(j *int) bool {
	src, at := d.src, *j
	if at+1 >= len(src) {
		return false
	}
	e := src[at+1]
	if n := breakLen(src[at+1:]); n > 0 {
		// An escaped line break joins the lines: it and the next line's
		// leading blanks are dropped.
		k := at + 1 + n
		for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
			k++
		}
		*j = k
		return true
	}
	if s, ok := simpleEscapes[e]; ok {
		d.add([]byte(s), at, false)
		*j = at + 2
		return true
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
	if digits == 0 || at+2+digits > len(src) {
		return false
	}
	r := rune(0)
	for _, h := range src[at+2 : at+2+digits] {
		switch {
		case h >= '0' && h <= '9':
			r = r<<4 | rune(h-'0')
		case h >= 'a' && h <= 'f':
			r = r<<4 | rune(h-'a'+10)
		case h >= 'A' && h <= 'F':
			r = r<<4 | rune(h-'A'+10)
		default:
			return false
		}
	}
	d.add(utf8.AppendRune(nil, r), at, false)
	*j = at + 2 + digits
	return true
}

// block decodes a literal (|) or folded (>) block scalar whose header
// starts at src[j], its content indented by indent spaces, or as its
// first line is when indent is -1. It returns false when indent is -1
// and the header has an indentation indicator, or indent is not.
func (d *decoder) block(j, want, indent int) bool {
	src := d.src
	folded := src[j] == '>'
	j++
	explicit := false
	for j < len(src) && breakLen(src[j:]) == 0 && src[j] != '#' {
		if src[j] >= '1' && src[j] <= '9' {
			explicit = true
		}
		j++
	}
	if explicit != (indent >= 0) {
		return false
	}
	for j < len(src) && breakLen(src[j:]) == 0 {
		j++
	}
	j += breakLen(src[j:])
	// The content lines, each without its indentation.
	type line struct{ from, to, brk int } // content src[from:to], break at brk
	var lines []line
	for j < len(src) && len(lines) < want+2 {
		k := j
		for k < len(src) && src[k] == ' ' {
			k++
		}
		end := k
		for end < len(src) && breakLen(src[end:]) == 0 {
			end++
		}
		blank := end == k
		if !blank && k-j < indent {
			break // the block ends
		}
		if blank && k-j > indent && indent >= 0 {
			blank = false // spaces past the indentation are content
		}
		if !blank && indent < 0 {
			indent = k - j
		}
		if !blank && k-j < indent {
			break // the block ends
		}
		from := k
		if !blank {
			from = j + indent
		}
		lines = append(lines, line{from, end, end})
		if end >= len(src) {
			break
		}
		j = end + breakLen(src[end:])
	}
	for idx, l := range lines {
		d.add(src[l.from:l.to], l.from, true)
		if len(d.val) >= want {
			break
		}
		sep := byte('\n')
		if folded && l.to > l.from && idx+1 < len(lines) {
			next := lines[idx+1]
			if next.to > next.from && src[l.from] != ' ' && src[l.from] != '\t' &&
				src[next.from] != ' ' && src[next.from] != '\t' {
				sep = ' '
			}
		}
		// A folded break before empty lines is dropped: the empty lines
		// give the \n.
		if folded && l.to > l.from && src[l.from] != ' ' && src[l.from] != '\t' && idx+1 < len(lines) && lines[idx+1].to == lines[idx+1].from {
			k := idx + 1
			for k < len(lines) && lines[k].to == lines[k].from {
				k++
			}
			if k < len(lines) && src[lines[k].from] != ' ' && src[lines[k].from] != '\t' {
				continue
			}
		}
		d.add([]byte{sep}, l.brk, false)
	}
	if len(d.val) > want {
		d.val, d.offs = d.val[:want], d.offs[:want]
	}
	end := len(src)
	if len(d.offs) > 0 {
		end = d.offs[len(d.offs)-1] + 1
	}
	d.offs = append(d.offs, end)
	return true
}
