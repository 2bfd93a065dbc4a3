package yamlx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPosCountsLinesAsFilesDo places unknown keys after characters the
// YAML parser counts as line breaks and files do not (U+2028, U+2029,
// U+0085, a lone \r), and after CRLF, which both count. Each want is
// counted by hand, in bytes.
func TestPosCountsLinesAsFilesDo(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
	}{
		// {1 a2 :3 _4 "5 x6 LS7-9 y10 "11 ,12 _13 b14
		{"{a: \"x\u2028y\", bogus: 1}\n", 1, 14},
		// {1 a2 :3 _4 x5 PS6-8 y9 ,10 _11 b12
		{"{a: x\u2029y, bogus: 1}\n", 1, 12},
		// {1 a2 :3 _4 "5 x6 NEL7-8 é9-10 "11 ,12 _13 b14
		{"{a: \"x\u0085é\", bogus: 1}\n", 1, 14},
		// line 1 a: "x\ry", line 2 b1
		{"a: \"x\ry\"\nbogus: 1\n", 2, 1},
		// CRLF: line 2 b1
		{"a: 1\r\nbogus: 1\r\n", 2, 1},
		// LS on line 2: line 3 b1
		{"a: 1\nc: \"x\u2028y\"\nbogus: 1\n", 3, 1},
	} {
		d := Parse("t.yaml", []byte(c.src), Limits{})
		require.Empty(t, d.Errs, c.src)
		m := d.Map(d.Root, "", "a", "c")
		require.NotNil(t, m, c.src)
		require.Len(t, d.Errs, 1, c.src)
		assert.Equal(t, c.line, d.Errs[0].Pos.Line, "%q: %s", c.src, d.Errs[0])
		assert.Equal(t, c.col, d.Errs[0].Pos.Column, "%q: %s", c.src, d.Errs[0])
	}
}

// TestSyntaxErrorLine: the parser reads U+2028 in a plain scalar as a
// line break, so y starts a line and is not a key; its line (the parser's
// 3) is the file's 2.
func TestSyntaxErrorLine(t *testing.T) {
	d := Parse("t.yaml", []byte("a: 1\nc: x\u2028y\nb: 1\n"), Limits{})
	require.Len(t, d.Errs, 1)
	assert.Equal(t, 2, d.Errs[0].Pos.Line, "%s", d.Errs[0])
	// A parser error (not a scanner error): yaml.v3 words its line from
	// a 0-based mark. The flow mapping left open is on line 3.
	d = Parse("t.yaml", []byte("x: 1\ny:\n  - {id: b, summary: \"x\"\n"), Limits{})
	require.Len(t, d.Errs, 1)
	assert.Equal(t, 3, d.Errs[0].Pos.Line, "%s", d.Errs[0])
	// A scanner error's line counts from 1 already: the tab on line 2.
	d = Parse("t.yaml", []byte("a: 1\n\tb: 2\n"), Limits{})
	require.Len(t, d.Errs, 1)
	assert.Equal(t, 2, d.Errs[0].Pos.Line, "%s", d.Errs[0])
}

// TestValuePos checks the source place of bytes of decoded values, each
// counted by hand, and the fall back to the scalar's start.
func TestValuePos(t *testing.T) {
	for _, c := range []struct {
		src       string
		i         int // byte of a's value
		line, col int
	}{
		// value "é=1": byte 2 (=) is at a1 :2 _3 "4 \5 u6 07 08 e9 910 =11
		{"a: \"\\u00e9=1\"\n", 2, 1, 11},
		// both bytes of é lie at the backslash
		{"a: \"\\u00e9=1\"\n", 1, 1, 5},
		// just after the value: the closing quote, a1 :2 _3 "4 x5 "6
		{"a: \"x\"\n", 1, 1, 6},
		// single-quoted '' is one ': value "'b", byte 1 at a1 :2 _3 '4 '5 '6 b7
		{"a: '''b'\n", 1, 1, 7},
		// folded block: value "x y\n", byte 2 (y) on line 3 at _1 _2 y3
		{"a: >\n  x\n  y\n", 2, 3, 3},
		// literal block: value "x\n\ny\n", byte 3 (y) on line 4
		{"a: |\n  x\n\n  y\n", 3, 4, 3},
		// plain, over two lines: value "x y", byte 2 on line 2 at _1 _2 y3
		{"a: x\n  y\n", 2, 2, 3},
		// an unknown escape (\q) is a parse error; an out-of-range byte
		// asks for the start: a1 :2 _3 "4
		{"a: \"xy\"\n", 9, 1, 4},
	} {
		d := Parse("t.yaml", []byte(c.src), Limits{})
		require.Empty(t, d.Errs, c.src)
		m := d.Map(d.Root, "", "a")
		p := d.ValuePos(m.Value("a"), c.i)
		assert.Equal(t, c.line, p.Line, "%q", c.src)
		assert.Equal(t, c.col, p.Column, "%q", c.src)
	}
}
