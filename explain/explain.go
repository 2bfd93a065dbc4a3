package explain

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/evaluator"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/jsonlist"
	"github.com/dfe-tools/directions/internal/words"
	"github.com/dfe-tools/directions/obligation"
	"github.com/dfe-tools/directions/report"
)

// Explanation is the JSON document `explain --format json` writes: enough
// to audit a result later (the as-of time, the engine version and the
// SHA-256 of every input file) and, for each instance of the obligation,
// how its due date was derived and which events were weighed against it.
type Explanation struct {
	Schema      string                `json:"schema"`
	Engine      string                `json:"engine"`
	AsOf        time.Time             `json:"as_of"`
	Inputs      []report.Input        `json:"inputs"`
	Obligations []ObligationExplained `json:"obligations"`
	// loc is the zone WriteText writes dates in: the directions'.
	loc *time.Location
}

// ObligationExplained is one obligation of one direction, in words.
type ObligationExplained struct {
	Direction      string `json:"direction"`
	DirectionTitle string `json:"direction_title"`
	InForce        string `json:"in_force"`
	// Varied says when a later direction revoked or replaced this
	// obligation, and Replaces what this obligation replaces; Version is
	// the findings' version (see evaluator.Finding).
	Varied     string `json:"varied,omitempty"`
	Replaces   string `json:"replaces,omitempty"`
	Version    string `json:"version,omitempty"`
	ID         string `json:"id"`
	Clause     string `json:"clause"`
	Holder     string `json:"holder"`
	HolderName string `json:"holder_name,omitempty"`
	// Role is duty (the council's: can be breached) or expectation
	// (another party's role: tracked, never a breach).
	Role string `json:"role"`
	// DeadlineAssumed says why the due dates are the model's assumption
	// rather than the text's, when they are.
	DeadlineAssumed string   `json:"deadline_assumed,omitempty"`
	Kind            string   `json:"kind"`
	Summary         string   `json:"summary"`
	Source          string   `json:"source,omitempty"`
	Assumptions     []string `json:"assumptions,omitempty"`
	// Schedule says how instances arise; Trigger, DueRule and Discharge
	// quote the conditions as the direction writes them.
	Schedule  string `json:"schedule"`
	Trigger   string `json:"trigger_condition,omitempty"`
	DueRule   string `json:"due_rule,omitempty"`
	Discharge string `json:"discharge_condition,omitempty"`
	// Attribution says in words how an event finds the instance it
	// discharges.
	Attribution string `json:"attribution,omitempty"`
	// Params are the direction's parameters the rules refer to.
	Params map[string]any `json:"params,omitempty"`
	// Candidates are the events, up to the as-of time, of a type the
	// obligation looks at, with what became of each.
	Candidates []Candidate         `json:"candidates"`
	Instances  []InstanceExplained `json:"instances"`
	// NotGenerated lists, in words, the instances that would have arisen
	// by the as-of time but for the end of the direction or of the
	// obligation (a revocation, a variation, an end date).
	NotGenerated []string `json:"not_generated,omitempty"`
}

// InstanceExplained is one instance: its due date's derivation, the events
// tested against it and the outcome.
type InstanceExplained struct {
	Number int              `json:"number"`
	Status evaluator.Status `json:"status"`
	Due    string           `json:"due,omitempty"`
	DueAt  time.Time        `json:"due_at,omitzero"`
	Opens  time.Time        `json:"opens"`
	// Derivation is the due date's computation, step by step, in words.
	Derivation []string            `json:"derivation"`
	Trigger    *evaluator.EventRef `json:"trigger,omitempty"`
	Considered []Considered        `json:"considered"`
	// NotListed counts the events tested against the instance that did
	// not satisfy its condition and are not in Considered, when
	// Options.MaxNotSatisfying left them out (the earliest); nil when
	// every one is listed.
	NotListed    *NotListed          `json:"not_listed,omitempty"`
	DischargedBy *evaluator.EventRef `json:"discharged_by,omitempty"`
	// Attribution is the rule that placed DischargedBy here.
	Attribution string `json:"attribution,omitempty"`
	DaysLate    int    `json:"days_late,omitempty"`
	// Assumed is the assumption the due date rests on, if any.
	Assumed string `json:"assumed,omitempty"`
	// The extension and waiver fields are the finding's; Grant lists in
	// words every extension and waiver granted for the instance, in order.
	OriginalDue      string              `json:"original_due,omitempty"`
	ExtendedTo       string              `json:"extended_to,omitempty"`
	Extension        *evaluator.EventRef `json:"extension,omitempty"`
	Waiver           *evaluator.EventRef `json:"waiver,omitempty"`
	DaysLateOriginal int                 `json:"days_late_original,omitempty"`
	Grant            []string            `json:"grant,omitempty"`
	Outcome          string              `json:"outcome"`
}

// Considered is an event tested against an instance's discharge condition.
type Considered struct {
	Event     string    `json:"event"`
	Type      string    `json:"type"`
	At        time.Time `json:"at"`
	Where     string    `json:"where,omitempty"`
	Attrs     string    `json:"attributes,omitempty"`
	Satisfied bool      `json:"satisfied"`
	// Retained: the event came before the instance existed and was held
	// back for it (a report sent before the meeting it is for).
	Retained bool   `json:"retained,omitempty"`
	Note     string `json:"note"`
}

// NotListed sums up the events tested against an instance that did not
// satisfy its condition and came before the last Options.MaxNotSatisfying
// of them, which Considered lists: how many, and the times of the first
// and the last of those.
type NotListed struct {
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// words says what n counts, as the text lists it before the events shown.
func (n *NotListed) words(loc *time.Location) string {
	first, last := civil.In(n.First, loc).Long(), civil.In(n.Last, loc).Long()
	if n.Count == 1 {
		return fmt.Sprintf("1 earlier event, on %s, was tested and does not satisfy the condition (not listed)", first)
	}
	span := "from " + first + " to " + last
	if first == last {
		span = "on " + first
	}
	return fmt.Sprintf("%d earlier events, %s, were tested and do not satisfy the condition (not listed)", n.Count, span)
}

// Candidate is an event of a relevant type and what it did.
type Candidate struct {
	Event string    `json:"event"`
	Type  string    `json:"type"`
	At    time.Time `json:"at"`
	Where string    `json:"where,omitempty"`
	Note  string    `json:"note"`
}

// Target is one obligation of one direction to explain.
type Target struct {
	Direction  *direction.Direction
	Obligation *obligation.Obligation
}

// Find returns the obligations of set that id names: an obligation id
// (every direction's obligation of that id), or DIRECTION/ID. None when
// there is no such obligation (ObligationIDs lists them all).
func Find(set *direction.Set, id string) []Target {
	dirID, oID, qualified := strings.Cut(id, "/")
	if !qualified {
		oID = id
	}
	var out []Target
	for _, d := range set.Directions {
		if qualified && d.ID != dirID {
			continue
		}
		if o := d.Obligation(oID); o != nil {
			out = append(out, Target{d, o})
		}
	}
	return out
}

// ObligationIDs lists set's obligations as DIRECTION/ID, for an error
// message when Find finds none.
func ObligationIDs(set *direction.Set) []string {
	var ids []string
	for _, d := range set.Directions {
		for _, o := range d.Obligations {
			ids = append(ids, d.ID+"/"+o.ID)
		}
	}
	return ids
}

type instKey struct {
	dir, obl string
	n        int
}

// Options are an explanation's inputs other than the directions and events.
type Options struct {
	// AsOf is the evaluation time, as in evaluator.Options; required.
	AsOf time.Time
	// Inputs are the files the directions and events were read from, listed
	// in the JSON document so that it can be audited.
	Inputs []report.Input
	// MaxNotSatisfying, when above zero, lists at most that many of the
	// events tested against an instance that did not satisfy its
	// condition, the last in time order (those nearest the event that
	// discharged it, or the as-of time), and counts the earlier ones
	// (InstanceExplained.NotListed); likewise a candidate's note names
	// the first that many of the instances it was tested against. Every event
	// that satisfied the condition is listed. The rest are counted as they
	// are pushed out (while gathering, a list may hold just under twice
	// that many), so that an explanation holds a bounded number of such
	// events an instance however long the history; a traced
	// obligation is tested without its keyed lookups, so every response
	// of a busy history can be tested against every later instance. Zero
	// lists every one (`directions explain` lists 20 unless told).
	MaxNotSatisfying int
}

// DefaultMaxNotSatisfying is the Options.MaxNotSatisfying that
// `directions explain` and the server's explain use unless told: a busy
// history tests every response against every later instance, and a
// reader wants the tests nearest the outcome, not all of them.
const DefaultMaxNotSatisfying = 20

// Explain evaluates events against set, as evaluator.Evaluate does, with a
// trace, and gathers for each of targets how its due dates were derived,
// which events were weighed against each instance and what became of them.
// Its errors are evaluator.Evaluate's.
func Explain(set *direction.Set, events []event.Event, targets []Target, opts Options) (*Explanation, error) {
	g := newGatherer(set, targets, opts)
	res, err := evaluator.Evaluate(set, events, g.options())
	if err != nil {
		return nil, err
	}
	var looked []event.Event
	for i := range events {
		if g.looksAt(events[i].Type) {
			looked = append(looked, events[i])
		}
	}
	return g.explain(res, event.Sort(looked)), nil
}

// ExplainStream is Explain reading the events one at a time from next
// (io.EOF after the last), as evaluator.EvaluateStream does, and gives the
// same Explanation. What it keeps of the history are the events of a type
// a target looks at (its trigger or discharge condition's types): the
// candidates the explanation lists, and the triggers whose attributes a
// due date's derivation names. Every other event is evaluated and
// forgotten, so that explaining one obligation of a history of millions
// of events holds that obligation's events, not the history: of those,
// the attributes only where the explanation reads them, and of the
// findings, only the obligation's (and those of an obligation it
// replaces). It takes what EvaluateStream takes, events in time order
// and dated to the day, and refuses the rest with its errors; load such a
// history and call Explain. next may reuse its event (event.Reader does):
// what is kept is copied.
func ExplainStream(ctx context.Context, set *direction.Set, next func() (*event.Event, error), targets []Target, opts Options) (*Explanation, error) {
	g := newGatherer(set, targets, opts)
	var looked []event.Event
	keep := func() (*event.Event, error) {
		ev, err := next()
		if err == nil && g.looksAt(ev.Type) {
			c := *ev
			c.Attrs = nil
			if g.readsAttrs(ev.Type) {
				c.Attrs = maps.Clone(ev.Attrs)
			}
			looked = append(looked, c)
		}
		return ev, err
	}
	// evaluator.EvaluateStream, keeping only the findings the explanation
	// reads (most of a busy history's are other obligations').
	var findings []evaluator.Finding
	res, err := evaluator.StreamContext(ctx, set, keep, g.options(), func(f evaluator.Finding) {
		if f.Instance != 0 && g.reads(&f) { // an unnumbered finding is never reported, as in Evaluate
			findings = append(findings, f)
		}
	})
	if err != nil {
		return nil, err
	}
	res.Findings = g.inSetOrder(findings)
	return g.explain(res, looked), nil // in time order: EvaluateStream refuses any other
}

// gatherer collects, from an evaluation's trace, what the explanation of
// targets needs: the events tested against each instance and the
// extensions and waivers granted for it. It copies what it keeps of a
// step, whose event a stream reuses.
type gatherer struct {
	set      *direction.Set
	targets  []Target
	opts     Options
	loc      *time.Location
	want     map[[2]string]bool
	tested   map[instKey]*instTests
	testedBy map[[2]string]map[string]*testedIn // obligation -> event id -> instances it was tested against
	granted  map[instKey][]string
	lastExt  map[instKey]string // the latest extension granted so far
	views    map[viewKey]*eventView
	// triggers are the events that created the targets' instances, with
	// their attributes, which a due date's derivation reads.
	triggers map[string]*event.Event
	// attrsOf says, per target, whether the candidate list reads the
	// attributes of the events that may trigger it or satisfy it.
	attrsOf []attrsRead
}

// attrsRead is what the candidate list reads of one target's events
// besides their id, type, time and position (readsAttrs).
type attrsRead struct{ triggers, satisfiers bool }

// instTests is what was tested against one instance: the tests kept, in
// order; how many of those did not satisfy it; and the earlier ones that
// did not, beyond opts.MaxNotSatisfying, counted instead of kept.
type instTests struct {
	ts       []tested
	failed   int
	unlisted *NotListed
}

// eventView is an event as Considered writes it, its position and
// attributes formatted, made once an event and shared by its tests: a
// response held for a triggered obligation is tested against every later
// instance (at 8.7 million events, formatting them for each test was 40%
// of explain's time, and a Considered kept for each test 13.6 MB of the
// 37 MB live at the end of the evaluation).
type eventView struct {
	id, typ      string
	at           time.Time
	where, attrs string
}

// viewKey names an event read from a file: its id at its position.
type viewKey struct {
	id  string
	pos diag.Position
}

// view is ev's eventView, from the cache when ev was read from a file (an
// event made in code has no position to tell it from another of its id).
func (g *gatherer) view(ev *event.Event) *eventView {
	if !ev.Pos.IsValid() {
		return &eventView{ev.ID, ev.Type, ev.At, where(ev), attrs(ev)}
	}
	k := viewKey{ev.ID, ev.Pos}
	v, ok := g.views[k]
	if !ok {
		v = &eventView{ev.ID, ev.Type, ev.At, where(ev), attrs(ev)}
		g.views[k] = v
	}
	return v
}

// testedIn is the instances an event was tested against: the first
// opts.MaxNotSatisfying of them (all when zero) and how many more.
type testedIn struct {
	ns   []int32 // instance numbers: a response may be tested against thousands
	more int
}

// tested is a StepTested step of a target: the event, the result and
// the rule that chose the instance (32 bytes; explain makes the
// Considered).
type tested struct {
	ev                  *eventView
	satisfied, retained bool
	attribution         string
}

func newGatherer(set *direction.Set, targets []Target, opts Options) *gatherer {
	g := &gatherer{
		set: set, targets: targets, opts: opts, loc: words.Zone(set), want: map[[2]string]bool{},
		tested:   map[instKey]*instTests{},
		testedBy: map[[2]string]map[string]*testedIn{},
		granted:  map[instKey][]string{}, lastExt: map[instKey]string{}, views: map[viewKey]*eventView{},
		triggers: map[string]*event.Event{},
	}
	for _, t := range targets {
		d, o := t.Direction, t.Obligation
		g.want[[2]string{d.ID, o.ID}] = true
		_, replacing := set.ReplacedBy(d, o)
		g.attrsOf = append(g.attrsOf, attrsRead{
			// endedTrigger matches a trigger that made nothing after the end.
			triggers: !set.AsOf(opts.AsOf).ObligationForce(d, o).Until.IsZero(),
			// unplaced reads the attribute that names an instance, and
			// chainNote the replacing obligation's.
			satisfiers: o.Attribution.Rule == obligation.ByAttribute || replacing != nil,
		})
	}
	return g
}

// readsAttrs reports whether explaining the targets may read the
// attributes of an event of type t that it keeps for the candidate list;
// ExplainStream keeps them only then. The triggers of the targets'
// instances are kept whole apart (gatherer.triggers), so in a busy
// history, where every request may trigger and every response satisfy, the
// events kept are most often an id, a type, a time and a position.
func (g *gatherer) readsAttrs(t string) bool {
	for i, tg := range g.targets {
		a := g.attrsOf[i]
		if (a.triggers && tg.Obligation.MayTrigger(t)) || (a.satisfiers && tg.Obligation.MaySatisfy(t)) {
			return true
		}
	}
	return false
}

// reads reports whether the explanation reads finding f: a target's, or
// one of an obligation a target replaces that an event discharged
// (chainNote). ExplainStream keeps only those: in a busy history most
// findings are other obligations', and at 8.7 million events they were a
// third of what explaining one obligation held. (Explain keeps
// Evaluate's, as it holds the history anyway; the tests hold the two to
// the same bytes.)
func (g *gatherer) reads(f *evaluator.Finding) bool {
	if g.want[[2]string{f.Direction, f.Obligation}] {
		return true
	}
	if f.DischargedBy == nil {
		return false
	}
	for _, t := range g.targets {
		for _, v := range t.Direction.Varies {
			if v.ReplacedBy == t.Obligation.ID && takenOver(v, f) {
				return true
			}
		}
	}
	return false
}

// takenOver reports whether f is of an obligation the variation v
// replaces.
func takenOver(v direction.Variation, f *evaluator.Finding) bool {
	return f.Direction == v.Direction && (slices.Contains(v.Obligations, f.Obligation) || slices.Contains(v.Clauses, f.Clause))
}

// inSetOrder puts findings reported as they became final in Evaluate's
// order and marks their ties, by evaluator.EvaluateStream's own code
// (hooks.SortFindings), so that the two can never disagree on them: a tie
// is between findings of one obligation, all of which are kept.
func (g *gatherer) inSetOrder(findings []evaluator.Finding) []evaluator.Finding {
	sortFindings(g.set, findings)
	if findings == nil {
		return []evaluator.Finding{} // never nil, as Evaluate's
	}
	return findings
}

var sortFindings = hooks.SortFindings.(func(*direction.Set, []evaluator.Finding))

// traceOnly limits an evaluation's trace to some obligations
// (hooks.TraceOnly); traceAll, set by a test, leaves it unlimited.
var (
	traceOnly = hooks.TraceOnly.(func(evaluator.Options, func(dir, obl string) bool) evaluator.Options)
	traceAll  = false
)

// options are the evaluation's: the trace is told the targets' steps
// only, so that every other obligation keeps its keyed lookups and
// filters (a traced obligation tests every event of its types against
// every instance, for the explanation to list). The findings are the
// same either way; the targets' steps are those of a trace of everything.
func (g *gatherer) options() evaluator.Options {
	opts := evaluator.Options{AsOf: g.opts.AsOf, Trace: g.trace}
	if traceAll {
		return opts
	}
	return traceOnly(opts, func(dir, obl string) bool { return g.want[[2]string{dir, obl}] })
}

// looksAt reports whether a target's trigger or discharge condition can
// match an event of type t.
func (g *gatherer) looksAt(t string) bool {
	for _, tg := range g.targets {
		if tg.Obligation.MaySatisfy(t) || tg.Obligation.MayTrigger(t) {
			return true
		}
	}
	return false
}

func (g *gatherer) trace(s evaluator.Step) {
	o := s.Instance.Obligation
	k := [2]string{s.Direction, o.ID}
	if !g.want[k] {
		return
	}
	ik := instKey{s.Direction, o.ID, s.Instance.Number}
	switch s.Kind {
	case evaluator.StepCreated:
		if tr := s.Instance.Trigger; tr != nil {
			g.triggers[tr.ID] = tr // the evaluation's copy, with its attributes
		}
	case evaluator.StepGranted:
		g.granted[ik] = append(g.granted[ik], grantWords(s.Event, s.Instance, g.lastExt[ik], g.loc))
		if s.Event.Type == evaluator.ExtensionEvent {
			g.lastExt[ik] = s.Event.ID
		}
	case evaluator.StepTested:
		ev := s.Event
		by := g.testedBy[k]
		if by == nil {
			by = map[string]*testedIn{}
			g.testedBy[k] = by
		}
		in := by[ev.ID]
		if in == nil {
			in = &testedIn{}
			by[ev.ID] = in
		}
		if limit := g.opts.MaxNotSatisfying; limit > 0 && len(in.ns) >= limit {
			in.more++
		} else {
			in.ns = append(in.ns, int32(s.Instance.Number))
		}
		it := g.tested[ik]
		if it == nil {
			it = &instTests{}
			g.tested[ik] = it
		}
		it.ts = append(it.ts, tested{g.view(ev), s.Satisfied, s.Retained, s.Attribution})
		if s.Satisfied {
			// The instance is discharged, so most likely tested no more:
			// keep what explain will list, in a list of that length.
			if limit := g.opts.MaxNotSatisfying; limit > 0 {
				it.trim(limit)
				it.ts = slices.Clone(it.ts)
			}
			return
		}
		// Keep the last MaxNotSatisfying that did not satisfy; count the
		// earlier ones as they are pushed out, so that the explanation's
		// memory is bounded by instances, not tests. An instance is
		// tested in time order (the events held for it first), so those
		// counted are all earlier than those kept. The list may hold up to
		// twice the limit before the oldest are pushed out together, so
		// that a large limit costs no more than a small one (pushing them
		// out one at a time shifted the list on every test); explain trims
		// every list to the limit.
		it.failed++
		if limit := g.opts.MaxNotSatisfying; limit > 0 && it.failed >= 2*limit {
			it.trim(limit)
		}
	}
}

// trim keeps the last limit of the instance's tests that did not satisfy
// it (and every one that did, in order), counting the earlier ones in
// unlisted.
func (it *instTests) trim(limit int) {
	drop := it.failed - limit
	if drop <= 0 {
		return
	}
	kept := it.ts[:0]
	for _, t := range it.ts {
		if drop == 0 || t.satisfied {
			kept = append(kept, t)
			continue
		}
		drop--
		out := t.ev.at
		if nl := it.unlisted; nl == nil {
			it.unlisted = &NotListed{Count: 1, First: out, Last: out}
		} else {
			nl.Count++
			nl.First, nl.Last = minTime(nl.First, out), maxTime(nl.Last, out)
		}
	}
	clear(it.ts[len(kept):]) // what was pushed out is not held
	it.ts, it.failed = kept, limit
}

// explain writes the explanation from the evaluation's result and the
// events of a type a target looks at, in time order.
func (g *gatherer) explain(res *evaluator.Result, looked []event.Event) *Explanation {
	if limit := g.opts.MaxNotSatisfying; limit > 0 {
		for _, it := range g.tested {
			it.trim(limit)
		}
	}
	set, targets, at, loc := g.set, g.targets, g.opts.AsOf, g.loc
	tested, testedBy, granted := g.tested, g.testedBy, g.granted
	byID := make(map[string]*event.Event, len(looked))
	for i := range looked {
		byID[looked[i].ID] = &looked[i]
	}
	maps.Copy(byID, g.triggers) // with their attributes, which looked may lack
	ex := &Explanation{
		Schema: "https://github.com/dfe-tools/directions/schemas/explain-output.schema.json", Engine: evaluator.Version,
		AsOf: at, Inputs: g.opts.Inputs, loc: loc,
	}
	for _, t := range targets {
		d, o := t.Direction, t.Obligation
		oe := ObligationExplained{
			Direction: d.ID, DirectionTitle: d.Title, ID: o.ID, Clause: o.Clause, Holder: o.Holder, Role: string(o.Role), DeadlineAssumed: o.DeadlineAssumed, Kind: string(o.Kind),
			Summary: o.Summary, Source: o.Source, Assumptions: o.Assumptions,
			Trigger: o.When(), DueRule: o.DueExpr(), Discharge: o.SatisfiedBy(), Schedule: scheduleWords(d, o),
			Params: usedParams(d, o), Candidates: []Candidate{}, Instances: []InstanceExplained{},
			Attribution: attributionWords(o),
		}
		if p := d.Party(o.Holder); p != nil {
			oe.HolderName = p.Name
		}
		for _, ds := range res.Directions {
			if ds.ID == d.ID {
				oe.InForce = ds.Period(loc) + " (" + ds.Reason + ")"
			}
		}
		force := set.AsOf(at).ObligationForce(d, o)
		if force.Varied {
			oe.Varied = force.Reason
		}
		for _, v := range d.Varies {
			if v.ReplacedBy == o.ID {
				w := v.Words(set)
				oe.Replaces = strings.TrimSuffix(w, ", replaced by its obligation "+o.ID) + ", from " + d.Issued.Long()
			}
		}
		oe.Version = set.AsOf(at).Version(d, o)
		discharged := map[string]int{}
		for _, f := range res.Findings {
			if f.Direction != d.ID || f.Obligation != o.ID {
				continue
			}
			ie := InstanceExplained{
				Number: f.Instance, Status: f.Status, Due: f.Due, DueAt: f.DueAt, Opens: f.Opens, Trigger: f.Trigger,
				DischargedBy: f.DischargedBy, Attribution: f.Attribution, DaysLate: f.DaysLate, Considered: []Considered{}, Assumed: f.Assumed,
				OriginalDue: f.OriginalDue, ExtendedTo: f.ExtendedTo, Extension: f.Extension, Waiver: f.Waiver,
				DaysLateOriginal: f.DaysLateOriginal, Grant: granted[instKey{d.ID, o.ID, f.Instance}],
			}
			if f.DischargedBy != nil {
				discharged[f.DischargedBy.ID] = f.Instance
			}
			ie.Derivation = derivation(d, o, f, loc, byID)
			it := tested[instKey{d.ID, o.ID, f.Instance}]
			if it == nil {
				it = &instTests{}
			}
			ie.NotListed = it.unlisted
			for _, s := range it.ts {
				v := s.ev
				c := Considered{Event: v.id, Type: v.typ, At: v.at, Where: v.where, Attrs: v.attrs, Satisfied: s.satisfied, Retained: s.retained}
				switch {
				case c.Satisfied && c.Retained:
					c.Note = "came before the instance existed and was held for it; satisfies the condition, so it discharged this instance"
				case c.Satisfied && s.attribution == string(obligation.Window):
					c.Note = "satisfies the condition and falls in this instance's window (counts events from, above), so by window attribution it discharged this one"
				case c.Satisfied && strings.HasPrefix(s.attribution, "attribute:"):
					c.Note = fmt.Sprintf("satisfies the condition, and its %s attribute names this instance's due date, so it discharged this one", o.Attribution.Attribute)
				case c.Satisfied:
					c.Note = "satisfies the condition, and this was the oldest instance still outstanding, so it discharged this one"
				default:
					c.Note = "tested; does not satisfy the condition"
				}
				ie.Considered = append(ie.Considered, c)
			}
			ie.Outcome = outcome(o, f, ie, at, loc)
			oe.Instances = append(oe.Instances, ie)
		}
		oe.NotGenerated = notGenerated(d, o, force, oe.Instances, at, loc)
		oe.Candidates = candidates(looked, set.AsOf(at), d, o, force, at, loc, discharged, testedBy[[2]string{d.ID, o.ID}], res)
		ex.Obligations = append(ex.Obligations, oe)
	}
	return ex
}

// attrs lists an event's attributes as name=value, sorted by name, so that a
// reader can see why a condition did or did not hold.
func attrs(ev *event.Event) string {
	names := make([]string, 0, len(ev.Attrs))
	for k := range ev.Attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, k := range names {
		names[i] = fmt.Sprintf("%s=%v", k, ev.Attrs[k])
	}
	return strings.Join(names, " ")
}

func where(ev *event.Event) string {
	if !ev.Pos.IsValid() {
		return ""
	}
	return ev.Pos.String()
}

// attributionWords says how an event finds the instance it discharges.
func attributionWords(o *obligation.Obligation) string {
	a := o.Attribution
	switch {
	case o.Kind == obligation.Prohibition:
		return ""
	case a.Rule == obligation.Window:
		return "window: an event that meets the condition discharges the instance whose window it falls in (after the previous instance's deadline, up to its own; the last instance's window has no end), if that one is still outstanding; earlier instances still outstanding stay so"
	case a.Rule == obligation.ByAttribute:
		otherwise := "the oldest instance still outstanding"
		if a.Otherwise == obligation.Window {
			otherwise = "the instance whose window it falls in"
		}
		return fmt.Sprintf("attribute %s: an event that meets the condition and has a %s attribute discharges the instance due on the date it gives, whenever it was sent (held until that instance's window opens); one without it discharges %s", a.Attribute, a.Attribute, otherwise)
	}
	return "oldest-outstanding (the default): an event that meets the condition discharges the oldest instance still outstanding whose window has opened"
}

// scheduleWords says how instances of o arise.
func scheduleWords(d *direction.Direction, o *obligation.Obligation) string {
	s := o.Schedule
	switch o.Kind {
	case obligation.Recurring:
		var w string
		anchor := s.Anchor.Long()
		if !d.IssuedThrough.IsZero() && s.Anchor == d.Issued && s.AnchorIs == "the direction's date" {
			anchor = "a day in " + d.IssuedRange().Long() + " that is not known"
		}
		switch {
		case len(s.Dates) > 0:
			ds := make([]string, len(s.Dates))
			for i, d := range s.Dates {
				ds[i] = d.Long()
			}
			w = "recurring: due on the dates the direction sets, " + strings.Join(ds, ", ")
			if !s.Every.IsZero() {
				w += fmt.Sprintf(", then every %s counted from the last of them", s.Every)
			}
		case len(s.After) > 0:
			ps := make([]string, len(s.After))
			for i, p := range s.After {
				ps[i] = p.String()
			}
			w = fmt.Sprintf("recurring: due %s after %s", strings.Join(ps, ", "), anchor)
			if s.AnchorIs != "" {
				w += " (" + s.AnchorIs + ")"
			}
			if !s.Every.IsZero() {
				w += fmt.Sprintf(", then every %s counted from the last of them", s.Every)
			}
		default:
			w = fmt.Sprintf("recurring: every %s, counted from %s", s.Every, anchor)
			if s.AnchorIs != "" {
				w += " (" + s.AnchorIs + ")"
			}
			if s.First.IsZero() {
				// first_due: the anchor is the first due date itself.
				w += "; the first falls due on that date"
			} else {
				w += fmt.Sprintf("; the first falls due %s after it", s.First)
			}
		}
		if s.Count > 0 {
			w += fmt.Sprintf("; %d in all", s.Count)
		}
		if !s.Until.IsZero() {
			w += fmt.Sprintf("; none due after %s", s.Until.Long())
		}
		if len(s.Dates) > 0 && s.Every.IsZero() {
			return w + ". Each instance opens just after the previous one's deadline."
		}
		if len(s.Dates)+len(s.After) > 0 {
			w += ". Each instance opens just after the previous one's deadline"
			return w + "; each due date is computed from the anchor, not from the previous one, and a day the month lacks becomes its last day."
		}
		return w + ". Each due date is computed from the anchor, not from the previous one, and a day the month lacks becomes its last day."
	case obligation.Once:
		return fmt.Sprintf("once: due %s (%s).", s.On.Long(), s.OnSource)
	case obligation.Triggered:
		return "triggered: one instance for each event that meets the trigger condition, due by the date the due rule gives."
	case obligation.Prohibition:
		return "prohibition: each event that meets the condition while the direction is in force is a breach."
	}
	return string(o.Kind)
}

var hasRE = regexp.MustCompile(`has\(trigger\.([A-Za-z_][A-Za-z0-9_]*)\)`)

var paramRE = regexp.MustCompile(`params\.([A-Za-z_][A-Za-z0-9_]*)`)

func usedParams(d *direction.Direction, o *obligation.Obligation) map[string]any {
	return paramsIn(d, o.When(), o.DueExpr(), o.SatisfiedBy())
}

// paramsIn returns the direction's params the texts name.
func paramsIn(d *direction.Direction, texts ...string) map[string]any {
	var out map[string]any
	for _, text := range texts {
		for _, m := range paramRE.FindAllStringSubmatch(text, -1) {
			if v, ok := d.Params[m[1]]; ok {
				if out == nil {
					out = map[string]any{}
				}
				out[m[1]] = v
			}
		}
	}
	return out
}

// derivation says step by step how the finding's due date came about.
func derivation(d *direction.Direction, o *obligation.Obligation, f evaluator.Finding, loc *time.Location, byID map[string]*event.Event) []string {
	if o.Kind == obligation.Prohibition {
		return []string{"a prohibition has no due date: the event itself is the breach"}
	}
	var out []string
	// taken is the part of the due rule that gave this instance's date: the
	// whole rule, or the branch of "has(trigger.x) ? a : b" the trigger chose,
	// so that a parameter only the other branch uses is not listed.
	taken := o.DueExpr()
	switch o.Kind {
	case obligation.Recurring:
		if s := o.Schedule; f.Instance <= len(s.Dates) {
			out = append(out, fmt.Sprintf("instance %d, on a date the direction sets: %s", f.Instance, f.Basis))
		} else {
			out = append(out, fmt.Sprintf("instance %d, counted from the anchor: %s", f.Instance, f.Basis))
		}
	case obligation.Once:
		out = append(out, "the direction sets the date: "+f.Basis)
	case obligation.Triggered:
		out = append(out, fmt.Sprintf("the due rule %s gives %s", o.DueExpr(), f.Basis))
		if f.Trigger != nil && byID[f.Trigger.ID] != nil {
			tr := byID[f.Trigger.ID]
			taken = takenBranch(o.DueExpr(), tr)
			for _, m := range hasRE.FindAllStringSubmatch(o.DueExpr(), -1) {
				if v, ok := tr.Attrs[m[1]]; ok {
					out = append(out, fmt.Sprintf("%s gives %s = %v, so the rule's has(trigger.%s) branch applies", tr.ID, m[1], v, m[1]))
				} else {
					out = append(out, fmt.Sprintf("%s gives no %s, so the rule's other branch applies", tr.ID, m[1]))
				}
			}
		}
		if ps := paramsIn(d, o.When(), taken, o.SatisfiedBy()); len(ps) > 0 {
			keys := make([]string, 0, len(ps))
			for k := range ps {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var kv []string
			for _, k := range keys {
				kv = append(kv, fmt.Sprintf("params.%s = %v", k, ps[k]))
			}
			out = append(out, "with "+strings.Join(kv, ", "))
		}
		if f.Trigger != nil && strings.Contains(taken, "WorkingDays") {
			out = append(out, skippedDays(d, civil.In(f.Trigger.At, loc), f.Due)...)
		}
	}
	if f.Extension != nil {
		orig, _ := civil.Parse(f.OriginalDue)
		ext, _ := civil.Parse(f.ExtendedTo)
		out = append(out, fmt.Sprintf("extended from %s to %s by %s, the latest extension granted, which applies", orig.Long(), ext.Long(), f.Extension.ID))
	}
	if f.DueLatest != "" {
		out = append(out, fmt.Sprintf("the deadline is the end of that day, a day in %s that depends on a date known only to a range", words.DueText(f, loc)))
	} else {
		out = append(out, fmt.Sprintf("the deadline is the end of that day: %s (%s)", f.DueAt.In(loc).Format("15:04:05 MST on 2 Jan 2006"), loc))
	}
	if len(f.Cases) > 0 || f.DueLatest != "" {
		out = append(out, "a date is known only to a range: the events considered below are those of one case, each such date at the earliest day it may be; the outcome covers every day")
	}
	return out
}

// grantWords says what an extension or waiver event granted for in: who,
// when (before or after the deadline then passed), the new date, and the
// reason and authority it cites.
func grantWords(ev *event.Event, in *obligation.Instance, prevExt string, loc *time.Location) string {
	w := fmt.Sprintf("%s %s on %s", ev.Type, ev.ID, civil.In(ev.At, loc).Long())
	if by := ev.Attr("by"); by != "" {
		w += " by " + by
	}
	if ev.Type == evaluator.ExtensionEvent {
		if to := ev.Attr("to"); to != "" {
			if d, err := civil.Parse(to); err == nil {
				to = d.Long()
			}
			w += ", to " + to
		} else if p := ev.Attr("by_period"); p != "" {
			// A period counts from the deadline in effect when granted
			// (docs/extensions.md): say which that was.
			if prevExt != "" {
				w += ", by " + p + " from the deadline then in effect (as extended by " + prevExt + ", not the original due date)"
			} else {
				w += ", by " + p + " from the deadline then in effect (the original due date)"
			}
		}
	}
	if ev.At.After(in.DueAt) {
		w += fmt.Sprintf(", after the original deadline (%s) had passed", in.Due.Long())
	} else {
		w += fmt.Sprintf(", before the original deadline (%s)", in.Due.Long())
	}
	if r := ev.Attr("reason"); r != "" {
		w += "; reason: " + r
	}
	if a := ev.Attr("authority"); a != "" {
		w += "; authority: " + a
	}
	if ev.Pos.IsValid() {
		w += " (" + ev.Pos.String() + ")"
	}
	return w
}

// skippedDays lists the days between from and due that the direction's
// calendar does not count as working days.
func skippedDays(d *direction.Direction, from civil.Date, dueStr string) []string {
	cal := d.Calendar()
	due, err := civil.Parse(dueStr)
	if cal == nil || err != nil || !from.Before(due) {
		return nil
	}
	var skipped []string
	for day := from.AddDays(1); !day.After(due); day = day.AddDays(1) {
		if cal.IsWorkingDay(day) {
			continue
		}
		wd := day.Start(time.UTC).Weekday()
		why := "weekend"
		if wd != time.Saturday && wd != time.Sunday {
			why = "not a working day in the " + cal.Name() + " calendar"
			// The calendar package names its holidays ("State Funeral of
			// Queen Elizabeth II", "local closure day").
			if name, closed := cal.Closed(day); closed {
				why = name
			}
		}
		skipped = append(skipped, fmt.Sprintf("%s %s (%s)", wd.String()[:3], day.Long(), why))
	}
	if len(skipped) == 0 {
		return []string{fmt.Sprintf("working days counted on the %s calendar; no day between %s and %s was skipped", cal.Name(), from.Long(), due.Long())}
	}
	return []string{fmt.Sprintf("working days counted on the %s calendar; skipped: %s", cal.Name(), strings.Join(skipped, ", "))}
}

// outcome is the finding's reason, and when nothing discharged the
// instance, why not.
func outcome(o *obligation.Obligation, f evaluator.Finding, ie InstanceExplained, at time.Time, loc *time.Location) string {
	w := f.Reason
	switch {
	case f.DischargedBy != nil || o.Kind == obligation.Prohibition || f.Status == evaluator.Waived:
	case len(ie.Considered) == 0:
		w += fmt.Sprintf(". No event was tested against this instance: none of a kind clause %s looks at arrived while it was outstanding, up to %s", o.Clause, at.In(loc).Format("2 Jan 2006 15:04 MST"))
	default:
		n := len(ie.Considered)
		if ie.NotListed != nil {
			n += ie.NotListed.Count // those listed and those only counted
		}
		w += fmt.Sprintf(". %d event(s) were tested against it and none met the condition", n)
	}
	if f.IsUnmetExpectation() {
		w += fmt.Sprintf(". This is an expectation of %s, not a duty of the council: it is not a breach of the direction", f.Holder)
	}
	return w
}

// candidates lists the events up to at whose type the obligation looks at;
// sorted are in time order.
func candidates(sorted []event.Event, set *direction.Set, d *direction.Direction, o *obligation.Obligation, force direction.Force, at time.Time, loc *time.Location, discharged map[string]int, testedBy map[string]*testedIn, res *evaluator.Result) []Candidate {
	vars := d.Vars()
	ended := !force.Until.IsZero()
	out := []Candidate{}
	triggered := map[string]int{}
	breached := map[string]bool{}
	// The findings each event discharged, and o's own, looked up per
	// candidate (scanning every finding for each made explaining one
	// obligation of 10^7 events take minutes).
	dischargedBy := map[string][]*evaluator.Finding{}
	var own []*evaluator.Finding
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.DischargedBy != nil {
			dischargedBy[f.DischargedBy.ID] = append(dischargedBy[f.DischargedBy.ID], f)
		}
		if f.Direction == d.ID && f.Obligation == o.ID {
			own = append(own, f)
		}
	}
	for _, f := range res.Findings {
		if f.Direction == d.ID && f.Obligation == o.ID && f.Trigger != nil {
			if o.Kind == obligation.Prohibition {
				breached[f.Trigger.ID] = true
			} else {
				triggered[f.Trigger.ID] = f.Instance
			}
		}
	}
	for _, ev := range sorted {
		if !o.MaySatisfy(ev.Type) && !o.MayTrigger(ev.Type) {
			continue
		}
		c := Candidate{Event: ev.ID, Type: ev.Type, At: ev.At, Where: where(&ev)}
		var notes []string
		if ev.At.After(at) {
			notes = append(notes, "after the as-of time, so not taken into account")
		}
		if n, ok := triggered[ev.ID]; ok {
			notes = append(notes, fmt.Sprintf("created instance %d", n))
		}
		if breached[ev.ID] {
			notes = append(notes, "breached the prohibition")
		}
		if !ev.At.After(at) && ev.At.Before(force.From) && o.MayTrigger(ev.Type) && !o.MaySatisfy(ev.Type) {
			notes = append(notes, "came before the direction was in force, so it can create nothing under it")
		}
		if ended && !ev.At.After(at) && !ev.At.Before(force.From) && o.Kind != obligation.Recurring && o.Kind != obligation.Once &&
			!breached[ev.ID] && o.MayTrigger(ev.Type) {
			if _, made := triggered[ev.ID]; !made {
				if n := endedTrigger(d, o, force, vars, &ev, loc); n != "" {
					notes = append(notes, n)
				}
			}
		}
		if n, ok := discharged[ev.ID]; ok {
			notes = append(notes, fmt.Sprintf("discharged instance %d", n))
		} else if in := testedBy[ev.ID]; in != nil && len(in.ns) > 0 {
			if in.more > 0 {
				notes = append(notes, fmt.Sprintf("tested against %d instances (%s and %d more); met none", len(in.ns)+in.more, joinInts(in.ns), in.more))
			} else {
				notes = append(notes, fmt.Sprintf("tested against instance(s) %s; met none", joinInts(in.ns)))
			}
		} else if !ev.At.After(at) && o.MaySatisfy(ev.Type) && len(notes) == 0 {
			why := chainNote(set, d, o, &ev, dischargedBy[ev.ID])
			if why == "" {
				why = unplaced(o, &ev, own, loc)
			}
			switch {
			case why != "":
				notes = append(notes, why)
			case ev.At.Before(force.From):
				notes = append(notes, "not tested: the direction was not yet in force")
			case ended && !ev.At.Before(force.Until):
				notes = append(notes, fmt.Sprintf("not tested: the %s was no longer in force from %s, and no instance that fell due before was outstanding", endedWhat(force), civil.In(force.Until, loc).Long()))
			default:
				notes = append(notes, "not tested: no instance was outstanding for it")
			}
		}
		if len(notes) == 0 {
			notes = append(notes, "did not meet the condition")
		}
		c.Note = strings.Join(notes, "; ")
		out = append(out, c)
	}
	return out
}

// chainNote says why an event was not tested against o when o is part of
// a replaces chain, one series for attribution (docs/lifecycle.md): the
// obligation o replaces took it, or the one replacing o was in force and
// its window or attribute rule placed it in its own series. "" otherwise.
func chainNote(set *direction.Set, d *direction.Direction, o *obligation.Obligation, ev *event.Event, discharged []*evaluator.Finding) string {
	for _, v := range d.Varies {
		if v.ReplacedBy != o.ID || ev.At.Before(set.Force(d).From) {
			continue
		}
		for _, f := range discharged {
			if takenOver(v, f) {
				return fmt.Sprintf("not tested: it discharged instance %d of clause %s (%s) of %s, which this obligation replaces; the two are one series, and an event discharges one instance of it", f.Instance, f.Clause, f.Obligation, f.Direction)
			}
		}
	}
	nd, no := set.ReplacedBy(d, o)
	if no == nil || ev.At.Before(set.Force(nd).From) {
		return ""
	}
	rule, v := no.Attribution.RuleFor(ev)
	if rule == obligation.ByAttribute {
		return fmt.Sprintf("not tested here: it came after clause %s (%s) of %s replaced this obligation, and its %s attribute names %v, which this obligation takes only if it is one of its own outstanding due dates", no.Clause, no.ID, nd.ID, no.Attribution.Attribute, v)
	}
	if rule == obligation.Window {
		return fmt.Sprintf("not tested here: it came after clause %s (%s) of %s replaced this obligation, whose window rule places it in that obligation's own series", no.Clause, no.ID, nd.ID)
	}
	return ""
}

// unplaced says, for an event that window or attribute attribution sent
// to no outstanding instance, which instance it was for and why that one
// did not take it; "" when the rule is oldest-outstanding.
func unplaced(o *obligation.Obligation, ev *event.Event, fs []*evaluator.Finding, loc *time.Location) string {
	a := o.Attribution
	taken := func(f *evaluator.Finding) string {
		if f.DischargedBy != nil {
			return fmt.Sprintf(", which %s had already discharged", f.DischargedBy.ID)
		}
		return ""
	}
	if a.Rule == obligation.ByAttribute {
		if v, ok := a.Named(ev); ok {
			named := fmt.Sprint(v)
			if t, _, err := event.ParseTime(named, loc); err == nil {
				named = civil.In(t, loc).String()
			}
			for _, f := range fs {
				if f.Due == named {
					return fmt.Sprintf("not tested: its %s attribute names instance %d (due %s)%s, and an event that names an instance counts for no other", a.Attribute, f.Instance, f.Due, taken(f))
				}
			}
			return fmt.Sprintf("not tested: its %s attribute names %v, an instance whose window had not opened by the as-of time (the event is held for it) or that falls due after the obligation ended", a.Attribute, v)
		}
		if a.Otherwise != obligation.Window {
			return ""
		}
	} else if a.Rule != obligation.Window {
		return ""
	}
	for i, f := range fs {
		last := i == len(fs)-1
		if ev.At.Before(f.Opens) || (i > 0 && !ev.At.After(f.Opens)) || (!last && ev.At.After(f.DueAt)) {
			continue
		}
		return fmt.Sprintf("not tested: it falls in the window of instance %d (due %s)%s, and under window attribution an event counts for no other instance", f.Instance, civil.In(f.DueAt, loc).Long(), taken(f))
	}
	return ""
}

func joinInts(ns []int32) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// WriteJSON writes ex as `directions explain --format json` does:
// indented, with & < > as they are (CEL's && stays readable).
//
// The bytes are those of encoding/json's Encoder for the whole of ex, but
// each candidate and instance is encoded and written on its own, so that
// the whole document is never held in memory (the Encoder builds it in
// one buffer: at 8.7 million events, 20 MB and a peak 40 MB over the
// text's).
func WriteJSON(w io.Writer, ex *Explanation) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if ex.Obligations == nil {
		// Nothing to write piece by piece: the whole document, with its
		// "obligations": null, as encoding it whole writes it.
		b, err := encodeJSON(ex, "")
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteString("\n")
		return bw.Flush()
	}
	top := *ex
	top.Obligations = []ObligationExplained{}
	// The document up to its list of obligations, which is its last field.
	head, tail, err := splitAt(&top, "", "obligations")
	if err != nil {
		return err
	}
	bw.Write(head)
	for i := range ex.Obligations {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		if err := writeObligationJSON(bw, &ex.Obligations[i]); err != nil {
			return err
		}
	}
	if len(ex.Obligations) > 0 {
		bw.WriteString("\n  ")
	}
	bw.Write(tail)
	bw.WriteString("\n") // as Encoder.Encode ends a value
	return bw.Flush()
}

// writeObligationJSON writes oe as an element of the obligations list,
// its candidates and instances one at a time.
func writeObligationJSON(w *bufio.Writer, oe *ObligationExplained) error {
	const in = "    " // the obligation's indentation in the document
	shell := *oe
	// A nil list stays nil in the shell, to be written "null" as encoding
	// the whole document writes it; the others are split at their "[]".
	if shell.Candidates != nil {
		shell.Candidates = []Candidate{}
	}
	if shell.Instances != nil {
		shell.Instances = []InstanceExplained{}
	}
	b, err := encodeJSON(&shell, in)
	if err != nil {
		return err
	}
	lists := []struct {
		key  string
		n    int
		null bool
		at   func(int) any
	}{
		{"candidates", len(oe.Candidates), oe.Candidates == nil, func(i int) any { return &oe.Candidates[i] }},
		{"instances", len(oe.Instances), oe.Instances == nil, func(i int) any { return &oe.Instances[i] }},
	}
	for _, l := range lists {
		if l.null {
			continue
		}
		// The key at the obligation's fields' indentation: a string
		// value holds its quotes escaped, and a parameter of that name
		// is indented further.
		key := []byte("\n" + in + "  \"" + l.key + "\": []")
		i := bytes.Index(b, key)
		if i < 0 {
			return fmt.Errorf("explain: no %s in the obligation's JSON", l.key)
		}
		cut := i + len(key) - 1 // before the "]"
		if l.n == 0 {
			w.Write(b[:cut+1])
			b = b[cut+1:]
			continue
		}
		w.Write(b[:cut])
		if err := jsonlist.WriteItems(w, in+"    ", false, l.n, l.at); err != nil {
			return err
		}
		w.WriteString("\n" + in + "  ")
		b = b[cut:]
	}
	_, err = w.Write(b)
	return err
}

// splitAt encodes v, whose last field is key, an empty list, and returns
// the document before and after the list's brackets' contents.
func splitAt(v any, prefix, key string) (head, tail []byte, err error) {
	b, err := encodeJSON(v, prefix)
	if err != nil {
		return nil, nil, err
	}
	k := []byte("\n" + prefix + "  \"" + key + "\": []\n" + prefix + "}")
	if !bytes.HasSuffix(b, k) {
		return nil, nil, fmt.Errorf("explain: %s is not the JSON's last field", key)
	}
	cut := len(b) - len(prefix) - 3 // before "]\n}"
	return b[:cut], b[cut:], nil
}

// encodeJSON is v as an Encoder writes it at indentation prefix (every
// line but the first starts with prefix), without the Encoder's newline.
func encodeJSON(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// WriteText writes ex in words, as `directions explain` prints it, with
// dates in the directions' zone (Europe/London for an Explanation that
// Explain did not make, such as one decoded from JSON).
func WriteText(w io.Writer, ex *Explanation) error {
	loc := ex.loc
	if loc == nil {
		loc = words.Zone(nil)
	}
	fmt.Fprintf(w, "As of %s (%s); engine %s.\n", ex.AsOf.In(loc).Format("2 Jan 2006 15:04 MST"), loc, ex.Engine)
	for _, oe := range ex.Obligations {
		fmt.Fprintf(w, "\nClause %s of %s, %q\n", oe.Clause, oe.Direction, oe.DirectionTitle)
		fmt.Fprintf(w, "  The direction is %s.\n", oe.InForce)
		if oe.Varied != "" {
			fmt.Fprintf(w, "  This obligation: %s.\n", oe.Varied)
		}
		if oe.Replaces != "" {
			fmt.Fprintf(w, "  It replaces %s.\n", oe.Replaces)
		}
		fmt.Fprintf(w, "  Obligation: %s (%s)\n", oe.ID, oe.Kind)
		holder := oe.Holder
		if oe.HolderName != "" {
			holder += " (" + oe.HolderName + ")"
		}
		if oe.Role == string(obligation.Expectation) {
			fmt.Fprintf(w, "  Held by: %s\n", holder)
			fmt.Fprintf(w, "  Role: expectation of %s, recorded by the direction but not a duty of the council: tracked, never a breach of the direction\n", oe.Holder)
		} else {
			fmt.Fprintf(w, "  Duty holder: %s\n", holder)
			fmt.Fprintln(w, "  Role: duty the direction imposes on the council: late, missed or breached is a breach")
		}
		fmt.Fprintf(w, "  What it requires: %s\n", oe.Summary)
		if oe.Source != "" {
			fmt.Fprintf(w, "  Source: %s\n", oe.Source)
		}
		for _, a := range oe.Assumptions {
			fmt.Fprintf(w, "  Assumption: %s\n", a)
		}
		fmt.Fprintf(w, "  How it falls due: %s\n", oe.Schedule)
		if oe.DeadlineAssumed != "" {
			fmt.Fprintf(w, "  Deadline assumed (not in the text): %s\n", oe.DeadlineAssumed)
		}
		if oe.Trigger != "" {
			label := "Trigger condition"
			if oe.Kind == string(obligation.Prohibition) {
				label = "Breached by"
			}
			fmt.Fprintf(w, "  %s: %s\n", label, oe.Trigger)
		}
		if oe.DueRule != "" {
			fmt.Fprintf(w, "  Due rule: %s\n", oe.DueRule)
		}
		if oe.Discharge != "" {
			fmt.Fprintf(w, "  Discharged by an event meeting: %s\n", oe.Discharge)
		}
		if oe.Attribution != "" && !strings.HasPrefix(oe.Attribution, string(obligation.OldestOutstanding)) {
			fmt.Fprintf(w, "  How an event finds its instance: %s\n", oe.Attribution)
		}
		if len(oe.Instances) == 0 && len(oe.NotGenerated) == 0 {
			fmt.Fprintln(w, "\n  No instance has arisen yet.")
		}
		for _, ie := range oe.Instances {
			fmt.Fprintf(w, "\n  Instance %d: %s\n", ie.Number, strings.ToUpper(string(ie.Status)))
			if ie.Trigger != nil {
				label := "Arose from"
				if oe.Kind == string(obligation.Prohibition) {
					label = "Breaching event"
				}
				fmt.Fprintf(w, "    %s: %s on %s\n", label, ie.Trigger.ID, civil.In(ie.Trigger.At, loc).Long())
			}
			for i, dline := range ie.Derivation {
				label := "    Due date: "
				if i > 0 {
					label = "              "
				}
				fmt.Fprintf(w, "%s%s\n", label, dline)
			}
			for i, g := range ie.Grant {
				label := "    Granted: "
				if i > 0 {
					label = "             "
				}
				fmt.Fprintf(w, "%s%s\n", label, g)
			}
			if ie.Assumed != "" {
				fmt.Fprintf(w, "    * This due date is the model's assumption, not the text's: %s\n", ie.Assumed)
			}
			if oe.Kind != string(obligation.Prohibition) {
				fmt.Fprintf(w, "    Counts events from: %s\n", ie.Opens.In(loc).Format("15:04 MST on 2 Jan 2006"))
				if len(ie.Considered) == 0 {
					fmt.Fprintln(w, "    Events considered: none")
				} else {
					fmt.Fprintln(w, "    Events considered:")
				}
				if nl := ie.NotListed; nl != nil {
					fmt.Fprintf(w, "      - %s\n", nl.words(loc))
				}
				for _, c := range ie.Considered {
					fmt.Fprintf(w, "      - %s (%s, %s", c.Event, c.Type, civil.In(c.At, loc).Long())
					if c.Attrs != "" {
						fmt.Fprintf(w, ", %s", c.Attrs)
					}
					if c.Where != "" {
						fmt.Fprintf(w, ", %s", c.Where)
					}
					fmt.Fprintf(w, "): %s\n", c.Note)
				}
			}
			if ie.Attribution != "" && ie.Attribution != string(obligation.OldestOutstanding) {
				fmt.Fprintf(w, "    Placed by: %s\n", ie.Attribution)
			}
			fmt.Fprintf(w, "    Outcome: %s\n", ie.Outcome)
		}
		for _, n := range oe.NotGenerated {
			fmt.Fprintf(w, "\n  %s\n", n)
		}
		if len(oe.Candidates) > 0 {
			fmt.Fprintf(w, "\n  Every event of a kind clause %s looks at:\n", oe.Clause)
			for _, c := range oe.Candidates {
				fmt.Fprintf(w, "    - %s (%s, %s", c.Event, c.Type, civil.In(c.At, loc).Long())
				if c.Where != "" {
					fmt.Fprintf(w, ", %s", c.Where)
				}
				fmt.Fprintf(w, "): %s\n", c.Note)
			}
		}
	}
	fmt.Fprintln(w, "\nInputs (SHA-256):")
	for _, f := range ex.Inputs {
		fmt.Fprintf(w, "  %s  %s (%s)\n", f.SHA256, f.Path, f.Kind)
	}
	return nil
}

// endedWhat says whether the direction or only the obligation had ended.
func endedWhat(f direction.Force) string {
	if f.Varied {
		return "obligation"
	}
	return "direction"
}

// endedTrigger says why an event meeting o's trigger (or prohibition)
// condition made no instance because o had ended, or "" when that is not
// why.
func endedTrigger(d *direction.Direction, o *obligation.Obligation, f direction.Force, vars *obligation.Vars, ev *event.Event, loc *time.Location) string {
	hit, err := o.Matches(vars, ev)
	if err != nil || !hit {
		return ""
	}
	if !ev.At.Before(f.Until) {
		from := civil.In(f.Until, loc).Long()
		if o.Kind == obligation.Prohibition {
			return fmt.Sprintf("meets the condition, but is no breach: the %s was no longer in force from %s", endedWhat(f), from)
		}
		return fmt.Sprintf("meets the trigger condition, but created no instance: the %s was no longer in force from %s", endedWhat(f), from)
	}
	if o.Kind != obligation.Triggered {
		return ""
	}
	due, err := o.DueFor(vars, ev, loc)
	if err != nil || due.End(loc).Before(f.Until) {
		return ""
	}
	return fmt.Sprintf("meets the trigger condition, but created no instance: it would have fallen due on %s, and the %s was no longer in force from %s", due.Long(), endedWhat(f), civil.In(f.Until, loc).Long())
}

// notGenerated names the recurring or once instance that would have
// arisen by at but for the end of the direction or of the obligation.
func notGenerated(d *direction.Direction, o *obligation.Obligation, f direction.Force, made []InstanceExplained, at time.Time, loc *time.Location) []string {
	if f.Until.IsZero() || at.Before(f.From) {
		return nil
	}
	s := o.Schedule
	switch o.Kind {
	case obligation.Once:
		if len(made) > 0 || s.On.End(loc).Before(f.Until) {
			return nil
		}
		return []string{fmt.Sprintf("The instance due %s was not generated: the %s was no longer in force by then (%s).", s.On.Long(), endedWhat(f), f.Reason)}
	case obligation.Recurring:
		k := len(made) + 1
		due, _ := o.DueDate(k)
		if (s.Count > 0 && k > s.Count) || (!s.Until.IsZero() && due.After(s.Until)) || due.End(loc).Before(f.Until) {
			return nil
		}
		// Instance k's window opens at the start of the direction (k = 1)
		// or just after instance k-1's deadline.
		if k > 1 && !at.After(made[k-2].DueAt) {
			return nil
		}
		return []string{fmt.Sprintf("Instance %d, which would have fallen due on %s, was not generated, nor any later one: the %s was no longer in force by then (%s).", k, due.Long(), endedWhat(f), f.Reason)}
	}
	return nil
}

// takenBranch returns the branch of a due rule of the form
// "has(trigger.x) ? a : b" that the trigger event chose, or the whole rule
// when it has another shape.
func takenBranch(rule string, trigger *event.Event) string {
	cond, a, b, ok := splitTernary(rule)
	if !ok {
		return rule
	}
	m := hasRE.FindStringSubmatch(strings.TrimSpace(cond))
	if m == nil || m[0] != strings.TrimSpace(cond) {
		return rule
	}
	if _, has := trigger.Attrs[m[1]]; has {
		return a
	}
	return b
}

// splitTernary splits "c ? a : b" at its top-level ? and :, outside
// brackets and string literals.
func splitTernary(s string) (cond, a, b string, ok bool) {
	depth, q, colon := 0, -1, -1
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case depth == 0 && c == '?' && q < 0:
			q = i
		case depth == 0 && c == ':' && q >= 0 && colon < 0:
			colon = i
		}
	}
	if q < 0 || colon < 0 {
		return "", "", "", false
	}
	return s[:q], s[q+1 : colon], s[colon+1:], true
}
