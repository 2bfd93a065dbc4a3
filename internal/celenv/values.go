package celenv

import (
	"fmt"
	"reflect"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/dfe-tools/directions/event"
)

// EventValue presents an event to CEL as a map with the keys id, type, at
// and its attributes. Reading an attribute the event lacks gives null (so
// event.meeting == trigger.id is simply false for a report tabled at no
// meeting); has(event.meeting) tells whether it is there.
type EventValue struct{ Ev *event.Event }

var _ ref.Val = EventValue{}

func (v EventValue) lookup(key string) (ref.Val, bool) {
	switch key {
	case "id":
		return types.String(v.Ev.ID), true
	case "type":
		return types.String(v.Ev.Type), true
	case "at":
		return types.Timestamp{Time: v.Ev.At}, true
	}
	a, ok := v.Ev.Attrs[key]
	if !ok {
		return types.NullValue, false
	}
	return Native(a), true
}

// Native converts an attribute value to CEL. A whole-number float (3.0,
// as encoding/json gives) is an int, as the same number written 3 in YAML
// is, so that functions taking an int accept it; comparisons with
// doubles (event.n > 2.5) work either way, and double(event.n) * 1.5
// does arithmetic in doubles whatever the history wrote.
func Native(a any) ref.Val {
	switch x := a.(type) {
	case string:
		return types.String(x)
	case int64:
		return types.Int(x)
	case float64:
		if n, ok := event.WholeNumber(x); ok {
			return types.Int(n)
		}
		return types.Double(x)
	case bool:
		return types.Bool(x)
	case nil:
		return types.NullValue
	}
	return types.DefaultTypeAdapter.NativeToValue(a)
}

// FindStringKey is cel-go's fast path for field selection.
func (v EventValue) FindStringKey(key string) (any, bool) { return v.lookup(key) }

// Get returns the value of a key, or null when the event lacks it.
func (v EventValue) Get(key ref.Val) ref.Val {
	s, ok := key.(types.String)
	if !ok {
		return types.NewErr("event keys are strings, got %s", key.Type())
	}
	val, _ := v.lookup(string(s))
	return val
}

// IsSet answers has(event.key).
func (v EventValue) IsSet(key ref.Val) ref.Val {
	s, ok := key.(types.String)
	if !ok {
		return types.False
	}
	_, found := v.lookup(string(s))
	return types.Bool(found)
}

// Contains answers "key" in event.
func (v EventValue) Contains(key ref.Val) ref.Val { return v.IsSet(key) }

// ConvertToNative is not supported beyond the event itself.
func (v EventValue) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeOf(v) {
		return v, nil
	}
	return nil, fmt.Errorf("an event cannot be converted to %v", t)
}

// ConvertToType supports type(event).
func (v EventValue) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return types.MapType
	}
	return types.NewErr("an event cannot be converted to %s", t.TypeName())
}

// Equal compares events by identity of id and time.
func (v EventValue) Equal(o ref.Val) ref.Val {
	w, ok := o.(EventValue)
	return types.Bool(ok && w.Ev.ID == v.Ev.ID && w.Ev.At.Equal(v.Ev.At))
}

// Type is map, as declared to the checker.
func (v EventValue) Type() ref.Type { return types.MapType }

// Value returns the event.
func (v EventValue) Value() any { return v.Ev }

// Activation binds the variables for one evaluation. It is reused across
// evaluations to avoid building a map per event; it is not safe for
// concurrent use.
type Activation struct {
	Event, Trigger, Instance, Direction, Params ref.Val
}

// ResolveName implements interpreter.Activation.
func (a *Activation) ResolveName(name string) (any, bool) {
	var v ref.Val
	switch name {
	case "event":
		v = a.Event
	case "trigger":
		v = a.Trigger
	case "instance":
		v = a.Instance
	case "direction":
		v = a.Direction
	case "params":
		v = a.Params
	}
	return v, v != nil
}

// Parent implements interpreter.Activation.
func (a *Activation) Parent() interpreter.Activation { return nil }

// Programs are an obligation's compiled expressions: SatisfiedBy is nil
// for a prohibition, When is set for triggered and prohibition
// obligations, Due for triggered ones, and AssumedUnless is the
// deadline_assumed.unless condition of a triggered obligation, if any.
type Programs struct {
	SatisfiedBy, When, Due, AssumedUnless *Program
}

// Value is a CEL value.
type Value = ref.Val

// Map converts a Go map for binding as a variable.
func Map(m map[string]any) ref.Val { return types.DefaultTypeAdapter.NativeToValue(m) }

// EvalBool evaluates a condition.
func (p *Program) EvalBool(a *Activation) (bool, error) {
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("condition gave %s, not a bool", out.Type().TypeName())
	}
	return bool(b), nil
}

// EvalTime evaluates a timestamp expression.
func (p *Program) EvalTime(a *Activation) (time.Time, error) {
	if p.fast != nil {
		if t, ok := p.fast(a); ok {
			return t, nil
		}
	}
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return time.Time{}, err
	}
	t, ok := out.(types.Timestamp)
	if !ok {
		return time.Time{}, fmt.Errorf("expression gave %s, not a timestamp", out.Type().TypeName())
	}
	return t.Time, nil
}
