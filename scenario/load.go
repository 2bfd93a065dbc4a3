package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/obligation"
)

// File is a loaded scenario file.
type File struct {
	Path      string
	Scenarios []*Scenario
}

// Scenario is one what-if test, ready to run.
type Scenario struct {
	Name        string
	Description string
	// Pos is where the scenario starts in its file.
	Pos diag.Position
	// Set holds the directions the scenario applies to.
	Set *direction.Set
	// Events is the history: the event files minus the ids listed under
	// without, then the inline events.
	Events []event.Event
	AsOf   time.Time
	Expect Expect
}

// Expect is what a scenario expects of the evaluation.
type Expect struct {
	// Breaches, when not nil, is the expected number of breaches.
	Breaches    *int
	BreachesPos diag.Position
	// ExpectationsUnmet, when not nil, is the expected number of other
	// parties' expectations met late, missed or breached.
	ExpectationsUnmet    *int
	ExpectationsUnmetPos diag.Position
	InForce              []InForce
	Findings             []Expected
}

// InForce expects a direction to be in force, or not, at the as-of time.
type InForce struct {
	Direction string
	InForce   bool
	Pos       diag.Position
}

// Status values an expected finding may name besides the evaluator's.
const Absent evaluator.Status = "absent"

// Expected is one expected finding. The selector fields (Direction,
// Obligation, Instance or Trigger) pick the instance; the others, when set,
// are compared.
type Expected struct {
	Pos diag.Position
	// Direction and Obligation are resolved at load, also when the file
	// named the obligation by clause.
	Direction  string
	Obligation string
	Clause     string
	Instance   int    // 0 when selected by trigger
	Trigger    string // event id
	Status     evaluator.Status
	// DaysLate is compared when HasDaysLate.
	DaysLate     int
	HasDaysLate  bool
	Due          string // YYYY-MM-DD
	DischargedBy string
	// Version, when set, is compared with the finding's version: the
	// direction whose text the instance fell due under ("-" for none).
	Version string
	// Role, when set, is compared with the finding's role.
	Role obligation.Role
	// Assumed, when not nil, says whether the due date should rest on a
	// modelling assumption (the finding's assumed is not empty).
	Assumed *bool
	// Attribution, when set, is the rule expected to have placed the
	// discharging event: oldest-outstanding, window or attribute:NAME.
	Attribution string
	// OriginalDue and ExtendedTo (YYYY-MM-DD), Extension and Waiver (event
	// ids) are compared when set; DaysLateOriginal when HasDaysLateOriginal.
	OriginalDue, ExtendedTo string
	Extension, Waiver       string
	DaysLateOriginal        int
	HasDaysLateOriginal     bool
	// Cases, when given, are compared with the finding's cases (dates
	// known only to a range), each written as CaseText does.
	Cases    []string
	HasCases bool
}

// Name describes the expected instance: "8(f) chair-quarterly-report #1".
func (e *Expected) Name() string {
	s := e.Clause + " " + e.Obligation
	if e.Trigger != "" {
		return s + " for " + e.Trigger
	}
	return fmt.Sprintf("%s #%d", s, e.Instance)
}

var (
	fileKeys     = []string{"directions", "history", "description", "scenarios"}
	scenarioKeys = []string{"name", "description", "directions", "revoked", "history", "without", "events", "as_of", "expect"}
	expectKeys   = []string{"breaches", "expectations_unmet", "in_force", "findings"}
	findingKeys  = []string{"direction", "obligation", "clause", "instance", "trigger", "status", "days_late", "due", "discharged_by", "version", "role", "assumed", "attribution", "original_due", "extended_to", "extension", "waiver", "days_late_original", "cases"}
	statusNames  = []string{"met", "late", "missed", "open", "breached", "waived", "indeterminate", "possible", "absent"}
	caseKeys     = []string{"status", "from", "to", "days_late", "days_late_max"}
)

// Loader loads scenario files, reading each direction and history file once
// however many scenarios name it. The zero value is ready to use.
type Loader struct {
	// Limits bound every YAML file read; the zero value means the defaults.
	Limits event.Limits
	// Cost bounds the CEL expressions of the directions the scenarios
	// name; the zero value means the defaults.
	Cost direction.CostLimits

	dirs   map[string]loaded[*direction.Direction]
	events map[string]loaded[[]event.Event]
}

type loaded[T any] struct {
	v   T
	err error
}

// Load reads one scenario file with a fresh Loader.
func Load(path string) (*File, error) { return new(Loader).Load(path) }

// Load reads a scenario file and the direction and history files it names.
func (l *Loader) Load(path string) (*File, error) {
	src, err := yamlx.ReadFile(path, yamlx.LimitsOf(l.Limits))
	if err != nil {
		return nil, err
	}
	return l.Parse(path, src)
}

// Parse reads a scenario file from src; name is its path, used for
// positions and to resolve the relative paths inside it.
func (l *Loader) Parse(name string, src []byte) (*File, error) {
	doc := yamlx.Parse(name, src, yamlx.LimitsOf(l.Limits))
	if doc.Root == nil {
		return nil, doc.Errs.Err()
	}
	p := &parser{l: l, doc: doc, dir: filepath.Dir(name)}
	f := &File{Path: name}
	m := doc.Map(doc.Root, "", fileKeys...)
	if m == nil {
		return nil, p.err()
	}
	defDirs := m.Value("directions")
	defHist := m.Value("history")
	list := m.Require("scenarios", "the list of scenarios")
	if list == nil {
		return nil, p.err()
	}
	if items, ok := doc.Seq(list, "scenarios", "scenarios"); ok {
		if len(items) == 0 {
			doc.Errorf(list, "scenarios", "the file has no scenarios; add at least one")
		}
		seen := map[string]int{}
		for i, it := range items {
			s := p.scenario(it, yamlx.Index("scenarios", i), defDirs, defHist)
			if s == nil {
				continue
			}
			if line, dup := seen[s.Name]; dup {
				doc.Errorf(it, yamlx.Index("scenarios", i), "duplicate scenario name %q (first at line %d)", s.Name, line)
			}
			seen[s.Name] = s.Pos.Line
			f.Scenarios = append(f.Scenarios, s)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return f, nil
}

type parser struct {
	l   *Loader
	doc *yamlx.Doc
	dir string
	// errs collects problems found in other files.
	errs diag.List
}

func (p *parser) err() error {
	all := append(append(diag.List{}, p.doc.Errs...), p.errs...)
	all.Sort()
	return all.Err()
}

// paths reads a file list (a string or a list of strings) and resolves it
// against the scenario file's directory.
func (p *parser) paths(n *yaml.Node, path, what string) ([]string, []*yaml.Node) {
	n = yamlx.Resolve(n)
	var nodes []*yaml.Node
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		nodes = []*yaml.Node{n}
	} else if items, ok := p.doc.Seq(n, path, what); ok {
		nodes = items
	}
	var out []string
	var outNodes []*yaml.Node
	for i, it := range nodes {
		s, ok := p.doc.Scalar(it, yamlx.Index(path, i), what)
		if !ok {
			continue
		}
		if !filepath.IsAbs(s) {
			s = filepath.Join(p.dir, s)
		}
		out = append(out, filepath.Clean(s))
		outNodes = append(outNodes, it)
	}
	return out, outNodes
}

func (p *parser) direction(path string, at *yaml.Node, key string) *direction.Direction {
	if p.l.dirs == nil {
		p.l.dirs = map[string]loaded[*direction.Direction]{}
	}
	r, ok := p.l.dirs[path]
	if !ok {
		r.v, r.err = direction.Load(path, direction.Options{Limits: p.l.Limits, Cost: p.l.Cost})
		p.l.dirs[path] = r
	}
	if r.err != nil {
		if os.IsNotExist(r.err) {
			p.doc.Errorf(at, key, "direction file %s does not exist (paths are relative to the scenario file)", path)
		} else if list := (diag.List)(nil); !errors.As(r.err, &list) {
			p.doc.Errorf(at, key, "cannot read direction file %s: %v", path, r.err)
		} else {
			p.doc.Errorf(at, key, "direction file %s is not valid (see the errors for that file)", path)
			p.errs.Append(diag.Position{File: path}, r.err)
		}
		return nil
	}
	return r.v
}

// history reads an event file in the directions' time zone, checked against
// their vocabulary as directions check does; the cache key names both.
func (p *parser) history(path string, dirs []*direction.Direction, loc *time.Location, at *yaml.Node, key string) ([]event.Event, bool) {
	if p.l.events == nil {
		p.l.events = map[string]loaded[[]event.Event]{}
	}
	k := path + "\x00" + loc.String()
	for _, d := range dirs {
		k += "\x00" + d.File
	}
	r, ok := p.l.events[k]
	if !ok {
		r.v, r.err = event.Load(path, event.Options{Location: loc, Limits: p.l.Limits, Vocabulary: direction.VocabularyOf(dirs...)})
		p.l.events[k] = r
	}
	if r.err != nil {
		if os.IsNotExist(r.err) {
			p.doc.Errorf(at, key, "history file %s does not exist (paths are relative to the scenario file)", path)
		} else if list := (diag.List)(nil); !errors.As(r.err, &list) {
			p.doc.Errorf(at, key, "cannot read history file %s: %v", path, r.err)
		} else {
			p.doc.Errorf(at, key, "history file %s is not valid (see the errors for that file)", path)
			p.errs.Append(diag.Position{File: path}, r.err)
		}
		return nil, false
	}
	return r.v, true
}

func (p *parser) scenario(n *yaml.Node, path string, defDirs, defHist *yaml.Node) *Scenario {
	doc := p.doc
	m := doc.Map(n, path, scenarioKeys...)
	if m == nil {
		return nil
	}
	before := len(doc.Errs) + len(p.errs)
	s := &Scenario{Pos: doc.Pos(m.Node)}
	s.Name, _ = m.String("name", true, "the scenario's name, one line saying what it tests")
	s.Description, _ = m.String("description", false, "what the scenario shows")

	// Directions: the scenario's own list, else the file's.
	dirNode, dirPath := m.Value("directions"), yamlx.Join(path, "directions")
	if dirNode == nil {
		dirNode, dirPath = defDirs, "directions"
	}
	var dirs []*direction.Direction
	if dirNode == nil {
		doc.Errorf(m.Node, yamlx.Join(path, "directions"), "missing key \"directions\": the direction files the scenario applies to, here or at the top of the file")
	} else {
		files, nodes := p.paths(dirNode, dirPath, "direction file paths")
		for i, f := range files {
			if d := p.direction(f, nodes[i], dirPath); d != nil {
				dirs = append(dirs, d)
			}
		}
	}
	if rn := m.Value("revoked"); rn != nil {
		dirs = p.revoke(dirs, rn, yamlx.Join(path, "revoked"))
	}
	loc := event.London()
	if len(dirs) > 0 {
		loc = dirs[0].Location
		for _, d := range dirs[1:] {
			if d.Location.String() != loc.String() {
				doc.Errorf(dirNode, dirPath, "directions in one scenario must share a time zone: %s has %s, %s has %s", dirs[0].ID, loc, d.ID, d.Location)
			}
		}
		set, err := direction.NewSet(dirs...)
		if err != nil {
			doc.Errorf(dirNode, dirPath, "the directions do not form a valid set: %v", err)
		}
		s.Set = set
	}

	// History: event files, minus "without", plus inline events.
	histNode, histPath := m.Value("history"), yamlx.Join(path, "history")
	if histNode == nil {
		histNode, histPath = defHist, "history"
	}
	if histNode != nil {
		files, nodes := p.paths(histNode, histPath, "history file paths")
		for i, f := range files {
			if evs, ok := p.history(f, dirs, loc, nodes[i], histPath); ok {
				s.Events = append(s.Events, evs...)
			}
		}
	}
	if wn := m.Value("without"); wn != nil {
		wp := yamlx.Join(path, "without")
		items := []*yaml.Node{wn}
		if wn.Kind == yaml.SequenceNode {
			items = wn.Content
		}
		for i, id := range doc.Strings(wn, wp, "event ids") {
			j := slices.IndexFunc(s.Events, func(e event.Event) bool { return e.ID == id })
			if j < 0 {
				doc.Errorf(items[min(i, len(items)-1)], yamlx.Index(wp, i), "no event %q in the history files to leave out%s", id, yamlx.Suggest(id, eventIDs(s.Events)))
				continue
			}
			s.Events = slices.Delete(slices.Clone(s.Events), j, j+1)
		}
	}
	if en := m.Value("events"); en != nil {
		ep := yamlx.Join(path, "events")
		// The events are read against an error list of their own: the
		// file's list may already hold errors from earlier scenarios (a bad
		// as_of), and the loader returns no events when its list is not
		// empty, which would make this scenario's expectations name events
		// "not in the history".
		own := &yamlx.Doc{File: doc.File, Src: doc.Src, Root: doc.Root}
		evs, err := hooks.EventsFromYAML.(func(*yamlx.Doc, *yaml.Node, string, event.Options) ([]event.Event, error))(own, en, ep, event.Options{Location: loc, Limits: p.l.Limits, Vocabulary: direction.VocabularyOf(dirs...)})
		doc.Errs = append(doc.Errs, own.Errs...)
		if err != nil && len(own.Errs) == 0 {
			doc.Errs.Append(doc.Pos(en), err)
		}
		s.Events = append(s.Events, evs...)
	}
	if err := event.Validate(s.Events); err != nil && len(doc.Errs)+len(p.errs) == before {
		doc.Errorf(m.Node, path, "the scenario's history is not valid: %v", err)
	}
	if m.Value("history") == nil && defHist == nil && m.Value("events") == nil {
		doc.Errorf(m.Node, path, "the scenario has no history: give events (inline) or history (event files), or both")
	}

	if at, an := m.String("as_of", true, "the as-of time: a date (its last instant) or an RFC 3339 time"); an != nil {
		t, dateOnly, err := event.ParseTime(at, loc)
		switch {
		case err != nil:
			doc.Errorf(an, yamlx.Join(path, "as_of"), "%v", err)
		case dateOnly:
			s.AsOf = civil.In(t, loc).End(loc)
		default:
			s.AsOf = t
		}
	}
	if en := m.Require("expect", "what the evaluation should find: breaches, in_force and/or findings"); en != nil {
		p.expect(s, en, yamlx.Join(path, "expect"))
	}
	if len(doc.Errs)+len(p.errs) > before {
		return nil
	}
	return s
}

// revoke applies the what-if revocations: each named direction is treated
// as revoked from the start of the given date, as if a later direction
// issued that day revoked it. The loaded direction is copied, not changed.
func (p *parser) revoke(dirs []*direction.Direction, n *yaml.Node, path string) []*direction.Direction {
	m := p.doc.Map(n, path)
	if m == nil {
		return dirs
	}
	out := slices.Clone(dirs)
	for _, id := range m.Keys() {
		kp := yamlx.Join(path, id)
		s, ok := p.doc.Scalar(m.Value(id), kp, "the date a later direction revokes it from (YYYY-MM-DD)")
		if !ok {
			continue
		}
		on, err := civil.Parse(s)
		if err != nil {
			p.doc.Errorf(m.Value(id), kp, "%v", err)
			continue
		}
		i := slices.IndexFunc(out, func(d *direction.Direction) bool { return d.ID == id })
		if i < 0 && len(out) > 0 {
			var ids []string
			for _, d := range out {
				ids = append(ids, d.ID)
			}
			p.doc.Errorf(m.Key(id), kp, "no direction %q in the scenario%s", id, yamlx.Suggest(id, ids))
			continue
		}
		if i < 0 {
			continue
		}
		if err := on.CheckIn(out[i].Location); err != nil {
			p.doc.Errorf(m.Value(id), kp, "%v", err)
			continue
		}
		if !on.After(out[i].Issued) {
			p.doc.Errorf(m.Value(id), kp, "%s was issued on %s; a revocation must come after that", id, out[i].Issued)
			continue
		}
		c := *out[i]
		if end := on.AddDays(-1); c.Ends.IsZero() || end.Before(c.Ends) {
			c.Ends = end
		}
		out[i] = &c
	}
	return out
}

// cases reads expected cases: {status, from, to, days_late, days_late_max}
// each, from and to the days of the one unknown date the case depends on.
func (p *parser) cases(n *yaml.Node, path string) []string {
	doc := p.doc
	items, ok := doc.Seq(n, path, "cases")
	if !ok {
		return nil
	}
	out := []string{}
	for i, item := range items {
		ip := yamlx.Index(path, i)
		m := doc.Map(item, ip, caseKeys...)
		if m == nil {
			continue
		}
		c := evaluator.Case{}
		st, sn := m.String("status", true, "met, late, missed, open or breached")
		if sn != nil && !slices.Contains(statusNames[:5], st) {
			doc.Errorf(sn, yamlx.Join(ip, "status"), "unknown case status %q%s", st, yamlx.Suggest(st, statusNames[:5]))
		}
		c.Status = evaluator.Status(st)
		var span evaluator.Span
		for _, k := range []string{"from", "to"} {
			v, vn := m.String(k, true, "a date (YYYY-MM-DD)")
			if vn == nil {
				continue
			}
			if _, err := civil.Parse(v); err != nil {
				doc.Errorf(vn, yamlx.Join(ip, k), "%v", err)
			}
			if k == "from" {
				span.From = v
			} else {
				span.To = v
			}
		}
		c.When = []evaluator.Span{span}
		if dn := m.Value("days_late"); dn != nil {
			c.DaysLate, _ = doc.Int(dn, yamlx.Join(ip, "days_late"), "the fewest days late in the case")
		}
		if dn := m.Value("days_late_max"); dn != nil {
			c.DaysLateMax, _ = doc.Int(dn, yamlx.Join(ip, "days_late_max"), "the most days late in the case")
		}
		out = append(out, CaseText(c))
	}
	return out
}

// CaseText writes a case as scenarios compare it (evaluator.Case.String).
func CaseText(c evaluator.Case) string { return c.String() }

func eventIDs(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i := range evs {
		out[i] = evs[i].ID
	}
	return out
}

func (p *parser) expect(s *Scenario, n *yaml.Node, path string) {
	doc := p.doc
	m := doc.Map(n, path, expectKeys...)
	if m == nil {
		return
	}
	if len(m.Keys()) == 0 {
		doc.Errorf(n, path, "expect is empty: give breaches, expectations_unmet, in_force or findings")
	}
	if un := m.Value("expectations_unmet"); un != nil {
		if k, ok := doc.Int(un, yamlx.Join(path, "expectations_unmet"), "the expected number of other parties' expectations not met"); ok {
			if k < 0 {
				doc.Errorf(un, yamlx.Join(path, "expectations_unmet"), "the number of expectations not met cannot be negative")
			}
			s.Expect.ExpectationsUnmet, s.Expect.ExpectationsUnmetPos = &k, doc.Pos(un)
		}
	}
	if bn := m.Value("breaches"); bn != nil {
		if b, ok := doc.Int(bn, yamlx.Join(path, "breaches"), "the expected number of breaches"); ok {
			if b < 0 {
				doc.Errorf(bn, yamlx.Join(path, "breaches"), "the number of breaches cannot be negative")
			}
			s.Expect.Breaches, s.Expect.BreachesPos = &b, doc.Pos(bn)
		}
	}
	if in := m.Value("in_force"); in != nil {
		ip := yamlx.Join(path, "in_force")
		if im := doc.Map(in, ip); im != nil {
			if len(im.Keys()) == 0 {
				doc.Errorf(in, ip, "in_force is empty, so it checks nothing: name a direction and whether it is in force at as_of ({barnet-2018-01: true}), or leave in_force out")
			}
			for _, id := range im.Keys() {
				v := im.Value(id)
				var b bool
				if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
					doc.Errorf(v, yamlx.Join(ip, id), "expected true or false, found %s", yamlx.KindName(v))
					continue
				}
				if s.Set != nil && s.Set.Get(id) == nil {
					doc.Errorf(im.Key(id), yamlx.Join(ip, id), "no direction %q in the scenario%s", id, yamlx.Suggest(id, dirIDs(s.Set)))
					continue
				}
				s.Expect.InForce = append(s.Expect.InForce, InForce{Direction: id, InForce: b, Pos: doc.Pos(im.Key(id))})
			}
		}
	}
	if fn := m.Value("findings"); fn != nil {
		fp := yamlx.Join(path, "findings")
		if items, ok := doc.Seq(fn, fp, "expected findings"); ok {
			if len(items) == 0 {
				doc.Errorf(fn, fp, "findings is empty, so it checks nothing: list the instances you expect (obligation, instance or trigger, status); to expect no breaches, write breaches: 0")
			}
			for i, it := range items {
				if e, ok := p.finding(s, it, yamlx.Index(fp, i)); ok {
					s.Expect.Findings = append(s.Expect.Findings, e)
				}
			}
		}
	}
}

func dirIDs(set *direction.Set) []string {
	var out []string
	for _, d := range set.Directions {
		out = append(out, d.ID)
	}
	return out
}

func (p *parser) finding(s *Scenario, n *yaml.Node, path string) (Expected, bool) {
	doc := p.doc
	m := doc.Map(n, path, findingKeys...)
	if m == nil {
		return Expected{}, false
	}
	e := Expected{Pos: doc.Pos(m.Node)}
	n0 := len(doc.Errs)
	dirID, dirNode := m.String("direction", false, "a direction id")
	oblID, oblNode := m.String("obligation", false, "an obligation id")
	clause, clauseNode := m.String("clause", false, "a clause label such as 8(f)")
	if oblNode == nil && clauseNode == nil {
		doc.Errorf(m.Node, path, "name the obligation: give obligation (its id) or clause (its label)")
	}
	if in := m.Value("instance"); in != nil {
		if k, ok := doc.Int(in, yamlx.Join(path, "instance"), "the instance number, counting from 1"); ok {
			if k < 1 {
				doc.Errorf(in, yamlx.Join(path, "instance"), "instances are numbered from 1")
			}
			e.Instance = k
		}
	}
	var trigNode *yaml.Node
	e.Trigger, trigNode = m.String("trigger", false, "the id of the event that triggered the instance")
	switch {
	case m.Has("instance") && trigNode != nil:
		doc.Errorf(trigNode, yamlx.Join(path, "trigger"), "give instance or trigger, not both")
	case !m.Has("instance") && trigNode == nil:
		doc.Errorf(m.Node, path, "name the instance: give instance (a number from 1) or trigger (the id of the event that created it)")
	}
	if trigNode != nil && !slices.Contains(eventIDs(s.Events), e.Trigger) {
		doc.Errorf(trigNode, yamlx.Join(path, "trigger"), "no event %q in the scenario's history%s", e.Trigger, yamlx.Suggest(e.Trigger, eventIDs(s.Events)))
	}
	if st, sn := m.String("status", true, "one of "+strings.Join(statusNames, ", ")); sn != nil {
		if !slices.Contains(statusNames, st) {
			doc.Errorf(sn, yamlx.Join(path, "status"), "unknown status %q%s", st, yamlx.Suggest(st, statusNames))
		}
		e.Status = evaluator.Status(st)
	}
	if dn := m.Value("days_late"); dn != nil {
		if k, ok := doc.Int(dn, yamlx.Join(path, "days_late"), "the number of days late"); ok {
			e.DaysLate, e.HasDaysLate = k, true
			if e.Status != "" && e.Status != evaluator.Late {
				doc.Errorf(dn, yamlx.Join(path, "days_late"), "days_late only applies to status late, not %s", e.Status)
			}
		}
	}
	if due, dn := m.String("due", false, "the due date (YYYY-MM-DD)"); dn != nil {
		if _, err := civil.Parse(due); err != nil {
			doc.Errorf(dn, yamlx.Join(path, "due"), "%v", err)
		}
		e.Due = due
	}
	if cn := m.Value("cases"); cn != nil {
		e.Cases, e.HasCases = p.cases(cn, yamlx.Join(path, "cases")), true
	}
	var dbNode *yaml.Node
	e.DischargedBy, dbNode = m.String("discharged_by", false, "the id of the event that discharged the instance")
	if dbNode != nil && !slices.Contains(eventIDs(s.Events), e.DischargedBy) {
		doc.Errorf(dbNode, yamlx.Join(path, "discharged_by"), "no event %q in the scenario's history%s", e.DischargedBy, yamlx.Suggest(e.DischargedBy, eventIDs(s.Events)))
	}
	var verNode *yaml.Node
	if e.Version, verNode = m.String("version", false, "the id of the direction whose text the instance fell due under, or - for none"); verNode != nil && s.Set != nil && e.Version != "-" && s.Set.Get(e.Version) == nil {
		doc.Errorf(verNode, yamlx.Join(path, "version"), "no direction %q in the scenario%s", e.Version, yamlx.Suggest(e.Version, dirIDs(s.Set)))
	}
	if r, rn := m.String("role", false, "duty or expectation"); rn != nil {
		switch obligation.Role(r) {
		case obligation.Duty, obligation.Expectation:
			e.Role = obligation.Role(r)
		default:
			doc.Errorf(rn, yamlx.Join(path, "role"), "unknown role %q%s", r, yamlx.Suggest(r, []string{"duty", "expectation"}))
		}
	}
	if an := m.Value("assumed"); an != nil {
		var b bool
		if an.Kind != yaml.ScalarNode || an.Tag != "!!bool" || an.Decode(&b) != nil {
			doc.Errorf(an, yamlx.Join(path, "assumed"), "expected true (the due date rests on a modelling assumption) or false (the text's), found %s", yamlx.KindName(an))
		} else {
			e.Assumed = &b
		}
	}
	if a, an := m.String("attribution", false, "the rule that placed the discharging event: oldest-outstanding, window or attribute:NAME"); an != nil {
		if a != "oldest-outstanding" && a != "window" && (!strings.HasPrefix(a, "attribute:") || a == "attribute:") {
			doc.Errorf(an, yamlx.Join(path, "attribution"), "unknown attribution %q: use oldest-outstanding, window or attribute:NAME (the event attribute that named the instance)", a)
		}
		if e.Status != "" && e.Status != evaluator.Met && e.Status != evaluator.Late {
			doc.Errorf(an, yamlx.Join(path, "attribution"), "attribution only applies to a discharged instance (status met or late), not %s", e.Status)
		}
		e.Attribution = a
	}
	for _, k := range []struct {
		key  string
		into *string
		what string
	}{{"original_due", &e.OriginalDue, "the due date before an extension (YYYY-MM-DD)"}, {"extended_to", &e.ExtendedTo, "the due date an extension moved it to (YYYY-MM-DD)"}} {
		if v, n := m.String(k.key, false, k.what); n != nil {
			if _, err := civil.Parse(v); err != nil {
				doc.Errorf(n, yamlx.Join(path, k.key), "%v", err)
			}
			*k.into = v
		}
	}
	for _, k := range []struct {
		key  string
		into *string
	}{{"extension", &e.Extension}, {"waiver", &e.Waiver}} {
		var n *yaml.Node
		if *k.into, n = m.String(k.key, false, "the id of the "+k.key+" event"); n != nil && !slices.Contains(eventIDs(s.Events), *k.into) {
			doc.Errorf(n, yamlx.Join(path, k.key), "no event %q in the scenario's history%s", *k.into, yamlx.Suggest(*k.into, eventIDs(s.Events)))
		}
	}
	if dn := m.Value("days_late_original"); dn != nil {
		if k, ok := doc.Int(dn, yamlx.Join(path, "days_late_original"), "the days late against the original due date"); ok {
			e.DaysLateOriginal, e.HasDaysLateOriginal = k, true
		}
	}
	if s.Set == nil || len(doc.Errs) > n0 {
		return e, false
	}
	// Resolve the obligation within the scenario's directions.
	type cand struct {
		d *direction.Direction
		o *obligation.Obligation
	}
	var cands []cand
	var known []string
	for _, d := range s.Set.Directions {
		if dirNode != nil && d.ID != dirID {
			continue
		}
		for _, o := range d.Obligations {
			if oblNode != nil {
				known = append(known, o.ID)
			} else {
				known = append(known, o.Clause)
			}
			if (oblNode == nil || o.ID == oblID) && (clauseNode == nil || o.Clause == clause) {
				cands = append(cands, cand{d, o})
			}
		}
	}
	switch {
	case dirNode != nil && s.Set.Get(dirID) == nil:
		doc.Errorf(dirNode, yamlx.Join(path, "direction"), "no direction %q in the scenario%s", dirID, yamlx.Suggest(dirID, dirIDs(s.Set)))
		return e, false
	case len(cands) == 0 && oblNode != nil && clauseNode != nil:
		doc.Errorf(oblNode, yamlx.Join(path, "obligation"), "no obligation %q with clause %q in the scenario's directions", oblID, clause)
		return e, false
	case len(cands) == 0 && oblNode != nil:
		doc.Errorf(oblNode, yamlx.Join(path, "obligation"), "no obligation %q in the scenario's directions%s", oblID, yamlx.Suggest(oblID, known))
		return e, false
	case len(cands) == 0:
		doc.Errorf(clauseNode, yamlx.Join(path, "clause"), "no clause %q in the scenario's directions%s", clause, yamlx.Suggest(clause, known))
		return e, false
	case len(cands) > 1:
		var names []string
		for _, c := range cands {
			names = append(names, c.d.ID+" "+c.o.ID)
		}
		at := oblNode
		if at == nil {
			at = clauseNode
		}
		doc.Errorf(at, path, "%d obligations match (%s); add obligation or direction to pick one", len(cands), strings.Join(names, ", "))
		return e, false
	}
	c := cands[0]
	e.Direction, e.Obligation, e.Clause = c.d.ID, c.o.ID, c.o.Clause
	// Selectors that can match no finding whatever the evaluation does
	// would make status absent pass vacuously (and any other status fail
	// whatever the engine did): refused here.
	if trigNode != nil {
		switch c.o.Kind {
		case obligation.Triggered, obligation.Prohibition:
			if i := slices.IndexFunc(s.Events, func(ev event.Event) bool { return ev.ID == e.Trigger }); i >= 0 && !c.o.MayTrigger(s.Events[i].Type) {
				doc.Errorf(trigNode, yamlx.Join(path, "trigger"), "event %q is a %s, which %s's condition (%s) never admits, so no instance can have it as trigger: name an event that can trigger one",
					e.Trigger, s.Events[i].Type, c.o.ID, c.o.When())
			}
		default:
			doc.Errorf(trigNode, yamlx.Join(path, "trigger"), "%s is a %s obligation: its instances have no trigger, so trigger matches none of them; select the instance with instance (a number from 1)", c.o.ID, c.o.Kind)
		}
	}
	if e.Status == Absent {
		// Nothing is compared with an instance that must not exist.
		var given []string
		for _, k := range []string{"due", "discharged_by", "version", "role", "assumed", "original_due", "extended_to", "extension", "waiver", "days_late_original"} {
			if m.Has(k) {
				given = append(given, k)
			}
		}
		if len(given) > 0 {
			them := "them"
			if len(given) == 1 {
				them = "it"
			}
			doc.Errorf(m.Node, path, "status absent expects no such instance, so %s can never be compared: leave %s out, or expect a status", strings.Join(given, " and "), them)
		}
	}
	if c.o.Kind == obligation.Prohibition {
		if e.HasDaysLate || e.Due != "" || e.DischargedBy != "" || e.Assumed != nil {
			doc.Errorf(m.Node, path, "%s is a prohibition: its findings have no due date, discharge, lateness or assumed deadline", c.o.ID)
		}
		if e.Status != evaluator.Breached && e.Status != Absent && e.Status != evaluator.Possible {
			doc.Errorf(m.Node, yamlx.Join(path, "status"), "%s is a prohibition: its findings are breached (or absent), never %s", c.o.ID, e.Status)
		}
	} else if e.Status == evaluator.Breached {
		doc.Errorf(m.Node, yamlx.Join(path, "status"), "only prohibitions are breached; %s is a %s obligation whose instances are met, late, missed or open", c.o.ID, c.o.Kind)
	}
	return e, len(doc.Errs) == n0
}
