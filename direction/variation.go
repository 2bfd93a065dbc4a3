package direction

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/internal/yamlx"
	"github.com/dfe-tools/directions/obligation"
)

// Variation is a revocation or replacement of some obligations of an
// earlier direction, from the issue date of the direction that makes it.
// What fell due under them before that day stays due.
type Variation struct {
	// Direction is the id of the earlier direction.
	Direction string
	// Obligations and Clauses name what is varied: obligations by id, and
	// every obligation with one of the clause labels.
	Obligations []string
	Clauses     []string
	// ReplacedBy is the id of the varying direction's obligation that takes
	// over from them; empty when they are simply revoked.
	ReplacedBy string

	dirPos        diag.Position
	oblPos, clPos []diag.Position
	path          string
}

// Revocation is a direction's own record that it was revoked by an
// instrument the set does not model.
type Revocation struct {
	// On is the day the revocation took effect: the direction is in force
	// until the start of it.
	On civil.Date
	// Through is zero when the day is known; for a revocation known only
	// to a month or a range (on: 2022-01), On is the first day it may be
	// and Through the last.
	Through civil.Date
	// By names the revoking instrument in words.
	By string
}

// Range returns the days the revocation may have taken effect on.
func (r Revocation) Range() civil.Range { return span(r.On, r.Through) }

var (
	variationKeys  = []string{"direction", "obligations", "clauses"}
	revocationKeys = []string{"on", "by"}
)

// revokes reads the revokes list: each item is the id of a direction
// revoked whole, or a mapping naming a direction and, optionally, the
// obligations or clauses of it that are revoked.
func (p *parser) revokes(m *yamlx.Map) {
	doc, d := p.doc, p.d
	n := m.Value("revokes")
	d.revokesPos = doc.Pos(m.Key("revokes"))
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for i, it := range items {
		path := "revokes"
		if n.Kind == yaml.SequenceNode {
			path = yamlx.Index(path, i)
		}
		it = yamlx.Resolve(it)
		if it != nil && it.Kind == yaml.MappingNode {
			v, ok := p.variation(it, path, false)
			if !ok {
				continue
			}
			if len(v.Obligations) == 0 && len(v.Clauses) == 0 {
				d.Revokes = append(d.Revokes, v.Direction)
				d.revokeAt, d.revokePath = append(d.revokeAt, v.dirPos), append(d.revokePath, yamlx.Join(path, "direction"))
			} else {
				d.Varies = append(d.Varies, v)
			}
			continue
		}
		id, ok := doc.Scalar(it, path, "a direction id, or a mapping {direction: ID, obligations: [...]} or {direction: ID, clauses: [...]}")
		if !ok {
			continue
		}
		if id == d.ID {
			doc.Errorf(it, path, "direction %q revokes itself; list the ids of earlier directions", d.ID)
			continue
		}
		d.Revokes = append(d.Revokes, id)
		d.revokeAt, d.revokePath = append(d.revokeAt, doc.Pos(it)), append(d.revokePath, path)
	}
}

// variation reads {direction, obligations, clauses}; replace says it is an
// obligation's replaces key, which must name what it replaces.
func (p *parser) variation(n *yaml.Node, path string, replace bool) (Variation, bool) {
	doc := p.doc
	m := doc.Map(n, path, variationKeys...)
	if m == nil {
		return Variation{}, false
	}
	v := Variation{path: path}
	id, idNode := m.String("direction", true, "the id of the earlier direction")
	if idNode == nil {
		return v, false
	}
	v.Direction, v.dirPos = id, doc.Pos(idNode)
	if id == p.d.ID {
		what := "revokes itself"
		if replace {
			what = "replaces one of its own obligations"
		}
		doc.Errorf(idNode, yamlx.Join(path, "direction"), "direction %q %s; name an earlier direction", id, what)
		return v, false
	}
	list := func(key string) ([]string, []diag.Position) {
		ln := m.Value(key)
		if ln == nil {
			return nil, nil
		}
		kp := yamlx.Join(path, key)
		if ln.Kind == yaml.ScalarNode && ln.Tag != "!!null" {
			return []string{ln.Value}, []diag.Position{doc.Pos(ln)}
		}
		items, ok := doc.Seq(ln, kp, key)
		if !ok {
			return nil, nil
		}
		if len(items) == 0 {
			doc.Errorf(ln, kp, "an empty list of %s; leave the key out to revoke the whole direction", key)
		}
		var out []string
		var pos []diag.Position
		for i, it := range items {
			if s, ok := doc.Scalar(it, yamlx.Index(kp, i), "text, one of the "+key); ok {
				out = append(out, s)
				pos = append(pos, doc.Pos(it))
			}
		}
		return out, pos
	}
	v.Obligations, v.oblPos = list("obligations")
	v.Clauses, v.clPos = list("clauses")
	if replace && len(v.Obligations) == 0 && len(v.Clauses) == 0 && !m.Misspelt("obligations") && !m.Misspelt("clauses") {
		doc.Errorf(n, path, "replaces must name what it replaces: add obligations: [ID] or clauses: [LABEL] of %s", id)
		return v, false
	}
	return v, true
}

// revoked reads revoked: {on: DATE, by: "words"}.
func (p *parser) revoked(n *yaml.Node) {
	doc, d := p.doc, p.d
	m := doc.Map(n, "revoked", revocationKeys...)
	if m == nil {
		return
	}
	on, through, onNode := p.dateRange(m, "on", true, "the day the revocation took effect (YYYY-MM-DD, or YYYY-MM when only the month is known)")
	by, byNode := m.String("by", true, "the revoking instrument in words, such as \"Direction of 13 January 2022 (not modelled)\"")
	if onNode == nil || byNode == nil {
		return
	}
	if strings.TrimSpace(by) == "" {
		doc.Errorf(byNode, "revoked.by", "name the revoking instrument in words")
		return
	}
	if last := (Revocation{On: on, Through: through}).Range().Last; !d.Issued.IsZero() && last.Before(d.Issued) {
		doc.Errorf(onNode, "revoked.on", "the direction is revoked on %s, before it was issued on %s; revoked.on is the day the revocation took effect, on or after issued", on, d.Issued)
		return
	}
	d.Revoked = &Revocation{On: on, Through: through, By: by}
}

// checkVariations reports variations naming directions, obligations or
// clauses the set does not hold, or directions issued later.
func (s *Set) checkVariations(errs *diag.List) {
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	for _, d := range s.Directions {
		for _, v := range d.Varies {
			old, ok := s.byID[v.Direction]
			if !ok {
				errs.Add(at(v.dirPos, d), yamlx.Join(v.path, "direction"), "no direction %q in the set%s; load the direction whose obligations this varies", v.Direction, yamlx.Suggest(v.Direction, ids))
				continue
			}
			if old.Council != d.Council {
				errs.Add(at(v.dirPos, d), yamlx.Join(v.path, "direction"), "direction %q is to %s and cannot vary %q, a direction to %s; %s", d.ID, d.Council, old.ID, old.Council, sameCouncil)
				continue
			}
			if old.Issued.After(d.Issued) {
				errs.Add(at(v.dirPos, d), yamlx.Join(v.path, "direction"), "direction %q (issued %s) cannot vary %q, which was issued later, on %s; a direction varies only earlier ones", d.ID, d.Issued, old.ID, old.Issued)
				continue
			}
			oblIDs := make([]string, len(old.Obligations))
			var clauses []string
			for i, o := range old.Obligations {
				oblIDs[i] = o.ID
				if !containsString(clauses, o.Clause) {
					clauses = append(clauses, o.Clause)
				}
			}
			for i, id := range v.Obligations {
				if old.Obligation(id) == nil {
					errs.Add(at(v.oblPos[i], d), yamlx.Index(yamlx.Join(v.path, "obligations"), i), "direction %q has no obligation %q%s", old.ID, id, yamlx.Suggest(id, oblIDs))
				}
			}
			for i, c := range v.Clauses {
				if !containsString(clauses, c) {
					errs.Add(at(v.clPos[i], d), yamlx.Index(yamlx.Join(v.path, "clauses"), i), "direction %q has no clause %q%s", old.ID, c, yamlx.Suggest(c, clauses))
				}
			}
		}
	}
}

const sameCouncil = "a direction revokes or varies only directions to the same council"

func at(p diag.Position, d *Direction) diag.Position {
	if p.IsValid() {
		return p
	}
	return diag.Position{File: d.File}
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// covers reports whether v names o.
func (v Variation) covers(o *obligation.Obligation) bool {
	return containsString(v.Obligations, o.ID) || containsString(v.Clauses, o.Clause)
}

// Words says what v does, for outputs: "clause 8(f) of barnet-2018-01
// (chair-quarterly-report)", followed by "replaced by X" when it replaces.
func (v Variation) Words(s *Set) string {
	var parts []string
	for _, c := range v.Clauses {
		parts = append(parts, "clause "+c)
	}
	for _, o := range v.Obligations {
		parts = append(parts, "obligation "+o)
	}
	w := strings.Join(parts, ", ") + " of " + v.Direction
	if old := s.Get(v.Direction); old != nil && len(v.Clauses) > 0 {
		var ids []string
		for _, o := range old.Obligations {
			if containsString(v.Clauses, o.Clause) && !containsString(v.Obligations, o.ID) {
				ids = append(ids, o.ID)
			}
		}
		if len(ids) > 0 {
			w += " (" + strings.Join(ids, ", ") + ")"
		}
	}
	if v.ReplacedBy != "" {
		w += ", replaced by its obligation " + v.ReplacedBy
	}
	return w
}

// variedBy is the earliest variation of an obligation.
type variedBy struct {
	d *Direction
	v Variation
}

// ObligationForce returns when o, an obligation of d, may fall due: as
// Force(d), but ending earlier where a later direction in the set revokes
// or replaces o. Varied is then set and Reason says so.
func (s *Set) ObligationForce(d *Direction, o *obligation.Obligation) Force {
	f := s.Force(d)
	vb, ok := s.varied[d.ID+"\x00"+o.ID]
	if !ok || !s.knows(vb.d.Issued, d.Location) {
		return f
	}
	until := vb.d.Issued.Start(d.Location)
	if !f.Until.IsZero() && !until.Before(f.Until) {
		return f // the direction had ended by then anyway
	}
	what := "revoked"
	if vb.v.ReplacedBy != "" {
		what = fmt.Sprintf("replaced by %s's obligation %s", vb.d.ID, vb.v.ReplacedBy)
	}
	f.Until, f.RevokedBy, f.RevokedByInstrument, f.Varied = until, vb.d.ID, "", true
	f.Reason = fmt.Sprintf("clause %s (%s) %s by %s, issued %s: no instance falls due from %s; what fell due before stays due", o.Clause, o.ID, what, vb.d.ID, vb.d.Issued.Long(), vb.d.Issued.Long())
	if vb.v.ReplacedBy != "" {
		f.Reason = fmt.Sprintf("clause %s (%s) %s, issued %s: no instance falls due from %s; what fell due before stays due", o.Clause, o.ID, what, vb.d.Issued.Long(), vb.d.Issued.Long())
	}
	return f
}

// Version says under which direction's text the instances of o (of d) fall
// due when o is part of a variation: d's id when a later direction in the
// set varies o (and, for a set taken AsOf, has been issued by then) or
// when o replaces an earlier obligation; empty otherwise.
func (s *Set) Version(d *Direction, o *obligation.Obligation) string {
	if vb, ok := s.varied[d.ID+"\x00"+o.ID]; ok && s.knows(vb.d.Issued, d.Location) {
		return d.ID
	}
	for _, v := range d.Varies {
		if v.ReplacedBy == o.ID {
			return d.ID
		}
	}
	return ""
}

// ReplacedBy returns the obligation that takes over from o, an obligation
// of d, and its direction: the first in the set's order (by issue date)
// whose replaces key names o and, for a set taken AsOf, that has been
// issued by then. Both are nil when nothing replaces o. The evaluator
// treats the two as one series for attribution: an event discharges at
// most one instance of them (docs/lifecycle.md).
func (s *Set) ReplacedBy(d *Direction, o *obligation.Obligation) (*Direction, *obligation.Obligation) {
	for _, x := range s.Directions {
		if !s.knows(x.Issued, d.Location) {
			continue
		}
		for _, v := range x.Varies {
			if v.ReplacedBy != "" && v.Direction == d.ID && v.covers(o) {
				return x, x.Obligation(v.ReplacedBy)
			}
		}
	}
	return nil, nil
}

// settleVariations records, for each varied obligation, the earliest
// direction varying it; between two of the same day the first by id.
func (s *Set) settleVariations() {
	s.varied = map[string]variedBy{}
	for _, d := range s.Directions {
		for _, v := range d.Varies {
			old := s.byID[v.Direction]
			if old == nil {
				continue
			}
			for _, o := range old.Obligations {
				if !v.covers(o) {
					continue
				}
				k := old.ID + "\x00" + o.ID
				if prev, ok := s.varied[k]; ok {
					if c := prev.d.Issued.Compare(d.Issued); c < 0 || (c == 0 && prev.d.ID <= d.ID) {
						continue
					}
				}
				s.varied[k] = variedBy{d, v}
			}
		}
	}
}

// RevokesOnly reports whether d imposes no obligations of its own: it only
// revokes or varies others.
func (d *Direction) RevokesOnly() bool { return len(d.Obligations) == 0 }

// RevokesWords lists in words what d revokes and varies, for outputs.
func (s *Set) RevokesWords(d *Direction) []string {
	var out []string
	for _, r := range d.Revokes {
		w := r + " (whole direction)"
		if s.Get(r) == nil {
			w = r + " (whole direction; not loaded)"
		}
		out = append(out, w)
	}
	for _, v := range d.Varies {
		out = append(out, v.Words(s))
	}
	return out
}
