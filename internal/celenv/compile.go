package celenv

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// Program is a compiled, type-checked expression and where it was written.
type Program struct {
	Text string
	Pos  diag.Position
	prg  cel.Program
	// EventTypes, when not nil, lists the only event types for which the
	// expression can be true, read from its event.type guards. Callers may
	// skip other events without evaluating it.
	EventTypes []string
	// Uses holds the variables the expression refers to.
	Uses map[string]bool
	// checked is the type-checked AST, before optimisation, for
	// CheckAttributes.
	checked *cel.Ast
	node    *yaml.Node
	// fast, when set, computes the expression in Go for the common
	// shapes of a triggered due date (see fastdue.go); ok false sends
	// the caller to CEL.
	fast func(a *Activation) (t time.Time, ok bool)
}

// Result types an expression must have.
var (
	Bool      = cel.BoolType
	Timestamp = cel.TimestampType
)

// Compile parses and type-checks the expression in node, reporting every
// problem at its place in the YAML file, and checks that its result has
// type want.
func (e *Env) Compile(doc *yamlx.Doc, node *yaml.Node, path string, want *cel.Type) *Program {
	text, ok := doc.Scalar(node, path, "a CEL expression")
	if !ok {
		return nil
	}
	p := &Program{Text: text, Pos: doc.Pos(node)}
	c := e.check(text)
	if c.iss != nil {
		for _, ce := range c.iss.Errors() {
			pos := mapPosition(doc, node, text, ce.Location.Line(), ce.Location.Column())
			doc.Errs.Add(pos, path, "%s%s", ce.Message, hint(ce.Message))
		}
		return nil
	}
	checked := c.ast
	if !checked.OutputType().IsExactType(want) && checked.OutputType() != cel.DynType {
		doc.Errorf(node, path, "expression has type %s but must be %s", checked.OutputType(), describeType(want))
		return nil
	}
	if est, err := c.est, c.estErr; err != nil {
		doc.Errorf(node, path, "cannot estimate the expression's cost (%v); write it more simply", err)
		return nil
	} else if est.Max > e.cost.MaxEstimated {
		doc.Errorf(node, path, "%s", costError(est, e.cost.MaxEstimated))
		return nil
	}
	p.checked, p.node = checked, node
	if !p.checkUnbounded(doc, path) {
		return nil
	}
	p.EventTypes = eventTypeGuard(checked.NativeRep().Expr())
	p.Uses = map[string]bool{}
	ast.PostOrderVisit(checked.NativeRep().Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() == ast.IdentKind {
			p.Uses[x.AsIdent()] = true
		}
	}))
	opt, err := cel.NewStaticOptimizer(cel.NewConstantFoldingOptimizer())
	if err == nil {
		if folded, iss := opt.Optimize(e.env, checked); iss == nil || iss.Err() == nil {
			checked = folded
		}
	}
	progOpts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	if metered(checked) {
		progOpts = append(progOpts, cel.CostTracking(estimator{}), cel.CostLimit(e.cost.MaxEval))
	}
	prg, err := e.env.Program(checked, progOpts...)
	if err != nil {
		doc.Errorf(node, path, "cannot build program: %v", err)
		return nil
	}
	p.prg = prg
	if want == Timestamp && !metered(checked) {
		p.fast = e.fastTime(p.checked.NativeRep().Expr())
	}
	return p
}

// checkedExpr is an expression text parsed, type-checked and its cost
// estimated: the work of compiling it that depends on the text alone.
type checkedExpr struct {
	ast *cel.Ast
	// parsed is the expression as parsed, before the checker rewrote
	// parts of it in place, for Parsed.
	parsed ast.Expr
	iss    *cel.Issues // the parse or check errors, or nil
	est    cost.Estimate
	estErr error
}

// checkedTexts keeps the checkedExpr of each text compiled without error,
// for every Env: parsing and checking are most of loading a direction, and
// the same text recurs within a direction (has(trigger.due) six times in
// Barnet's of January 2018) and across the directions of a folder or a
// tree. Sharing is sound because every Env extends baseEnv with the same
// declarations, only their bindings (the zone, the calendar) differing,
// and a checked AST names overloads, not bindings; cel-go only reads a
// checked AST (its optimiser works on a copy, and folds constants with the
// Env's own bindings). Texts that do not parse or check are not kept;
// whatever is reported about a text is reported at the place of each
// occurrence. When full it starts again: a bound for a long-running server.
var checkedTexts struct {
	sync.Mutex
	m map[string]*checkedExpr
}

const maxCheckedTexts = 4096

func (e *Env) check(text string) *checkedExpr {
	checkedTexts.Lock()
	c := checkedTexts.m[text]
	checkedTexts.Unlock()
	if c != nil {
		return c
	}
	c = &checkedExpr{}
	// What e.env.Compile does, with a copy of the parsed AST kept.
	parsed, iss := e.env.Parse(text)
	if iss != nil && iss.Err() != nil {
		c.iss = iss
		return c
	}
	c.parsed = ast.Copy(parsed.NativeRep()).Expr()
	c.ast, iss = e.env.Check(parsed)
	if iss != nil && iss.Err() != nil {
		c.iss = iss
		return c
	}
	c.est, c.estErr = e.env.EstimateCost(c.ast, estimator{})
	checkedTexts.Lock()
	if checkedTexts.m == nil || len(checkedTexts.m) >= maxCheckedTexts {
		checkedTexts.m = map[string]*checkedExpr{}
	}
	checkedTexts.m[text] = c
	checkedTexts.Unlock()
	return c
}

func describeType(t *cel.Type) string {
	switch t {
	case Bool:
		return "bool (a condition that is true or false)"
	case Timestamp:
		return `timestamp (a point in time, such as date("2018-05-31") or trigger.at)`
	}
	return t.String()
}

func hint(msg string) string {
	switch {
	case strings.Contains(msg, "token recognition error at: '= '"):
		return " (compare with ==; = alone is not an operator)"
	case strings.Contains(msg, "recursion limit exceeded"), strings.Contains(msg, "max recursion depth exceeded"):
		return " (an expression may nest at most 250 levels of brackets and operators; write it more simply)"
	case strings.Contains(msg, "code point size exceeds limit"):
		return " (an expression is at most 100,000 characters; write it more simply)"
	case strings.Contains(msg, "found no matching overload for '_") && strings.Contains(msg, "applied to '("):
		return " (both sides must be of one kind: compare timestamps such as event.at or date(\"2018-05-31\") with timestamps, numbers with numbers, strings with strings)"
	}
	if strings.Contains(msg, "undeclared reference to '") && !strings.Contains(msg, "did you mean") {
		if name := msg[strings.Index(msg, "'")+1:]; strings.Contains(name, "'") {
			name = name[:strings.Index(name, "'")]
			return fmt.Sprintf(" (variables are %s; a string needs quotes, as in \"%s\")", strings.Join(Variables, ", "), name)
		}
	}
	if strings.Contains(msg, "undeclared reference to '") || strings.Contains(msg, "found no matching overload") {
		if strings.Contains(msg, "undeclared reference") && strings.Contains(msg, "(in container") {
			name := msg[strings.Index(msg, "'")+1:]
			name = name[:strings.Index(name, "'")]
			return fmt.Sprintf(" (variables are %s; functions include date, addMonths, addDays, endOfMonth, endOfDay, daysBetween, addWorkingDays, workingDaysBetween%s)",
				strings.Join(Variables, ", "), yamlx.Suggest(name, append(append([]string{}, Variables...), "date", "addMonths", "addDays", "endOfMonth", "endOfDay", "daysBetween", "addWorkingDays", "workingDaysBetween")))
		}
	}
	return ""
}

// mapPosition turns a CEL location (1-based line, 0-based column in code
// points) into a file position, its column in bytes as every position's
// (docs/limits.md): the location's byte in the expression's text, placed
// by yamlx through the scalar's quotes, escapes and folded lines.
func mapPosition(doc *yamlx.Doc, node *yaml.Node, text string, line, col int) diag.Position {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	for c := 0; c < col && off < len(text); c++ {
		_, size := utf8.DecodeRuneInString(text[off:])
		off += size
	}
	return doc.ValuePos(node, off)
}

// eventTypeGuard reads the event types an expression is limited to from
// conjuncts such as event.type == "report" or event.type in ["a", "b"],
// and from disjunctions of guarded expressions. It returns nil when the
// expression is not so limited.
func eventTypeGuard(e ast.Expr) []string {
	if e.Kind() != ast.CallKind {
		return nil
	}
	call := e.AsCall()
	args := call.Args()
	switch call.FunctionName() {
	case "_&&_":
		var best []string
		for _, a := range args {
			if g := eventTypeGuard(a); g != nil && (best == nil || len(g) < len(best)) {
				best = g
			}
		}
		return best
	case "_||_":
		set := map[string]bool{}
		for _, a := range args {
			g := eventTypeGuard(a)
			if g == nil {
				return nil
			}
			for _, t := range g {
				set[t] = true
			}
		}
		out := make([]string, 0, len(set))
		for t := range set {
			out = append(out, t)
		}
		sort.Strings(out)
		return out
	case "_==_":
		if len(args) == 2 {
			if isEventType(args[0]) {
				if s, ok := stringLit(args[1]); ok {
					return []string{s}
				}
			}
			if isEventType(args[1]) {
				if s, ok := stringLit(args[0]); ok {
					return []string{s}
				}
			}
		}
	case "@in":
		if len(args) == 2 && isEventType(args[0]) && args[1].Kind() == ast.ListKind {
			var out []string
			for _, el := range args[1].AsList().Elements() {
				s, ok := stringLit(el)
				if !ok {
					return nil
				}
				out = append(out, s)
			}
			sort.Strings(out)
			return out
		}
	}
	return nil
}

func isEventType(e ast.Expr) bool {
	if e.Kind() == ast.SelectKind {
		sel := e.AsSelect()
		if sel.FieldName() == "type" && !sel.IsTestOnly() && sel.Operand().Kind() == ast.IdentKind && sel.Operand().AsIdent() == "event" {
			return true
		}
	}
	if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == "_[_]" {
		args := e.AsCall().Args()
		if s, ok := stringLit(args[1]); ok && s == "type" && args[0].Kind() == ast.IdentKind && args[0].AsIdent() == "event" {
			return true
		}
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

// Parsed returns a condition's text as parsed, to read its shape (the
// evaluator's plans do), and false if it does not parse. A text a
// direction has compiled is not parsed again. The expression is shared:
// it must not be changed.
func Parsed(text string) (ast.Expr, bool) {
	checkedTexts.Lock()
	c := checkedTexts.m[text]
	checkedTexts.Unlock()
	if c != nil && c.parsed != nil {
		return c.parsed, true
	}
	base, err := baseEnv()
	if err != nil {
		return nil, false
	}
	parsed, iss := base.Parse(text)
	if iss != nil && iss.Err() != nil {
		return nil, false
	}
	return parsed.NativeRep().Expr(), true
}

// ForgetTexts empties the texts kept for every Env, for benchmarks that
// measure a first load.
func ForgetTexts() {
	checkedTexts.Lock()
	checkedTexts.m = nil
	checkedTexts.Unlock()
}
