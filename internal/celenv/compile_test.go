package celenv

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dfe-tools/directions/internal/yamlx"
)

// TestCheckedTextsKeepEachEnvsBindings compiles the same texts in two
// zones, one after the other, so that the second compile of each finds the
// first's checked AST: each program must still read dates in its own zone,
// both when CEL evaluates the call and when the optimiser folds a constant
// one at load.
func TestCheckedTextsKeepEachEnvsBindings(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	trigger := Map(map[string]any{"at": types.Timestamp{Time: time.Date(2018, 6, 30, 20, 0, 0, 0, time.UTC)}})
	for _, expr := range []string{
		`endOfDay(trigger.at)`,         // evaluated
		`endOfDay(date("2018-06-30"))`, // folded at load
		`has(trigger.due) ? date(trigger.due) : endOfDay(addDays(trigger.at, 1))`, // evaluated, not the fast path
	} {
		var got []time.Time
		for _, loc := range []*time.Location{london, tokyo, london} {
			e, err := New(loc, nil)
			require.NoError(t, err)
			p := compileDue(t, e, expr)
			at, err := p.EvalTime(&Activation{Trigger: trigger})
			require.NoError(t, err, expr)
			got = append(got, at)
			h, m, s := at.In(loc).Clock()
			assert.Equal(t, [3]int{23, 59, 59}, [3]int{h, m, s}, "%s in %s: the end of a day in its own zone", expr, loc)
		}
		assert.Equal(t, got[0], got[2], expr)
		assert.NotEqual(t, got[0], got[1], "%s: London and Tokyo", expr)
	}
}

// TestCheckedTextsErrorsWhereTheyStand compiles a text with an error twice,
// at different places: each is reported at its own place.
func TestCheckedTextsErrorsWhereTheyStand(t *testing.T) {
	e, err := New(nil, nil)
	require.NoError(t, err)
	doc := yamlx.Parse("t.yaml", []byte("a: event.nope(1) == 2\nlist:\n  - 'x'\n  - event.nope(1) == 2\n"), yamlx.Limits{})
	require.Empty(t, doc.Errs)
	m := doc.Map(doc.Root, "")
	require.NotNil(t, m)
	assert.Nil(t, e.Compile(doc, m.Value("a"), "a", Bool))
	items, ok := doc.Seq(m.Value("list"), "list", "list")
	require.True(t, ok)
	assert.Nil(t, e.Compile(doc, items[1], "list[1]", Bool))
	require.Len(t, doc.Errs, 2)
	assert.Contains(t, doc.Errs[0].Error(), "t.yaml:1:")
	assert.Contains(t, doc.Errs[1].Error(), "t.yaml:4:")
}

// TestCheckedTextsConcurrent loads the same texts from many goroutines in
// many zones (run with -race).
func TestCheckedTextsConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			loc := time.FixedZone(fmt.Sprint(i), i*3600)
			e, err := New(loc, nil)
			if !assert.NoError(t, err) {
				return
			}
			for j := range 20 {
				expr := fmt.Sprintf(`endOfDay(addDays(trigger.at, %d))`, j%5)
				doc := yamlx.Parse("t.yaml", []byte(fmt.Sprintf("%q\n", expr)), yamlx.Limits{})
				p := e.Compile(doc, doc.Root, "due", Timestamp)
				if !assert.NotNil(t, p) {
					return
				}
				at, err := p.EvalTime(&Activation{Trigger: Map(map[string]any{"at": types.Timestamp{Time: time.Date(2018, 6, 30, 12, 0, 0, 0, time.UTC)}})})
				assert.NoError(t, err)
				h, _, _ := at.In(loc).Clock()
				assert.Equal(t, 23, h)
			}
		})
	}
	wg.Wait()
}

// TestParsedIsTheParse checks that Parsed gives, for a text a direction
// compiled, the expression a fresh parse gives, not the checker's rewrite
// of it (which resolves namespaced calls such as strings.quote in place),
// and parses a text it has not seen.
func TestParsedIsTheParse(t *testing.T) {
	e, err := New(nil, nil)
	require.NoError(t, err)
	fresh, err := cel.NewEnv(cel.OptionalTypes())
	require.NoError(t, err)
	for i, text := range []string{
		`event.type == "report" && event.to == "dfe"`,
		`strings.quote(event.text) == "a" && has(event.x)`,
		`event.?a.orValue("") == trigger.id || event.items.exists(i, i == 1)`,
		`has(trigger.due) ? date(trigger.due) : addDays(trigger.at, 2)`,
	} {
		if i < 3 { // the last is not compiled
			doc := yamlx.Parse("t.yaml", []byte(fmt.Sprintf("%q\n", text)), yamlx.Limits{})
			require.NotNil(t, e.Compile(doc, doc.Root, "x", e.check(text).ast.OutputType()), text)
		}
		want, iss := fresh.Parse(text)
		require.NoError(t, iss.Err())
		got, ok := Parsed(text)
		require.True(t, ok, text)
		assert.Equal(t, exprString(t, want.NativeRep().Expr()), exprString(t, got), text)
	}
	_, ok := Parsed(`event.type ==`)
	assert.False(t, ok)
}

// exprString shows an expression whole, ids and the target of a call
// included (the debug printer writes a namespaced call and a call on a
// target alike).
func exprString(t *testing.T, e ast.Expr) string {
	pb, err := ast.ExprToProto(e)
	require.NoError(t, err)
	return pb.String()
}

// TestErrorColumnsCountBytes places a CEL error after non-ASCII text, on
// its line before the expression and inside it, in each kind of scalar:
// the column counts bytes, as every position does (docs/limits.md), and is
// worked out here as the byte offset of the misspelt name evnt on its line.
// The YAML parser counts the node's column in characters; text before the
// node holding the expression's first letters (the "e" of "see") used to
// pull the error back to there.
func TestErrorColumnsCountBytes(t *testing.T) {
	e, err := New(nil, nil)
	require.NoError(t, err)
	for _, src := range []string{
		"{n: \"éééééééééé\", see: 1, a: evnt.x == 1}\n",                      // 10 two-byte letters before the node
		"{n: \"£££££££££££££££\", tested: 1, a: \"event.x == 1 || evnt\"}\n", // double-quoted
		"{n: \"日本語日本語\", e: 1, a: 'evnt.x == 1'}\n",                          // three-byte letters, single-quoted
		"a: '\"é\" + ''£'' == evnt.x'\n",                                     // inside the expression, with an escaped quote
		"a: event.x == \"été\" && evnt.y\n",                                  // plain
		"é: 1\na: >-\n  event.x == \"é\"\n  && evnt.y\n",                     // folded, on the next line
		"n: £\na: |\n  \"€\" == event.x &&\n  \"£\" == evnt.y\n",             // literal block
	} {
		doc := yamlx.Parse("t.yaml", []byte(src), yamlx.Limits{})
		require.Empty(t, doc.Errs, src)
		m := doc.Map(doc.Root, "")
		require.NotNil(t, m, src)
		assert.Nil(t, e.Compile(doc, m.Value("a"), "a", Bool), src)
		require.Len(t, doc.Errs, 1, src)
		lines := strings.Split(src, "\n")
		line := 0
		for line < len(lines) && !strings.Contains(lines[line], "evnt") {
			line++
		}
		want := fmt.Sprintf("t.yaml:%d:%d:", line+1, strings.Index(lines[line], "evnt")+1)
		assert.True(t, strings.HasPrefix(doc.Errs[0].Error(), want), "%q: got %s, want %s", src, doc.Errs[0], want)
	}
}

// TestErrorPositionsThroughEscapes places CEL errors in scalars whose
// value differs from their source: escapes, folded and joined lines,
// anchors and tags, line separators the YAML parser counts as line breaks
// and files do not. Each want is counted by hand, in bytes, in the comment.
func TestErrorPositionsThroughEscapes(t *testing.T) {
	e, err := New(nil, nil)
	require.NoError(t, err)
	for _, c := range []struct{ src, want string }{
		// a1 :2 _3 "4 '5 \6 u7 08 09 e10 911 '12 _13 =14 =15 _16 e17; the
		// next line, with é itself, must not be chosen.
		{"a: \"'\\u00e9' == evnt.x\"\nb: \"'é' == evnt.y\"\n", "t.yaml:1:17:"},
		// a1 :2 _3 "4 \5 x6 37 18 _9 =10 =11 _12 113 _14 &15 &16 _17 e18
		{"a: \"\\x31 == 1 && evnt.x\"\n", "t.yaml:1:18:"},
		// a1 :2 _3 "4 \5 t6 17 _8 =9 =10 _11 112 _13 &14 &15 _16 e17
		{"a: \"\\t1 == 1 && evnt.x\"\n", "t.yaml:1:17:"},
		// folded double-quoted: the value is "1 == 1 &&\nevnt.x"; line 4
		// is _1 _2 e3
		{"a: \"1 == 1\n  &&\n\n  evnt.x\"\n", "t.yaml:4:3:"},
		// an escaped line break joins the lines; line 2 is _1 _2 _3 &4 &5 _6 e7
		{"a: \"1 == 1 \\\n   && evnt.x\"\n", "t.yaml:2:7:"},
		// anchor: a1 :2 _3 &4 e5 v6 _7 e8
		{"a: &ev evnt.x\n", "t.yaml:1:8:"},
		// tag: a1 :2 _3 !4 !5 s6 t7 r8 _9 e10
		{"a: !!str evnt.x\n", "t.yaml:1:10:"},
		// anchor and tag, the text on the next line: _1 _2 e3
		{"a: &x !!str # the rule\n  evnt.x\n", "t.yaml:2:3:"},
		// U+2028 (3 bytes) is a line break to the parser, not to the file:
		// {1 n2 :3 _4 "5 x6 LS7-9 y10 "11 ,12 _13 a14 :15 _16 e17
		{"{n: \"x\u2028y\", a: evnt.x}\n", "t.yaml:1:17:"},
		// U+0085 (2 bytes): {1 n2 :3 _4 x5 NEL6-7 y8 ,9 _10 a11 :12 _13 e14
		{"{n: x\u0085y, a: evnt.x}\n", "t.yaml:1:14:"},
		// a lone \r too: {1 n2 :3 _4 "5 x6 \r7 y8 "9 ,10 _11 a12 :13 _14 e15
		{"{n: \"x\ry\", a: evnt.x}\n", "t.yaml:1:15:"},
		// CRLF in a double-quoted scalar: line 2 is _1 _2 e3
		{"a: \"1 == 1 &&\r\n  evnt.x\"\r\n", "t.yaml:2:3:"},
		// an indentation indicator: the value is "  evnt.x\n", its
		// line _1 _2 _3 _4 e5
		{"a: |2\n    evnt.x\n", "t.yaml:2:5:"},
		// folded, indicator 1: the value is "  evnt.x", its line
		// _1 _2 _3 e4
		{"a: >1-\n   evnt.x\n", "t.yaml:2:4:"},
	} {
		doc := yamlx.Parse("t.yaml", []byte(c.src), yamlx.Limits{})
		require.Empty(t, doc.Errs, c.src)
		m := doc.Map(doc.Root, "")
		require.NotNil(t, m, c.src)
		assert.Nil(t, e.Compile(doc, m.Value("a"), "a", Bool), c.src)
		require.NotEmpty(t, doc.Errs, c.src)
		assert.True(t, strings.HasPrefix(doc.Errs[0].Error(), c.want), "%q: got %s, want %s", c.src, doc.Errs[0], c.want)
	}
}
