package evaluator

import (
	"container/heap"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dfe-tools/directions/civil"
	"github.com/dfe-tools/directions/direction"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/obligation"
)

// The engine walks time-ordered events once. It keeps, per obligation, only
// the instances still outstanding and the events a future trigger may
// still claim; every other instance is reported through engine.report the
// moment its finding is final (met, late, breached) and then forgotten.
// Evaluate collects the reports and sorts them; Stream and Monitor hand
// them on.

// instance is an obligation instance being tracked.
type instance struct {
	obligation.Instance
	// missed is set once the monitor has reported the deadline passing;
	// done once the instance is discharged.
	missed, done bool
	// seq orders instances made in the same direction, for ties.
	seq int
	// dateGiven is set when the obligation's deadline_assumed does not
	// apply to this instance: its trigger gave the date (unless held).
	dateGiven bool
	// placed is the attribution rule that gave the instance its
	// discharging event; empty means oldest-outstanding.
	placed string
	// grant records extensions and a waiver (extend.go); nil if none.
	grant *grants
	// trigDay is the trigger's day in the direction's zone, when it has
	// a trigger: its finding's words name it.
	trigDay civil.Date
}

// oblState tracks one obligation of one direction.
type oblState struct {
	o   *obligation.Obligation
	idx int // position in the direction, for ordering findings
	// until is the first instant the obligation no longer falls due: the
	// direction's end, or earlier where a later direction varies it
	// (Set.ObligationForce); zero for none. version is Set.Version.
	until   time.Time
	version string
	// outstanding instances (generated, opened, not discharged), oldest
	// first. Discharged ones are marked done and dropped in batches (see
	// remove); ndone counts them.
	outstanding []*instance
	ndone       int
	// open files the outstanding instances of a keyed obligation by their
	// trigger's id: an event can only discharge the one its key names.
	// The direction's keyed obligations share it (see keyIndex).
	open *keyIndex
	// made counts the instances made so far; the next is made+1.
	made int
	// next recurring instance number to generate; 0 when exhausted.
	next int
	// lastDueAt is the deadline of the last recurring instance, when the
	// next one opens.
	lastDueAt time.Time
	// latest is the last recurring instance generated: the one whose
	// window an event being observed falls in (window attribution).
	latest *instance
	// pending holds, by instance number, events whose attribute names a
	// recurring instance whose window has not opened yet; the instance
	// takes the first that satisfies it when it is generated.
	pending map[int][]retained
	// key is the event field the discharge condition compares with
	// trigger.id, or "" (see plan.go).
	key string
	// retained events that discharged nothing yet; a triggered instance
	// created later may be discharged by them (rule 4). With a key they
	// are filed by the key's value, the only trigger id they can match.
	retained []retained
	byKey    map[string][]retained
	// keySlot is key's place in dirState.fields (-1 for id and type).
	keySlot int
	// sat and when are quick tests an event must pass before its discharge
	// or trigger condition is worth evaluating (see eventFilter); when
	// satExact or whenExact is set they decide the condition alone.
	sat, when           eventFilter
	satExact, whenExact bool
	// trigAttrs: the discharge condition may read the trigger's attributes.
	trigAttrs bool
	// granted holds grants for recurring instances not yet arisen, by
	// number (extend.go); extended is set once any instance is extended.
	granted  map[int]*grants
	extended bool
	// succ is the obligation that replaces this one (Set.ReplacedBy),
	// in force from succFrom; pred is set on an obligation that replaces
	// another. The chain is one series for attribution (chain.go).
	succ     *oblState
	succFrom time.Time
	pred     bool
	// traced: the Trace is told this obligation's steps, so it uses
	// neither key nor filters (see newDirState).
	traced bool
}

type retained struct {
	ev *event.Event
	u  *useRec
}

// dirState tracks one direction.
type dirState struct {
	d     *direction.Direction
	idx   int
	force direction.Force
	vars  *obligation.Vars
	obls  []*oblState
	trace Trace // Options.Trace; nil unless explaining
	eng   *engine
	// byType lists the obligations an event of a type may concern, and
	// the fields their filters and keys read; other types concern only
	// anyType (obligations without a type guard).
	byType  map[string]typeCase
	anyType typeCase
	// lastCase remembers caseOf's answers (see there).
	lastCase [8]typeMemo
	// fields holds the current event's fields that filters and keys have
	// read.
	fields    eventFields
	recurring []*oblState
	// keyed holds the obligations with a key; seen the ids of recent
	// events that could trigger one of them, so that an event naming an
	// id already seen is not retained for a trigger that cannot come (ids
	// are unique). See seenIDs: the set is bounded, and an id it has
	// forgotten only means an event kept that nothing will claim.
	keyed     []*oblState
	trigTypes map[string]bool // nil: any type may trigger a keyed obligation
	seen      seenIDs
	// wake is the earliest time at which advance has anything to do.
	wake time.Time
	// err is an expression error met while advance claimed a pending
	// event; observe and finish return it.
	err error
	// notGen lists triggered instances not generated because they would
	// fall due after their obligation's end (DirectionStatus.NotGenerated).
	notGen []NotGenerated
	// due orders the undischarged instances by deadline, for a monitor.
	due  dueHeap
	made int
	// today remembers the day dayOf last worked out; dueEnds the ends of
	// the days endOf last worked out.
	today   dayMemo
	dueEnds [16]dueEnd
}

// dueEnd is a day and its last instant in a direction's zone; set is
// false until endOf fills it.
type dueEnd struct {
	day civil.Date
	end time.Time
	set bool
}

// endOf is due.End(ds.d.Location), remembered for the days last asked
// about, one a day of the month modulo 16. Every triggered instance asks
// for its due date's end, and End reads the zone's rules three times
// (the next day's date, its midnight, and the check of it); the
// triggers of a day fall due on a few days (7, 10 or 14 days on, in the
// synthetic direction), each asked about again and again. The answer is
// End's for the same day and zone, whatever the order of the questions.
// TestEndOfAgreesWithEnd.
func (ds *dirState) endOf(due civil.Date) time.Time {
	m := &ds.dueEnds[due.Day%len(ds.dueEnds)]
	if !m.set || m.day != due {
		*m = dueEnd{day: due, end: due.End(ds.d.Location), set: true}
	}
	return m.end
}

// dayMemo is a day in a direction's zone and the instants on it, [from,
// to); an empty span when they were not worked out (see dayOf).
type dayMemo struct {
	from, to time.Time
	day      civil.Date
}

// dayOf is civil.In(t, ds.d.Location), remembered for the day last asked
// about. Events come in time order, and a duty event's day is wanted by
// the basis of the instance it triggers and by the words of the finding
// it discharges: a dozen events share a day, and each conversion reads
// the zone's rules. The day is remembered only when one UTC offset holds
// over the whole of it (no clock change falls on it), so that every
// instant in the span is on it; on other days every call converts. The
// offset is read at both ends of the day as well as the period ZoneBounds
// gives: with Go's embedded (slim) zone data, past a zone's last listed
// change, ZoneBounds gives the year's start and end for a period that a
// change of standard offset cut short. TestDayOfAgreesWithCivilIn holds
// it to civil.In, under the host's zone data and the embedded one;
// TestDayOfAClockGoingBackOverMidnight fails with neither guard.
func (ds *dirState) dayOf(t time.Time) civil.Date {
	m := &ds.today
	if !t.Before(m.from) && t.Before(m.to) {
		return m.day
	}
	loc := ds.d.Location
	d := civil.In(t, loc)
	*m = dayMemo{day: d}
	from, to := d.Start(loc), d.AddDays(1).Start(loc)
	if start, end := from.In(loc).ZoneBounds(); !start.After(from) && (end.IsZero() || !end.Before(to)) &&
		civil.In(from, loc) == d && from.Before(to) && sameOffset(from, to.Add(-1), loc) {
		m.from, m.to = from, to
	}
	return d
}

// sameOffset reports whether loc's offset from UTC is the same at a and b.
func sameOffset(a, b time.Time, loc *time.Location) bool {
	_, x := a.In(loc).Zone()
	_, y := b.In(loc).Zone()
	return x == y
}

// typeCase is what an event of one type may concern: obls, and for each
// whether an event of the type may satisfy it and may trigger or breach
// it (may), asked of the obligations' type guards once, when the
// direction is set up, instead of for every event and obligation. For a
// type no guard names (anyType) the type is not known then, may is nil,
// and mayFor asks the guards. TestTypeCaseAgreesWithTheGuards.
type typeCase struct {
	obls []*oblState
	may  []mayBy
}

type mayBy struct{ sat, trig bool }

// mayFor says whether an event of type t may satisfy, and may trigger or
// breach, c.obls[i]: o.MaySatisfy(t), o.MayTrigger(t).
func (c *typeCase) mayFor(i int, t string) mayBy {
	if c.may != nil {
		return c.may[i]
	}
	return mayOf(c.obls[i].o, t)
}

// mayOf asks o's type guards about events of type t.
func mayOf(o *obligation.Obligation, t string) mayBy {
	return mayBy{sat: o.MaySatisfy(t), trig: o.MayTrigger(t)}
}

// typeMemo is one remembered answer of caseOf.
type typeMemo struct {
	typ  string
	c    typeCase
	full bool
}

// caseOf returns what an event of type t may concern: ds.byType[t], or
// anyType for a type no guard names. Every event asks, and in a national
// history nine in ten are noise of a handful of types, so the answers are
// remembered in a small table indexed by the type's length. A hit costs
// one string comparison, which stops at the pointer when events share
// their type's bytes (the readers intern types; literals share theirs),
// instead of hashing t for the map; a miss costs the lookup it replaces.
// Measured at 10^6 events: 1.07x on BenchmarkEvaluate, 1.03x on a loaded
// history, medians of rounds that spread from 0.7x to 1.3x and 1.9x under
// load (docs/benchmarks.md, sixth pass). TestCaseOfAgreesWithTheMap
// holds it to the map.
func (ds *dirState) caseOf(t string) typeCase {
	m := &ds.lastCase[len(t)%len(ds.lastCase)]
	if m.full && m.typ == t {
		return m.c
	}
	c, known := ds.byType[t]
	if !known {
		c = ds.anyType
	}
	*m = typeMemo{typ: t, c: c, full: true}
	return c
}

// engine runs the directions of a set over one stream of events.
type engine struct {
	set    *direction.Set
	states []*dirState
	counts EventCounts
	// report receives each finding as soon as it is final (and, with
	// deadlines set, each missed deadline as it passes); see
	// dirState.report. slot, when set, gives the place to build the
	// finding in (Evaluate's store), so that it is written once.
	report func(ds *dirState, st *oblState, f *Finding)
	slot   func() *Finding
	f      Finding // where the finding is built when slot is nil
	// keep is set when the caller may reuse the events it passes: the
	// engine then copies the few it holds on to.
	keep bool
	// deadlines makes advance report missed deadlines as they pass.
	deadlines bool
	// blocks: findings' strings and references come from text and refs
	// (Evaluate only; see engine.str).
	blocks bool
	text   []byte
	refs   []EventRef
	insts  []instance
	// instBlocks are the blocks insts came from, spareInsts blocks to
	// take next (see scratch); traced: a Trace may keep instances.
	instBlocks, spareInsts [][]instance
	traced                 bool
}

// use records what an event did; rec is made only when the event is
// retained, since a later trigger may still change what it did.
type use struct {
	discharged, triggered, breached bool
	rec                             *useRec
	// blocked lists the replacing obligations the event may no longer
	// discharge: it discharged an instance of one they replace (chain.go).
	blocked []*oblState
	// kept is the event's copy with its attributes, bare without.
	kept, bare *event.Event
}

type useRec struct{ discharged, triggered, breached, granted, counted bool }

var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// newEngine makes the engine for set. trace is told the steps of the
// obligations only admits (every obligation when only is nil; see
// Options.traceOnly).
func newEngine(set *direction.Set, trace Trace, only func(dir, obl string) bool, report func(*dirState, *oblState, *Finding)) *engine {
	e := &engine{set: set, report: report}
	for i, d := range set.Directions {
		ds := newDirState(e, set, d, trace, only)
		ds.idx = i
		e.states = append(e.states, ds)
	}
	e.linkReplacements()
	return e
}

func newDirState(e *engine, set *direction.Set, d *direction.Direction, trace Trace, only func(dir, obl string) bool) *dirState {
	p := planFor(d)
	ds := &dirState{d: d, force: set.Force(d), vars: d.Vars(), eng: e, wake: farFuture,
		byType: make(map[string]typeCase, len(p.byType)), trigTypes: p.trigTypes, trace: trace}
	var open *keyIndex // made for the first keyed obligation
	useKeys := false   // some obligation keeps its key and filters
	for i, o := range d.Obligations {
		st := &oblState{o: o, idx: i, trigAttrs: p.trigAttrs[i], until: set.ObligationForce(d, o).Until, version: set.Version(d, o)}
		// A trace shows every event of a relevant type tested against
		// each instance, so a traced obligation uses neither key nor
		// filters; the others keep theirs.
		st.traced = trace != nil && (only == nil || only(d.ID, o.ID))
		if !st.traced {
			useKeys = true
			st.key, st.keySlot, st.sat, st.when = p.keys[i], p.keySlot[i], p.sat[i], p.when[i]
			st.satExact, st.whenExact = p.satExact[i], p.whenExact[i]
		}
		switch o.Kind {
		case obligation.Recurring:
			st.next = 1
			ds.recurring = append(ds.recurring, st)
		case obligation.Once:
			st.generate(ds, o.Schedule.On, ds.force.From, o.Schedule.OnSource, nil)
		}
		if st.key != "" {
			st.byKey = map[string][]retained{}
			if open == nil {
				open = &keyIndex{open: map[string]openSet{}}
			}
			st.open = open
			ds.keyed = append(ds.keyed, st)
		}
		ds.obls = append(ds.obls, st)
	}
	for t, idx := range p.byType {
		c := typeCase{}
		for _, i := range idx {
			c.obls = append(c.obls, ds.obls[i])
			c.may = append(c.may, mayOf(ds.obls[i].o, t))
		}
		ds.byType[t] = c
	}
	for _, i := range p.anyType {
		ds.anyType.obls = append(ds.anyType.obls, ds.obls[i])
	}
	if useKeys {
		ds.fields = newEventFields(p.fields)
	}
	ds.setWake(time.Time{})
	return ds
}

// hold returns a pointer to ev that stays valid after the call: ev itself,
// or a copy when the caller may reuse its events.
func (ds *dirState) hold(ev *event.Event, u *use) *event.Event {
	if !ds.eng.keep {
		return ev
	}
	if u.kept == nil {
		c := *ev
		c.Attrs = maps.Clone(ev.Attrs)
		u.kept = &c
	}
	return u.kept
}

// holdTrigger is hold for an event that becomes st's trigger. Once its
// instance exists, the trigger is read only for its id, type, time and
// position, unless st's discharge condition reads its attributes or the
// evaluation is traced; otherwise the copy leaves the attributes out. A
// stream keeps the trigger of every instance outstanding, and a map per
// trigger was most of the live heap the collector scanned.
func (ds *dirState) holdTrigger(st *oblState, ev *event.Event, u *use) *event.Event {
	if !ds.eng.keep || st.trigAttrs || st.traced || u.kept != nil {
		return ds.hold(ev, u)
	}
	if u.bare == nil {
		c := *ev
		c.Attrs = nil
		u.bare = &c
	}
	return u.bare
}

// generate creates the next instance, due on due, unless it falls due
// after the direction stopped being in force or a later direction revoked
// or replaced the obligation.
func (st *oblState) generate(ds *dirState, due civil.Date, opens time.Time, basis string, trigger *event.Event) *instance {
	dueAt := ds.endOf(due)
	if !st.until.IsZero() && !dueAt.Before(st.until) {
		return nil
	}
	st.made++
	ds.made++
	in := ds.eng.newInstance()
	*in = instance{seq: ds.made, Instance: obligation.Instance{
		Obligation: st.o, Number: st.made, Opens: opens, Due: due, DueAt: dueAt, Trigger: trigger, Basis: basis,
	}}
	if trigger != nil {
		in.trigDay = ds.dayOf(trigger.At)
	}
	st.outstanding = append(st.outstanding, in)
	if st.open != nil {
		st.open.put(trigger.ID, in)
	}
	// Extensions and waivers granted before the instance arose.
	waived := st.granted != nil && st.takeGranted(in)
	if ds.eng.deadlines && !waived {
		heap.Push(&ds.due, in)
		if _, at := in.deadline(); at.Add(1).Before(ds.wake) {
			ds.wake = at.Add(1)
		}
	}
	if st.traced {
		ds.traceCreated(in)
	}
	if waived {
		st.remove(in)
		ds.report(st, in, nil, opens)
	}
	return in
}

// advance opens the recurring instances whose windows have opened by t
// and, for a monitor, reports the deadlines that have passed by t.
func (ds *dirState) advance(t time.Time) {
	if t.Before(ds.wake) {
		return
	}
	for _, st := range ds.recurring {
		for st.next > 0 {
			k := st.next
			opens := ds.force.From
			if k > 1 {
				opens = st.lastDueAt
				if !t.After(opens) {
					break
				}
			} else if t.Before(opens) {
				break
			}
			s := st.o.Schedule
			if lim := s.Limit(); lim > 0 && k > lim {
				st.next = 0
				break
			}
			due, basis := st.o.DueDate(k)
			// A series ends at its until date, or past 31 Dec 9999,
			// beyond what a timestamp holds (docs/limits.md).
			if (!s.Until.IsZero() && due.After(s.Until)) || due.Year > 9999 {
				st.next = 0
				break
			}
			if real := civil.In(due.End(ds.d.Location), ds.d.Location); real != due {
				// A step onto a day the zone skipped (Samoa, 30 Dec 2011)
				// ends when that day would have, at the end of the day
				// before: the due date shown and counted from is that day.
				basis += fmt.Sprintf(", a day %s skipped, so due at the end of %s", ds.d.Location, real.Long())
				due = real
			}
			in := st.generate(ds, due, opens, basis, nil)
			if in == nil {
				st.next = 0
				break
			}
			st.lastDueAt, st.latest = in.DueAt, in
			st.next++
			if len(st.pending) > 0 {
				if err := st.claimPending(ds, in); err != nil && ds.err == nil {
					ds.err = err
				}
			}
		}
	}
	ds.setWake(t)
}

// setWake reports deadlines passed by t (monitor only) and works out when
// advance next has something to do.
func (ds *dirState) setWake(t time.Time) {
	wake := farFuture
	for _, st := range ds.recurring {
		switch {
		case st.next == 1:
			wake = minTime(wake, ds.force.From)
		case st.next > 1:
			wake = minTime(wake, st.lastDueAt.Add(1))
		}
	}
	if ds.eng.deadlines {
		for len(ds.due) > 0 {
			in := ds.due[0]
			if _, dueAt := in.deadline(); !in.done && !dueAt.Before(t) {
				wake = minTime(wake, dueAt.Add(1))
				break
			}
			heap.Pop(&ds.due)
			if !in.done {
				in.missed = true
				ds.report(ds.obls[ds.indexOf(in)], in, nil, t)
			}
		}
	}
	ds.wake = wake
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// observe applies one event to the direction's obligations. Events of a
// type no obligation's guard admits cost caseOf and nothing else.
func (ds *dirState) observe(ev *event.Event, u *use) error {
	if !ev.At.Before(ds.wake) {
		ds.advance(ev.At)
	}
	if ds.err != nil {
		return ds.err
	}
	if ev.At.Before(ds.force.From) {
		return nil
	}
	c := ds.caseOf(ev.Type)
	if len(c.obls) == 0 {
		return nil
	}
	ds.fields.next()
	for i, st := range c.obls {
		o := st.o
		may := c.mayFor(i, ev.Type)
		// ev is not before the direction's start (above); the obligation
		// is in force until its own end.
		inForce := st.until.IsZero() || ev.At.Before(st.until)
		if o.Kind == obligation.Prohibition {
			if !inForce || !may.trig || !st.when.pass(ev, &ds.fields) {
				continue
			}
			hit, err := st.matches(ds, ev)
			if err != nil {
				return err
			}
			if hit {
				st.made++
				in := &instance{Instance: obligation.Instance{Obligation: o, Number: st.made, Opens: ds.force.From, Trigger: ev}, trigDay: ds.dayOf(ev.At)}
				ds.report(st, in, nil, time.Time{})
				u.breached = true
			}
			continue
		}
		matched := false
		if may.sat && st.sat.pass(ev, &ds.fields) && !(st.pred && u.isBlocked(st)) {
			var err error
			if st.succ != nil && !ev.At.Before(st.succFrom) {
				matched, err = st.dischargeReplaced(ds, ev)
			} else {
				matched, err = st.discharge(ds, ev, u)
			}
			if err != nil {
				return err
			}
			if matched {
				u.discharged = true
				if st.succ != nil {
					u.block(st)
				}
			} else if o.Kind == obligation.Triggered && inForce {
				st.retain(ds, ev, u)
			}
		}
		if o.Kind == obligation.Triggered && inForce && may.trig && st.when.pass(ev, &ds.fields) {
			hit, err := st.matches(ds, ev)
			if err != nil {
				return err
			}
			if !hit {
				continue
			}
			due, err := o.DueFor(ds.vars, ev, ds.d.Location)
			if err != nil {
				return err
			}
			var buf [96]byte
			basis := ds.eng.str(appendTriggeredBasis(buf[:0], due, ev.ID, ds.dayOf(ev.At)))
			in := st.generate(ds, due, ds.force.From, basis, ds.holdTrigger(st, ev, u))
			if in == nil {
				ds.notGenerated(st, ev, due)
				continue
			}
			// Decided now, while the whole trigger is at hand (a stream
			// may keep less of it).
			if o.DeadlineAssumed != "" && o.AssumedFor(ds.vars, ev) == "" {
				in.dateGiven = true
			}
			u.triggered = true
			if err := st.claimRetained(ds, in); err != nil {
				return err
			}
		}
	}
	if len(ds.keyed) > 0 && (ds.trigTypes == nil || ds.trigTypes[ev.Type]) {
		// No later event has this id, so nothing filed under it can be
		// claimed any more.
		ds.seen.add(ev.ID)
		for _, st := range ds.keyed {
			if len(st.byKey) > 0 {
				delete(st.byKey, ev.ID)
			}
		}
	}
	return nil
}

// retain keeps ev for a triggered instance that may be created later.
func (st *oblState) retain(ds *dirState, ev *event.Event, u *use) {
	if st.key != "" {
		// Only a trigger whose id equals the key can be discharged by ev.
		k, ok := ds.fields.get(ev, st.keySlot, st.key)
		if !ok {
			return
		}
		if ds.seen.has(k) {
			return
		}
		if u.rec == nil {
			u.rec = &useRec{}
		}
		st.byKey[k] = append(st.byKey[k], retained{ds.hold(ev, u), u.rec})
		return
	}
	if u.rec == nil {
		u.rec = &useRec{}
	}
	st.retained = append(st.retained, retained{ds.hold(ev, u), u.rec})
}

// discharge gives ev to the instance the obligation's attribution picks:
// by default the oldest outstanding instance it satisfies.
func (st *oblState) discharge(ds *dirState, ev *event.Event, u *use) (bool, error) {
	if st.open != nil {
		// Keyed: only the instance whose trigger ev names can qualify.
		k, _ := ds.fields.get(ev, st.keySlot, st.key)
		in := st.open.get(k).find(st.o)
		if in == nil {
			return false, nil
		}
		ok, err := st.satisfies(ds, ev, in)
		if err != nil || !ok {
			return false, err
		}
		st.remove(in)
		ds.report(st, in, ev, time.Time{})
		return true, nil
	}
	a := &st.o.Attribution
	rule, v := a.RuleFor(ev)
	if rule == obligation.ByAttribute {
		return st.dischargeNamed(ds, ev, v, u)
	}
	if rule == obligation.Window {
		// An extension stretches its instance's window to the new
		// deadline (extend.go): an event there goes to it first.
		if st.extended {
			if ok, err := st.takeExtended(ds, ev); err != nil || ok {
				return ok, err
			}
		}
		// The instance whose window ev falls in is the last one opened;
		// when it is discharged already, ev counts for nothing here.
		in := st.latest
		if in == nil || in.done {
			return false, nil
		}
		return st.take(ds, ev, in, string(obligation.Window), false)
	}
	return st.takeOldest(ds, ev)
}

// takeOldest gives ev to the oldest outstanding instance it satisfies (the
// oldest-outstanding rule).
func (st *oblState) takeOldest(ds *dirState, ev *event.Event) (bool, error) {
	for _, in := range st.outstanding {
		if in.done {
			continue
		}
		if ok, err := st.take(ds, ev, in, "", false); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// take discharges in with ev if ev satisfies it, recording the rule that
// placed ev there.
func (st *oblState) take(ds *dirState, ev *event.Event, in *instance, rule string, retained bool) (bool, error) {
	ok, err := st.satisfies(ds, ev, in)
	if err != nil {
		return false, err
	}
	if st.traced {
		ds.traceTested(in, ev, ok, retained, rule)
	}
	if ok {
		in.placed = rule
		st.remove(in)
		ds.report(st, in, ev, time.Time{})
	}
	return ok, nil
}

// dischargeNamed gives ev to the instance whose due date ev's attribute
// value v names. An instance whose window has not opened yet is waited
// for (the event is held); one discharged already takes nothing more. A
// date after the obligation stopped falling due (the direction ended, or a
// later direction revoked or replaced it) is left to whatever replaced it.
func (st *oblState) dischargeNamed(ds *dirState, ev *event.Event, v any, u *use) (bool, error) {
	o, loc := st.o, ds.d.Location
	d, k, problem := namedInstance(o, o.Attribution.Attribute, v, loc)
	if problem == "" && !st.until.IsZero() && !d.End(loc).Before(st.until) {
		return false, nil
	}
	if st.pred && problem != "" && !d.IsZero() && d.Start(loc).Before(ds.force.From) {
		// A due date from before this direction: the obligation this one
		// replaces has it, or says it names nothing (chain.go).
		return false, nil
	}
	if problem != "" {
		// Only an event the obligation's condition accepts is its
		// concern: another obligation may take it.
		if st.latest == nil {
			return false, nil
		}
		if ok, err := st.satisfies(ds, ev, st.latest); err != nil || !ok {
			return false, err
		}
		return false, &obligation.EvalError{Obligation: o.ID, Clause: o.Clause, Expr: "attribution", Pos: o.Attribution.Pos,
			Event: ev.ID, EventPos: ev.Pos, Err: errors.New(problem)}
	}
	rule := o.Attribution.Name()
	if st.latest == nil || k > st.latest.Number {
		if st.pending == nil {
			st.pending = map[int][]retained{}
		}
		if u.rec == nil {
			u.rec = &useRec{}
		}
		st.pending[k] = append(st.pending[k], retained{ds.hold(ev, u), u.rec})
		return false, nil
	}
	for _, in := range st.outstanding {
		if !in.done && in.Number == k {
			return st.take(ds, ev, in, rule, false)
		}
	}
	return false, nil
}

// namedInstance reads an attribute value naming an instance's due date
// and returns the date and the instance's number, or says why the value
// names no instance of o. Such an event is an error rather than ignored:
// the history says something the model cannot place, and guessing would
// hide it.
func namedInstance(o *obligation.Obligation, attr string, v any, loc *time.Location) (civil.Date, int, string) {
	a := obligation.Attribution{Attribute: attr}
	s, ok := v.(string)
	if !ok {
		return civil.Date{}, 0, fmt.Sprintf("its %s attribute is %v, not the due date (YYYY-MM-DD) of the instance it is for", a.Attribute, v)
	}
	t, _, err := event.ParseTime(s, loc)
	if err != nil {
		return civil.Date{}, 0, fmt.Sprintf("its %s attribute %q is not a date (YYYY-MM-DD) naming the due date of the instance it is for", a.Attribute, s)
	}
	d := civil.In(t, loc)
	k, ok := o.InstanceDueOn(d)
	sch := o.Schedule
	exists := func(k int) bool {
		due, _ := o.DueDate(k)
		return k >= 1 && !due.IsZero() && (sch.Limit() == 0 || k <= sch.Limit()) && (sch.Until.IsZero() || !due.After(sch.Until))
	}
	if ok && exists(k) {
		return d, k, ""
	}
	var near []string
	if exists(k - 1) {
		prev, _ := o.DueDate(k - 1)
		near = append(near, "before it "+prev.Long())
	}
	if exists(k) {
		next, _ := o.DueDate(k)
		near = append(near, "after it "+next.Long())
	}
	hint := ""
	if len(near) > 0 {
		hint = " (the nearest due dates: " + strings.Join(near, ", ") + ")"
	}
	return d, 0, fmt.Sprintf("its %s attribute names %s, but no instance of clause %s is due that day%s; name the due date of the instance the event is for", a.Attribute, d.Long(), o.Clause, hint)
}

// claimPending lets a newly opened recurring instance take the first held
// event that names it and satisfies it.
func (st *oblState) claimPending(ds *dirState, in *instance) error {
	list := st.pending[in.Number]
	if list == nil {
		return nil
	}
	delete(st.pending, in.Number)
	if in.done {
		return nil // waived before it arose (extend.go): nothing to discharge
	}
	for _, r := range list {
		ok, err := st.take(ds, r.ev, in, st.o.Attribution.Name(), true)
		if err != nil {
			return err
		}
		if ok {
			ds.eng.claimed(r.u)
			return nil
		}
	}
	return nil
}

// satisfies tells whether ev discharges in. It is called only for events
// that passed st.sat and, for a keyed obligation, whose key names in's
// trigger; when those tests are the whole condition CEL is not needed.
func (st *oblState) satisfies(ds *dirState, ev *event.Event, in *instance) (bool, error) {
	if st.satExact {
		return true, nil
	}
	return st.o.Satisfies(ds.vars, ev, &in.Instance)
}

// matches tells whether ev triggers (or breaches) st's obligation; ev has
// passed st.when.
func (st *oblState) matches(ds *dirState, ev *event.Event) (bool, error) {
	if st.whenExact {
		return true, nil
	}
	return st.o.Matches(ds.vars, ev)
}

// remove marks in discharged. The outstanding list is compacted once half
// of it is discharged, so removal costs O(1) amortised and the list stays
// within twice the instances really outstanding.
func (st *oblState) remove(in *instance) {
	in.done = true
	st.ndone++
	if st.open != nil {
		st.open.drop(in.Trigger.ID, st.o)
	}
	if st.ndone > 8 && 2*st.ndone > len(st.outstanding) {
		live := st.outstanding[:0]
		for _, x := range st.outstanding {
			if !x.done {
				live = append(live, x)
			}
		}
		clear(st.outstanding[len(live):])
		st.outstanding, st.ndone = live, 0
	}
}

// claimRetained lets a new triggered instance take the earliest retained
// event that satisfies it: rule 4's "open from the start of the direction".
func (st *oblState) claimRetained(ds *dirState, in *instance) error {
	list := st.retained
	if st.key != "" {
		list = st.byKey[in.Trigger.ID]
	}
	for i, r := range list {
		ok, err := st.satisfies(ds, r.ev, in)
		if err != nil {
			return err
		}
		if st.traced {
			ds.traceTested(in, r.ev, ok, true, "")
		}
		if ok {
			ds.eng.claimed(r.u)
			list = append(list[:i:i], list[i+1:]...)
			if st.key != "" {
				st.byKey[in.Trigger.ID] = list
			} else {
				st.retained = list
			}
			st.remove(in)
			ds.report(st, in, r.ev, time.Time{})
			return nil
		}
	}
	return nil
}

// observe applies ev to every direction and counts what it did.
func (e *engine) observe(ev *event.Event) error {
	var u use
	granted := false
	if ev.Type == ExtensionEvent || ev.Type == WaiverEvent {
		if err := e.grant(ev); err != nil {
			return err
		}
		granted = true
	}
	for _, ds := range e.states {
		if err := ds.observe(ev, &u); err != nil {
			return err
		}
	}
	d, t, b := u.discharged, u.triggered, u.breached
	if r := u.rec; r != nil {
		r.discharged, r.triggered, r.breached = r.discharged || d, r.triggered || t, r.breached || b
		r.counted, r.granted = true, granted
		d, t, b = r.discharged, r.triggered, r.breached
	}
	if d || t || b || granted {
		e.counts.Used++
	} else {
		e.counts.Irrelevant++
	}
	e.counts.Discharged += b2i(d)
	e.counts.Triggered += b2i(t)
	e.counts.Breached += b2i(b)
	return nil
}

// claimed records that a retained event has discharged an instance after
// all, correcting the counts if the event was already counted.
func (e *engine) claimed(r *useRec) {
	if r.discharged {
		return
	}
	r.discharged = true
	if !r.counted {
		return
	}
	e.counts.Discharged++
	if !r.triggered && !r.breached && !r.granted {
		e.counts.Irrelevant--
		e.counts.Used++
	}
}

// finish reports every outstanding instance as of asOf (missed or open).
func (e *engine) finish(asOf time.Time) error {
	for _, ds := range e.states {
		deadlines := e.deadlines
		e.deadlines = false // the as-of findings below replace them
		ds.advance(asOf)
		e.deadlines = deadlines
		if ds.err != nil {
			return ds.err
		}
		for _, st := range ds.obls {
			for _, in := range st.outstanding {
				// A once instance exists from the start, but rule 5 reports
				// only the instances whose window has opened by asOf.
				if !in.done && !in.Opens.After(asOf) {
					ds.report(st, in, nil, asOf)
				}
			}
		}
	}
	return nil
}

// indexOf returns the position of in's obligation in the direction.
func (ds *dirState) indexOf(in *instance) int {
	for i, st := range ds.obls {
		if st.o == in.Obligation {
			return i
		}
	}
	panic("evaluator: instance of an obligation not in its direction")
}

// dueHeap orders instances by deadline, then by creation.
type dueHeap []*instance

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	_, a := h[i].deadline()
	_, b := h[j].deadline()
	if !a.Equal(b) {
		return a.Before(b)
	}
	return h[i].seq < h[j].seq
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(*instance)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

// keyIndex files the outstanding instances of a direction's keyed
// obligations by their trigger's id. One index serves them all: a
// response names one request, and each of the five obligations a
// response may discharge looked the request up in a map of its own, four
// of them in vain; now the first look-up is remembered (last) and the
// others are answered from it. Every change to the index sets it to the
// changed id's new entry (a response that discharges one instance then
// asks, for the next obligations, about the id it just dropped), so an
// answer is always the map's.
type keyIndex struct {
	open map[string]openSet
	// last is open[lastK] when lastOK.
	lastK  string
	last   openSet
	lastOK bool
}

// openSet holds the instances one trigger made outstanding, at most one
// an obligation: nearly always one in all, kept without a slice.
type openSet struct {
	first *instance
	more  []*instance
}

// get returns the instances outstanding under trigger id k.
func (x *keyIndex) get(k string) openSet {
	if !x.lastOK || x.lastK != k {
		x.lastK, x.last, x.lastOK = k, x.open[k], true
	}
	return x.last
}

// put files in under its trigger's id, in place of any instance of the
// same obligation filed there (ids are unique; a stream that repeats one
// keeps the later trigger's, as a map an obligation did).
func (x *keyIndex) put(id string, in *instance) {
	s := x.open[id]
	switch {
	case s.first == nil || s.first.Obligation == in.Obligation:
		s.first = in
	default:
		i := slices.IndexFunc(s.more, func(m *instance) bool { return m.Obligation == in.Obligation })
		if i < 0 {
			s.more = append(s.more, in)
		} else {
			s.more[i] = in
		}
	}
	x.open[id] = s
	x.remember(id, s)
}

// remember sets the last look-up to s, open[id] as it now is.
func (x *keyIndex) remember(id string, s openSet) { x.lastK, x.last, x.lastOK = id, s, true }

// drop removes o's instance filed under id. An instance is dropped when
// an event discharges it, just after get found it under the same id.
func (x *keyIndex) drop(id string, o *obligation.Obligation) {
	s := x.get(id)
	if s.first == nil {
		return
	}
	if s.first != nil && s.first.Obligation == o {
		s.first = nil
		if n := len(s.more); n > 0 {
			s.first, s.more = s.more[n-1], s.more[:n-1]
		}
	} else {
		s.more = slices.DeleteFunc(s.more, func(m *instance) bool { return m.Obligation == o })
	}
	if s.first == nil {
		delete(x.open, id)
	} else {
		x.open[id] = s
	}
	x.remember(id, s)
}

// find returns o's instance in s, or nil.
func (s openSet) find(o *obligation.Obligation) *instance {
	if s.first != nil && s.first.Obligation == o {
		return s.first
	}
	for _, in := range s.more {
		if in.Obligation == o {
			return in
		}
	}
	return nil
}
