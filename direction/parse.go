package direction

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/celenv"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/obligation"
)

// Limits bound what reading one file may cost; they are the limits every
// loader of the module takes.
type Limits = event.Limits

var (
	topKeys         = []string{"id", "title", "council", "power", "issued_by", "issued", "time_zone", "ends", "revokes", "revoked", "parties", "params", "obligations", "source", "assumptions", "vocabulary", "calendar", "extensions"}
	partyKeys       = []string{"name", "role", "officer_of"}
	obligationKeys  = []string{"id", "clause", "holder", "role", "deadline_assumed", "summary", "source", "assumptions", "replaces", "recurring", "once", "triggered", "prohibition", "satisfied_by", "attribution", "extensions"}
	recurringKeys   = []string{"every", "first", "first_due", "after", "dates", "then_every", "count", "until"}
	onceKeys        = []string{"date", "due", "dates"}
	attributionKeys = []string{"attribute", "otherwise"}
	triggeredKeys   = []string{"when", "due"}
	prohibitKeys    = []string{"when"}
	extensionKeys   = []string{"granted_by"}
)

// anchorIssued marks a recurring schedule counted from the issue date, so
// that Fixed can move it with the date.
const anchorIssued = "the direction's date"

// Parse reads a direction from src; name is used in error positions.
func Parse(name string, src []byte, opts Options) (*Direction, error) {
	doc := yamlx.Parse(name, src, yamlx.LimitsOf(opts.Limits))
	if doc.Root == nil {
		return nil, doc.Errs.Err()
	}
	sum := sha256.Sum256(src)
	d := &Direction{File: name, Digest: hex.EncodeToString(sum[:]), Location: event.London()}
	p := &parser{doc: doc, d: d, opts: opts}
	p.parse()
	if err := doc.Errs.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

type parser struct {
	doc  *yamlx.Doc
	d    *Direction
	opts Options
	// officerOf holds the officer_of nodes, checked once the council is known.
	officerOf map[string]*yaml.Node
}

func (p *parser) date(m *yamlx.Map, key string, required bool, what string) (civil.Date, *yaml.Node) {
	s, n := m.String(key, required, what)
	if n == nil {
		return civil.Date{}, nil
	}
	dt, err := civil.Parse(s)
	if err == nil {
		if err = dt.CheckIn(p.d.Location); err != nil {
			err = fmt.Errorf("%w; the direction's dates are days in its time_zone", err)
		}
	}
	if err != nil {
		p.doc.Errorf(n, yamlx.Join(m.Path, key), "%v", err)
		return civil.Date{}, nil
	}
	return dt, n
}

// dateRange reads a date that may be known only to a month or a range of
// days (civil.ParseRange): the first day it may be, and the last when that
// differs.
func (p *parser) dateRange(m *yamlx.Map, key string, required bool, what string) (first, through civil.Date, n *yaml.Node) {
	s, n := m.String(key, required, what)
	if n == nil {
		return civil.Date{}, civil.Date{}, nil
	}
	r, err := civil.ParseRange(s)
	if err == nil {
		err = r.First.CheckIn(p.d.Location)
		if err == nil {
			err = r.Last.CheckIn(p.d.Location)
		}
		if err != nil {
			err = fmt.Errorf("%w; the direction's dates are days in its time_zone", err)
		}
	}
	if err != nil {
		p.doc.Errorf(n, yamlx.Join(m.Path, key), "%v", err)
		return civil.Date{}, civil.Date{}, nil
	}
	if !r.Exact() {
		through = r.Last
	}
	return r.First, through, n
}

func (p *parser) parse() {
	doc, d := p.doc, p.d
	m := doc.Map(doc.Root, "", topKeys...)
	if m == nil {
		return
	}
	d.ID, _ = m.String("id", true, "the direction's id, such as barnet-2018-01")
	d.idPos = doc.Pos(m.Key("id"))
	d.Title, _ = m.String("title", true, "the direction's title")
	d.Power, _ = m.String("power", false, "the power it is made under")
	d.Source, _ = m.String("source", false, "the document it is modelled on")
	// The zone first: every date is checked to exist in it.
	if tz, n := m.String("time_zone", false, "an IANA time zone such as Europe/London"); n != nil {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			doc.Errorf(n, "time_zone", "unknown time zone %q: use an IANA name such as Europe/London", tz)
		} else {
			d.Location = loc
		}
	}
	d.Issued, d.IssuedThrough, _ = p.dateRange(m, "issued", true, "the date the direction was made (YYYY-MM-DD, or YYYY-MM when only the month is known)")
	var endsNode *yaml.Node
	d.Ends, d.EndsThrough, endsNode = p.dateRange(m, "ends", false, "the last day the direction is in force (YYYY-MM-DD, or YYYY-MM when only the month is known)")
	if endsNode != nil && !d.Issued.IsZero() && d.EndsRange().Last.Before(d.Issued) {
		doc.Errorf(endsNode, "ends", "the direction ends on %s, before it was issued on %s; ends is the last day in force, on or after issued", d.EndsRange(), d.IssuedRange())
	}
	if n := m.Value("assumptions"); n != nil {
		d.Assumptions = doc.Strings(n, "assumptions", "assumptions")
	}
	if n := m.Value("vocabulary"); n != nil {
		d.Vocabulary = p.vocabulary(n)
	}
	if n := m.Value("revokes"); n != nil {
		p.revokes(m)
	}
	if n := m.Value("revoked"); n != nil {
		p.revoked(n)
	}
	p.parties(m)
	var councilNode, issuerNode *yaml.Node
	d.Council, councilNode = m.String("council", true, "the party id of the directed council")
	d.IssuedBy, issuerNode = m.String("issued_by", true, "the party id of the issuer, such as secretary-of-state")
	p.checkParty(councilNode, "council", d.Council)
	p.checkParty(issuerNode, "issued_by", d.IssuedBy)
	for _, x := range d.Parties {
		if n := p.officerOf[x.ID]; n != nil && d.Council != "" && x.OfficerOf != d.Council {
			doc.Errorf(n, yamlx.Join(yamlx.Join("parties", x.ID), "officer_of"), "officer_of names %q, but the directed council is %q: only the directed council's officers (its Director of Children's Services, say) are marked officer_of", x.OfficerOf, d.Council)
		}
	}
	d.Extensions = p.extensions(m, "extensions")
	if n := m.Value("params"); n != nil {
		if v, ok := doc.Native(n, "params"); ok {
			if pm, isMap := v.(map[string]any); isMap {
				d.Params = pm
			} else {
				doc.Errorf(n, "params", "expected a mapping of parameter names to values, found %s", yamlx.KindName(n))
			}
		}
	}
	d.cal = p.calendar(m)
	env, err := celenv.New(d.Location, d.cal)
	if err != nil {
		doc.Errorf(doc.Root, "", "cannot build the expression environment: %v", err)
		return
	}
	env.SetCostLimits(celenv.CostLimits(p.opts.Cost))
	d.env = env
	d.bind()
	if d.Params == nil {
		d.Params = map[string]any{}
	}
	d.parV = celenv.Map(d.Params)

	// A direction that only revokes or varies others may have no
	// obligations of its own.
	revokes := len(d.Revokes) > 0 || len(d.Varies) > 0
	var list *yaml.Node
	if revokes {
		list = m.Value("obligations")
	} else {
		list = m.Require("obligations", "the list of the direction's obligations (a direction with none must revoke something)")
	}
	if list == nil {
		return
	}
	items, ok := doc.Seq(list, "obligations", "obligations")
	if !ok {
		return
	}
	if len(items) == 0 && !revokes {
		doc.Errorf(list, "obligations", "a direction needs at least one obligation, unless it only revokes: then give revokes")
	}
	seen := map[string]*yaml.Node{}
	for i, item := range items {
		if o := p.obligation(item, yamlx.Index("obligations", i)); o != nil {
			idNode := yamlx.Resolve(item)
			if prev, dup := seen[o.ID]; dup {
				doc.Errorf(idNode, yamlx.Index("obligations", i)+".id", "duplicate obligation id %q (first at line %d)", o.ID, doc.Pos(prev).Line)
				continue
			}
			seen[o.ID] = idNode
			d.Obligations = append(d.Obligations, o)
		}
	}
}

func (p *parser) parties(m *yamlx.Map) {
	n := m.Require("parties", "a mapping of party ids to their name and role")
	if n == nil {
		return
	}
	pm := p.doc.Map(n, "parties")
	if pm == nil {
		return
	}
	for _, id := range pm.Keys() {
		path := yamlx.Join("parties", id)
		pp := p.doc.Map(pm.Value(id), path, partyKeys...)
		if pp == nil {
			continue
		}
		party := Party{ID: id}
		party.Name, _ = pp.String("name", true, "the party's name")
		party.Role, _ = pp.String("role", false, "the party's role")
		var on *yaml.Node
		if party.OfficerOf, on = pp.String("officer_of", false, "the party id of the directed council whose officer this party is"); on != nil {
			if p.officerOf == nil {
				p.officerOf = map[string]*yaml.Node{}
			}
			p.officerOf[id] = on
		}
		p.d.Parties = append(p.d.Parties, party)
	}
}

func (p *parser) partyIDs() []string {
	ids := make([]string, len(p.d.Parties))
	for i, x := range p.d.Parties {
		ids[i] = x.ID
	}
	return ids
}

func (p *parser) checkParty(n *yaml.Node, path, id string) {
	if n == nil || p.d.Party(id) != nil || len(p.d.Parties) == 0 {
		return // no parties were read: that is reported where they should be
	}
	p.doc.Errorf(n, path, "unknown party %q: declare it under parties%s", id, yamlx.Suggest(id, p.partyIDs()))
}

func (p *parser) obligation(n *yaml.Node, path string) *obligation.Obligation {
	doc := p.doc
	m := doc.Map(n, path, obligationKeys...)
	if m == nil {
		return nil
	}
	before := len(doc.Errs)
	o := obligation.Obligation{Pos: doc.Pos(m.Node)}
	o.ID, _ = m.String("id", true, "the obligation's id, unique in the direction")
	o.Clause, _ = m.String("clause", true, "the clause label as printed, such as 8(f) or Annex B 3")
	var holderNode *yaml.Node
	o.Holder, holderNode = m.String("holder", true, "the party id of the duty holder")
	p.checkParty(holderNode, yamlx.Join(path, "holder"), o.Holder)
	p.role(m, path, &o, holderNode)
	o.Summary, _ = m.String("summary", true, "what the duty is, in your own words")
	o.Source, _ = m.String("source", true, "the file and paragraph it comes from")
	if a := m.Value("assumptions"); a != nil {
		o.Assumptions = doc.Strings(a, yamlx.Join(path, "assumptions"), "assumptions")
	}
	if r := m.Value("replaces"); r != nil && o.ID != "" {
		if v, ok := p.variation(r, yamlx.Join(path, "replaces"), true); ok {
			v.ReplacedBy = o.ID
			p.d.Varies = append(p.d.Varies, v)
		}
	}
	o.Extensions = p.extensions(m, yamlx.Join(path, "extensions"))
	var kinds []string
	for _, k := range obligation.Kinds() {
		if m.Has(string(k)) {
			kinds = append(kinds, string(k))
		}
	}
	switch len(kinds) {
	case 0:
		doc.Errorf(m.Node, path, "obligation %q says not how it falls due: add exactly one of recurring, once, triggered or prohibition", o.ID)
		return nil
	case 1:
		o.Kind = obligation.Kind(kinds[0])
	default:
		doc.Errorf(m.Key(kinds[1]), yamlx.Join(path, kinds[1]), "an obligation falls due in exactly one way, but this one has %s", strings.Join(kinds, " and "))
		return nil
	}
	assumedUnless := p.deadlineAssumed(m, path, &o)
	kpath := yamlx.Join(path, string(o.Kind))
	var sat, when, due *celenv.Program
	satNode := m.Value("satisfied_by")
	if o.Kind == obligation.Prohibition {
		if satNode != nil {
			doc.Errorf(m.Key("satisfied_by"), yamlx.Join(path, "satisfied_by"), "a prohibition is breached by events, not discharged: remove satisfied_by")
		}
	} else if satNode == nil {
		if !m.Misspelt("satisfied_by") {
			doc.Errorf(m.Node, yamlx.Join(path, "satisfied_by"), "missing required key \"satisfied_by\": a CEL condition saying which events discharge the obligation, such as event.type == \"report\"")
		}
	} else {
		sat = p.compile(satNode, yamlx.Join(path, "satisfied_by"), celenv.Bool, o.Kind, "event", "instance", "trigger", "direction", "params")
	}
	switch o.Kind {
	case obligation.Recurring:
		rm := doc.Map(m.Value("recurring"), kpath, recurringKeys...)
		p.recurring(rm, &o)
		p.firstDueInRange(rm, &o)
	case obligation.Once:
		p.once(doc.Map(m.Value("once"), kpath, onceKeys...), &o)
	case obligation.Triggered:
		if tm := doc.Map(m.Value("triggered"), kpath, triggeredKeys...); tm != nil {
			if w := tm.Require("when", "a CEL condition saying which events create an instance, such as event.type == \"board-meeting\""); w != nil {
				when = p.compile(w, yamlx.Join(kpath, "when"), celenv.Bool, o.Kind, "event", "direction", "params")
			}
			if dn := tm.Require("due", "a CEL timestamp for the deadline, such as trigger.at or addWorkingDays(trigger.at, 5)"); dn != nil {
				due = p.compile(dn, yamlx.Join(kpath, "due"), celenv.Timestamp, o.Kind, "trigger", "direction", "params")
			}
		}
	case obligation.Prohibition:
		if pm := doc.Map(m.Value("prohibition"), kpath, prohibitKeys...); pm != nil {
			if w := pm.Require("when", "a CEL condition saying which events breach it, such as event.outcome == \"refused\""); w != nil {
				when = p.compile(w, yamlx.Join(kpath, "when"), celenv.Bool, o.Kind, "event", "direction", "params")
			}
		}
	}
	if an := m.Value("attribution"); an != nil {
		o.Attribution = p.attribution(m, o.Kind, yamlx.Join(path, "attribution"))
		o.Attribution.Pos = doc.Pos(an)
		if o.Attribution.Rule == obligation.ByAttribute && p.d.Vocabulary != nil && sat != nil {
			if names := p.d.Vocabulary.AttrNames(sat.EventTypes); !slices.Contains(names, o.Attribution.Attribute) {
				an := yamlx.Resolve(an)
				if an.Kind == yaml.MappingNode {
					an = yamlx.Resolve(an.Content[1])
				}
				doc.Errorf(an, yamlx.Join(path, "attribution.attribute"), "the vocabulary declares no attribute %q for the events satisfied_by accepts%s", o.Attribution.Attribute, yamlx.Suggest(o.Attribution.Attribute, names))
			}
		}
	}
	if v := p.d.Vocabulary; v != nil && len(doc.Errs) == before {
		var triggerTypes []string
		if o.Kind == obligation.Triggered && when != nil {
			triggerTypes = when.EventTypes
		}
		when.CheckAttributes(doc, yamlx.Join(kpath, "when"), v, nil)
		sat.CheckAttributes(doc, yamlx.Join(path, "satisfied_by"), v, triggerTypes)
		due.CheckAttributes(doc, yamlx.Join(kpath, "due"), v, triggerTypes)
		assumedUnless.CheckAttributes(doc, yamlx.Join(path, "deadline_assumed.unless"), v, triggerTypes)
	}
	if len(doc.Errs) > before {
		return nil
	}
	return hooks.NewObligation.(func(obligation.Obligation, celenv.Programs) *obligation.Obligation)(o,
		celenv.Programs{SatisfiedBy: sat, When: when, Due: due, AssumedUnless: assumedUnless})
}

// deadlineAssumed reads deadline_assumed: a string saying why every due
// date of the obligation is the model's assumption, or for a triggered
// obligation a mapping {why, unless} whose unless (a CEL condition on
// trigger) says when the trigger itself gives the date.
func (p *parser) deadlineAssumed(m *yamlx.Map, path string, o *obligation.Obligation) *celenv.Program {
	doc := p.doc
	n := m.Value("deadline_assumed")
	if n == nil {
		return nil
	}
	apath := yamlx.Join(path, "deadline_assumed")
	if o.Kind == obligation.Prohibition {
		doc.Errorf(m.Key("deadline_assumed"), apath, "a prohibition has no deadline, so none can be assumed: remove deadline_assumed (state the assumption under assumptions)")
		return nil
	}
	var why string
	var whyNode *yaml.Node
	var unless *celenv.Program
	if n.Kind == yaml.MappingNode {
		am := doc.Map(n, apath, "why", "unless")
		if am == nil {
			return nil
		}
		why, whyNode = am.String("why", true, "why the due dates are the model's assumption")
		if un := am.Value("unless"); un != nil {
			if o.Kind != obligation.Triggered {
				doc.Errorf(am.Key("unless"), yamlx.Join(apath, "unless"), "unless is a condition on the trigger, so only a triggered obligation has one; a %s obligation's dates are all assumed or none", o.Kind)
			} else {
				unless = p.compile(un, yamlx.Join(apath, "unless"), celenv.Bool, o.Kind, "trigger", "direction", "params")
			}
		}
	} else {
		why, whyNode = m.String("deadline_assumed", false, "why the due dates rest on a modelling assumption rather than the text, or {why, unless}")
	}
	if whyNode != nil && strings.TrimSpace(why) == "" {
		doc.Errorf(whyNode, apath, "deadline_assumed is empty: say what the due dates assume that the text does not say, or remove the key")
	}
	o.DeadlineAssumed = why
	return unless
}

// role reads an obligation's role and deadline_assumed. A direction under
// section 497A(4B) binds only the council it is made to, so a duty must be
// held by the council or by one of its officers (a party marked officer_of
// the council), and an expectation by someone else. An obligation without
// a role is a duty whoever holds it, as before roles existed; writing
// role: duty asks for the check.
func (p *parser) role(m *yamlx.Map, path string, o *obligation.Obligation, holderNode *yaml.Node) {
	doc := p.doc
	o.Role = obligation.Duty
	s, n := m.String("role", false, "duty (the council's, the default) or expectation (another party's role)")
	if n == nil {
		return
	}
	switch obligation.Role(s) {
	case obligation.Duty, obligation.Expectation:
		o.Role = obligation.Role(s)
	default:
		doc.Errorf(n, yamlx.Join(path, "role"), "unknown role %q%s; duty is what the direction requires of the council, expectation another party's role (tracked, never a breach)", s, yamlx.Suggest(s, []string{"duty", "expectation"}))
		return
	}
	if holderNode == nil || p.d.Council == "" || p.d.Party(o.Holder) == nil {
		return
	}
	councils := p.d.CouncilHolds(o.Holder)
	switch {
	case o.Role == obligation.Duty && !councils:
		doc.Errorf(n, yamlx.Join(path, "role"), "a duty held by %q, which is neither the directed council %q nor one of its officers: the direction binds only the council. Write role: expectation if this is %s's own role, hold it by %q if the council must ensure it is done, or mark the party officer_of: %s", o.Holder, p.d.Council, o.Holder, p.d.Council, p.d.Council)
	case o.Role == obligation.Expectation && councils:
		doc.Errorf(n, yamlx.Join(path, "role"), "an expectation held by %q, the directed council or one of its officers: what the direction requires of the council is a duty (role: duty), which can be breached", o.Holder)
	}
}

// attribution reads how an event finds its instance: oldest-outstanding,
// window, or {attribute: NAME, otherwise: RULE}.
func (p *parser) attribution(m *yamlx.Map, kind obligation.Kind, path string) obligation.Attribution {
	doc := p.doc
	n := m.Value("attribution")
	const rules = "oldest-outstanding (the default), window, or {attribute: NAME} naming an event attribute that gives the due date of the instance the event is for"
	if kind != obligation.Recurring {
		doc.Errorf(m.Key("attribution"), path, "attribution applies to recurring obligations, whose instances follow one another; a %s obligation's events find their instance by satisfied_by", kind)
		return obligation.Attribution{}
	}
	rule := func(n *yaml.Node, path string) (obligation.Rule, bool) {
		s, ok := doc.Scalar(n, path, rules)
		if !ok {
			return "", false
		}
		switch r := obligation.Rule(s); r {
		case obligation.OldestOutstanding, obligation.Window:
			return r, true
		}
		doc.Errorf(n, path, "unknown attribution %q: use %s%s", s, rules, yamlx.Suggest(s, []string{string(obligation.OldestOutstanding), string(obligation.Window)}))
		return "", false
	}
	if n.Kind != yaml.MappingNode {
		r, _ := rule(n, path)
		return obligation.Attribution{Rule: r}
	}
	am := doc.Map(n, path, attributionKeys...)
	if am == nil {
		return obligation.Attribution{}
	}
	a := obligation.Attribution{Rule: obligation.ByAttribute, Otherwise: obligation.OldestOutstanding}
	name, an := am.String("attribute", true, "the event attribute that names the instance's due date, such as for")
	if an != nil && !validAttr(name) {
		doc.Errorf(an, yamlx.Join(path, "attribute"), "%q is not an attribute name: use letters, digits and _, such as for or period", name)
		name = ""
	}
	if name == "id" || name == "type" || name == "at" {
		doc.Errorf(an, yamlx.Join(path, "attribute"), "%q is every event's own field, not an attribute naming an instance; use an attribute such as for", name)
		name = ""
	}
	a.Attribute = name
	if on := am.Value("otherwise"); on != nil {
		if r, ok := rule(on, yamlx.Join(path, "otherwise")); ok {
			a.Otherwise = r
		}
	}
	if a.Attribute == "" {
		return obligation.Attribution{}
	}
	return a
}

func validAttr(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// extensions reads an extensions mapping: {granted_by: [party ids]}, the
// parties that may extend or waive an instance. An empty list means no one
// may.
func (p *parser) extensions(m *yamlx.Map, path string) obligation.Extensions {
	n := m.Value("extensions")
	if n == nil {
		return obligation.Extensions{}
	}
	em := p.doc.Map(n, path, extensionKeys...)
	if em == nil {
		return obligation.Extensions{}
	}
	if !em.Has("granted_by") {
		if !em.Misspelt("granted_by") {
			em.Require("granted_by", "the party ids that may extend or waive an instance, such as [secretary-of-state]")
		}
		return obligation.Extensions{}
	}
	g := em.Value("granted_by")
	ids := p.doc.Strings(g, yamlx.Join(path, "granted_by"), "party ids")
	for _, id := range ids {
		p.checkParty(g, yamlx.Join(path, "granted_by"), id)
	}
	return obligation.Extensions{GrantedBy: ids, Set: true}
}

// compile compiles an expression and checks that it uses only the variables
// that mean something where it stands.
func (p *parser) compile(n *yaml.Node, path string, want *cel.Type, kind obligation.Kind, allowed ...string) *celenv.Program {
	prog := p.d.env.Compile(p.doc, n, path, want)
	if prog == nil {
		return nil
	}
	if kind != obligation.Triggered {
		var keep []string
		for _, v := range allowed {
			if v != "trigger" {
				keep = append(keep, v)
			}
		}
		allowed = keep
	}
	for _, v := range celenv.Variables {
		if !prog.Uses[v] || slices.Contains(allowed, v) {
			continue
		}
		why := map[string]string{
			"trigger":  "only triggered obligations have a triggering event",
			"instance": "instance is bound only in satisfied_by",
			"event":    "a due date depends on the trigger, not on a later event",
		}[v]
		if v == "trigger" && kind != obligation.Triggered {
			why = fmt.Sprintf("a %s obligation has no triggering event", kind)
		}
		p.doc.Errorf(n, path, "%s cannot be used here: %s; available: %s", v, why, strings.Join(allowed, ", "))
		return nil
	}
	// The keys of params, direction and instance are known now, so a
	// misspelt one is reported here rather than when an event reaches it.
	params := make([]string, 0, len(p.d.Params))
	for k := range p.d.Params {
		params = append(params, k)
	}
	sort.Strings(params)
	if !prog.CheckFields(p.doc, path, map[string][]string{
		"params":    params,
		"direction": {"id", "council", "issued_by", "issued", "ends"},
		"instance":  {"number", "opens", "due"},
	}) {
		return nil
	}
	return prog
}

func (p *parser) period(m *yamlx.Map, key, what string) (obligation.Period, bool) {
	s, n := m.String(key, false, what)
	if n == nil {
		return obligation.Period{}, false
	}
	return p.periodOf(s, n, yamlx.Join(m.Path, key))
}

// periodOf reads s, the text of node n, as a period of at least one unit.
func (p *parser) periodOf(s string, n *yaml.Node, path string) (obligation.Period, bool) {
	per, err := obligation.ParsePeriod(s)
	if err == nil && per.N <= 0 {
		err = fmt.Errorf("a period must be at least 1 %s, not %d", strings.TrimSuffix(string(per.Unit), "s"), per.N)
	}
	if err != nil {
		p.doc.Errorf(n, path, "%v", err)
		return obligation.Period{}, false
	}
	return per, true
}

func (p *parser) recurring(m *yamlx.Map, o *obligation.Obligation) {
	if m == nil {
		return
	}
	s := &o.Schedule
	s.Anchor, s.AnchorIs = p.d.Issued, anchorIssued
	lead := ""
	switch {
	case m.Has("after") && m.Has("dates"):
		p.doc.Errorf(m.Key("dates"), yamlx.Join(m.Path, "dates"), "give either after (periods after the issue date) or dates (fixed due dates), not both")
		return
	case m.Has("after"):
		lead = "after"
		s.After = p.offsets(m, s.Anchor)
	case m.Has("dates"):
		lead = "dates"
		s.Dates = p.dueDates(m)
	}
	if lead != "" {
		for _, k := range []string{"every", "first", "first_due"} {
			if !m.Has(k) {
				continue
			}
			why := fmt.Sprintf("%s already says when the first instances fall due", lead)
			if k == "every" {
				why = fmt.Sprintf("the cadence that follows the %s list is then_every (\"after 3 months, after 6 months, then every 6 months\")", lead)
			}
			p.doc.Errorf(m.Key(k), yamlx.Join(m.Path, k), "%s cannot be used with %s: %s", k, lead, why)
		}
		s.Every, _ = p.period(m, "then_every", "the period that follows the list, such as \"6 months\"")
		if s.After == nil && s.Dates == nil {
			return // the list was reported
		}
	} else {
		if m.Has("then_every") {
			p.doc.Errorf(m.Key("then_every"), yamlx.Join(m.Path, "then_every"), "then_every continues a list of after offsets or dates; for a plain cadence write every")
		}
		if !m.Has("every") && !m.Misspelt("every") && !m.Misspelt("after") && !m.Misspelt("dates") {
			p.doc.Errorf(m.Node, yamlx.Join(m.Path, "every"), "missing required key \"every\": the period, such as \"3 months\" or quarterly (or a list: after [3 months, 6 months], or dates [2019-05-31, 2019-11-30])")
		}
		s.Every, _ = p.period(m, "every", "the period, such as \"3 months\"")
		first, hasFirst := p.period(m, "first", "how long after the issue date the first instance is due, such as \"3 months\"")
		if fd, n := p.date(m, "first_due", false, "the first due date (YYYY-MM-DD)"); n != nil {
			if hasFirst {
				p.doc.Errorf(n, yamlx.Join(m.Path, "first_due"), "give either first (a period after the issue date) or first_due (a date), not both")
			}
			if !p.d.Issued.IsZero() && fd.Before(p.d.Issued) {
				p.doc.Errorf(n, yamlx.Join(m.Path, "first_due"), "the first due date %s is before the direction was issued on %s", fd, p.d.Issued)
			}
			s.Anchor, s.AnchorIs, s.First = fd, "the first due date", obligation.Period{}
		} else if hasFirst {
			s.First = first
		} else {
			s.First = s.Every
		}
	}
	if n := m.Value("count"); n != nil {
		if c, ok := p.doc.Int(n, yamlx.Join(m.Path, "count"), "the number of instances"); ok {
			if c < 1 {
				p.doc.Errorf(n, yamlx.Join(m.Path, "count"), "count must be at least 1, not %d", c)
			}
			if listed := len(s.After) + len(s.Dates); listed > 0 && s.Every.IsZero() && c > listed {
				p.doc.Errorf(n, yamlx.Join(m.Path, "count"), "count is %d, but the %s list gives only %d instances and no then_every follows it", c, lead, listed)
			}
			if listed := len(s.After) + len(s.Dates); c >= 1 && c < listed {
				// The text lists every instance: a count that cuts the
				// list says two things, and guessing which is meant
				// would silently drop duties.
				var cut []string
				for _, a := range s.After[min(c, len(s.After)):] {
					cut = append(cut, a.String())
				}
				for _, d := range s.Dates[min(c, len(s.Dates)):] {
					cut = append(cut, d.String())
				}
				p.doc.Errorf(n, yamlx.Join(m.Path, "count"), "count is %d, but the %s list gives %d instances, so %s in it would never fall due; shorten the list or remove count", c, lead, listed, strings.Join(cut, ", "))
			}
			s.Count = c
		}
	}
	// Whether a due date can be computed: a cadence, or a list.
	computable := !s.Anchor.IsZero() && (!s.Every.IsZero() || len(s.After)+len(s.Dates) > 0)
	var untilNode *yaml.Node
	s.Until, untilNode = p.date(m, "until", false, "the last date an instance may fall due (YYYY-MM-DD)")
	if untilNode != nil && computable {
		if first, _ := o.DueDate(1); s.Until.Before(first) {
			p.doc.Errorf(untilNode, yamlx.Join(m.Path, "until"), "until %s is before the first due date, %s, so the obligation would never fall due", s.Until, first.Long())
		}
	}
	if !p.d.Ends.IsZero() && !p.d.Ends.Before(p.d.Issued) && computable {
		if first, _ := o.DueDate(1); first.After(p.d.EndsRange().Last) {
			p.doc.Errorf(m.Node, m.Path, "the first instance is due on %s, after the direction ends on %s, so the obligation would never fall due", first, p.d.Ends)
		}
	}
}

// firstDueInRange refuses a series whose first due date is past 9999 (the
// periods are bounded, the issue date is not); later instances past 9999
// are never generated (see docs/limits.md).
func (p *parser) firstDueInRange(m *yamlx.Map, o *obligation.Obligation) {
	s := o.Schedule
	if m == nil || s.Anchor.IsZero() || (s.Every.IsZero() && len(s.After)+len(s.Dates) == 0) {
		return
	}
	if first, _ := o.DueDate(1); first.Year > 9999 {
		p.doc.Errorf(m.Node, m.Path, "the first instance would fall due in the year %d; due dates must be within the years 1 to 9999", first.Year)
	}
}

// offsets reads recurring.after: periods after the anchor whose due dates
// strictly increase.
func (p *parser) offsets(m *yamlx.Map, anchor civil.Date) []obligation.Period {
	path := yamlx.Join(m.Path, "after")
	items, ok := p.doc.Seq(m.Value("after"), path, "periods after the issue date, such as [3 months, 6 months]")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.doc.Errorf(m.Value("after"), path, "after is empty: list at least one period after the issue date, such as [3 months, 6 months]")
		return nil
	}
	out := make([]obligation.Period, 0, len(items))
	var prev civil.Date
	prevText := ""
	for i, n := range items {
		ipath := yamlx.Index(path, i)
		text, ok := p.doc.Scalar(n, ipath, "a period such as \"3 months\"")
		if !ok {
			return nil
		}
		per, ok := p.periodOf(text, n, ipath)
		if !ok {
			return nil
		}
		if !anchor.IsZero() {
			probe := obligation.Schedule{Anchor: anchor, After: []obligation.Period{per}}
			due, _ := (&obligation.Obligation{Schedule: probe}).DueDate(1)
			if !prev.IsZero() && !due.After(prev) {
				p.doc.Errorf(n, ipath, "%s after the issue date is %s, not after the previous offset (%s, %s): list the offsets in increasing order, each once", per, due.Long(), prevText, prev.Long())
				return nil
			}
			prev, prevText = due, per.String()
		}
		out = append(out, per)
	}
	return out
}

// dueDates reads recurring.dates: fixed due dates, strictly increasing and
// none before the issue date.
func (p *parser) dueDates(m *yamlx.Map) []civil.Date {
	path := yamlx.Join(m.Path, "dates")
	items, ok := p.doc.Seq(m.Value("dates"), path, "due dates (YYYY-MM-DD), such as [2019-05-31, 2019-11-30]")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.doc.Errorf(m.Value("dates"), path, "dates is empty: list at least one due date (YYYY-MM-DD), such as [2019-05-31, 2019-11-30]")
		return nil
	}
	out := make([]civil.Date, 0, len(items))
	for i, n := range items {
		ipath := yamlx.Index(path, i)
		text, ok := p.doc.Scalar(n, ipath, "a due date (YYYY-MM-DD)")
		if !ok {
			return nil
		}
		d, err := civil.Parse(text)
		if err == nil {
			if err = d.CheckIn(p.d.Location); err != nil {
				err = fmt.Errorf("%w; the direction's dates are days in its time_zone", err)
			}
		}
		if err != nil {
			p.doc.Errorf(n, ipath, "%v", err)
			return nil
		}
		if !p.d.Issued.IsZero() && d.Before(p.d.Issued) {
			p.doc.Errorf(n, ipath, "the due date %s is before the direction was issued on %s", d, p.d.Issued)
			return nil
		}
		if !p.d.Ends.IsZero() && !p.d.Ends.Before(p.d.Issued) && d.After(p.d.Ends) {
			p.doc.Errorf(n, ipath, "the due date %s is after the direction ends on %s, so it would never fall due", d, p.d.Ends)
			return nil
		}
		if len(out) > 0 && !d.After(out[len(out)-1]) {
			p.doc.Errorf(n, ipath, "the due date %s is not after the one before it (%s): list the dates in increasing order, each once", d, out[len(out)-1])
			return nil
		}
		out = append(out, d)
	}
	return out
}

func (p *parser) once(m *yamlx.Map, o *obligation.Obligation) {
	if m == nil {
		return
	}
	s := &o.Schedule
	if m.Has("dates") {
		p.doc.Errorf(m.Key("dates"), yamlx.Join(m.Path, "dates"), "a once obligation falls due on one date; for a series of fixed dates, one instance each, write recurring: {dates: [2019-05-31, 2019-11-30]}")
		return
	}
	dateNode, dueNode := m.Value("date"), m.Value("due")
	switch {
	case dateNode != nil && dueNode != nil:
		p.doc.Errorf(m.Key("due"), yamlx.Join(m.Path, "due"), "give either date or due, not both")
	case dateNode != nil:
		var n *yaml.Node
		s.On, n = p.date(m, "date", true, "the due date (YYYY-MM-DD)")
		s.OnSource = "the date set by the direction"
		if n != nil && !p.d.Issued.IsZero() && s.On.Before(p.d.Issued) {
			p.doc.Errorf(n, yamlx.Join(m.Path, "date"), "the due date %s is before the direction was issued on %s", s.On, p.d.Issued)
		}
	case dueNode != nil:
		prog := p.compile(dueNode, yamlx.Join(m.Path, "due"), celenv.Timestamp, obligation.Once, "direction", "params")
		if prog == nil {
			return
		}
		if prog.Uses["direction"] && p.d.Uncertain() {
			p.doc.Errorf(dueNode, yamlx.Join(m.Path, "due"), "this due date is computed from the direction, whose dates are known only to a range (%s); give the due date as date: YYYY-MM-DD", p.d.IssuedRange().Long())
			return
		}
		t, err := prog.EvalTime(&celenv.Activation{Direction: p.d.dirV, Params: p.d.parV})
		if err != nil {
			p.doc.Errorf(dueNode, yamlx.Join(m.Path, "due"), "cannot compute the due date: %v", err)
			return
		}
		s.On = civil.In(t, p.d.Location)
		s.OnSource = fmt.Sprintf("%s = %s", prog.Text, s.On.Long())
		if !p.d.Issued.IsZero() && s.On.Before(p.d.Issued) {
			p.doc.Errorf(dueNode, yamlx.Join(m.Path, "due"), "the due date %s (%s) is before the direction was issued on %s", s.On, prog.Text, p.d.Issued)
		}
	default:
		p.doc.Errorf(m.Node, m.Path, "a once obligation needs date (YYYY-MM-DD) or due (a CEL timestamp such as endOfMonth(date(\"2018-05-01\")))")
	}
	if !s.On.IsZero() && !p.d.Ends.IsZero() && !p.d.Ends.Before(p.d.Issued) && s.On.After(p.d.EndsRange().Last) {
		n := dateNode
		if n == nil {
			n = dueNode
		}
		p.doc.Errorf(n, m.Path, "the due date %s is after the direction ends on %s, so it would never fall due", s.On, p.d.Ends)
	}
}
