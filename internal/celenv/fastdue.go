package celenv

import (
	"time"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/dfe-tools/directions/civil"
)

// A triggered obligation's due date is nearly always written in one of a
// few shapes:
//
//	trigger.at
//	addDays(trigger.at, N)            N an int literal or params.x
//	addWorkingDays(trigger.at, N)
//	has(trigger.f) ? E : one of the above
//
// For these, fastTime returns a function that computes the result in Go
// with the very functions CEL would call, so the answer is the same; it
// gives up (ok false), leaving the work to CEL, whenever CEL might do
// anything else: the trigger has the attribute f (E is then evaluated), a
// parameter is missing or not an int, or the step or result is out of the
// range the functions check (CEL then words the error).
func (e *Env) fastTime(x ast.Expr) func(a *Activation) (time.Time, bool) {
	if x.Kind() == ast.CallKind && x.AsCall().FunctionName() == operators.Conditional {
		args := x.AsCall().Args()
		field, ok := triggerField(args[0], true)
		if !ok || field == "id" || field == "type" || field == "at" {
			return nil
		}
		els := e.fastTime(args[2])
		if els == nil {
			return nil
		}
		return func(a *Activation) (time.Time, bool) {
			tv, ok := a.Trigger.(EventValue)
			if !ok || tv.Ev == nil {
				return time.Time{}, false
			}
			if _, has := tv.Ev.Attrs[field]; has {
				return time.Time{}, false
			}
			return els(a)
		}
	}
	if f, ok := triggerField(x, false); ok && f == "at" {
		return func(a *Activation) (time.Time, bool) {
			tv, ok := a.Trigger.(EventValue)
			if !ok || tv.Ev == nil {
				return time.Time{}, false
			}
			return tv.Ev.At, true
		}
	}
	if x.Kind() != ast.CallKind || x.AsCall().IsMemberFunction() || len(x.AsCall().Args()) != 2 {
		return nil
	}
	fn := x.AsCall().FunctionName()
	if fn != "addDays" && (fn != "addWorkingDays" || e.cal == nil) {
		return nil
	}
	args := x.AsCall().Args()
	if f, ok := triggerField(args[0], false); !ok || f != "at" {
		return nil
	}
	n := intArg(args[1])
	if n == nil {
		return nil
	}
	return func(a *Activation) (time.Time, bool) {
		tv, ok := a.Trigger.(EventValue)
		if !ok || tv.Ev == nil {
			return time.Time{}, false
		}
		k, ok := n(a)
		if !ok {
			return time.Time{}, false
		}
		t := tv.Ev.At.In(e.loc)
		d := civil.Of(t)
		if fn == "addDays" {
			if k > maxDays || k < -maxDays {
				return time.Time{}, false
			}
			d = d.AddDays(int(k))
			if d.Year < 1 || d.Year > 9999 {
				return time.Time{}, false
			}
		} else {
			if k > maxWorkingDays || k < -maxWorkingDays {
				return time.Time{}, false
			}
			d = AddWorkingDays(e.cal, d, int(k))
			if d.Year < 1 || d.Year > 9999 {
				return time.Time{}, false
			}
		}
		return e.atDayTime(d, t), true
	}
}

// triggerField recognises trigger.f (or has(trigger.f) when test is set).
func triggerField(x ast.Expr, test bool) (string, bool) {
	if x.Kind() != ast.SelectKind {
		return "", false
	}
	s := x.AsSelect()
	if s.IsTestOnly() != test || s.Operand().Kind() != ast.IdentKind || s.Operand().AsIdent() != "trigger" {
		return "", false
	}
	return s.FieldName(), true
}

// intArg recognises an int literal or params.x.
func intArg(x ast.Expr) func(a *Activation) (int64, bool) {
	switch x.Kind() {
	case ast.LiteralKind:
		if v, ok := x.AsLiteral().(types.Int); ok {
			return func(*Activation) (int64, bool) { return int64(v), true }
		}
	case ast.SelectKind:
		s := x.AsSelect()
		if s.IsTestOnly() || s.Operand().Kind() != ast.IdentKind || s.Operand().AsIdent() != "params" {
			return nil
		}
		name := s.FieldName()
		key := types.String(name)
		return func(a *Activation) (int64, bool) {
			if a.Params == nil {
				return 0, false
			}
			// Parameters read from YAML are a map[string]any whose
			// integers are int64, which CEL reads as that Int; reading
			// the map directly spares boxing the value on every trigger.
			if m, ok := a.Params.Value().(map[string]any); ok {
				v, ok := m[name].(int64)
				return v, ok
			}
			m, ok := a.Params.(interface{ Find(ref.Val) (ref.Val, bool) })
			if !ok {
				return 0, false
			}
			v, found := m.Find(key)
			if !found {
				return 0, false
			}
			i, ok := v.(types.Int)
			return int64(i), ok
		}
	}
	return nil
}
