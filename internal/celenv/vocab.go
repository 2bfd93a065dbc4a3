package celenv

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/ast"

	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// CheckAttributes checks the expression against a vocabulary: every
// event.x and trigger.x it reads must be id, type, at or an attribute that
// the event types it can see declare, and every type it compares
// event.type with must be declared. The types event can be are its own
// event.type guards (all declared types when it has none); trigger's are
// triggerTypes, the guards of the obligation's trigger condition (nil for
// all). Problems go to doc.Errs at the misspelt name; it reports whether
// there were none.
func (p *Program) CheckAttributes(doc *yamlx.Doc, path string, v *event.Vocabulary, triggerTypes []string) bool {
	if p == nil || p.checked == nil || v == nil {
		return true
	}
	src := p.checked.NativeRep().SourceInfo()
	ok := true
	report := func(id int64, name string, format string, args ...any) {
		off, found := src.GetOffsetRange(id)
		start := 0
		if found {
			start = int(off.Start)
		}
		line, col := p.locate(start, name, false)
		doc.Errs.Add(mapPosition(doc, p.node, p.Text, line, col), path, format, args...)
		ok = false
	}
	known := func(types []string) []string {
		return append([]string{"id", "type", "at"}, v.AttrNames(types)...)
	}
	// Attributes are checked against the declared types among the guards;
	// with none declared, the unknown types are reported, not attributes.
	scope := map[string][]string{}
	for variable, types := range map[string][]string{"event": p.EventTypes, "trigger": triggerTypes} {
		var declared []string
		for _, t := range types {
			if _, ok := v.Types[t]; ok {
				declared = append(declared, t)
			}
		}
		if types == nil || declared != nil {
			scope[variable] = declared
		}
	}
	checkType := func(lit ast.Expr) {
		s, isStr := stringLit(lit)
		if _, declared := v.Types[s]; isStr && !declared {
			report(lit.ID(), s, "unknown event type %q%s", s, yamlx.Suggest(s, v.TypeNames()))
		}
	}
	ast.PostOrderVisit(p.checked.NativeRep().Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		var variable, field string
		var id int64
		switch x.Kind() {
		case ast.SelectKind:
			sel := x.AsSelect()
			if sel.Operand().Kind() != ast.IdentKind {
				return
			}
			variable, field, id = sel.Operand().AsIdent(), sel.FieldName(), x.ID()
		case ast.CallKind:
			call := x.AsCall()
			args := call.Args()
			switch call.FunctionName() {
			case "_[_]":
				if args[0].Kind() != ast.IdentKind {
					return
				}
				s, isStr := stringLit(args[1])
				if !isStr {
					return
				}
				variable, field, id = args[0].AsIdent(), s, args[1].ID()
			case "_==_", "_!=_":
				if isEventType(args[0]) {
					checkType(args[1])
				} else if isEventType(args[1]) {
					checkType(args[0])
				}
				return
			case "@in":
				if isEventType(args[0]) && args[1].Kind() == ast.ListKind {
					for _, el := range args[1].AsList().Elements() {
						checkType(el)
					}
				}
				return
			default:
				return
			}
		default:
			return
		}
		types, watched := scope[variable]
		if !watched {
			return
		}
		names := known(types)
		if slices.Contains(names, field) {
			return
		}
		which := "any declared event type"
		if types != nil {
			which = "event type " + strings.Join(quoteAll(types), " or ")
		}
		if variable == "trigger" && types != nil {
			which = "the trigger's event type " + strings.Join(quoteAll(types), " or ")
		}
		hint := yamlx.Suggest(field, names)
		if slices.Contains(known(nil), field) {
			report(id, field, "%s.%s is not an attribute of %s, so it would always read as null%s", variable, field, which, hint)
			return
		}
		report(id, field, "unknown attribute %s.%s: no attribute of %s is called %q%s", variable, field, which, field, hint)
	}))
	return ok
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// locate turns a CEL offset (in code points) into the 1-based line and
// 0-based column of name's first occurrence at or after it, or with before
// its last occurrence before it: CEL places a selection at its dot, has()
// at its parenthesis, and a member call at the parenthesis after the
// function's name.
func (p *Program) locate(start int, name string, before bool) (int, int) {
	text := p.Text
	byteOff := 0
	for i := 0; i < start && byteOff < len(text); i++ {
		_, size := utf8.DecodeRuneInString(text[byteOff:])
		byteOff += size
	}
	if i := strings.LastIndex(text[:byteOff], name); before && i >= 0 {
		byteOff = i
	} else if i := strings.Index(text[byteOff:], name); i >= 0 {
		byteOff += i
	}
	line, col := 1, 0
	for _, r := range text[:byteOff] {
		if r == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	return line, col
}

// CheckFields reports every variable.X and variable["X"] in the expression
// whose X is not among the names known for that variable, with a
// suggestion; variables not in known are not checked. The direction loader
// uses it for params, direction and instance, whose keys are known at load.
func (p *Program) CheckFields(doc *yamlx.Doc, path string, known map[string][]string) bool {
	if p == nil || p.checked == nil {
		return true
	}
	src := p.checked.NativeRep().SourceInfo()
	ok := true
	ast.PostOrderVisit(p.checked.NativeRep().Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		var variable, field string
		var id int64
		switch {
		case x.Kind() == ast.SelectKind && x.AsSelect().Operand().Kind() == ast.IdentKind:
			variable, field, id = x.AsSelect().Operand().AsIdent(), x.AsSelect().FieldName(), x.ID()
		case x.Kind() == ast.CallKind && x.AsCall().FunctionName() == "_[_]" && x.AsCall().Args()[0].Kind() == ast.IdentKind:
			s, isStr := stringLit(x.AsCall().Args()[1])
			if !isStr {
				return
			}
			variable, field, id = x.AsCall().Args()[0].AsIdent(), s, x.AsCall().Args()[1].ID()
		default:
			return
		}
		names, checked := known[variable]
		if !checked || slices.Contains(names, field) {
			return
		}
		start := 0
		if off, found := src.GetOffsetRange(id); found {
			start = int(off.Start)
		}
		line, col := p.locate(start, field, false)
		hint := "; it has none"
		if len(names) > 0 {
			hint = yamlx.Suggest(field, names)
		}
		doc.Errs.Add(mapPosition(doc, p.node, p.Text, line, col), path, "unknown field %s.%s%s", variable, field, hint)
		ok = false
	}))
	return ok
}
