package evaluator

import (
	"runtime"
	"slices"
	"sync"
	"weak"

	"cel.dev/cel-go/common/ast"

	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/celenv"
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
	// keys[i] names the field (an attribute, id or type) obligation i's
	// discharge condition requires to equal trigger.id, or is "".
	keys []string
	// trigTypes are the types that may trigger a keyed obligation; nil
	// when any type may.
	trigTypes map[string]bool
	// sat[i] and when[i] are tests an event must pass for obligation i's
	// discharge and trigger (or breach) conditions to be true at all;
	// satExact[i] and whenExact[i] say that the tests (with the key, for
	// a discharge) are the whole condition, so CEL need not be called.
	sat, when           []eventFilter
	satExact, whenExact []bool
	// trigAttrs[i] says that obligation i's discharge condition may read
	// its trigger's attributes, not only trigger.id, trigger.type and
	// trigger.at; when it does not, a stream keeps each trigger without
	// its attributes (see dirState.holdTrigger).
	trigAttrs []bool
	// fields are the attributes the filters and keys read, numbered by
	// their place here (fieldTest.slot, keySlot[i]; -1 for the event's id
	// and type, which are not attributes; see eventFields).
	fields  []string
	keySlot []int
}

// eventFilter is a conjunction of tests of an event's fields against
// string literals, read from terms such as event.from == "essex" or
// event.outcome in ["granted", "complied"] at the top level of a
// condition's conjunction. An event failing one cannot make the condition
// true (CEL's && is false when any term is false, errors or not), so the
// engine skips CEL for it.
type eventFilter []fieldTest

type fieldTest struct {
	key  string
	slot int // in plan.fields; -1 for id and type
	vals []string
}

// fieldOf returns ev's field key if it is a string: its id or type (id,
// type and at are the event's own fields, never attributes; see
// event.Reserved), else the attribute of that name.
func fieldOf(ev *event.Event, key string) (string, bool) {
	switch key {
	case "id":
		return ev.ID, true
	case "type":
		return ev.Type, true
	}
	s, ok := ev.Attrs[key].(string)
	return s, ok
}

// eventFields holds the attributes of the current event that the filters
// and keys compare, each read from the event's map at most once, when a
// test first asks for it: a response meets the filters and keys of seven
// obligations, several testing the same attribute, and reading the map
// for each test was a third of the time spent on such events. Reading on
// first use, rather than every attribute any test of the event's type
// names, leaves unread what no test reaches: a request is tested by the
// trigger filters, never by the discharge filters and keys of the same
// obligations, and a filter that fails stops before its other fields.
// The engine calls next before testing each event; a slot last read for
// an earlier event is stale and is read again, so no test can see
// another event's value.
type eventFields struct {
	names []string // plan.fields
	vals  []string
	ok    []bool
	// at[s] is the event (counted by next) slot s was read for.
	at  []uint64
	cur uint64
}

func newEventFields(names []string) eventFields {
	n := len(names)
	return eventFields{names: names, vals: make([]string, n), ok: make([]bool, n), at: make([]uint64, n)}
}

// next starts a new event: every slot is stale until read again.
func (f *eventFields) next() { f.cur++ }

// get is fieldOf(ev, key), from its slot when it has one; ev is the event
// next was last called for.
func (f *eventFields) get(ev *event.Event, slot int, key string) (string, bool) {
	if slot < 0 {
		return fieldOf(ev, key)
	}
	if f.at[slot] != f.cur {
		f.vals[slot], f.ok[slot] = fieldOf(ev, f.names[slot])
		f.at[slot] = f.cur
	}
	return f.vals[slot], f.ok[slot]
}

// pass reports whether ev, whose fields f holds, passes every test. An
// attribute that is absent or not a string equals no string literal.
func (f eventFilter) pass(ev *event.Event, fields *eventFields) bool {
	for _, t := range f {
		v, ok := fields.get(ev, t.slot, t.key)
		if !ok {
			return false
		}
		found := false
		for _, x := range t.vals {
			if x == v {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// filterOf reads the field tests of a condition's top-level conjunction.
// exact reports that every term was understood: a field test, or, when
// keyed is set, the term event.K == trigger.id that triggerKey finds. Each
// such term is a plain boolean (an absent attribute reads as null, which
// equals no string), so the conjunction is then exactly the tests.
func filterOf(text string, keyed bool) (f eventFilter, exact bool) {
	root, ok := parseCond(text)
	if !ok {
		return nil, false
	}
	exact = true
	keys := 0
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if e.Kind() != ast.CallKind {
			exact = false
			return
		}
		call := e.AsCall()
		args := call.Args()
		switch call.FunctionName() {
		case "_&&_":
			for _, a := range args {
				walk(a)
			}
			return
		case "_==_":
			if len(args) != 2 {
				break
			}
			for _, pair := range [][2]ast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
				if k := field(pair[0], "event"); k != "" && k != "at" {
					if s, ok := strLit(pair[1]); ok {
						f = append(f, fieldTest{key: k, vals: []string{s}})
						return
					}
					if keyed && field(pair[1], "trigger") == "id" {
						keys++
						return
					}
				}
			}
		case "@in":
			if len(args) != 2 || args[1].Kind() != ast.ListKind {
				break
			}
			k := field(args[0], "event")
			if k == "" || k == "at" {
				break
			}
			var vals []string
			for _, el := range args[1].AsList().Elements() {
				s, ok := strLit(el)
				if !ok {
					exact = false
					return
				}
				vals = append(vals, s)
			}
			f = append(f, fieldTest{key: k, vals: vals})
			return
		}
		exact = false
	}
	walk(root)
	// The engine files candidates by one key; a second would go untested.
	return f, exact && keys <= 1
}

func strLit(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().Value().(string)
	return s, ok
}

// plans caches plans by direction; a loaded direction never changes. The
// key is weak and the entry is dropped when the direction is collected, so
// a long-running service that loads directions again and again does not
// accumulate plans.
var plans sync.Map // weak.Pointer[direction.Direction] -> *plan

func planFor(d *direction.Direction) *plan {
	key := weak.Make(d)
	if p, ok := plans.Load(key); ok {
		return p.(*plan)
	}
	p := &plan{byType: map[string][]int{}, keys: make([]string, len(d.Obligations)),
		sat: make([]eventFilter, len(d.Obligations)), when: make([]eventFilter, len(d.Obligations)),
		satExact: make([]bool, len(d.Obligations)), whenExact: make([]bool, len(d.Obligations)),
		trigAttrs: make([]bool, len(d.Obligations))}
	for i, o := range d.Obligations {
		p.sat[i], p.satExact[i] = filterOf(o.SatisfiedBy(), o.Kind == obligation.Triggered)
		p.when[i], p.whenExact[i] = filterOf(o.When(), false)
		p.trigAttrs[i] = readsTriggerAttrs(o.SatisfiedBy())
		if o.Kind == obligation.Triggered {
			p.keys[i] = triggerKey(o.SatisfiedBy())
		}
	}
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
		if p.keys[i] == "" {
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
	p.numberFields()
	actual, loaded := plans.LoadOrStore(key, p)
	if !loaded {
		runtime.AddCleanup(d, func(k weak.Pointer[direction.Direction]) { plans.Delete(k) }, key)
	}
	return actual.(*plan)
}

// numberFields gives each attribute the filters and keys read a slot.
func (p *plan) numberFields() {
	slot := map[string]int{"id": -1, "type": -1}
	slotOf := func(k string) int {
		s, ok := slot[k]
		if !ok {
			s = len(p.fields)
			slot[k] = s
			p.fields = append(p.fields, k)
		}
		return s
	}
	p.keySlot = make([]int, len(p.keys))
	for i := range p.keys {
		p.keySlot[i] = -1
		if p.keys[i] != "" {
			p.keySlot[i] = slotOf(p.keys[i])
		}
		for _, f := range []eventFilter{p.sat[i], p.when[i]} {
			for j := range f {
				f[j].slot = slotOf(f[j].key)
			}
		}
	}
}

func sortedInts(xs []int) []int {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs
}

// parseCond parses a condition's text to read its shape. The texts of a
// loaded direction were parsed when it was compiled, and celenv keeps
// them: a plan reads each text three times (filters, key, trigger
// attributes) and parses none.
func parseCond(text string) (ast.Expr, bool) {
	if text == "" {
		return nil, false
	}
	return celenv.Parsed(text)
}

// triggerKey returns K when the condition is a conjunction one of whose
// terms is event.K == trigger.id (either way round). Such a condition can
// only hold for a trigger whose id is the event's K, which lets the engine
// file retained events by K and drop those whose K names an event already
// seen. K may be an attribute or the event's own id or type (the term
// event.id == trigger.id lets an event discharge the instance it
// triggers); event.at, a time, never equals an id and is not a key. It
// returns "" for any other shape; the engine then keeps every candidate,
// which is always correct.
func triggerKey(text string) string {
	root, ok := parseCond(text)
	if !ok {
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
				for _, pair := range [][2]ast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
					if k := field(pair[0], "event"); k != "" && k != "at" && field(pair[1], "trigger") == "id" {
						return k
					}
				}
			}
		}
		return ""
	}
	return walk(root)
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

// readsTriggerAttrs reports whether a condition may read its trigger's
// attributes: whether "trigger" appears other than as trigger.id,
// trigger.type or trigger.at (has(trigger.x), trigger["x"], trigger.due,
// the trigger passed whole). When unsure it says yes.
func readsTriggerAttrs(text string) bool {
	if text == "" {
		return false
	}
	idents, plain, ok := triggerUses(text, "id", "type", "at")
	return !ok || idents != plain
}

// triggerUses is varUses of the variable trigger.
func triggerUses(text string, fields ...string) (idents, selected int, ok bool) {
	return varUses(text, "trigger", fields...)
}

// varUses parses a condition and counts the identifiers naming the
// variable name in it (also written with a leading dot, .trigger) and,
// of those, the ones that are only selected for one of fields
// (trigger.at, say). ok is false when the text does not parse.
func varUses(text, name string, fields ...string) (idents, selected int, ok bool) {
	root, ok := parseCond(text)
	if !ok {
		return 0, 0, false
	}
	ast.PostOrderVisit(root, ast.NewExprVisitor(func(e ast.Expr) {
		switch e.Kind() {
		case ast.IdentKind:
			if id := e.AsIdent(); id == name || id == "."+name {
				idents++
			}
		case ast.SelectKind:
			if slices.Contains(fields, field(e, name)) {
				selected++
			}
		}
	}))
	return idents, selected, true
}
