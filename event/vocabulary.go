package event

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// AttrType is the type a vocabulary gives an attribute.
type AttrType string

// The attribute types a vocabulary may declare.
const (
	String AttrType = "string"
	Int    AttrType = "int"
	Number AttrType = "number" // int or float
	Bool   AttrType = "bool"
	// Date is a string holding a date (2018-04-20) or an RFC 3339 time.
	Date AttrType = "date"
	List AttrType = "list"
	Map  AttrType = "map"
	Any  AttrType = "any"
)

var attrTypes = []string{"string", "int", "number", "bool", "date", "list", "map", "any"}

// Vocabulary declares the event types a history may hold and the
// attributes each may carry. A history checked against one may use no
// other type and no other attribute; every declared attribute is optional.
type Vocabulary struct {
	// Types maps each event type to its attributes and their types.
	Types map[string]map[string]AttrType
	// File is where the vocabulary was read, for messages.
	File string
}

// TypeNames returns the declared types, sorted.
func (v *Vocabulary) TypeNames() []string { return sortedKeys(v.Types) }

// AttrNames returns the attributes of the given types (all types when
// types is nil), sorted, without id, type and at.
func (v *Vocabulary) AttrNames(types []string) []string {
	set := map[string]AttrType{}
	if types == nil {
		types = v.TypeNames()
	}
	for _, t := range types {
		for a, at := range v.Types[t] {
			set[a] = at
		}
	}
	return sortedKeys(set)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Merge returns a vocabulary holding every type of vs, with the union of
// the attributes each declares. Nil vocabularies are skipped; Merge returns
// nil when all are nil.
func Merge(vs ...*Vocabulary) *Vocabulary {
	var out *Vocabulary
	for _, v := range vs {
		if v == nil {
			continue
		}
		if out == nil {
			out = &Vocabulary{Types: map[string]map[string]AttrType{}, File: v.File}
		} else if out.File != v.File {
			out.File = ""
		}
		for t, attrs := range v.Types {
			if out.Types[t] == nil {
				out.Types[t] = map[string]AttrType{}
			}
			for a, at := range attrs {
				if prev, ok := out.Types[t][a]; ok && prev != at {
					at = Any
				}
				out.Types[t][a] = at
			}
		}
	}
	return out
}

// VocabularyKeys returns the keys of a vocabulary mapping.
func VocabularyKeys() []string { return []string{"event_types", "source", "description"} }

// ParseVocabulary reads a vocabulary file: a mapping whose event_types key
// maps each type to a mapping of attribute names to types (string, int,
// number, bool, date, list, map or any), or to {} when it has none.
func ParseVocabulary(name string, src []byte, lim Limits) (*Vocabulary, error) {
	doc := yamlx.Parse(name, src, lim.yamlx())
	if doc.Root == nil {
		return nil, doc.Errs.Err()
	}
	v := vocabularyFromYAML(doc, doc.Root, "")
	if err := doc.Errs.Err(); err != nil {
		return nil, err
	}
	return v, nil
}

// LoadVocabulary reads a vocabulary file, a regular file within
// lim.MaxBytes as every loader reads.
func LoadVocabulary(path string, lim Limits) (*Vocabulary, error) {
	src, err := yamlx.ReadFile(path, lim.yamlx())
	if err != nil {
		return nil, err
	}
	return ParseVocabulary(path, src, lim)
}

// vocabularyFromYAML reads a vocabulary mapping from a parsed document;
// the direction loader uses it for vocabularies written inline, through
// internal/hooks. Problems go to doc.Errs.
func vocabularyFromYAML(doc *yamlx.Doc, n *yaml.Node, path string) *Vocabulary {
	m := doc.Map(n, path, VocabularyKeys()...)
	if m == nil {
		return nil
	}
	m.String("source", false, "where the vocabulary comes from")
	m.String("description", false, "what the vocabulary is for")
	tn := m.Require("event_types", "a mapping of event types to their attributes, such as report: {from: string, to: string}")
	if tn == nil {
		return nil
	}
	tpath := yamlx.Join(path, "event_types")
	tm := doc.Map(tn, tpath)
	if tm == nil {
		return nil
	}
	v := &Vocabulary{Types: map[string]map[string]AttrType{}, File: doc.File}
	for _, t := range tm.Keys() {
		attrs := map[string]AttrType{}
		v.Types[t] = attrs
		an := tm.Value(t)
		if an == nil || an.Tag == "!!null" {
			continue
		}
		am := doc.Map(an, yamlx.Join(tpath, t))
		if am == nil {
			continue
		}
		for _, a := range am.Keys() {
			apath := yamlx.Join(yamlx.Join(tpath, t), a)
			if slices.Contains(reserved[:], a) {
				doc.Errorf(am.Key(a), apath, "%q is part of every event; declare only the other attributes", a)
				continue
			}
			at := Any
			if vn := am.Value(a); vn != nil && vn.Tag != "!!null" {
				s, ok := doc.Scalar(vn, apath, "an attribute type ("+strings.Join(attrTypes, ", ")+")")
				if !ok {
					continue
				}
				if !slices.Contains(attrTypes, s) {
					doc.Errorf(vn, apath, "unknown attribute type %q%s", s, yamlx.Suggest(s, attrTypes))
					continue
				}
				at = AttrType(s)
			}
			attrs[a] = at
		}
	}
	if len(v.Types) == 0 {
		doc.Errorf(tn, tpath, "a vocabulary needs at least one event type")
	}
	return v
}

// CheckEvent reports ev's type and attributes that the vocabulary does not
// declare, and attribute values of the wrong type. at gives the position of
// an attribute's key (or the event's position for "type" and when the
// format has no finer position).
func (v *Vocabulary) CheckEvent(ev *Event, path string, at func(key string) diag.Position, errs *diag.List) bool {
	attrs, ok := v.Types[ev.Type]
	if !ok {
		errs.Add(at("type"), yamlx.Join(path, "type"), "unknown event type %q%s", ev.Type, v.from(yamlx.Suggest(ev.Type, v.TypeNames())))
		return false
	}
	good := true
	for _, k := range sortedKeys(ev.Attrs) {
		want, declared := attrs[k]
		if !declared {
			names := sortedKeys(attrs)
			valid := "; it declares none"
			if len(names) > 0 {
				valid = yamlx.Suggest(k, names)
			}
			errs.Add(at(k), yamlx.Join(path, k), "unknown attribute %q for an event of type %q%s", k, ev.Type, v.from(valid))
			good = false
			continue
		}
		if problem := checkType(ev.Attrs[k], want); problem != "" {
			errs.Add(at(k), yamlx.Join(path, k), "attribute %q of a %q event must be %s, found %s", k, ev.Type, problem, describe(ev.Attrs[k]))
			good = false
		}
	}
	return good
}

// Check checks events against the vocabulary: events made in code, or
// read without it. Every problem is reported, as a diag.List whose
// elements name the event by its id and its place in events
// (events[3].type), at the event's position when it was read from a file,
// with what would be valid: "event \"q1\": unknown event type \"reprot\"
// (did you mean \"report\"?)". A nil vocabulary accepts every event.
func (v *Vocabulary) Check(events []Event) error {
	if v == nil {
		return nil
	}
	var errs diag.List
	for i := range events {
		ev := &events[i]
		if ev.Type == "" {
			// Worded as Validate words it, so that Set.CheckEvents,
			// which runs both, reports it once.
			errs.Add(ev.Pos, fmt.Sprintf("events[%d]", i), "event %q has no type", ev.ID)
			continue
		}
		var one diag.List
		if v.CheckEvent(ev, fmt.Sprintf("events[%d]", i), func(string) diag.Position { return ev.Pos }, &one) {
			continue
		}
		for _, e := range one {
			e.Msg = fmt.Sprintf("event %q: %s", ev.ID, e.Msg)
		}
		errs = append(errs, one...)
	}
	return errs.Err()
}

func (v *Vocabulary) from(s string) string {
	if v.File == "" {
		return s
	}
	return s + " (vocabulary " + v.File + ")"
}

func checkType(x any, want AttrType) string {
	switch want {
	case String:
		if _, ok := x.(string); !ok {
			return "a string"
		}
	case Int:
		if _, ok := WholeNumber(x); !ok {
			return "a whole number"
		}
	case Number:
		switch x.(type) {
		case int64, float64:
		default:
			return "a number"
		}
	case Bool:
		if _, ok := x.(bool); !ok {
			return "true or false"
		}
	case Date:
		s, ok := x.(string)
		if !ok {
			return "a date (2018-04-20) or an RFC 3339 time"
		}
		if _, _, err := ParseTime(s, London()); err != nil {
			return "a date (2018-04-20) or an RFC 3339 time"
		}
	case List:
		if _, ok := x.([]any); !ok {
			return "a list"
		}
	case Map:
		if _, ok := x.(map[string]any); !ok {
			return "a mapping"
		}
	}
	return ""
}

// String names the vocabulary for messages.
func (v *Vocabulary) String() string {
	return fmt.Sprintf("vocabulary %s (%d event types)", v.File, len(v.Types))
}
