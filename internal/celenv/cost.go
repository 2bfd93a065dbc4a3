package celenv

import (
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/dfe-tools/directions/internal/yamlx"
)

// CostLimits bound what an expression may cost, in CEL's abstract cost
// units (roughly one per operation, plus one per ten bytes of string
// handled). The zero value means the defaults.
type CostLimits struct {
	// MaxEstimated rejects at load an expression whose worst-case cost,
	// estimated by CEL's static analysis, exceeds it. Variables (event,
	// trigger, ...) are assumed to hold at most AssumedSize elements or
	// bytes in any list, map or string. Default 1,000,000.
	MaxEstimated uint64
	// MaxEval stops one evaluation of one expression against one event
	// once it has cost this much. Default 1,000,000.
	MaxEval uint64
}

// DefaultCostLimits are used where CostLimits fields are zero.
var DefaultCostLimits = CostLimits{MaxEstimated: 1_000_000, MaxEval: 1_000_000}

// AssumedSize is the size the load-time estimate assumes for any list, map
// or string read from a variable. Typical expressions never iterate over
// event data, so this only matters for comprehensions.
const AssumedSize = 100

// Caps on the work one call to a working-day function may do; beyond them
// the call is an error rather than a long loop.
const (
	maxWorkingDays     = 10_000  // about 40 years
	maxWorkingDaysSpan = 100_000 // calendar days, about 270 years
)

func (l CostLimits) withDefaults() CostLimits {
	if l.MaxEstimated == 0 {
		l.MaxEstimated = DefaultCostLimits.MaxEstimated
	}
	if l.MaxEval == 0 {
		l.MaxEval = DefaultCostLimits.MaxEval
	}
	return l
}

// SetCostLimits sets the limits later Compile calls apply. Call it before
// compiling; an Env is not safe to reconfigure while in use.
func (e *Env) SetCostLimits(l CostLimits) { e.cost = l.withDefaults() }

// estimator bounds the sizes of values read from variables and prices the
// working-day functions, which loop over days.
type estimator struct{}

func (estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	depth := len(n.Path())
	if depth == 0 {
		return nil
	}
	s := cost.RangedSizeEstimate(0, AssumedSize)
	if t := n.Type(); t != nil && isDyn(t.Kind()) {
		s.Elem = assumedItems(depth + 1)
	}
	return &s
}

// maxHintDepth is cel-go's bound on how deep the default sizing strategy
// asks an estimator about the items of items of a dyn value
// (common/cost's maxHintDepth).
const maxHintDepth = 32

// assumedItems is the size estimate of the items of a dyn value whose
// items' path is depth long: AssumedSize, the items' own items at
// depth+1, and so on to maxHintDepth.
//
// It is exactly what cel-go's default strategy works out for a dyn value
// by asking the estimator about its "@items", then theirs, to
// maxHintDepth, since EstimateSize answers AssumedSize for any path; but
// cel-go copies the path at each level of that walk, for every dyn value
// in every expression (a quarter of the time a direction took to load).
// Given here, the strategy takes it as is. TestEstimatorAgreesWithWalk
// compares the two on a catalogue of expressions. A fresh chain each call:
// cel-go writes into the estimates it is given.
func assumedItems(depth int) *cost.SizeEstimate {
	if depth > maxHintDepth {
		return nil
	}
	s := cost.RangedSizeEstimate(0, AssumedSize)
	s.Elem = assumedItems(depth + 1)
	return &s
}

func isDyn(k types.Kind) bool {
	return k == types.DynKind || k == types.AnyKind || k == types.TypeParamKind
}

func (estimator) EstimateCallCost(function, _ string, _ *cost.AstNode, _ []cost.AstNode) *cost.CallEstimate {
	switch function {
	case "addWorkingDays":
		return cost.NewCallEstimate(cost.RangedCostEstimate(1, maxWorkingDays/10), nil)
	case "workingDaysBetween":
		return cost.NewCallEstimate(cost.RangedCostEstimate(1, maxWorkingDaysSpan/10), nil)
	}
	return nil
}

// CallCost prices the working-day functions at run time by the days they
// stepped through, and other calls on long values by their length.
func (estimator) CallCost(function, _ string, args []ref.Val, result ref.Val) *uint64 {
	var c uint64
	switch function {
	case "addWorkingDays":
		if n, ok := args[len(args)-1].(types.Int); ok {
			c = uint64(min(max(n, -n), maxWorkingDays))/10 + 1
		}
	case "workingDaysBetween":
		if a, ok := args[0].(types.Timestamp); ok {
			if b, ok := args[1].(types.Timestamp); ok {
				d := a.Sub(b.Time).Hours() / 24
				c = uint64(min(max(d, -d), maxWorkingDaysSpan))/10 + 1
			}
		}
	default:
		// CEL prices string work by length only when it knows, at check
		// time, that the operands are strings; event attributes are dyn,
		// so concatenating them would cost 1 however long they are. Price
		// any call that handles long values by their length instead.
		size := valueSize(args...) + valueSize(result)
		if size < 100 {
			return nil
		}
		c = 1 + size/10
	}
	return &c
}

// valueSize sums the lengths of strings and bytes and the sizes of lists
// and maps among vals.
func valueSize(vals ...ref.Val) uint64 {
	var n uint64
	for _, v := range vals {
		switch x := v.(type) {
		case types.String:
			n += uint64(len(x))
		case types.Bytes:
			n += uint64(len(x))
		case traits.Sizer:
			if sz, ok := x.Size().(types.Int); ok && sz > 0 {
				n += uint64(sz)
			}
		}
	}
	return n
}

func costError(est cost.Estimate, limit uint64) string {
	return fmt.Sprintf("expression is too expensive: its estimated worst-case cost is %s, over the limit of %d "+
		"(comprehensions over event data are assumed to see up to %d elements; avoid nesting them, or %s)",
		costString(est.Max), limit, AssumedSize, yamlx.RaiseLimit("Cost.MaxEstimated"))
}

func costString(c uint64) string {
	if c == ^uint64(0) {
		return "unbounded"
	}
	return fmt.Sprint(c)
}

// metered reports whether an expression's evaluation must be metered
// against CostLimits.MaxEval. Metering makes each evaluation about three
// times slower, so it is kept for expressions that can do more work than
// one pass over their inputs: those with a comprehension (all, exists,
// map, filter...), and those that build strings or lists (+ on anything but
// numbers and times, and the strings extension's format, replace, join,
// split and quote). The rest read each input a bounded number of times, so
// their cost is linear in the history, which MaxBytes bounds.
func metered(checked *cel.Ast) bool {
	a := checked.NativeRep()
	found := false
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		switch x.Kind() {
		case ast.ComprehensionKind:
			found = true
		case ast.CallKind:
			switch x.AsCall().FunctionName() {
			case "_+_":
				switch a.GetType(x.ID()) {
				case cel.IntType, cel.UintType, cel.DoubleType, cel.TimestampType, cel.DurationType:
				default:
					found = true
				}
			case "format", "replace", "join", "split", "strings.quote":
				found = true
			}
		}
	}))
	return found
}

// unbounded lists functions whose single call can take time proportional
// to the product of its operands' lengths: cel-go's indexOf and
// lastIndexOf compare rune by rune at every offset. A cost limit cannot
// stop them, since CEL counts a call's cost after it returns, so they are
// refused at load; so is replace, unless its result cannot grow.
var unbounded = map[string]string{
	"indexOf":     "contains, startsWith, endsWith or matches",
	"lastIndexOf": "contains, startsWith, endsWith or matches",
}

// checkUnbounded reports each call to an unbounded function at its name.
func (p *Program) checkUnbounded(doc *yamlx.Doc, path string) bool {
	a := p.checked.NativeRep()
	ok := true
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		if x.Kind() != ast.CallKind {
			return
		}
		name := x.AsCall().FunctionName()
		instead, bad := unbounded[name]
		if name == "replace" {
			bad, instead = !shrinkingReplace(x.AsCall().Args()), "replace with literal strings, the replacement no longer than the text it replaces"
		}
		if !bad {
			return
		}
		start := 0
		if off, found := a.SourceInfo().GetOffsetRange(x.ID()); found {
			start = int(off.Start)
		}
		line, col := p.locate(start, name, true)
		what := "one call can take time proportional to the product of the two strings' lengths"
		if name == "replace" {
			what = "one call can build a string as long as the text times the replacement"
		}
		doc.Errs.Add(mapPosition(doc, p.node, p.Text, line, col), path, "%s is not available here: %s; use %s", name, what, instead)
		ok = false
	}))
	return ok
}

// shrinkingReplace reports whether a replace call's arguments are literal
// strings, the replacement no longer than the text it replaces, so that its
// result is no longer than its input. Args are the text, the replacement
// and, optionally, a count (the receiver is the call's target).
func shrinkingReplace(args []ast.Expr) bool {
	if len(args) < 2 {
		return false
	}
	old, ok1 := stringLit(args[0])
	repl, ok2 := stringLit(args[1])
	return ok1 && ok2 && old != "" && len(repl) <= len(old)
}
