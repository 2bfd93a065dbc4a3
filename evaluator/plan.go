package evaluator

import (
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/obligation"
)

// plan is what the engine works out once per direction, before any event:
// which obligations each event type can concern, and which triggered
// obligations pair a discharging event with its trigger by an attribute.
type plan struct {
	// byType maps each event type named in a type guard to the indexes of
	// the obligations an event of that type may satisfy, trigger or
	// breach, in obligation order; anyType lists those for other types
	// (obligations whose expressions have no type guard).
	byType  map[string][]int
	anyType []int
	// keys[i] names the attribute obligation i's discharge condition
	// requires to equal trigger.id, or is "".
	keys []string
	// trigTypes are the types that may trigger a keyed obligation; nil
	// when any type may.
	trigTypes map[string]bool
}

// plans caches plans by direction; a loaded direction never changes.
var plans sync.Map // *direction.Direction -> *plan

func planFor(d *direction.Direction) *plan {
	if p, ok := plans.Load(d); ok {
		return p.(*plan)
	}
	p := &plan{byType: map[string][]int{}, keys: make([]string, len(d.Obligations))}
	types := map[string]bool{}
	for _, o := range d.Obligations {
		for _, t := range o.EventTypes() {
			types[t] = true
		}
	}
	concerns := func(o *obligation.Obligation, t string) bool {
		return o.MaySatisfy(t) || ((o.Kind == obligation.Triggered || o.Kind == obligation.Prohibition) && o.MayTrigger(t))
	}
	for i, o := range d.Obligations {
		for t := range types {
			if concerns(o, t) {
				p.byType[t] = append(p.byType[t], i)
			}
		}
		if o.EventTypes() == nil {
			p.anyType = append(p.anyType, i)
		}
	}
	// Map iteration order is random; keep obligation order within a type.
	for t := range p.byType {
		p.byType[t] = sortedInts(p.byType[t])
	}
	anyKeyed, anyTypeTriggers := false, false
	trig := map[string]bool{}
	for i, o := range d.Obligations {
		if o.Kind != obligation.Triggered {
			continue
		}
		if p.keys[i] = triggerKey(o.SatisfiedBy()); p.keys[i] == "" {
			continue
		}
		anyKeyed = true
		for t := range types {
			if o.MayTrigger(t) {
				trig[t] = true
			}
		}
		if o.EventTypes() == nil {
			anyTypeTriggers = true
		}
	}
	if anyKeyed && !anyTypeTriggers {
		p.trigTypes = trig
	}
	actual, _ := plans.LoadOrStore(d, p)
	return actual.(*plan)
}

func sortedInts(xs []int) []int {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs
}

var parseEnv, _ = cel.NewEnv(cel.OptionalTypes())

// triggerKey returns K when the condition is a conjunction one of whose
// terms is event.K == trigger.id (either way round). Such a condition can
// only hold for a trigger whose id is the event's K, which lets the engine
// file retained events by K and drop those whose K names an event already
// seen. It returns "" for any other shape; the engine then keeps every
// candidate, which is always correct.
func triggerKey(text string) string {
	if text == "" || parseEnv == nil {
		return ""
	}
	parsed, iss := parseEnv.Parse(text)
	if iss != nil && iss.Err() != nil {
		return ""
	}
	var walk func(e ast.Expr) string
	walk = func(e ast.Expr) string {
		if e.Kind() != ast.CallKind {
			return ""
		}
		call := e.AsCall()
		args := call.Args()
		switch call.FunctionName() {
		case "_&&_":
			for _, a := range args {
				if k := walk(a); k != "" {
					return k
				}
			}
		case "_==_":
			if len(args) == 2 {
				if k := field(args[0], "event"); k != "" && field(args[1], "trigger") == "id" {
					return k
				}
				if k := field(args[1], "event"); k != "" && field(args[0], "trigger") == "id" {
					return k
				}
			}
		}
		return ""
	}
	return walk(parsed.NativeRep().Expr())
}

// field returns K for the expression v.K or v["K"], else "".
func field(e ast.Expr, v string) string {
	switch e.Kind() {
	case ast.SelectKind:
		s := e.AsSelect()
		if !s.IsTestOnly() && s.Operand().Kind() == ast.IdentKind && s.Operand().AsIdent() == v {
			return s.FieldName()
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.FunctionName() == "_[_]" && len(c.Args()) == 2 && c.Args()[0].Kind() == ast.IdentKind && c.Args()[0].AsIdent() == v {
			if l := c.Args()[1]; l.Kind() == ast.LiteralKind {
				if s, ok := l.AsLiteral().Value().(string); ok {
					return s
				}
			}
		}
	}
	return ""
}
